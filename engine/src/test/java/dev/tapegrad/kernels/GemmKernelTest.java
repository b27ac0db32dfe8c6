package dev.tapegrad.kernels;

import static dev.tapegrad.kernels.KernelTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The packed SIMD GEMM against the scalar triple loop: all transpose combinations, sliced operands with
 * leading dimensions larger than their width, sizes off the tile grid and across cache blocks.
 */
class GemmKernelTest {

    /** One operand: a rows×cols matrix inside a larger array, row-major or column-major, with padding. */
    record Operand(Object data, int offset, int rowStride, int colStride) {}

    static Operand operand(SplittableRandom rnd, Type type, int rows, int cols, boolean transposed) {
        int pad = rnd.nextInt(3) == 0 ? rnd.nextInt(1, 5) : 0;
        int offset = rnd.nextInt(4);
        // row-major: rows of length cols+pad; "transposed" (column-major): columns of length rows+pad
        int ld = (transposed ? rows : cols) + pad;
        int outerCount = transposed ? cols : rows;
        Object data = newArray(type, offset + Math.max(ld * outerCount, 1) + 2);
        for (int i = 0; i < length(data); i++) ArrayElements.set(data, i, rnd.nextDouble(-1, 1));
        return transposed ? new Operand(data, offset, 1, ld) : new Operand(data, offset, ld, 1);
    }

    static void check(SplittableRandom rnd, Type type, int m, int n, int k, boolean ta, boolean tb, boolean accumulate) {
        Operand a = operand(rnd, type, m, k, ta), b = operand(rnd, type, k, n, tb);
        int ldc = Math.max(n, 1) + (rnd.nextBoolean() ? rnd.nextInt(1, 4) : 0), cOff = rnd.nextInt(3);
        Object c0 = newArray(type, cOff + m * ldc + 3);
        for (int i = 0; i < length(c0); i++) ArrayElements.set(c0, i, rnd.nextDouble(-1, 1));
        Object expected = newArray(type, length(c0)), got = newArray(type, length(c0));
        System.arraycopy(c0, 0, expected, 0, length(c0));
        System.arraycopy(c0, 0, got, 0, length(c0));
        ReferenceKernels.gemm(m, n, k, a.data(), a.offset(), a.rowStride(), a.colStride(),
                b.data(), b.offset(), b.rowStride(), b.colStride(), expected, cOff, ldc, accumulate);
        Gemm.gemm(dtypeOf(got), m, n, k, a.data(), a.offset(), a.rowStride(), a.colStride(),
                b.data(), b.offset(), b.rowStride(), b.colStride(), got, cOff, ldc, accumulate);
        String what = type + " m=" + m + " n=" + n + " k=" + k + " ta=" + ta + " tb=" + tb + " acc=" + accumulate;
        double eps = type == Type.FLOAT ? 0x1p-24 : 0x1p-53;
        double[] ad = asDoubles(a.data()), bd = asDoubles(b.data());
        for (int at = 0; at < length(c0); at++) {
            int rel = at - cOff, i = Math.floorDiv(rel, ldc), j = Math.floorMod(rel, ldc);
            double e = ArrayElements.get(expected, at), g = ArrayElements.get(got, at);
            if (rel < 0 || i >= m || j >= n) {
                assertEquals(ArrayElements.get(c0, at), g, 0.0, what + ": wrote outside C at " + at);
                continue;
            }
            // error of a reordered dot product: eps·√k·Σ|a·b| (plus the accumulated C)
            double scale = accumulate ? Math.abs(ArrayElements.get(c0, at)) : 0;
            for (int p = 0; p < k; p++) {
                scale += Math.abs(ad[a.offset() + i * a.rowStride() + p * a.colStride()]
                        * bd[b.offset() + p * b.rowStride() + j * b.colStride()]);
            }
            assertEquals(e, g, 4 * eps * (Math.sqrt(k) + 1) * scale + Double.MIN_NORMAL, what + " at C[" + i + "][" + j + "]");
        }
    }

    static double[] asDoubles(Object array) {
        double[] d = new double[length(array)];
        for (int i = 0; i < d.length; i++) d[i] = ArrayElements.get(array, i);
        return d;
    }

    @Test
    void smallAndEdgeSizesInAllLayouts() {
        SplittableRandom rnd = new SplittableRandom(21);
        int[] sizes = {0, 1, 2, 7, 8, 9, 15, 16, 17, 33};
        for (int trial = 0; trial < 200; trial++) {
            Type type = trial % 2 == 0 ? Type.FLOAT : Type.DOUBLE;
            int m = sizes[rnd.nextInt(sizes.length)], n = sizes[rnd.nextInt(sizes.length)], k = sizes[rnd.nextInt(sizes.length)];
            check(rnd, type, m, n, k, (trial & 2) != 0, (trial & 4) != 0, (trial & 8) != 0);
        }
    }

    @Test
    void sizesAcrossCacheBlocks() {
        SplittableRandom rnd = new SplittableRandom(22);
        for (Type type : new Type[] {Type.FLOAT, Type.DOUBLE}) {
            for (int combo = 0; combo < 4; combo++) {
                boolean ta = (combo & 1) != 0, tb = (combo & 2) != 0;
                check(rnd, type, 131, 19, 260, ta, tb, combo == 3);   // two KC slices, two MC blocks
                check(rnd, type, 2, 2100, 3, ta, tb, combo == 1);     // two NC column blocks (NC = 64·NR)
                check(rnd, type, 9, 37, 257, ta, tb, combo == 2);
                check(rnd, type, 70, 10, 300, ta, tb, combo == 0);    // skinny: computed as Cᵀ = BᵀAᵀ
                check(rnd, type, 1, 70, 300, ta, tb, combo == 1);     // row vector times matrix
                check(rnd, type, 70, 1, 300, ta, tb, combo == 3);     // matrix times column vector
            }
        }
    }

    /** Output heads and their backward products (the blocked dot-product path and its transpose), with tails in every axis. */
    @Test
    void skinnyShapesInAllLayouts() {
        SplittableRandom rnd = new SplittableRandom(23);
        int[][] shapes = {{37, 40, 10}, {37, 10, 40}, {40, 37, 10}, {10, 45, 37}, {5, 17, 3}, {16, 16, 16}, {3, 33, 2}};
        for (Type type : new Type[] {Type.FLOAT, Type.DOUBLE}) {
            for (int[] s : shapes) {
                for (int combo = 0; combo < 8; combo++) {
                    check(rnd, type, s[0], s[2], s[1], (combo & 1) != 0, (combo & 2) != 0, (combo & 4) != 0);
                }
            }
        }
    }

    @Test
    void zeroDepthClearsOrKeepsC() {
        float[] c = {1, 2, 3, 4};
        Gemm.gemm(dtypeOf(c), 2, 2, 0, new float[0], 0, 0, 1, new float[0], 0, 2, 1, c, 0, 2, true);
        assertArrayEquals(new float[] {1, 2, 3, 4}, c);
        Gemm.gemm(dtypeOf(c), 2, 2, 0, new float[0], 0, 0, 1, new float[0], 0, 2, 1, c, 0, 2, false);
        assertArrayEquals(new float[] {0, 0, 0, 0}, c);
    }

    @Test
    void knownProduct() {
        // [[1,2],[3,4]] · [[5,6],[7,8]] = [[19,22],[43,50]]; B given column-major
        double[] a = {1, 2, 3, 4}, b = {5, 7, 6, 8}, c = new double[4];
        Gemm.gemm(dtypeOf(c), 2, 2, 2, a, 0, 2, 1, b, 0, 1, 2, c, 0, 2, false);
        assertArrayEquals(new double[] {19, 22, 43, 50}, c);
    }
}
