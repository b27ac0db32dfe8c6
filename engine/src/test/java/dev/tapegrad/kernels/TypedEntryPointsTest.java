package dev.tapegrad.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.DType;
import org.junit.jupiter.api.Test;

/**
 * The kernels' entry points take the arrays' {@link DType} and dispatch once on it: every dtype reaches a
 * kernel (or, for the float-only kernels, a clear error), and arrays of another type than the one named fail
 * loudly instead of falling back to a slow path.
 */
class TypedEntryPointsTest {

    /** [1, 2, 3, 4] as an array of the dtype's storage type. */
    private static Object oneToFour(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> new float[] {1, 2, 3, 4};
            case FLOAT64 -> new double[] {1, 2, 3, 4};
            case INT32, BOOL -> new int[] {1, 2, 3, 4};
        };
    }

    private static Object zeros(DType dtype, int n) {
        return switch (dtype) {
            case FLOAT32 -> new float[n];
            case FLOAT64 -> new double[n];
            case INT32, BOOL -> new int[n];
        };
    }

    private static double[] values(Object array) {
        double[] v = new double[KernelTestSupport.length(array)];
        for (int i = 0; i < v.length; i++) v[i] = ArrayElements.get(array, i);
        return v;
    }

    @Test
    void everyDTypeReachesTheGeneralKernels() {
        for (DType dtype : DType.values()) {
            Object x = oneToFour(dtype);
            Strided s = new Strided(x, 0, new int[] {4}, new int[] {1});
            Object out = zeros(dtype, 4);
            Elementwise.binary(dtype, BinaryOp.ADD, s, s, out);
            assertArrayEquals(new double[] {2, 4, 6, 8}, values(out), dtype.toString());
            Object sum = zeros(dtype, 1);
            Reductions.reduce(dtype, ReduceOp.SUM, x, 0, 1, 4, 1, sum);
            assertArrayEquals(new double[] {10}, values(sum), dtype.toString());
            Object c = zeros(dtype, 4); // [[1, 2], [3, 4]]² = [[7, 10], [15, 22]]
            Gemm.gemm(dtype, 2, 2, 2, x, 0, 2, 1, x, 0, 2, 1, c, 0, 2, false);
            assertArrayEquals(new double[] {7, 10, 15, 22}, values(c), dtype.toString());
            Object copy = new double[4];
            Elementwise.copy(dtype, DType.FLOAT64, s, copy);
            assertArrayEquals(new double[] {1, 2, 3, 4}, values(copy), dtype.toString());
        }
    }

    @Test
    void floatOnlyKernelsRefuseIntegerDTypesByName() {
        for (DType dtype : new DType[] {DType.INT32, DType.BOOL}) {
            int[] x = {1, 2, 3, 4};
            var e = assertThrows(IllegalArgumentException.class,
                    () -> SoftmaxKernels.softmax(dtype, false, x, 0, 1, 4, 1, new int[4]));
            assertTrue(e.getMessage().contains("softmax") && e.getMessage().contains(dtype.toString()), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> NormKernels.forward(dtype, true, 1, 4, x, 0, null, null, 1e-5, new int[4], new int[1], new int[1]));
            assertTrue(e.getMessage().contains("norm") && e.getMessage().contains(dtype.toString()), e.getMessage());
        }
    }

    @Test
    void arraysOfAnotherTypeThanTheOneNamedFailLoudly() {
        double[] x = {1, 2};
        Strided s = new Strided(x, 0, new int[] {2}, new int[] {1});
        assertThrows(ClassCastException.class, () -> Elementwise.unary(DType.FLOAT32, UnaryOp.EXP, s, new float[2]));
        assertThrows(ClassCastException.class, () -> Gemm.gemm(DType.FLOAT32, 1, 1, 2, x, 0, 2, 1, x, 0, 1, 1, new double[1], 0, 1, false));
        assertThrows(NullPointerException.class, () -> Elementwise.unary(null, UnaryOp.EXP, s, new double[2]));
    }
}
