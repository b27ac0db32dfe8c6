package dev.tapegrad.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Generates {@code SoftmaxDouble.java} from the hand-written {@code SoftmaxFloat.java} with the type replacement
 * of {@link KernelTemplate}, and checks that the checked-in file is up to date. Regenerate (from the
 * {@code engine} directory) with {@code -Dtapegrad.regenerate=true} or this class's {@code main}.
 */
class SoftmaxTemplateTest {
    static final Path TEMPLATE = KernelTemplate.DIR.resolve("SoftmaxFloat.java");
    static final Path GENERATED = KernelTemplate.DIR.resolve("SoftmaxDouble.java");

    static String expected() throws IOException {
        String s = KernelTemplate.toDouble(Files.readString(TEMPLATE));
        s = s.substring(s.indexOf('\n') + 1).replaceAll("SoftmaxFloat(?!\\.java)", "SoftmaxDouble");
        return "// GENERATED from SoftmaxFloat.java by SoftmaxTemplateTest (engine tests). Do not edit.\n" + s;
    }

    @Test
    void softmaxDoubleIsGeneratedFromTheTemplate() throws IOException {
        if (Boolean.getBoolean("tapegrad.regenerate")) Files.writeString(GENERATED, expected());
        assertEquals(expected(), Files.readString(GENERATED),
                "SoftmaxDouble.java is stale: regenerate it from SoftmaxFloat.java (see SoftmaxTemplateTest)");
    }

    public static void main(String[] args) throws IOException {
        Files.writeString(GENERATED, expected());
    }
}
