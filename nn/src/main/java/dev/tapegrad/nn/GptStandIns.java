package dev.tapegrad.nn;

import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import java.util.Arrays;

/**
 * Minimal stand-ins for the shared layers the transformer needs (layer norm, GELU, embedding), written
 * here so that the attention stack could be built in parallel with them. Parameter names and layouts are
 * PyTorch's, so swapping in the shared {@code LayerNorm}, {@code GELU} and {@code Embedding} modules changes
 * no state-dict name. Package-private on purpose: delete this file once those modules exist.
 */
final class GptStandIns {
    private GptStandIns() {}

    /** Layer norm over the last axis: y = (x − mean)/√(var + eps)·w + b, biased variance (PyTorch's {@code nn.LayerNorm}). */
    static final class LayerNorm extends UnaryModule {
        private final Tensor weight;
        private final Tensor bias;
        private final double eps;

        LayerNorm(int dim, DType dtype) {
            this.weight = param("weight", Tensor.ones(dtype, dim));
            this.bias = param("bias", Tensor.zeros(dtype, dim));
            this.eps = 1e-5;
        }

        @Override
        public Tensor forward(Tensor x) {
            if (x.dim() == 0 || x.size(-1) != weight.size(0)) {
                throw new IllegalArgumentException("LayerNorm: input of shape " + Arrays.toString(x.shape())
                        + " does not end with the normalised size " + weight.size(0));
            }
            int[] last = {-1};
            Tensor centred = x.sub(x.mean(last, true));
            Tensor var = centred.square().mean(last, true);
            return centred.mul(var.add(eps).rsqrt()).mul(weight).add(bias);
        }
    }

    /** GELU, exact form: x·Φ(x) = x/2·(1 + erf(x/√2)) (Hendrycks &amp; Gimpel 2016; PyTorch's default {@code nn.GELU}). */
    static final class Gelu extends UnaryModule {
        @Override
        public Tensor forward(Tensor x) {
            return x.mul(x.mul(1.0 / Math.sqrt(2.0)).erf().add(1.0)).mul(0.5);
        }
    }

    /** Embedding table {@code weight [num, dim]}, initialised N(0, std²) (PyTorch's {@code nn.Embedding} uses std 1); row lookup. */
    static final class Embedding extends Module {
        private final Tensor weight;

        Embedding(int num, int dim, double std, DType dtype, Generator gen) {
            this.weight = param("weight", Tensor.randn(gen, dtype, num, dim).mul(std));
        }

        Tensor weight() {
            return weight;
        }

        Tensor forward(Tensor indices) {
            return Tensor.embedding(weight, indices);
        }
    }
}
