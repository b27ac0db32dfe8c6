package dev.tapegrad;

import static org.junit.jupiter.api.Assertions.*;

import dev.tapegrad.check.GradCheck;
import dev.tapegrad.check.JvpCheck;
import dev.tapegrad.check.Property;
import dev.tapegrad.check.Samples;
import java.util.List;
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

    /**
     * The fused backward ops have no op-table entry of their own (they are not Tensor methods): their JVP
     * rules are checked here, in both arguments, against central differences and the VJP.
     */
    @Test
    void fusedBackwardOpsPassTheJvpChecks() {
        for (boolean log : new boolean[] {false, true}) {
            Property.forAll(Samples.shaped(s -> List.of(new int[] {s.get(0), s.get(1)}, new int[] {s.get(0), s.get(1)}), 2, Samples.ANY))
                    .tries(50).seed(log ? 3 : 4).check(xs -> {
                        int axis = xs.get(0).size(0) % 2; // either axis, chosen by the shape
                        JvpCheck.check(ys -> SoftmaxOps.backward(log, ys.get(0), ys.get(1), axis), xs, GradCheck.Options.DEFAULT);
                    });
        }
    }

    /**
     * Forward over reverse runs the VJP rules inside a forward level, so it exercises the JVPs of the fused
     * backward ops (cross-entropy's included): its Hessian-vector product must equal reverse over reverse.
     */
    @Test
    void forwardOverReverseHvpEqualsReverseOverReverse() {
        Tensor v = randn(9, 3, 5);
        Tensor w = randn(10, 3, 5);
        Tensor labels = Tensor.of(new int[] {4, -1, 0}, 3);
        List<Function<Tensor, Tensor>> fs = List.of(
                x -> x.softmax(1).mul(w).sum(), x -> x.logSoftmax(0).mul(w).sum(),
                x -> x.crossEntropy(Tensor.of(new int[] {4, 1, 0}, 3)).sum(), x -> x.crossEntropy(labels, -1, -1, 0.2).mean(),
                x -> x.crossEntropy(labels, -1, -1, 0.2).mul(randn(11, 3)).sum());
        for (int k = 0; k < fs.size(); k++) {
            Tensor x = randn(8 + k, 3, 5);
            double[] fwd = Autograd.hvp(fs.get(k), x, v, Autograd.Mode.FORWARD).toDoubleArray();
            double[] rev = Autograd.hvp(fs.get(k), x, v, Autograd.Mode.REVERSE).toDoubleArray();
            assertArrayEquals(rev, fwd, 1e-12, "function " + k);
            assertTrue(java.util.Arrays.stream(rev).anyMatch(r -> Math.abs(r) > 1e-3), "a non-trivial Hessian, function " + k);
        }
    }
}
