package dev.tapegrad;

import static dev.tapegrad.ViewOpsTest.gradientOf;
import static dev.tapegrad.ViewOpsTest.iota;
import static dev.tapegrad.ViewOpsTest.randn;
import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LinalgOpsTest {
    private static final double TOL = 1e-6;

    /**
     * NumPy's matmul for operands of rank ≥ 2 by plain loops over output coordinates: batch coordinates are
     * aligned on the right, and a size-1 batch axis of an operand is read at 0.
     */
    private static double[] naive(Tensor a, Tensor b) {
        int ra = a.dim(), rb = b.dim();
        int m = a.size(-2), k = a.size(-1), n = b.size(-1);
        int[] batch = Shapes.broadcast("naive", Arrays.copyOf(a.shape(), ra - 2), Arrays.copyOf(b.shape(), rb - 2));
        int count = Shapes.numel(batch);
        double[] out = new double[count * m * n];
        int[] ia = new int[ra], ib = new int[rb];
        for (int bi = 0; bi < count; bi++) {
            // Batch coordinates of bi, projected onto each operand.
            for (int d = batch.length - 1, rest = bi; d >= 0; rest /= batch[d], d--) {
                int c = rest % batch[d];
                int da = d - (batch.length - (ra - 2)), db = d - (batch.length - (rb - 2));
                if (da >= 0) ia[da] = a.size(da) == 1 ? 0 : c;
                if (db >= 0) ib[db] = b.size(db) == 1 ? 0 : c;
            }
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        ia[ra - 2] = i;
                        ia[ra - 1] = p;
                        ib[rb - 2] = p;
                        ib[rb - 1] = j;
                        s += a.get(ia) * b.get(ib);
                    }
                    out[(bi * m + i) * n + j] = s;
                }
            }
        }
        return out;
    }

    private static void assertMatmul(Tensor a, Tensor b, int... expectedShape) {
        Tensor c = a.matmul(b);
        assertArrayEquals(expectedShape, c.shape(), "shape of " + Arrays.toString(a.shape()) + " · " + Arrays.toString(b.shape()));
        assertArrayEquals(naive(a, b), c.toDoubleArray(), 1e-12);
    }

    @Test
    void matrixTimesMatrixByHand() {
        Tensor a = Tensor.of(new double[][] {{1, 2}, {3, 4}, {5, 6}});
        Tensor b = Tensor.of(new double[][] {{1, 0, -1}, {2, 1, 0}});
        assertArrayEquals(new double[] {5, 2, -1, 11, 4, -3, 17, 6, -5}, a.matmul(b).toDoubleArray(), 0.0);
    }

    @Test
    void vectorOperandsArePromotedAndTheAxisRemoved() {
        Tensor v = Tensor.of(new double[] {1, 2, 3});
        Tensor dot = v.matmul(Tensor.of(new double[] {4, 5, 6}));
        assertArrayEquals(new int[0], dot.shape());
        assertEquals(32.0, dot.item(), 0.0);
        Tensor m = iota(3, 2);
        Tensor vm = v.matmul(m); // [3]·[3,2] → [2]
        assertArrayEquals(new int[] {2}, vm.shape());
        assertArrayEquals(new double[] {16, 22}, vm.toDoubleArray(), 0.0);
        Tensor mv = m.t().matmul(v); // [2,3]·[3] → [2]
        assertArrayEquals(new double[] {16, 22}, mv.toDoubleArray(), 0.0);
        Tensor batched = iota(4, 3, 2);
        assertArrayEquals(new int[] {4, 2}, v.matmul(batched).shape());
        assertArrayEquals(naive(v.unsqueeze(0), batched), v.matmul(batched).toDoubleArray(), 1e-12);
        assertArrayEquals(new int[] {4, 3}, batched.matmul(Tensor.of(new double[] {1, -1})).shape());
        assertArrayEquals(naive(batched, Tensor.of(new double[] {1, -1}).unsqueeze(1)),
                batched.matmul(Tensor.of(new double[] {1, -1})).toDoubleArray(), 1e-12);
    }

    @Test
    void batchAxesBroadcast() {
        assertMatmul(randn(1, 2, 1, 3, 4), randn(2, 5, 4, 2), 2, 5, 3, 2);
        assertMatmul(randn(3, 5, 3, 4), randn(4, 4, 2), 5, 3, 2);
        assertMatmul(randn(5, 3, 4), randn(6, 5, 4, 2), 5, 3, 2);
        assertMatmul(randn(7, 2, 1, 3, 4), randn(8, 1, 6, 4, 5), 2, 6, 3, 5);
        assertMatmul(randn(9, 2, 3), randn(10, 3, 1), 2, 1);
    }

    @Test
    void transposedSlicedAndExpandedOperandsAreReadInPlace() {
        Tensor base = randn(11, 6, 5);
        Tensor at = base.t(); // [5, 6], column-major
        Tensor bs = randn(12, 6, 8).slice(1, 1, 8, 2); // [6, 4], stride 2
        assertMatmul(at, bs, 5, 4);
        assertArrayEquals(at.contiguous().matmul(bs.contiguous()).toDoubleArray(), at.matmul(bs).toDoubleArray(), 1e-12);
        Tensor batchT = randn(13, 3, 4, 2).transpose(0, 2); // [2, 4, 3] with permuted strides
        assertMatmul(batchT, randn(14, 3, 5), 2, 4, 5);
        assertMatmul(randn(15, 1, 4, 3).expand(3, 4, 3), randn(16, 3, 3, 2).select(1, 1).unsqueeze(0).expand(2, 3, 3, 2)
                .slice(2, 0, 3), 2, 3, 4, 2);
    }

    @Test
    void emptyAxes() {
        Tensor zeroInner = Tensor.zeros(DType.FLOAT64, 2, 0).matmul(Tensor.zeros(DType.FLOAT64, 0, 3));
        assertArrayEquals(new int[] {2, 3}, zeroInner.shape());
        assertArrayEquals(new double[6], zeroInner.toDoubleArray(), 0.0);
        assertArrayEquals(new int[] {0, 3}, Tensor.zeros(DType.FLOAT64, 0, 2).matmul(iota(2, 3)).shape());
        assertArrayEquals(new int[] {0, 2, 3}, randn(1, 0, 2, 4).matmul(randn(2, 4, 3)).shape());
    }

    @Test
    void float32() {
        Tensor a = randn(17, 3, 4).to(DType.FLOAT32), b = randn(18, 4, 2).to(DType.FLOAT32);
        Tensor c = a.matmul(b);
        assertEquals(DType.FLOAT32, c.dtype());
        assertArrayEquals(naive(a, b), c.toDoubleArray(), 1e-5);
    }

    @Test
    void gradients() {
        int[][][] cases = {
            {{3, 4}, {4, 2}}, {{4}, {4}}, {{4}, {4, 3}}, {{3, 4}, {4}}, {{2, 1, 3, 4}, {5, 4, 2}},
            {{2, 3, 4}, {4}}, {{4}, {2, 4, 3}}, {{1, 3, 2}, {4, 2, 3}},
        };
        for (int[][] c : cases) {
            Tensor a = randn(20, c[0]), b = randn(21, c[1]);
            NumericGrad.check(x -> x.matmul(b), a, TOL);
            NumericGrad.check(y -> a.matmul(y), b, TOL);
        }
        NumericGrad.check(x -> x.matmul(x.transpose(-1, -2)), randn(22, 2, 3, 4), TOL);
        // Transposed and sliced operands carry gradients back through their views.
        Tensor b = randn(23, 5, 3);
        NumericGrad.check(x -> x.t().matmul(b.slice(0, 0, 5, 2)), randn(24, 3, 4), TOL);
    }

    @Test
    void broadcastOperandGradientIsSummedOverTheBatch() {
        Tensor w = Tensor.ones(DType.FLOAT64, 2, 2).requiresGrad(true);
        Tensor x = Tensor.ones(DType.FLOAT64, 3, 4, 2);
        x.matmul(w).sum().backward();
        assertArrayEquals(new int[] {2, 2}, w.grad().shape());
        assertArrayEquals(new double[] {12, 12, 12, 12}, w.grad().toDoubleArray(), 0.0); // 3 batches × 4 rows
    }

    @Test
    void secondOrder() {
        Tensor b = randn(25, 4, 3);
        NumericGrad.check(gradientOf(a -> a.matmul(b).square().sum()), randn(26, 2, 4), TOL);
        NumericGrad.check(gradientOf(a -> a.matmul(a.t()).pow(3).sum()), randn(27, 3, 3), TOL);
    }

    @Test
    void errorsNameTheShapes() {
        Tensor a = randn(1, 2, 3), b = randn(2, 4, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.matmul(b));
        assertTrue(e.getMessage().contains("matmul") && e.getMessage().contains("[2, 3]")
                && e.getMessage().contains("[4, 5]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> randn(3, 3).matmul(randn(4, 2)));
        assertTrue(e.getMessage().contains("[3]") && e.getMessage().contains("[2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> randn(1, 2, 3, 4).matmul(randn(1, 3, 4, 2)));
        assertTrue(e.getMessage().contains("[2, 3, 4]") && e.getMessage().contains("[3, 4, 2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> a.matmul(randn(1, 3, 2).to(DType.FLOAT32)));
        assertTrue(e.getMessage().contains("float32") && e.getMessage().contains("float64"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.arange(3).matmul(Tensor.arange(3)));
        assertTrue(e.getMessage().contains("matmul") && e.getMessage().contains("int32"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.scalar(2, DType.FLOAT64).matmul(randn(1, 2)));
        assertTrue(e.getMessage().contains("at least one axis"), e.getMessage());
    }
}
