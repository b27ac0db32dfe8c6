package dev.tapegrad.optim;

import dev.tapegrad.Autograd;
import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A small softmax classifier for the safe-step tests: a mixture of Gaussian classes in {@code dims} dimensions
 * (overlapping, so that the loss does not go to zero) and a one-hidden-layer tanh network over named float64
 * parameters {@code w1, b1, w2, b2}, or a linear model (w2, b2 on the inputs) when {@code hidden} is 0.
 */
final class SoftmaxToy {
    final Tensor x, y;
    final Map<String, Tensor> params = new LinkedHashMap<>();
    final int hidden;

    SoftmaxToy(long seed, int examples, int dims, int classes, int hidden) {
        Generator gen = new Generator(seed);
        Tensor centres = Tensor.randn(gen, DType.FLOAT64, classes, dims).mul(0.7);
        y = Tensor.randint(gen, 0, classes, examples);
        x = centres.indexSelect(0, y).add(Tensor.randn(gen, DType.FLOAT64, examples, dims));
        this.hidden = hidden;
        int in = dims;
        if (hidden > 0) {
            params.put("w1", Tensor.randn(gen, DType.FLOAT64, dims, hidden).mul(0.5).requiresGrad(true));
            params.put("b1", Tensor.zeros(DType.FLOAT64, hidden).requiresGrad(true));
            in = hidden;
        }
        params.put("w2", Tensor.randn(gen, DType.FLOAT64, in, classes).mul(0.5).requiresGrad(true));
        params.put("b2", Tensor.zeros(DType.FLOAT64, classes).requiresGrad(true));
    }

    /** The logits of {@code inputs}, [n, classes]. */
    Tensor logits(Tensor inputs) {
        Tensor h = hidden > 0 ? affine(inputs, params.get("w1"), params.get("b1")).tanh() : inputs;
        return affine(h, params.get("w2"), params.get("b2"));
    }

    /** x·w + b, written as a broadcast product summed over the input axis ([n, in, 1]·[in, out] summed over in). */
    private static Tensor affine(Tensor x, Tensor w, Tensor b) {
        return x.unsqueeze(2).mul(w).sum(1).add(b);
    }

    Tensor logits() {
        return logits(x);
    }

    /** The mean cross-entropy over all examples. */
    Tensor loss() {
        return logits().crossEntropy(y).mean();
    }

    /** The per-example cross-entropy. */
    Tensor losses() {
        return logits().crossEntropy(y);
    }

    /** A copy of every parameter's values. */
    Map<String, double[]> values() {
        Map<String, double[]> v = new LinkedHashMap<>();
        params.forEach((n, p) -> v.put(n, p.toDoubleArray()));
        return v;
    }

    /** Sets the parameters to base + s·u. */
    void moveTo(Map<String, double[]> base, Map<String, Tensor> u, double s) {
        params.forEach((n, p) -> {
            double[] b = base.get(n), d = u.get(n).toDoubleArray(), out = new double[b.length];
            for (int i = 0; i < b.length; i++) out[i] = b[i] + s * d[i];
            try (var scope = Autograd.noGrad()) {
                p.copyInPlace(Tensor.of(out, p.shape()));
            }
        });
    }
}
