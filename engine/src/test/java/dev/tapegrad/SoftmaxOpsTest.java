package dev.tapegrad;

import static org.junit.jupiter.api.Assertions.*;

import java.util.function.Function;
import org.junit.jupiter.api.Test;

class SoftmaxOpsTest {
    private static Tensor randn(int seed, int... shape) {
        return Tensor.randn(new Generator(seed), DType.FLOAT64, shape);
    }

    @Test
    void softmaxMatchesTheDefinition() {
        Tensor x = Tensor.of(new double[] {0, 1, 2, -1, 0.5, 3}, 2, 3);
        double[] s = x.softmax(1).toDoubleArray();
        double z0 = 1 + Math.E + Math.exp(2), z1 = Math.exp(-1) + Math.exp(0.5) + Math.exp(3);
        assertArrayEquals(new double[] {1 / z0, Math.E / z0, Math.exp(2) / z0, Math.exp(-1) / z1,
                Math.exp(0.5) / z1, Math.exp(3) / z1}, s, 1e-15);
        assertArrayEquals(s, x.softmax(-1).toDoubleArray());
        assertArrayEquals(x.t().contiguous().softmax(0).toDoubleArray(), x.t().softmax(0).toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {1, 1}, x.softmax(1).sum(1).toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {1, 1, 1}, x.softmax(0).sum(0).toDoubleArray(), 1e-15);
        Tensor log = x.logSoftmax(1);
        assertArrayEquals(x.softmax(1).log().toDoubleArray(), log.toDoubleArray(), 1e-14);
        assertArrayEquals(new double[] {-Math.log(z0), 1 - Math.log(z0), 2 - Math.log(z0)},
                log.select(0, 0).toDoubleArray(), 1e-15);
        assertEquals(DType.FLOAT32, x.to(DType.FLOAT32).softmax(0).dtype());
    }

    @Test
    void extremeLogitsGiveFiniteValuesAndGradients() {
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor x = Tensor.of(new double[] {1e4, -1e4, 0, 1e4}).to(dtype);
            assertArrayEquals(new double[] {0.5, 0, 0, 0.5}, x.softmax(0).toDoubleArray(), 1e-7);
            assertArrayEquals(new double[] {-Math.log(2), -2e4 - Math.log(2), -1e4 - Math.log(2), -Math.log(2)},
                    x.logSoftmax(0).toDoubleArray(), 1e-3);
            Tensor c = Tensor.of(new double[] {1, 2, 3, 4}).to(dtype);
            for (Function<Tensor, Tensor> f : java.util.List.<Function<Tensor, Tensor>>of(
                    t -> t.softmax(0).mul(c).sum(), t -> t.logSoftmax(0).mul(c).sum())) {
                Tensor leaf = x.detach().requiresGrad(true);
                f.apply(leaf).backward();
                assertTrue(leaf.grad().isAllFinite(), dtype + " " + leaf.grad());
            }
        }
        // d/dx Σ c·logSoftmax(x) = c − softmax·Σc: here (1, 2, 3, 4) − (0.5, 0, 0, 0.5)·10.
        assertArrayEquals(new double[] {-4, 2, 3, -1},
                ReduceOpsTest.grad(t -> t.logSoftmax(0).mul(Tensor.of(new double[] {1, 2, 3, 4})).sum(),
                        Tensor.of(new double[] {1e4, -1e4, 0, 1e4})), 1e-12);
    }

    @Test
    void rowsWithoutADefinedSoftmaxGiveNaN() {
        double ninf = Double.NEGATIVE_INFINITY;
        Tensor x = Tensor.of(new double[] {ninf, ninf, 0, ninf}, 2, 2);
        double[] s = x.softmax(1).toDoubleArray();
        assertTrue(Double.isNaN(s[0]) && Double.isNaN(s[1]));
        assertArrayEquals(new double[] {1, 0}, new double[] {s[2], s[3]}); // −∞ alongside finite logits is fine
        assertArrayEquals(new double[] {0, ninf}, x.logSoftmax(1).select(0, 1).toDoubleArray());
        assertTrue(Double.isNaN(x.logSoftmax(1).get(0, 0)));
    }

    @Test
    void firstOrderGradients() {
        NumericGrad.check(t -> t.softmax(1), randn(1, 3, 4), 1e-6);
        NumericGrad.check(t -> t.softmax(0), randn(2, 3, 2, 2), 1e-6);
        NumericGrad.check(t -> t.logSoftmax(-1), randn(3, 2, 5), 1e-6);
        NumericGrad.check(t -> t.t().logSoftmax(0).mul(3.0), randn(4, 4, 3), 1e-6);
        NumericGrad.check(t -> t.t().softmax(1), randn(5, 4, 3), 1e-6);
    }

    @Test
    void secondOrderMatchesFiniteDifferencesOfGradients() {
        Tensor c = randn(6, 3, 4);
        Tensor x = randn(7, 3, 4), v = randn(8, 3, 4);
        for (Function<Tensor, Tensor> f : java.util.List.<Function<Tensor, Tensor>>of(
                t -> t.softmax(1).mul(c).sum(),
                t -> t.logSoftmax(0).mul(c).sum(),
                t -> t.softmax(-1).square().sum(),
                t -> t.t().logSoftmax(1).exp().mul(c.t()).sum())) {
            assertArrayEquals(ReduceOpsTest.finiteDifferenceHvp(f, x, v), Autograd.hvp(f, x, v).toDoubleArray(), 1e-6);
        }
    }

    @Test
    void hessianOfCrossEntropyIsDiagSMinusSSt() {
        // −logSoftmax(x)[label] has the same Hessian as logsumexp: diag(s) − ssᵀ.
        Tensor x = Tensor.of(new double[] {0.2, -0.4, 1.1});
        double[] s = x.softmax(0).toDoubleArray();
        double[][] h = ReduceOpsTest.hessian(t -> t.logSoftmax(0).select(0, 1).neg(), x);
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < 3; k++) assertEquals((i == k ? s[i] : 0) - s[i] * s[k], h[k][i], 1e-12);
        }
    }
}
