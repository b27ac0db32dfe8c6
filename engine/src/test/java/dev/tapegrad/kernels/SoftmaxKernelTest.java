package dev.tapegrad.kernels;

import static dev.tapegrad.kernels.KernelTestSupport.dtypeOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fused softmax-family kernels against scalar double-precision definitions written here, over row
 * lengths around the vector width (tails), strided rows (inner &gt; 1), offsets, both element types, and
 * bit-identical results for 1 and 2 threads.
 */
class SoftmaxKernelTest {
    private static final int[] LENGTHS = {1, 2, 3, 7, 15, 16, 17, 33, 100, 1023};

    // ---------------------------------------------------------------- scalar references, row (o, i) of [outer, n, inner]

    private static double[] row(double[] x, int off, int o, int i, int n, int inner) {
        double[] r = new double[n];
        for (int k = 0; k < n; k++) r[k] = x[off + (o * n + k) * inner + i];
        return r;
    }

    private static double logSumExp(double[] r) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : r) m = Math.max(m, v);
        double s = 0;
        for (double v : r) s += Math.exp(v - m);
        return m + Math.log(s);
    }

    /** The reference value of every kernel at element k of a row. */
    private static double softmaxRef(boolean log, double[] r, int k) {
        double lse = logSumExp(r);
        return log ? r[k] - lse : Math.exp(r[k] - lse);
    }

    private static double backwardRef(boolean log, double[] y, double[] g, int k) {
        double d = 0;
        for (int j = 0; j < y.length; j++) d += log ? g[j] : g[j] * y[j];
        return log ? g[k] - Math.exp(y[k]) * d : y[k] * (g[k] - d);
    }

    private static double crossEntropyRef(double[] r, int t, double eps) {
        double lse = logSumExp(r), uniform = 0;
        for (double v : r) uniform += lse - v;
        return (1 - eps) * (lse - r[t]) + eps / r.length * uniform;
    }

    private static double crossEntropyGradRef(double[] r, int t, double eps, double g, int k) {
        return g * (Math.exp(r[k] - logSumExp(r)) - eps / r.length - (k == t ? 1 - eps : 0));
    }

    // ---------------------------------------------------------------- helpers

    private static double[] random(SplittableRandom rnd, int size, double scale) {
        double[] a = new double[size];
        for (int i = 0; i < size; i++) a[i] = rnd.nextDouble(-scale, scale);
        return a;
    }

    private static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) f[i] = (float) a[i];
        return f;
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }

    private static void close(double expected, double actual, double tol, String what) {
        assertTrue(Math.abs(expected - actual) <= tol * (1 + Math.abs(expected)),
                what + ": expected " + expected + ", got " + actual);
    }

    /** Runs a check over (outer, n, inner) layouts and both element types; tol per type. */
    private interface Layout {
        void check(boolean single, int outer, int n, int inner, int off, SplittableRandom rnd);
    }

    private static void eachLayout(Layout c) {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int n : LENGTHS) {
            for (int[] oi : new int[][] {{1, 1}, {3, 1}, {2, 3}, {1, 5}}) {
                for (boolean single : new boolean[] {true, false}) c.check(single, oi[0], n, oi[1], n % 3, rnd);
            }
        }
    }

    // ---------------------------------------------------------------- tests

    @Test
    void softmaxAndLogSoftmaxMatchTheDefinition() {
        for (boolean log : new boolean[] {false, true}) {
            eachLayout((single, outer, n, inner, off, rnd) -> {
                double[] x = random(rnd, off + outer * n * inner, 30);
                double[] out = run(single, outer * n * inner, o -> SoftmaxKernels.softmax(dtypeOf(o), log, single ? toFloat(x) : x, off, outer, n, inner, o));
                double tol = single ? 2e-6 : 1e-13;
                for (int o = 0; o < outer; o++) {
                    for (int i = 0; i < inner; i++) {
                        double[] r = row(x, off, o, i, n, inner);
                        if (single) r = toDouble(toFloat(r));
                        for (int k = 0; k < n; k++) {
                            close(softmaxRef(log, r, k), out[(o * n + k) * inner + i], tol, (log ? "log" : "") + "softmax n=" + n);
                        }
                    }
                }
            });
        }
    }

    @Test
    void backwardMatchesTheDefinition() {
        for (boolean log : new boolean[] {false, true}) {
            eachLayout((single, outer, n, inner, off, rnd) -> {
                int size = outer * n * inner;
                double[] y = random(rnd, size, log ? 5 : 1), g = random(rnd, off + size, 2);
                double[] out = run(single, size, o -> SoftmaxKernels.softmaxBackward(dtypeOf(o), log, single ? toFloat(y) : y, 0,
                        single ? toFloat(g) : g, off, outer, n, inner, o));
                double tol = single ? 1e-4 : 1e-12; // sums of n terms of size ~1 (e^y up to e^5 for log-softmax)
                for (int o = 0; o < outer; o++) {
                    for (int i = 0; i < inner; i++) {
                        double[] ry = row(y, 0, o, i, n, inner), rg = row(g, off, o, i, n, inner);
                        if (single) {
                            ry = toDouble(toFloat(ry));
                            rg = toDouble(toFloat(rg));
                        }
                        for (int k = 0; k < n; k++) {
                            close(backwardRef(log, ry, rg, k), out[(o * n + k) * inner + i], tol * Math.sqrt(n), "backward n=" + n);
                        }
                    }
                }
            });
        }
    }

    @Test
    void crossEntropyAndItsGradientMatchTheDefinition() {
        for (double eps : new double[] {0.0, 0.1}) {
            eachLayout((single, outer, n, inner, off, rnd) -> {
                int rows = outer * inner;
                double[] z = random(rnd, off + outer * n * inner, 20), g = random(rnd, rows, 2);
                int[] t = new int[rows];
                for (int r = 0; r < rows; r++) t[r] = r % 4 == 3 ? -7 : rnd.nextInt(n); // every fourth ignored
                Object loss = single ? new float[rows] : new double[rows], lse = single ? new float[rows] : new double[rows];
                SoftmaxKernels.crossEntropy(dtypeOf(loss), single ? toFloat(z) : z, off, outer, n, inner, t, -7, eps, loss, lse);
                double[] grad = run(single, outer * n * inner, o -> SoftmaxKernels.crossEntropyBackward(dtypeOf(o), single ? toFloat(z) : z,
                        off, outer, n, inner, t, -7, eps, lse, single ? toFloat(g) : g, 0, 1, o));
                double[] l = loss instanceof float[] f ? toDouble(f) : (double[]) loss;
                double tol = single ? 1e-5 : 1e-12;
                for (int r = 0; r < rows; r++) {
                    int o = r / inner, i = r % inner;
                    double[] zr = row(z, off, o, i, n, inner);
                    if (single) zr = toDouble(toFloat(zr));
                    double gr = single ? (float) g[r] : g[r];
                    close(t[r] < 0 ? 0 : crossEntropyRef(zr, t[r], eps), l[r], tol * n, "crossEntropy n=" + n);
                    for (int k = 0; k < n; k++) {
                        double want = t[r] < 0 ? 0 : crossEntropyGradRef(zr, t[r], eps, gr, k);
                        close(want, grad[(o * n + k) * inner + i], tol, "crossEntropy gradient n=" + n);
                    }
                }
            });
        }
    }

    @Test
    void rowsOfAllMinusInfinityGiveNaNAndLargeLogitsStayFinite() {
        float[] out = new float[4];
        SoftmaxKernels.softmax(dtypeOf(out), false, new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e4f, -1e4f}, 0, 2, 2, 1, out);
        assertTrue(Float.isNaN(out[0]) && Float.isNaN(out[1]));
        assertArrayEquals(new float[] {1, 0}, new float[] {out[2], out[3]});
    }

    @Test
    void resultsAreTheSameForOneAndTwoThreads() {
        SplittableRandom rnd = new SplittableRandom(3);
        int outer = 300, n = 257, size = outer * n; // above the parallel threshold
        float[] x = toFloat(random(rnd, size, 10)), g = toFloat(random(rnd, size, 1));
        int[] t = new int[outer];
        for (int r = 0; r < outer; r++) t[r] = rnd.nextInt(n);
        int before = ParallelPool.threads();
        float[][][] results = new float[2][][];
        try {
            for (int threads = 1; threads <= 2; threads++) {
                ParallelPool.setThreads(threads);
                float[] s = new float[size], b = new float[size], loss = new float[outer], lse = new float[outer], zg = new float[size];
                SoftmaxKernels.softmax(dtypeOf(s), true, x, 0, outer, n, 1, s);
                SoftmaxKernels.softmaxBackward(dtypeOf(b), false, s, 0, g, 0, outer, n, 1, b);
                SoftmaxKernels.crossEntropy(dtypeOf(loss), x, 0, outer, n, 1, t, -1, 0.1, loss, lse);
                SoftmaxKernels.crossEntropyBackward(dtypeOf(zg), x, 0, outer, n, 1, t, -1, 0.1, lse, g, 0, 1, zg);
                results[threads - 1] = new float[][] {s, b, loss, zg};
            }
        } finally {
            ParallelPool.setThreads(before);
        }
        for (int k = 0; k < 4; k++) assertArrayEquals(results[0][k], results[1][k], "output " + k);
        assertEquals(results[0].length, 4);
    }

    /** Runs a kernel writing a fresh output of the given size in the test's element type, as doubles. */
    private static double[] run(boolean single, int size, java.util.function.Consumer<Object> kernel) {
        Object out = single ? new float[size] : new double[size];
        kernel.accept(out);
        return out instanceof float[] f ? toDouble(f) : (double[]) out;
    }
}
