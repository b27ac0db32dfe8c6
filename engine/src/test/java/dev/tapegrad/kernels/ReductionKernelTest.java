package dev.tapegrad.kernels;

import static dev.tapegrad.kernels.KernelTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** SIMD reductions against the scalar definitions; argReduce and cumsum on hand-checked cases. */
class ReductionKernelTest {

    @Test
    void reduceMatchesReferenceOverRandomBlocks() {
        SplittableRandom rnd = new SplittableRandom(11);
        int[] lengths = {0, 1, 3, 15, 16, 17, 64, 65, 100, 1000};
        int[] inners = {1, 1, 2, 5, 16, 17, 40};
        for (int trial = 0; trial < 250; trial++) {
            Type type = trial % 2 == 0 ? Type.FLOAT : Type.DOUBLE;
            ReduceOp op = ReduceOp.values()[trial / 2 % ReduceOp.values().length];
            int outer = rnd.nextInt(1, 4), length = lengths[rnd.nextInt(lengths.length)];
            int inner = inners[rnd.nextInt(inners.length)];
            int offset = rnd.nextInt(3);
            Object src = newArray(type, offset + outer * length * inner);
            boolean nan = rnd.nextInt(6) == 0;
            for (int i = 0; i < length(src); i++) {
                // PROD needs factors near 1 to stay finite; a NaN now and then must propagate
                double v = op == ReduceOp.PROD ? rnd.nextDouble(0.5, 1.5) * (rnd.nextBoolean() ? 1 : -1) : rnd.nextDouble(-10, 10);
                ArrayElements.set(src, i, nan && rnd.nextInt(50) == 0 ? Double.NaN : v);
            }
            Object expected = newArray(type, outer * inner), got = newArray(type, outer * inner);
            ReferenceKernels.reduce(op, src, offset, outer, length, inner, expected);
            Reductions.reduce(dtypeOf(got), op, src, offset, outer, length, inner, got);
            String what = op + " " + type + " [" + outer + ", " + length + ", " + inner + "]";
            double eps = type == Type.FLOAT ? 0x1p-24 : 0x1p-53;
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < inner; i++) {
                    int at = o * inner + i;
                    double e = ArrayElements.get(expected, at), g = ArrayElements.get(got, at);
                    if (Double.isNaN(e) || op == ReduceOp.MAX || op == ReduceOp.MIN) {
                        assertEquals(e, g, 0.0, what + " at " + at); // exact, NaN included
                        continue;
                    }
                    // reordered sums: error bounded by eps·(terms)·Σ|terms|; products: eps·length·|result|
                    double scale = 0;
                    for (int k = 0; k < length; k++) scale += Math.abs(ArrayElements.get(src, offset + (o * length + k) * inner + i));
                    double tol = op == ReduceOp.SUM ? 4 * eps * Math.sqrt(length + 1) * scale + Double.MIN_NORMAL
                                                    : 2 * eps * (length + 1) * Math.abs(e);
                    assertEquals(e, g, tol, what + " at " + at);
                }
            }
        }
    }

    @Test
    void reduceOfNothingIsTheIdentity() {
        float[] out = new float[3];
        Reductions.reduce(dtypeOf(out), ReduceOp.MAX, new float[0], 0, 3, 0, 1, out);
        assertArrayEquals(new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}, out);
        double[] prod = new double[2];
        Reductions.reduce(dtypeOf(prod), ReduceOp.PROD, new double[0], 0, 1, 0, 2, prod);
        assertArrayEquals(new double[] {1, 1}, prod);
    }

    @Test
    void argReducePicksTheFirstExtremeAndTheFirstNaN() {
        // two columns (inner = 2): column 0 = [3, 7, 7, 1], column 1 = [2, NaN, 9, NaN]
        double[] src = {3, 2, 7, Double.NaN, 7, 9, 1, Double.NaN};
        int[] out = new int[2];
        Reductions.argReduce(true, src, 0, 1, 4, 2, out);
        assertArrayEquals(new int[] {1, 1}, out);
        Reductions.argReduce(false, src, 0, 1, 4, 2, out);
        assertArrayEquals(new int[] {3, 1}, out);
        float[] f = {5, -1, -1, 4};
        int[] one = new int[1];
        Reductions.argReduce(false, f, 0, 1, 4, 1, one);
        assertEquals(1, one[0]);
    }

    @Test
    void cumsumRunsBothWaysAlongTheMiddleAxis() {
        // [outer 1, length 3, inner 2]: columns [1, 2, 3] and [10, 20, 30]
        double[] src = {1, 10, 2, 20, 3, 30};
        double[] out = new double[6];
        Reductions.cumsum(false, src, 0, 1, 3, 2, out);
        assertArrayEquals(new double[] {1, 10, 3, 30, 6, 60}, out);
        Reductions.cumsum(true, src, 0, 1, 3, 2, out);
        assertArrayEquals(new double[] {6, 60, 5, 50, 3, 30}, out);
        float[] fout = new float[3];
        Reductions.cumsum(false, new float[] {9, 1, 2, 3}, 1, 1, 3, 1, fout);
        assertArrayEquals(new float[] {1, 3, 6}, fout);
    }
}
