package dev.tapegrad;

import static org.junit.jupiter.api.Assertions.*;

import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ReduceOpsTest {
    private static final double INF = Double.POSITIVE_INFINITY;

    /** A [rows, cols] float64 matrix with the given values in row-major order. */
    private static Tensor m(int rows, int cols, double... values) {
        return Tensor.of(values, rows, cols);
    }

    private static void assertShape(Tensor t, int... shape) {
        assertArrayEquals(shape, t.shape());
    }

    /** The gradient of a scalar function at x (float64). */
    static double[] grad(Function<Tensor, Tensor> f, Tensor x) {
        return Autograd.grad(f, x).toDoubleArray();
    }

    /** The full Hessian of a scalar function, one column per {@link Autograd#hvp} with a basis vector. */
    static double[][] hessian(Function<Tensor, Tensor> f, Tensor x) {
        int n = x.numel();
        double[][] h = new double[n][];
        for (int k = 0; k < n; k++) {
            double[] e = new double[n];
            e[k] = 1;
            h[k] = Autograd.hvp(f, x, Tensor.of(e, x.shape())).toDoubleArray();
        }
        return h;
    }

    /** (∇f(x + εv) − ∇f(x − εv))/2ε: a Hessian-vector product from first derivatives only. */
    static double[] finiteDifferenceHvp(Function<Tensor, Tensor> f, Tensor x, Tensor v) {
        double eps = 1e-5;
        double[] plus = grad(f, x.add(v.mul(eps))), minus = grad(f, x.sub(v.mul(eps)));
        double[] out = new double[plus.length];
        for (int i = 0; i < out.length; i++) out[i] = (plus[i] - minus[i]) / (2 * eps);
        return out;
    }

    private static Tensor randn(int seed, int... shape) {
        return Tensor.randn(new Generator(seed), DType.FLOAT64, shape);
    }

    // ------------------------------------------------------------------ axes, errors, dtypes

    @Test
    void badAxisErrorsNameTheOpAndTheShape() {
        Tensor x = randn(1, 2, 3);
        for (var op : new java.util.LinkedHashMap<String, Runnable>() {{
            put("sum", () -> x.sum(2));
            put("prod", () -> x.prod(-3));
            put("max", () -> x.max(new int[] {5}, true));
            put("argmax", () -> x.argmax(2, false));
            put("var", () -> x.var(new int[] {3}, 1, false));
            put("logsumexp", () -> x.logsumexp(-4));
            put("norm", () -> x.norm(2, new int[] {2}, false));
            put("cumsum", () -> x.cumsum(2));
            put("softmax", () -> x.softmax(2));
            put("logSoftmax", () -> x.logSoftmax(-3));
        }}.entrySet()) {
            var e = assertThrows(IllegalArgumentException.class, op.getValue()::run, op.getKey());
            assertTrue(e.getMessage().startsWith(op.getKey() + ":"), e.getMessage());
            assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
        }
        var repeated = assertThrows(IllegalArgumentException.class, () -> x.max(new int[] {1, -1}, false));
        assertTrue(repeated.getMessage().startsWith("max:"), repeated.getMessage());
    }

    @Test
    void reductionsRejectIntegerTensorsButArgmaxAcceptsThem() {
        Tensor ints = Tensor.of(new int[] {3, 9, 2, 9}, 2, 2);
        for (Runnable r : new Runnable[] {ints::prod, ints::max, ints::var, () -> ints.logsumexp(0), () -> ints.norm(2),
                () -> ints.cumsum(0), () -> ints.softmax(0)}) {
            var e = assertThrows(IllegalArgumentException.class, r::run);
            assertTrue(e.getMessage().contains("int32 [2, 2]"), e.getMessage());
        }
        assertArrayEquals(new int[] {1, 1}, ints.argmax(1, false).toIntArray());
        assertArrayEquals(new int[] {0, 0}, ints.argmax(0, false).toIntArray());
        assertArrayEquals(new int[] {1, 0}, ints.argmin(0, false).toIntArray());
        assertThrows(IllegalArgumentException.class, () -> ints.gt(0.0).argmax(0, false));
    }

    @Test
    void emptyReductionsWithoutIdentityFail() {
        Tensor empty = Tensor.zeros(DType.FLOAT64, 2, 0);
        assertThrows(IllegalArgumentException.class, () -> empty.max(1));
        assertThrows(IllegalArgumentException.class, () -> empty.argmin(1, false));
        assertThrows(IllegalArgumentException.class, () -> empty.var(new int[] {1}, 0, false));
        assertThrows(IllegalArgumentException.class, () -> empty.norm(INF, new int[] {1}, false));
        // Reductions with an identity give it.
        assertArrayEquals(new double[] {1, 1}, empty.prod(1).toDoubleArray());
        assertArrayEquals(new double[] {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY},
                empty.logsumexp(1).toDoubleArray());
        assertArrayEquals(new double[] {0, 0}, empty.norm(2, new int[] {1}, false).toDoubleArray());
    }

    @Test
    void float32GradientsAgreeWithFloat64() {
        Tensor x = Tensor.of(new double[] {0.5, -1.5, 0, 2, 1.25, -0.75}, 2, 3);
        java.util.List<Function<Tensor, Tensor>> ops = java.util.List.of(
                t -> t.prod(1).sum(), t -> t.max(0).sum(), t -> t.var(), t -> t.std(new int[] {1}, 0, false).sum(),
                t -> t.logsumexp(1).sum(), t -> t.norm(2), t -> t.norm(3, new int[] {0}, false).sum(),
                t -> t.cumsum(1).square().sum(), t -> t.softmax(1).square().sum(), t -> t.logSoftmax(0).select(0, 1).sum());
        for (int i = 0; i < ops.size(); i++) {
            Tensor g32 = Autograd.grad(ops.get(i), x.to(DType.FLOAT32));
            assertEquals(DType.FLOAT32, g32.dtype());
            assertArrayEquals(grad(ops.get(i), x), g32.toDoubleArray(), 1e-5, "op " + i);
        }
    }

    // ------------------------------------------------------------------ prod

    @Test
    void prodValuesShapesAndAxes() {
        Tensor x = m(2, 3, 1, 2, 3, 4, 5, 6);
        assertEquals(720, x.prod().item());
        assertArrayEquals(new double[] {4, 10, 18}, x.prod(0).toDoubleArray());
        assertArrayEquals(new double[] {6, 120}, x.prod(-1).toDoubleArray());
        assertShape(x.prod(new int[] {1}, true), 2, 1);
        assertShape(x.prod(new int[] {0, 1}, true), 1, 1);
        assertArrayEquals(new double[] {6, 120}, x.t().prod(0).toDoubleArray()); // non-contiguous
    }

    @Test
    void prodGradientWithZeros() {
        assertArrayEquals(new double[] {12, 8, 6}, grad(t -> t.prod(), Tensor.of(new double[] {2, 3, 4})), 1e-12);
        assertArrayEquals(new double[] {0, 6, 0}, grad(t -> t.prod(), Tensor.of(new double[] {2, 0, 3})), 0);
        assertArrayEquals(new double[] {0, 0, 0}, grad(t -> t.prod(), Tensor.of(new double[] {0, 0, 3})), 0);
        // Per-row groups: one row without zeros, one with a single zero.
        assertArrayEquals(new double[] {3, 2, 0, 5}, grad(t -> t.prod(1).sum(), m(2, 2, 2, 3, 5, 0)), 0);
        // Central differences are exact for a multilinear function, zeros included.
        NumericGrad.check(t -> t.prod(new int[] {0}, true), m(3, 2, 0, 1.5, 2, -0.5, 3, 0), 1e-6);
        NumericGrad.check(t -> t.t().prod(1), m(3, 2, 0.3, 1.5, 2, -0.5, 3, 1.1), 1e-6);
    }

    @Test
    void prodHessianIsExactWithZeros() {
        double[][] cases = {{2, 3, -1, 0.5}, {0, 3, -1, 0.5}, {0, 3, 0, 0.5}, {0, 0, 0, 0.5}, {0, 0, 0, 0}};
        for (double[] v : cases) {
            double[][] h = hessian(t -> t.prod(), Tensor.of(v));
            for (int i = 0; i < v.length; i++) {
                for (int k = 0; k < v.length; k++) {
                    double expected = 0; // ∂²∏x/∂xᵢ∂xₖ = ∏_{j≠i,k} x_j for i ≠ k, 0 on the diagonal
                    if (i != k) {
                        expected = 1;
                        for (int j = 0; j < v.length; j++) if (j != i && j != k) expected *= v[j];
                    }
                    assertEquals(expected, h[k][i], 1e-12, java.util.Arrays.toString(v) + " H[" + i + "][" + k + "]");
                }
            }
        }
    }

    // ------------------------------------------------------------------ max, min, argmax, argmin

    @Test
    void maxMinValuesOverAxes() {
        Tensor x = Tensor.of(new double[] {1, 7, 3, -2, 5, 0, 4, 4, -9, 8, 2, 6}, 2, 3, 2);
        assertEquals(8, x.max().item());
        assertEquals(-9, x.min().item());
        assertArrayEquals(new double[] {7, 8, 6}, x.max(0, 2).toDoubleArray());
        assertArrayEquals(new double[] {-2, -9}, x.min(new int[] {-1, 1}, false).toDoubleArray());
        Tensor kept = x.max(new int[] {1}, true);
        assertShape(kept, 2, 1, 2);
        assertArrayEquals(new double[] {5, 7, 4, 8}, kept.toDoubleArray());
        // A transposed view reduces like its contiguous copy.
        Tensor p = x.permute(2, 0, 1);
        assertArrayEquals(p.contiguous().max(1).toDoubleArray(), p.max(1).toDoubleArray());
        assertArrayEquals(new double[] {-9, -2}, p.min(new int[] {1, 2}, false).toDoubleArray());
        assertTrue(Double.isNaN(Tensor.of(new double[] {1, Double.NaN, 3}).max().item()));
    }

    @Test
    void maxGradientIsSharedAmongTies() {
        assertArrayEquals(new double[] {0, 0.5, 0.5}, grad(t -> t.max(), Tensor.of(new double[] {1, 3, 3})), 0);
        assertArrayEquals(new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0}, grad(t -> t.min(), Tensor.of(new double[] {2, 2, 2})), 1e-15);
        // Per column of a matrix: the tie in column 0 shares, column 1 has one winner.
        assertArrayEquals(new double[] {0.5, 0, 0.5, 1}, grad(t -> t.max(0).sum(), m(2, 2, 4, 1, 4, 2)), 0);
        NumericGrad.check(t -> t.max(new int[] {0, 2}, true), randn(3, 3, 2, 4), 1e-6);
        NumericGrad.check(t -> t.transpose(0, 1).min(-1), randn(4, 3, 4), 1e-6);
    }

    @Test
    void argmaxArgminFirstIndexKeepDimAndViews() {
        Tensor x = m(3, 4, 1, 5, 5, 0, 9, -1, 9, 2, -3, -3, 7, 7);
        assertArrayEquals(new int[] {1, 0, 2}, x.argmax(1, false).toIntArray()); // first of the tied maxima
        assertArrayEquals(new int[] {3, 1, 0}, x.argmin(-1, false).toIntArray());
        assertArrayEquals(new int[] {1, 0, 1, 2}, x.argmax(0, false).toIntArray());
        Tensor kept = x.argmax(1, true);
        assertShape(kept, 3, 1);
        assertEquals(DType.INT32, kept.dtype());
        assertArrayEquals(new int[] {1, 0, 2}, x.t().argmax(0, false).toIntArray()); // non-contiguous
        assertArrayEquals(new int[] {1, 0, 1, 2}, x.t().argmax(1, false).toIntArray());
        assertEquals(4, x.argmax().item()); // flattened: the first 9
        assertEquals(8, x.argmin().item());
        assertEquals(0, Tensor.scalar(3.0).argmax().item());
        assertFalse(x.requiresGrad(true).argmax(1, false).requiresGrad());
    }

    // ------------------------------------------------------------------ var, std

    @Test
    void varAndStdMatchClosedForms() {
        Tensor x = Tensor.of(new double[] {2, 4, 4, 4, 5, 5, 7, 9});
        assertEquals(4.0, x.var(new int[0], 0, false).item(), 1e-12);          // population variance
        assertEquals(32.0 / 7, x.var().item(), 1e-12);                           // Bessel
        assertEquals(2.0, x.std(new int[0], 0, false).item(), 1e-12);
        assertEquals(Math.sqrt(32.0 / 7), x.std().item(), 1e-12);
        Tensor a = x.reshape(2, 2, 2);                                            // rows {2,4},{4,4},{5,5},{7,9}
        assertArrayEquals(new double[] {2, 0, 0, 2}, a.var(new int[] {-1}, 1, false).toDoubleArray(), 1e-12);
        Tensor kept = a.var(new int[] {0, 2}, 1, true);
        assertShape(kept, 1, 2, 1);
        assertArrayEquals(new double[] {2, 6}, kept.toDoubleArray(), 1e-12);                    // {2,4,5,5}, {4,4,7,9}
        assertArrayEquals(a.permute(2, 0, 1).contiguous().var(new int[] {0, 2}, 0, false).toDoubleArray(),
                a.permute(2, 0, 1).var(new int[] {0, 2}, 0, false).toDoubleArray(), 1e-12);
        // N ≤ correction: the divisor is max(0, N − correction), giving +∞ or NaN, never a negative value.
        assertEquals(INF, Tensor.of(new double[] {1, 2}).var(new int[0], 2, false).item());
        assertEquals(INF, Tensor.of(new double[] {1, 2}).var(new int[0], 5, false).item());
        assertTrue(Double.isNaN(Tensor.of(new double[] {3}).var().item()));
    }

    @Test
    void varStdGradients() {
        NumericGrad.check(t -> t.var(new int[] {1}, 1, false), randn(5, 3, 4), 1e-6);
        NumericGrad.check(t -> t.var(new int[] {0, -1}, 0, true), randn(6, 3, 2, 4), 1e-6);
        NumericGrad.check(t -> t.std(new int[] {0}, 1, true), randn(7, 4, 3), 1e-6);
        NumericGrad.check(t -> t.t().std(), randn(8, 3, 2), 1e-6);
    }

    @Test
    void stdGradientAtZeroVarianceIsZeroNotNaN() {
        double[] g = grad(t -> t.std(), Tensor.of(new double[] {0.1, 0.1, 0.1}));
        assertArrayEquals(new double[] {0, 0, 0}, g, 1e-12);
        // Per row: the constant row gets 0, the other row the usual (x − mean)/((N − 1)·std).
        double[] rows = grad(t -> t.std(new int[] {1}, 1, false).sum(), m(2, 2, 5, 5, 1, 3));
        assertArrayEquals(new double[] {0, 0, -Math.sqrt(0.5), Math.sqrt(0.5)}, rows, 1e-12);
    }

    // ------------------------------------------------------------------ logsumexp

    @Test
    void logsumexpValuesAreStable() {
        Tensor x = m(2, 3, 0, 1, 2, -1, 0.5, 3);
        double[] naive = {Math.log(1 + Math.E + Math.exp(2)), Math.log(Math.exp(-1) + Math.exp(0.5) + Math.exp(3))};
        assertArrayEquals(naive, x.logsumexp(1).toDoubleArray(), 1e-12);
        assertArrayEquals(naive, x.t().logsumexp(0).toDoubleArray(), 1e-12);
        assertShape(x.logsumexp(new int[] {0}, true), 1, 3);
        assertEquals(Math.log(Math.exp(naive[0]) + Math.exp(naive[1])), x.logsumexp().item(), 1e-12);
        assertEquals(1000 + Math.log(2), Tensor.of(new double[] {1000, 1000}).logsumexp(0).item(), 1e-12);
        assertEquals(-1000 + Math.log(2), Tensor.of(new float[] {-1000, -1000}).logsumexp(0).item(), 1e-3);
        double[] special = m(3, 2, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, INF, 0,
                Double.NEGATIVE_INFINITY, 2).logsumexp(1).toDoubleArray();
        assertArrayEquals(new double[] {Double.NEGATIVE_INFINITY, INF, 2}, special);
    }

    @Test
    void logsumexpGradients() {
        NumericGrad.check(t -> t.logsumexp(new int[] {0, 2}, false), randn(9, 2, 3, 2), 1e-6);
        NumericGrad.check(t -> t.t().logsumexp(new int[] {-1}, true).mul(100.0), randn(10, 3, 4), 1e-6);
        // An all −∞ row gets gradient 0; the finite row gets its softmax.
        Tensor x = m(2, 2, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, 0, Math.log(3));
        assertArrayEquals(new double[] {0, 0, 0.25, 0.75}, grad(t -> t.logsumexp(1).sum(), x), 1e-12);
        // Huge logits: finite gradients.
        assertArrayEquals(new double[] {0.5, 0.5, 0}, grad(t -> t.logsumexp(0), Tensor.of(new double[] {1e4, 1e4, -1e4})), 1e-12);
    }

    @Test
    void logsumexpHessianIsDiagSMinusSSt() {
        Tensor x = Tensor.of(new double[] {0.3, -1.2, 2.0, 0.7});
        double[] s = x.softmax(0).toDoubleArray();
        double[][] h = hessian(t -> t.logsumexp(0), x);
        for (int i = 0; i < 4; i++) {
            for (int k = 0; k < 4; k++) {
                assertEquals((i == k ? s[i] : 0) - s[i] * s[k], h[k][i], 1e-12, "H[" + i + "][" + k + "]");
            }
        }
        Tensor v = randn(11, 2, 3);
        Function<Tensor, Tensor> f = t -> t.logsumexp(1).square().sum();
        assertArrayEquals(finiteDifferenceHvp(f, randn(12, 2, 3), v), Autograd.hvp(f, randn(12, 2, 3), v).toDoubleArray(), 1e-6);
    }

    // ------------------------------------------------------------------ norm

    @Test
    void normValues() {
        Tensor x = m(2, 2, 3, -4, 0, -2);
        assertEquals(9, x.norm(1).item(), 1e-12);
        assertEquals(Math.sqrt(29), x.norm(2).item(), 1e-12);
        assertEquals(4, x.norm(INF).item());
        assertEquals(0, x.norm(Double.NEGATIVE_INFINITY).item());
        assertEquals(Math.cbrt(27 + 64 + 8), x.norm(3).item(), 1e-12);
        assertEquals(Math.pow(Math.sqrt(3) + 2 + Math.sqrt(2), 2), x.norm(0.5).item(), 1e-12);
        assertArrayEquals(new double[] {5, 2}, x.norm(2, new int[] {-1}, false).toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {3, 4}, x.t().norm(INF, new int[] {1}, false).toDoubleArray());
        assertShape(x.norm(2, new int[] {0}, true), 1, 2);
        // Scaled by the largest entry: no overflow or underflow in float32.
        assertEquals(5e30, Tensor.of(new float[] {3e30f, 4e30f}).norm(2).item(), 1e24);
        assertEquals(5e-30, Tensor.of(new float[] {3e-30f, 4e-30f}).norm(2).item(), 1e-36);
        assertEquals(INF, Tensor.of(new double[] {INF, 1}).norm(3).item());
        assertEquals(0, Tensor.zeros(DType.FLOAT64, 3).norm(2).item());
        for (double bad : new double[] {0, -1, Double.NaN}) {
            var e = assertThrows(IllegalArgumentException.class, () -> x.norm(bad));
            assertTrue(e.getMessage().startsWith("norm:") && e.getMessage().contains("[2, 2]"), e.getMessage());
        }
    }

    @Test
    void normGradients() {
        Tensor x = randn(13, 3, 4);
        for (double p : new double[] {1, 2, 3, 0.7, INF, Double.NEGATIVE_INFINITY}) {
            NumericGrad.check(t -> t.norm(p, new int[] {1}, false), x, 1e-5);
        }
        NumericGrad.check(t -> t.t().norm(2, new int[] {0, 1}, true), x, 1e-6);
        // At the zero vector: 0, not NaN, for every p.
        for (double p : new double[] {1, 2, 3, 0.5, INF}) {
            assertArrayEquals(new double[] {0, 0, 0}, grad(t -> t.norm(p), Tensor.zeros(DType.FLOAT64, 3)), 0, "p=" + p);
        }
        // A zero entry of a non-zero vector: ∂‖x‖₂/∂xᵢ = xᵢ/‖x‖ = 0, and 0 for p < 1 by convention.
        assertArrayEquals(new double[] {0.6, 0, -0.8}, grad(t -> t.norm(2), Tensor.of(new double[] {3, 0, -4})), 1e-12);
        assertEquals(0, grad(t -> t.norm(0.5), Tensor.of(new double[] {3, 0, -4}))[1]);
    }

    @Test
    void twoNormHessianIsExactAtZeroEntries() {
        double[] v = {3, 0, -4};
        double[][] h = hessian(t -> t.norm(2), Tensor.of(v));
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < 3; k++) { // (I − uuᵀ)/‖x‖ with u = x/‖x‖
                assertEquals(((i == k ? 1 : 0) - v[i] * v[k] / 25) / 5, h[k][i], 1e-12, "H[" + i + "][" + k + "]");
            }
        }
        Function<Tensor, Tensor> f = t -> t.norm(3, new int[] {1}, false).sum();
        Tensor at = randn(14, 2, 3), dir = randn(15, 2, 3);
        assertArrayEquals(finiteDifferenceHvp(f, at, dir), Autograd.hvp(f, at, dir).toDoubleArray(), 1e-6);
    }

    // ------------------------------------------------------------------ cumsum

    @Test
    void cumsumValuesAndGradient() {
        Tensor x = m(2, 3, 1, 2, 3, 4, 5, 6);
        assertArrayEquals(new double[] {1, 3, 6, 4, 9, 15}, x.cumsum(1).toDoubleArray());
        assertArrayEquals(new double[] {1, 2, 3, 5, 7, 9}, x.cumsum(-2).toDoubleArray());
        assertArrayEquals(new double[] {6, 5, 3, 15, 11, 6}, ReduceOps.cumsum(x, 1, true).toDoubleArray());
        assertArrayEquals(new double[] {1, 5, 2, 7, 3, 9}, x.t().cumsum(1).toDoubleArray()); // non-contiguous
        assertArrayEquals(new double[] {3, 2, 1, 3, 2, 1}, grad(t -> t.cumsum(1).sum(), x));
        NumericGrad.check(t -> t.cumsum(0), randn(16, 3, 2), 1e-6);
        NumericGrad.check(t -> t.t().cumsum(-1).square(), randn(17, 3, 4), 1e-6);
        NumericGrad.check(t -> ReduceOps.cumsum(t, 1, true), randn(18, 2, 4), 1e-6);
    }
}
