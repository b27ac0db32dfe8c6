package dev.tapegrad.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Generates {@code NormDouble.java} from the hand-written {@code NormFloat.java} with the type replacement
 * of {@link KernelTemplate}, and checks that the checked-in file is up to date. Regenerate (from the
 * {@code engine} directory) with {@code -Dtapegrad.regenerate=true} or this class's {@code main}.
 */
class NormTemplateTest {
    static final Path TEMPLATE = KernelTemplate.DIR.resolve("NormFloat.java");
    static final Path GENERATED = KernelTemplate.DIR.resolve("NormDouble.java");

    static String expected() throws IOException {
        String s = KernelTemplate.toDouble(Files.readString(TEMPLATE));
        s = s.substring(s.indexOf('\n') + 1).replaceAll("NormFloat(?!\\.java)", "NormDouble");
        return "// GENERATED from NormFloat.java by NormTemplateTest (engine tests). Do not edit.\n" + s;
    }

    @Test
    void normDoubleIsGeneratedFromTheTemplate() throws IOException {
        if (Boolean.getBoolean("tapegrad.regenerate")) Files.writeString(GENERATED, expected());
        assertEquals(expected(), Files.readString(GENERATED),
                "NormDouble.java is stale: regenerate it from NormFloat.java (see NormTemplateTest)");
    }

    public static void main(String[] args) throws IOException {
        Files.writeString(GENERATED, expected());
    }
}
