package dev.tapegrad.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Generates {@code DoubleKernels.java} from the hand-written {@code FloatKernels.java} by replacing the
 * element type, and, inside {@code FloatKernels.java}, one loop method per op from the op table written
 * there in comments ({@code // unary EXP: v.lanewise(VectorOperators.EXP)}); checks that both are up to date.
 *
 * <p>Part of the default test run, so a hand edit of {@code DoubleKernels.java}, or a template change without
 * regeneration, fails the build. Regenerate every generated kernel file ({@code DoubleKernels.java}, the loops
 * inside {@code FloatKernels.java}, and the twins of {@link TwinTemplateTest}) with one command from the
 * repository's root:
 * <pre>
 * mvn -B -ntp test -pl engine -Dtest='KernelTemplateTest,TwinTemplateTest' -Dtapegrad.regenerate=true
 * </pre>
 * (or run this class's {@code main} from the {@code engine} directory).
 *
 * <p>Template conventions: float literals are written {@code 1.0f} (digits, a point, digits, {@code f});
 * the words {@code float}, {@code Float}, {@code FloatVector}, {@code FLOAT} (also inside names such as
 * {@code ErfTables.FLOAT_SMALL}) and {@code float32} are replaced; {@code FloatKernels.java} is not.
 */
class KernelTemplateTest {
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
        return "// GENERATED from FloatKernels.java by KernelTemplateTest (engine tests). Do not edit.\n" + s;
    }

    static String expected() throws IOException {
        return toDouble(withLoops(Files.readString(TEMPLATE)));
    }

    // ---------------------------------------------------------------- one loop method per op

    private static final Pattern ROW = Pattern.compile("(?m)^ *// (unary|binary|compare|reduce) (\\w+): (.+)$");
    private static final String BEGIN = "    // BEGIN GENERATED loops\n", END = "    // END GENERATED loops\n";

    /** The float template with the region between the BEGIN and END markers regenerated from its op table. */
    static String withLoops(String template) {
        int from = template.indexOf(BEGIN), to = template.indexOf(END);
        if (from < 0 || to < from) throw new IllegalStateException("FloatKernels.java lacks the generated-loops markers");
        StringBuilder unary = new StringBuilder(), binary = new StringBuilder(), compare = new StringBuilder();
        StringBuilder reduce = new StringBuilder();
        StringBuilder loops = new StringBuilder();
        Matcher m = ROW.matcher(template.substring(0, from));
        while (m.find()) {
            String op = m.group(2), name = camel(op), expr = m.group(3).strip();
            switch (m.group(1)) {
                case "unary" -> {
                    unary.append(CASE.formatted(op, name + "Row(x, xi, out, o, n)"));
                    loops.append(UNARY.replace("OP", op).replace("NAME", name).replace("EXPR", expr));
                }
                case "binary" -> {
                    binary.append(CASE.formatted(op, name + "Row(a, ai, sa, b, bi, sb, out, o, n)"));
                    loops.append(layouts(op, name + "Row", "float", expr + ".intoArray(out, o + j)",
                            "(float) BinaryOp.OP.apply(A, B)"));
                }
                case "compare" -> {
                    compare.append(CASE.formatted(op, name + "Test(a, ai, sa, b, bi, sb, out, o, n)"));
                    loops.append(layouts(op, name + "Test", "int", "IntVector.zero(MASK_INTS).blend(1, " + expr + ".cast(MASK_INTS)).intoArray(out, o + j)",
                            "CompareOp.OP.test(A, B) ? 1 : 0"));
                }
                default -> {
                    String[] parts = expr.split(", *");
                    reduce.append(CASE.formatted(op, name + "Run(src, at, length)"));
                    loops.append(REDUCE.replace("OP", op).replace("NAME", name)
                            .replace("COMBINE", parts[0]).replace("LANES", parts[1]));
                }
            }
        }
        String dispatch = DISPATCH.replace("UNARY", unary).replace("BINARY", binary).replace("COMPARE", compare).replace("REDUCE", reduce)
                .replace("COLUMNS", reduce.toString().replace("Run(src, at, length)", "Columns(src, at, length, inner, out, outAt)"));
        return template.substring(0, from + BEGIN.length()) + dispatch + loops + template.substring(to);
    }

    /** NEG to neg, LOG_SIGMOID to logSigmoid. */
    private static String camel(String op) {
        StringBuilder s = new StringBuilder();
        for (String word : op.toLowerCase(Locale.ROOT).split("_")) {
            s.append(s.isEmpty() ? word : Character.toUpperCase(word.charAt(0)) + word.substring(1));
        }
        return s.toString();
    }

    private static final String CASE = "            case %s -> %s;\n";

    private static final String DISPATCH = """

                /** out[o + j] = op(x[xi + j]) for j &lt; n, x contiguous. */
                private static void unaryRow(UnaryOp op, float[] x, int xi, float[] out, int o, int n) {
                    switch (op) {
            UNARY        }
                }

                /** out[o + j] = op(a[ai + j*sa], b[bi + j*sb]) for j &lt; n; vectorised when sa, sb ∈ {0, 1} and not both 0. */
                private static void binaryRow(BinaryOp op, float[] a, int ai, int sa, float[] b, int bi, int sb, float[] out, int o, int n) {
                    switch (op) {
            BINARY        }
                }

                /** out[o + j] = op(a[ai + j*sa], b[bi + j*sb]) ? 1 : 0 for j &lt; n; vectorised as {@link #binaryRow}. */
                private static void compareRow(CompareOp op, float[] a, int ai, int sa, float[] b, int bi, int sb, int[] out, int o, int n) {
                    switch (op) {
            COMPARE        }
                }

                /** op over src[at .. at+length-1]. */
                private static float reduceRun(ReduceOp op, float[] src, int at, int length) {
                    return switch (op) {
            REDUCE        };
                }

                /** out[outAt + i] = op over k of src[at + k*inner + i], for i &lt; inner. */
                private static void reduceColumns(ReduceOp op, float[] src, int at, int length, int inner, float[] out, int outAt) {
                    switch (op) {
            COLUMNS        }
                }
            """;

    private static final String UNARY = """

                /** OP: whole vectors, then one masked vector for the tail. */
                private static void NAMERow(float[] x, int xi, float[] out, int o, int n) {
                    int j = 0;
                    for (; j < S.loopBound(n); j += L) {
                        FloatVector v = FloatVector.fromArray(S, x, xi + j);
                        EXPR.intoArray(out, o + j);
                    }
                    if (j < n) {
                        VectorMask<Float> m = S.indexInRange(j, n);
                        FloatVector v = FloatVector.fromArray(S, x, xi + j, m);
                        EXPR.intoArray(out, o + j, m);
                    }
                }
            """;

    /**
     * A loop method over two operands with one vector loop per layout (choosing between a load and a
     * broadcast inside the loop would merge vector values, which makes the JIT box them); the tail and other
     * strides use the scalar definition {@code tail} of A and B.
     */
    private static String layouts(String op, String method, String outType, String store, String tail) {
        return LAYOUTS.replace("OUT", outType).replace("METHOD", method).replace("OP", op)
                .replace("TAIL", tail.replace("OP", op).replace("A, B", "as[ai + j * sa], bs[bi + j * sb]"))
                .replace("STORE", store);
    }

    private static final String LAYOUTS = """

                /** OP: a vector loop for each layout (both rows, a row and a scalar, a scalar and a row), the rest scalar. */
                private static void METHOD(float[] as, int ai, int sa, float[] bs, int bi, int sb, OUT[] out, int o, int n) {
                    int j = 0, end = S.loopBound(n);
                    if (sa == 1 && sb == 1) {
                        for (; j < end; j += L) {
                            FloatVector a = FloatVector.fromArray(S, as, ai + j), b = FloatVector.fromArray(S, bs, bi + j);
                            STORE;
                        }
                    } else if (sa == 1 && sb == 0) {
                        FloatVector b = FloatVector.broadcast(S, bs[bi]);
                        for (; j < end; j += L) {
                            FloatVector a = FloatVector.fromArray(S, as, ai + j);
                            STORE;
                        }
                    } else if (sa == 0 && sb == 1) {
                        FloatVector a = FloatVector.broadcast(S, as[ai]);
                        for (; j < end; j += L) {
                            FloatVector b = FloatVector.fromArray(S, bs, bi + j);
                            STORE;
                        }
                    }
                    for (; j < n; j++) out[o + j] = TAIL;
                }
            """;

    private static final String REDUCE = """

                /** OP over src[at .. at+length-1], with four independent vector accumulators. */
                private static float NAMERun(float[] src, int at, int length) {
                    FloatVector identity = FloatVector.broadcast(S, (float) ReduceOp.OP.identity());
                    FloatVector acc0 = identity, acc1 = identity, acc2 = identity, acc3 = identity;
                    int k = 0;
                    for (; k + 4 * L <= length; k += 4 * L) {
                        acc0 = acc0.COMBINE(FloatVector.fromArray(S, src, at + k));
                        acc1 = acc1.COMBINE(FloatVector.fromArray(S, src, at + k + L));
                        acc2 = acc2.COMBINE(FloatVector.fromArray(S, src, at + k + 2 * L));
                        acc3 = acc3.COMBINE(FloatVector.fromArray(S, src, at + k + 3 * L));
                    }
                    for (; k < length; k += L) {
                        VectorMask<Float> m = S.indexInRange(k, length);
                        acc0 = acc0.COMBINE(identity.blend(FloatVector.fromArray(S, src, at + k, m), m));
                    }
                    FloatVector v = acc0.COMBINE(acc1).COMBINE(acc2.COMBINE(acc3));
                    return LANES;
                }

                /** OP down each column: vectors run along the inner axis, each lane reduces its own column. */
                private static void NAMEColumns(float[] src, int at, int length, int inner, float[] out, int outAt) {
                    FloatVector identity = FloatVector.broadcast(S, (float) ReduceOp.OP.identity());
                    for (int i = 0; i < inner; i += L) {
                        VectorMask<Float> m = S.indexInRange(i, inner);
                        FloatVector acc = identity;
                        for (int k = 0; k < length; k++) acc = acc.COMBINE(FloatVector.fromArray(S, src, at + k * inner + i, m));
                        acc.intoArray(out, outAt + i, m);
                    }
                }
            """;

    @Test
    void loopsAreGeneratedFromTheOpTable() throws IOException {
        if (Boolean.getBoolean("tapegrad.regenerate")) Files.writeString(TEMPLATE, withLoops(Files.readString(TEMPLATE)));
        String template = Files.readString(TEMPLATE);
        assertEquals(withLoops(template), template,
                "the generated loops in FloatKernels.java are stale: regenerate them (see KernelTemplateTest)");
    }

    @Test
    void doubleKernelsAreGeneratedFromTheTemplate() throws IOException {
        if (Boolean.getBoolean("tapegrad.regenerate")) Files.writeString(GENERATED, expected());
        assertEquals(expected(), Files.readString(GENERATED),
                "DoubleKernels.java is stale: regenerate it from FloatKernels.java (see KernelTemplateTest)");
    }

    @Test
    void literalsAndTypesAreReplaced() {
        String out = toDouble("float[] x = {1.0f, 2.5e-3f}; FloatVector v; VectorSpecies<Float> s; ErfTables.FLOAT_XMAX;");
        assertEquals("double[] x = {1.0, 2.5e-3}; DoubleVector v; VectorSpecies<Double> s; ErfTables.DOUBLE_XMAX;",
                out.substring(out.indexOf('\n') + 1));
    }

    public static void main(String[] args) throws IOException {
        Files.writeString(TEMPLATE, withLoops(Files.readString(TEMPLATE)));
        Files.writeString(GENERATED, expected());
    }
}
