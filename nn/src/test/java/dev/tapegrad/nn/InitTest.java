package dev.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import dev.tapegrad.nn.Init.FanMode;
import dev.tapegrad.nn.Init.Nonlinearity;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * Initialisers: sample mean and variance against the formulas over large tensors, bounds, orthogonality,
 * determinism, in-place behaviour on parameters, errors.
 */
class InitTest {

    /** Sample mean and (biased) variance. */
    private static double[] moments(Tensor t) {
        double[] v = t.toDoubleArray();
        double m = 0, s = 0;
        for (double x : v) m += x;
        m /= v.length;
        for (double x : v) s += (x - m) * (x - m);
        return new double[] {m, s / v.length};
    }

    /** Asserts mean ≈ 0 and variance ≈ var within 5 standard errors (normal or uniform samples). */
    private static void assertMoments(Tensor t, double mean, double var, double kurtosis) {
        int n = t.numel();
        double[] mv = moments(t);
        assertEquals(mean, mv[0], 5 * Math.sqrt(var / n), "mean");
        assertEquals(var, mv[1], 5 * var * Math.sqrt((kurtosis - 1) / n), "variance");
    }

    @Test
    void fansFollowPyTorch() {
        assertArrayEquals(new int[] {4, 3}, Init.fans(Tensor.zeros(3, 4)));
        assertArrayEquals(new int[] {2 * 5 * 5, 8 * 5 * 5}, Init.fans(Tensor.zeros(8, 2, 5, 5)));
        assertThrows(IllegalArgumentException.class, () -> Init.fans(Tensor.zeros(5)));
    }

    @Test
    void gains() {
        assertEquals(1.0, Init.gain(Nonlinearity.LINEAR, 0));
        assertEquals(1.0, Init.gain(Nonlinearity.SIGMOID, 0));
        assertEquals(5.0 / 3, Init.gain(Nonlinearity.TANH, 0));
        assertEquals(Math.sqrt(2), Init.gain(Nonlinearity.RELU, 0));
        assertEquals(Math.sqrt(2 / 1.0001), Init.gain(Nonlinearity.LEAKY_RELU, 0.01), 1e-15);
        // PyTorch's default Linear init is Kaiming uniform with a = √5: bound 1/√fan_in.
        assertEquals(1 / Math.sqrt(16), Math.sqrt(3) * Init.gain(Nonlinearity.LEAKY_RELU, Math.sqrt(5)) / Math.sqrt(16), 1e-15);
    }

    @Test
    void xavierMatchesItsVariance() {
        // fan_in 200, fan_out 300: Var = gain²·2/500.
        double gain = 1.5, var = gain * gain * 2 / 500;
        Tensor u = Init.xavierUniform(new Generator(1), Tensor.zeros(DType.FLOAT64, 300, 200), gain);
        assertMoments(u, 0, var, 1.8);
        double bound = gain * Math.sqrt(6.0 / 500);
        for (double v : u.toDoubleArray()) assertTrue(Math.abs(v) <= bound);
        assertMoments(Init.xavierNormal(new Generator(2), Tensor.zeros(DType.FLOAT64, 300, 200), gain), 0, var, 3);
    }

    @Test
    void kaimingMatchesItsVarianceForEachModeAndNonlinearity() {
        // Shape [out 40, in 30, 5, 5]: fan_in 750, fan_out 1000.
        for (FanMode mode : FanMode.values()) {
            for (Nonlinearity nl : new Nonlinearity[] {Nonlinearity.RELU, Nonlinearity.LEAKY_RELU, Nonlinearity.TANH, Nonlinearity.LINEAR}) {
                double fan = mode == FanMode.FAN_IN ? 750 : 1000, g = Init.gain(nl, 0.2), var = g * g / fan;
                Tensor u = Init.kaimingUniform(new Generator(3), Tensor.zeros(DType.FLOAT64, 40, 30, 5, 5), 0.2, mode, nl);
                assertMoments(u, 0, var, 1.8);
                double bound = Math.sqrt(3 * var);
                for (double v : u.toDoubleArray()) assertTrue(Math.abs(v) <= bound);
                assertMoments(Init.kaimingNormal(new Generator(4), Tensor.zeros(DType.FLOAT64, 40, 30, 5, 5), 0.2, mode, nl), 0, var, 3);
            }
        }
    }

    @Test
    void truncatedNormalStaysInBoundsAndHasTheTruncatedMoments() {
        // N(1, 2²) on [0, 3]: standard bounds α = −0.5, β = 1 (narrow: uniform proposals).
        Tensor t = Init.truncNormal(new Generator(5), Tensor.zeros(DType.FLOAT64, 100_000), 1, 2, 0, 3);
        for (double v : t.toDoubleArray()) assertTrue(v >= 0 && v <= 3);
        double[] exact = truncatedMoments(-0.5, 1.0);
        double[] mv = moments(t);
        assertEquals(1 + 2 * exact[0], mv[0], 0.01);
        assertEquals(4 * exact[1], mv[1], 0.02);
        // N(0, 1) on [−2, 2] (PyTorch's default; normal proposals).
        Tensor s = Init.truncNormal(new Generator(6), Tensor.zeros(DType.FLOAT64, 100_000), 0, 1, -2, 2);
        exact = truncatedMoments(-2, 2);
        mv = moments(s);
        assertEquals(0, mv[0], 0.01);
        assertEquals(exact[1], mv[1], 0.01);
        // Far in a tail: N(0, 1) on [6, 7] still works and stays inside.
        for (double v : Init.truncNormal(new Generator(7), Tensor.zeros(1000), 0, 1, 6, 7).toDoubleArray()) assertTrue(v >= 6 && v <= 7);
        assertThrows(IllegalArgumentException.class, () -> Init.truncNormal(new Generator(0), Tensor.zeros(3), 0, 1, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> Init.truncNormal(new Generator(0), Tensor.zeros(3), 0, 1, 0, Double.POSITIVE_INFINITY));
    }

    /** Mean and variance of a standard normal truncated to [a, b], by numerical integration (Simpson). */
    private static double[] truncatedMoments(double a, double b) {
        int n = 20_000;
        double h = (b - a) / n, z = 0, m1 = 0, m2 = 0;
        for (int i = 0; i <= n; i++) {
            double x = a + i * h, w = (i == 0 || i == n) ? 1 : (i % 2 == 1 ? 4 : 2), p = w * Math.exp(-x * x / 2);
            z += p;
            m1 += p * x;
            m2 += p * x * x;
        }
        double mean = m1 / z;
        return new double[] {mean, m2 / z - mean * mean};
    }

    @Test
    void orthogonalGivesOrthonormalRowsOrColumns() {
        for (int[] shape : new int[][] {{6, 6}, {10, 4}, {3, 8}, {4, 2, 3}}) {
            Tensor w = Init.orthogonal(new Generator(8), Tensor.zeros(DType.FLOAT64, shape), 2.0);
            Tensor m = w.reshape(shape[0], -1);
            Tensor gram = m.size(0) >= m.size(1) ? m.t().matmul(m) : m.matmul(m.t());
            int k = gram.size(0);
            assertTrue(gram.allClose(Tensor.eye(k, DType.FLOAT64).mul(4.0), 0, 1e-12), "gain²·I for " + java.util.Arrays.toString(shape));
        }
        // float32 storage still orthogonal to float precision.
        Tensor f = Init.orthogonal(new Generator(9), Tensor.zeros(5, 5), 1.0);
        assertTrue(f.t().matmul(f).allClose(Tensor.eye(5, DType.FLOAT32), 0, 1e-6));
    }

    @Test
    void householderQrReconstructsWithPositiveDiagonal() {
        // Q from orthonormalColumns with sign correction: R = QᵀA must be upper triangular with R_jj > 0.
        double[] a = Tensor.randn(new Generator(10), DType.FLOAT64, 7, 4).toDoubleArray();
        double[] q = Init.orthonormalColumns(a, 7, 4);
        Tensor qt = Tensor.of(q, 7, 4), at = Tensor.of(a, 7, 4);
        Tensor r = qt.t().matmul(at);
        for (int i = 0; i < 4; i++) {
            assertTrue(r.get(i, i) > 0, "positive diagonal");
            for (int j = 0; j < i; j++) assertEquals(0, r.get(i, j), 1e-12, "upper triangular");
        }
        assertTrue(qt.matmul(r).allClose(at, 0, 1e-12), "A = QR");
    }

    @Test
    void sameSeedSameValuesAndInPlaceOnParameters() {
        for (BiFunction<Tensor, Generator, Tensor> init : initialisers()) {
            Tensor a = init.apply(Tensor.zeros(6, 5), new Generator(11));
            Tensor b = init.apply(Tensor.zeros(6, 5), new Generator(11));
            Tensor c = init.apply(Tensor.zeros(6, 5), new Generator(12));
            assertTrue(a.allClose(b, 0, 0), "same seed, same values");
            assertTrue(!a.allClose(c, 0, 0), "another seed, other values");
            // On a parameter (a leaf that requires grad), in place and without recording.
            Tensor p = Tensor.zeros(6, 5).requiresGrad(true);
            assertSame(p, init.apply(p, new Generator(11)));
            assertTrue(p.isLeaf() && p.requiresGrad() && p.allClose(a, 0, 0));
        }
        Tensor t = Tensor.zeros(DType.FLOAT64, 2, 3);
        assertArrayEquals(new double[] {1, 1, 1, 1, 1, 1}, Init.ones(t).toDoubleArray());
        assertArrayEquals(new double[] {2.5, 2.5, 2.5, 2.5, 2.5, 2.5}, Init.constant(t, 2.5).toDoubleArray());
        assertArrayEquals(new double[6], Init.zeros(t).toDoubleArray());
    }

    private static List<BiFunction<Tensor, Generator, Tensor>> initialisers() {
        return List.of(
                (t, g) -> Init.uniform(g, t, -1, 1),
                (t, g) -> Init.normal(g, t, 0, 1),
                (t, g) -> Init.truncNormal(g, t, 0, 1, -2, 2),
                (t, g) -> Init.xavierUniform(g, t, 1),
                (t, g) -> Init.xavierNormal(g, t, 1),
                (t, g) -> Init.kaimingUniform(g, t, 0, FanMode.FAN_IN, Nonlinearity.RELU),
                (t, g) -> Init.kaimingNormal(g, t, 0, FanMode.FAN_OUT, Nonlinearity.RELU),
                (t, g) -> Init.orthogonal(g, t, 1));
    }

    @Test
    void errors() {
        assertThrows(IllegalArgumentException.class, () -> Init.orthogonal(new Generator(0), Tensor.zeros(4), 1));
        assertThrows(IllegalArgumentException.class, () -> Init.normal(new Generator(0), Tensor.arange(3), 0, 1));
        assertThrows(IllegalArgumentException.class, () -> Init.normal(new Generator(0), Tensor.zeros(3), 0, -1));
        assertThrows(IllegalArgumentException.class, () -> Init.xavierUniform(new Generator(0), Tensor.zeros(3), 1));
        assertThrows(IllegalArgumentException.class, () -> Init.kaimingNormal(new Generator(0), Tensor.zeros(0, 3), 0,
                FanMode.FAN_OUT, Nonlinearity.RELU));
    }
}
