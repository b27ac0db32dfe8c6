package dev.tapegrad.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Generates {@code GemmDouble.java} from the hand-written {@code GemmFloat.java} with the type replacement
 * of {@link KernelTemplate}, and checks that the checked-in file is up to date. Regenerate (from the
 * {@code engine} directory) with {@code -Dtapegrad.regenerate=true} or this class's {@code main}.
 */
class GemmTemplateTest {
    static final Path TEMPLATE = KernelTemplate.DIR.resolve("GemmFloat.java");
    static final Path GENERATED = KernelTemplate.DIR.resolve("GemmDouble.java");

    static String expected() throws IOException {
        String s = KernelTemplate.toDouble(Files.readString(TEMPLATE));
        s = s.substring(s.indexOf('\n') + 1).replaceAll("GemmFloat(?!\\.java)", "GemmDouble");
        return "// GENERATED from GemmFloat.java by GemmTemplateTest (engine tests). Do not edit.\n" + s;
    }

    @Test
    void gemmDoubleIsGeneratedFromTheTemplate() throws IOException {
        if (Boolean.getBoolean("tapegrad.regenerate")) Files.writeString(GENERATED, expected());
        assertEquals(expected(), Files.readString(GENERATED),
                "GemmDouble.java is stale: regenerate it from GemmFloat.java (see GemmTemplateTest)");
    }

    public static void main(String[] args) throws IOException {
        Files.writeString(GENERATED, expected());
    }
}
