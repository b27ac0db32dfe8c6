package dev.tapegrad.nn;

import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;

/**
 * A bilinear layer y_k = x₁ᵀ·W_k·x₂ + b_k (see {@link Layers#bilinear}), PyTorch's {@code nn.Bilinear}: weight
 * {@code [out, in1, in2]}, bias {@code [out]}, both initialised uniform in ±1/√in1.
 */
public final class Bilinear extends Module {
    private final Tensor weight;
    private final Tensor bias;

    /** A float32 layer with a bias. */
    public Bilinear(Generator gen, int in1, int in2, int out) {
        this(gen, builder(in1, in2, out));
    }

    private Bilinear(Generator gen, Builder b) {
        int in1 = b.in1, in2 = b.in2, out = b.out;
        boolean bias = b.bias;
        DType dtype = b.dtype;
        if (in1 <= 0 || in2 <= 0 || out <= 0) {
            throw new IllegalArgumentException("Bilinear: sizes must be positive, got in1=" + in1 + ", in2=" + in2 + ", out=" + out);
        }
        double bound = 1.0 / Math.sqrt(in1);
        this.weight = param("weight", Init.uniform(gen, Tensor.zeros(dtype, out, in1, in2), -bound, bound));
        this.bias = bias ? param("bias", Init.uniform(gen, Tensor.zeros(dtype, out), -bound, bound)) : null;
    }

    /** A builder of a layer from {@code in1} and {@code in2} to {@code out} features; by default float32 with a bias. */
    public static Builder builder(int in1, int in2, int out) {
        return new Builder(in1, in2, out);
    }

    /** The optional settings of a {@link Bilinear} layer. */
    public static final class Builder {
        private final int in1, in2, out;
        private boolean bias = true;
        private DType dtype = DType.FLOAT32;

        private Builder(int in1, int in2, int out) {
            this.in1 = in1;
            this.in2 = in2;
            this.out = out;
        }

        /** Whether the layer has a bias (default true). */
        public Builder bias(boolean bias) {
            this.bias = bias;
            return this;
        }

        /** The dtype of the parameters (default float32). */
        public Builder dtype(DType dtype) {
            this.dtype = java.util.Objects.requireNonNull(dtype, "Bilinear: dtype");
            return this;
        }

        /** The layer, initialised from {@code gen}. */
        public Bilinear build(Generator gen) {
            return new Bilinear(gen, this);
        }
    }

    /** The weight, {@code [out, in1, in2]}. */
    public Tensor weight() {
        return weight;
    }

    /** The bias, {@code [out]}, or {@code null}. */
    public Tensor bias() {
        return bias;
    }

    /** y = bilinear(x1, x2): {@code [*, in1]} and {@code [*, in2]} to {@code [*, out]}. */
    public Tensor forward(Tensor x1, Tensor x2) {
        return Layers.bilinear(x1, x2, weight, bias);
    }
}
