package dev.tapegrad.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Generates {@code DoubleKernels.java} from the hand-written {@code FloatKernels.java} by replacing the
 * element type, and checks that the checked-in file is up to date.
 *
 * <p>Regenerate (from the {@code engine} directory) by running this class's {@code main}, or the test with
 * {@code -Dtapegrad.regenerate=true}.
 *
 * <p>Template conventions: float literals are written {@code 1.0f} (digits, a point, digits, {@code f});
 * the words {@code float}, {@code Float}, {@code FloatVector}, {@code FLOAT} (also inside names such as
 * {@code ErfTables.FLOAT_SMALL}) and {@code float32} are replaced; {@code FloatKernels.java} is not.
 */
class KernelTemplate {
    static final Path DIR = Path.of("src/main/java/dev/tapegrad/kernels");
    static final Path TEMPLATE = DIR.resolve("FloatKernels.java");
    static final Path GENERATED = DIR.resolve("DoubleKernels.java");

    /** The double source for a float template. */
    static String toDouble(String floatSource) {
        String s = floatSource
                .replaceAll("FloatKernels(?!\\.java)", "DoubleKernels")
                .replace("FloatVector", "DoubleVector")
                .replace("FLOAT", "DOUBLE")
                .replace("float32", "float64")
                .replaceAll("\\bFloat\\b", "Double")
                .replaceAll("\\bfloat\\b", "double")
                .replaceAll("\\b(\\d+\\.\\d+(?:[eE][-+]?\\d+)?)f\\b", "$1");
        return "// GENERATED from FloatKernels.java by KernelTemplate (engine tests). Do not edit.\n" + s;
    }

    static String expected() throws IOException {
        return toDouble(Files.readString(TEMPLATE));
    }

    @Test
    void doubleKernelsAreGeneratedFromTheTemplate() throws IOException {
        if (Boolean.getBoolean("tapegrad.regenerate")) Files.writeString(GENERATED, expected());
        assertEquals(expected(), Files.readString(GENERATED),
                "DoubleKernels.java is stale: regenerate it from FloatKernels.java (see KernelTemplate)");
    }

    @Test
    void literalsAndTypesAreReplaced() {
        String out = toDouble("float[] x = {1.0f, 2.5e-3f}; FloatVector v; VectorSpecies<Float> s; ErfTables.FLOAT_XMAX;");
        assertEquals("double[] x = {1.0, 2.5e-3}; DoubleVector v; VectorSpecies<Double> s; ErfTables.DOUBLE_XMAX;",
                out.substring(out.indexOf('\n') + 1));
    }

    public static void main(String[] args) throws IOException {
        Files.writeString(GENERATED, expected());
    }
}
