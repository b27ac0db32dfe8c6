package dev.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.Autograd;
import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * {@link LayerNorm} and {@link RMSNorm} (now on the engine's fused kernels) against the composed form they
 * used to be, y = (x − μ)·rsqrt(mean((x − μ)²) + ε)·w + b over the last k axes: values and the gradients
 * of x, weight and bias, in float32 and float64, over one and two normalised axes.
 */
class NormFusedTest {

    private static Tensor composed(Tensor x, int k, Tensor w, Tensor b, double eps, boolean centre) {
        int[] axes = new int[k];
        for (int i = 0; i < k; i++) axes[i] = x.dim() - k + i;
        Tensor c = centre ? x.sub(x.mean(axes, true)) : x;
        Tensor y = c.mul(c.square().mean(axes, true).add(eps).rsqrt());
        if (w != null) y = y.mul(w);
        return b == null ? y : y.add(b);
    }

    private static void assertClose(String what, Tensor e, Tensor a, double tol) {
        assertEquals(Arrays.toString(e.shape()), Arrays.toString(a.shape()), what);
        double[] ev = e.toDoubleArray(), av = a.toDoubleArray();
        for (int i = 0; i < ev.length; i++) {
            assertTrue(Math.abs(ev[i] - av[i]) <= tol * (1 + Math.abs(ev[i])), what + "[" + i + "]: " + ev[i] + " vs " + av[i]);
        }
    }

    private static void check(boolean layer, DType dtype, int[] normalized) {
        Generator gen = new Generator(11);
        int[] shape = new int[normalized.length + 2];
        shape[0] = 3;
        shape[1] = 2;
        System.arraycopy(normalized, 0, shape, 2, normalized.length);
        double eps = 1e-5;
        UnaryModule m = layer ? LayerNorm.builder(normalized).eps(eps).dtype(dtype).build()
                : RMSNorm.builder(normalized).eps(eps).dtype(dtype).build();
        Tensor w = layer ? ((LayerNorm) m).weight() : ((RMSNorm) m).weight();
        Tensor b = layer ? ((LayerNorm) m).bias() : null;
        try (var s = Autograd.noGrad()) { // non-trivial parameters
            w.copyInPlace(Tensor.randn(gen, dtype, normalized).mul(0.3).add(1));
            if (b != null) b.copyInPlace(Tensor.randn(gen, dtype, normalized));
        }
        Tensor x = Tensor.randn(gen, dtype, shape).mul(3).add(1).requiresGrad(true);
        Tensor c = Tensor.randn(gen, dtype, shape);
        Tensor[] leaves = b == null ? new Tensor[] {x, w} : new Tensor[] {x, w, b};
        Tensor yf = m.forward(x), yc = composed(x, normalized.length, w, b, eps, layer);
        Tensor[] gf = Autograd.grad(yf.mul(c).sum(), leaves), gc = Autograd.grad(yc.mul(c).sum(), leaves);
        double tol = dtype == DType.FLOAT32 ? 2e-4 : 1e-10;
        String what = (layer ? "LayerNorm " : "RMSNorm ") + dtype + " " + Arrays.toString(normalized);
        assertClose(what + " y", yc, yf, tol);
        for (int i = 0; i < leaves.length; i++) assertClose(what + " grad " + i, gc[i], gf[i], tol);
    }

    @Test
    void fusedModulesMatchTheComposedForm() {
        for (boolean layer : new boolean[] {true, false}) {
            for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                check(layer, dtype, new int[] {37});
                check(layer, dtype, new int[] {3, 5});
            }
        }
    }
}
