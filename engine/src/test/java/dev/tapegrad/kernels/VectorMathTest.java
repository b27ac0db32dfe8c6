package dev.tapegrad.kernels;

import static dev.tapegrad.kernels.KernelTestSupport.dtypeOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The vectorised exp, tanh, log (the Vector API's, SVML-backed here) and what is built on them (sigmoid,
 * softplus, log-sigmoid) against the scalar definitions over their whole range: moderate values, magnitudes from subnormal to the largest
 * finite value, the edges where results overflow or turn subnormal, and NaN, ±∞, ±0.
 *
 * <p>Errors are measured in ulps of the reference (the double definition rounded to the element type; for
 * double, {@code Math} itself, which is within 1 ulp of exact). The bounds are the documented accuracy.
 */
class VectorMathTest {

    /** Largest allowed error in ulps: float, double. */
    private static double[] bound(UnaryOp op) {
        return switch (op) {
            case EXP, TANH, LOG -> new double[] {4, 4};
            case SIGMOID, SOFTPLUS, LOG_SIGMOID -> new double[] {8, 8};
            default -> throw new IllegalArgumentException(op.name());
        };
    }

    private static final UnaryOp[] OPS = {UnaryOp.EXP, UnaryOp.TANH, UnaryOp.LOG, UnaryOp.SIGMOID,
            UnaryOp.SOFTPLUS, UnaryOp.LOG_SIGMOID};

    /** Inputs covering the whole range, 1023 of them (not a multiple of a vector: the tail is tested too). */
    private static double[] inputs(long seed, boolean isFloat) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double max = isFloat ? Float.MAX_VALUE : Double.MAX_VALUE;
        double minSub = isFloat ? Float.MIN_VALUE : Double.MIN_VALUE;
        double[] edges = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0, max, -max,
                minSub, -minSub, 88.72, 88.73, 88.5, -87.3, -87.4, -103.9, -104.0, -110, 709.78, 709.79, -708.4,
                -745.1, -745.2, 1e-30, -1e-30, 1e-8, -1e-8, 0.3466, -0.3466, 9.0, -9.0, 19.5, -19.5, 1.0, 2.0};
        double[] x = new double[1023];
        for (int i = 0; i < x.length; i++) {
            if (i < edges.length) x[i] = edges[i];
            else if (i % 3 == 0) x[i] = rnd.nextDouble(-10, 10);
            else if (i % 3 == 1) x[i] = rnd.nextDouble(isFloat ? -110 : -750, isFloat ? 90 : 712);
            else x[i] = (rnd.nextBoolean() ? 1 : -1) * Math.exp(rnd.nextDouble(isFloat ? -103 : -744, isFloat ? 88 : 709));
            if (isFloat) x[i] = (float) x[i];
        }
        return x;
    }

    /** Error of got against ref in ulps of ref in the given precision; 0 when both are the same special. */
    private static double ulpError(double got, double ref, boolean isFloat) {
        if (Double.isNaN(ref) || Double.isNaN(got)) return Double.isNaN(ref) && Double.isNaN(got) ? 0 : Double.POSITIVE_INFINITY;
        if (Double.isInfinite(ref) || Double.isInfinite(got)) return got == ref ? 0 : Double.POSITIVE_INFINITY;
        double ulp = isFloat ? Math.ulp((float) ref) : Math.ulp(ref);
        return Math.abs(got - ref) / ulp;
    }

    @Test
    void everyFunctionWithinItsUlpBoundOverTheWholeRange() {
        for (boolean isFloat : new boolean[] {true, false}) {
            for (UnaryOp op : OPS) {
                for (long seed = 1; seed <= 4; seed++) {
                    double[] x = inputs(seed * 31 + op.ordinal(), isFloat);
                    Object in = isFloat ? toFloat(x) : x, out = isFloat ? new float[x.length] : new double[x.length];
                    Elementwise.unary(dtypeOf(out), op, new Strided(in, 0, new int[] {x.length}, new int[] {1}), out);
                    double worst = 0;
                    int at = -1;
                    for (int i = 0; i < x.length; i++) {
                        double ref = isFloat ? (float) op.apply(x[i]) : op.apply(x[i]);
                        double e = ulpError(ArrayElements.get(out, i), ref, isFloat);
                        if (e > worst) {
                            worst = e;
                            at = i;
                        }
                    }
                    double limit = bound(op)[isFloat ? 0 : 1];
                    String type = isFloat ? "float" : "double";
                    double atX = at < 0 ? 0 : x[at], max = worst;
                    assertTrue(max <= limit, () -> op + " " + type + ": " + max + " ulp at x = " + atX
                            + " (bound " + limit + ")");
                }
            }
        }
    }

    @Test
    void signedZerosAndSpecialsFollowMath() {
        float[] x = {0.0f, -0.0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        float[] out = new float[x.length];
        Strided s = new Strided(x, 0, new int[] {x.length}, new int[] {1});
        Elementwise.unary(dtypeOf(out), UnaryOp.TANH, s, out);
        assertEquals("[0.0, -0.0, NaN, 1.0, -1.0]", java.util.Arrays.toString(out));
        Elementwise.unary(dtypeOf(out), UnaryOp.EXP, s, out);
        assertEquals("[1.0, 1.0, NaN, Infinity, 0.0]", java.util.Arrays.toString(out));
        Elementwise.unary(dtypeOf(out), UnaryOp.LOG, s, out);
        assertEquals("[-Infinity, -Infinity, NaN, Infinity, NaN]", java.util.Arrays.toString(out));
    }

    private static float[] toFloat(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) f[i] = (float) x[i];
        return f;
    }
}
