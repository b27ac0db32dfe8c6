package dev.tapegrad.kernels;

import static dev.tapegrad.kernels.KernelTestSupport.dtypeOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The SIMD norm kernels ({@link NormFloat}, NormDouble) against their scalar references (sums in double),
 * for row lengths around the vector width (tails), an input offset, with and without weight and bias,
 * several chunks of rows, and the same bits for 1 and 2 threads.
 */
class NormKernelTest {
    static final int[] LENGTHS = {1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 64, 100, 513};

    /** One random problem, in float or double arrays, and both kernels' results. */
    private record Case(boolean isFloat, boolean centre, int rows, int n, int off, Object x, Object g, Object w, Object b) {
        static Case random(SplittableRandom rnd, boolean isFloat, boolean centre, int rows, int n, boolean affine) {
            int off = rnd.nextInt(5);
            Object x = array(isFloat, off + rows * n), g = array(isFloat, off + rows * n);
            for (int i = 0; i < off + rows * n; i++) {
                ArrayElements.set(x, i, rnd.nextDouble(-3, 3) + (i / Math.max(n, 1)) % 7); // rows with different means
                ArrayElements.set(g, i, rnd.nextDouble(-2, 2));
            }
            Object w = null, b = null;
            if (affine) {
                w = array(isFloat, n);
                b = array(isFloat, n);
                for (int j = 0; j < n; j++) {
                    ArrayElements.set(w, j, rnd.nextDouble(0.5, 1.5));
                    ArrayElements.set(b, j, rnd.nextDouble(-1, 1));
                }
            }
            return new Case(isFloat, centre, rows, n, off, x, g, w, b);
        }

        /** out, mean, rstd, dx, dw, db from the SIMD kernels ({@code fast}) or the scalar references. */
        Object[] run(boolean fast) {
            Object out = array(isFloat, rows * n), mean = array(isFloat, rows), rstd = array(isFloat, rows);
            Object dx = array(isFloat, rows * n), dw = array(isFloat, n), db = array(isFloat, n);
            if (fast) {
                NormKernels.forward(dtypeOf(x), centre, rows, n, x, off, w, b, 1e-5, out, mean, rstd);
                NormKernels.backward(dtypeOf(x), centre, rows, n, x, off, g, off, w, mean, rstd, dx, dw, db);
            } else if (isFloat) {
                float[] m = (float[]) mean, r = (float[]) rstd;
                NormFloat.forwardScalar(centre, rows, n, (float[]) x, off, (float[]) w, (float[]) b, 1e-5, (float[]) out, m, r);
                NormFloat.backwardScalar(centre, rows, n, (float[]) x, off, (float[]) g, off, (float[]) w, m, r,
                        (float[]) dx, (float[]) dw, (float[]) db);
            } else {
                double[] m = (double[]) mean, r = (double[]) rstd;
                NormDouble.forwardScalar(centre, rows, n, (double[]) x, off, (double[]) w, (double[]) b, 1e-5, (double[]) out, m, r);
                NormDouble.backwardScalar(centre, rows, n, (double[]) x, off, (double[]) g, off, (double[]) w, m, r,
                        (double[]) dx, (double[]) dw, (double[]) db);
            }
            return new Object[] {out, mean, rstd, dx, dw, db};
        }
    }

    private static Object array(boolean isFloat, int n) {
        return isFloat ? new float[n] : new double[n];
    }

    /** |fast − ref| ≤ tol·(1 + max|ref|) elementwise, with tol a few hundred ulps of 1 in the type. */
    private static void assertClose(String what, Object ref, Object fast, boolean isFloat) {
        double tol = isFloat ? 2e-5 : 1e-13, scale = 1;
        int len = KernelTestSupport.length(ref);
        for (int i = 0; i < len; i++) scale = Math.max(scale, Math.abs(ArrayElements.get(ref, i)));
        for (int i = 0; i < len; i++) {
            double r = ArrayElements.get(ref, i), f = ArrayElements.get(fast, i);
            assertTrue(Math.abs(r - f) <= tol * scale, what + "[" + i + "]: reference " + r + ", kernel " + f);
        }
    }

    private static final String[] NAMES = {"out", "mean", "rstd", "dx", "dw", "db"};

    @Test
    void kernelsMatchTheScalarReferences() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (boolean isFloat : new boolean[] {true, false}) {
            for (boolean centre : new boolean[] {true, false}) {
                for (int n : LENGTHS) {
                    for (int rows : new int[] {1, 3, 40}) {
                        Case c = Case.random(rnd, isFloat, centre, rows, n, (n + rows) % 2 == 0);
                        Object[] ref = c.run(false), fast = c.run(true);
                        for (int k = 0; k < ref.length; k++) {
                            if (!centre && k == 1) continue; // RMS norm stores no mean
                            assertClose((isFloat ? "float " : "double ") + (centre ? "layer " : "rms ") + NAMES[k]
                                    + " rows=" + rows + " n=" + n, ref[k], fast[k], isFloat);
                        }
                    }
                }
            }
        }
    }

    @Test
    void manyChunksMatchTheReferenceAndGiveTheSameBitsForOneAndTwoThreads() {
        int before = ParallelPool.threads();
        try {
            for (boolean isFloat : new boolean[] {true, false}) {
                int n = 33, rows = 3 * NormFloat.chunkRows(n) + 5; // four chunks, the last one short
                Case c = Case.random(new SplittableRandom(3), isFloat, true, rows, n, true);
                ParallelPool.setThreads(1);
                Object[] one = c.run(true);
                ParallelPool.setThreads(2);
                Object[] two = c.run(true);
                Object[] ref = c.run(false);
                for (int k = 0; k < one.length; k++) {
                    if (isFloat) assertArrayEquals((float[]) one[k], (float[]) two[k], NAMES[k]);
                    else assertArrayEquals((double[]) one[k], (double[]) two[k], NAMES[k]);
                    assertClose(NAMES[k], ref[k], one[k], isFloat);
                }
            }
        } finally {
            ParallelPool.setThreads(before);
        }
    }

    @Test
    void aConstantRowNormalisesToTheBias() {
        float[] x = {2, 2, 2, 2, 2}, b = {1, 2, 3, 4, 5}, out = new float[5], mean = new float[1], rstd = new float[1];
        NormKernels.forward(dtypeOf(x), true, 1, 5, x, 0, null, b, 1e-5, out, mean, rstd);
        assertArrayEquals(b, out);
        assertEquals(2f, mean[0]);
        assertEquals((float) (1 / Math.sqrt(1e-5)), rstd[0], 1e-2f);
    }
}
