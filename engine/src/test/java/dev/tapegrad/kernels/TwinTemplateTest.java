package dev.tapegrad.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Generates the double twin {@code XDouble.java} of each hand-written float kernel template {@code XFloat.java}
 * (GEMM, fused norms, fused softmax) with the type replacement of {@link KernelTemplateTest}, and checks that the
 * checked-in twins are up to date. ({@code DoubleKernels.java} has its own generator, {@link KernelTemplateTest},
 * because it also expands the op table.) Regenerate with the one command in {@link KernelTemplateTest} (or
 * this class's {@code main}, from the {@code engine} directory).
 */
class TwinTemplateTest {
    /** The kernel families written as a float template with a generated double twin. */
    static final String[] FAMILIES = {"Gemm", "Norm", "Softmax"};

    static Path template(String family) {
        return KernelTemplateTest.DIR.resolve(family + "Float.java");
    }

    static Path generated(String family) {
        return KernelTemplateTest.DIR.resolve(family + "Double.java");
    }

    static String expected(String family) throws IOException {
        String s = KernelTemplateTest.toDouble(Files.readString(template(family)));
        s = s.substring(s.indexOf('\n') + 1).replaceAll(family + "Float(?!\\.java)", family + "Double");
        return "// GENERATED from " + family + "Float.java by TwinTemplateTest (engine tests). Do not edit.\n" + s;
    }

    @ParameterizedTest
    @ValueSource(strings = {"Gemm", "Norm", "Softmax"})
    void doubleTwinIsGeneratedFromTheFloatTemplate(String family) throws IOException {
        if (Boolean.getBoolean("tapegrad.regenerate")) Files.writeString(generated(family), expected(family));
        assertEquals(expected(family), Files.readString(generated(family)), family + "Double.java is stale: regenerate it from "
                + family + "Float.java (see TwinTemplateTest)");
    }

    public static void main(String[] args) throws IOException {
        for (String family : FAMILIES) Files.writeString(generated(family), expected(family));
    }
}
