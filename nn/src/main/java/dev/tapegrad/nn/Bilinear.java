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
        this(gen, in1, in2, out, true, DType.FLOAT32);
    }

    /** A layer with or without bias, of the given dtype. */
    public Bilinear(Generator gen, int in1, int in2, int out, boolean bias, DType dtype) {
        if (in1 <= 0 || in2 <= 0 || out <= 0) {
            throw new IllegalArgumentException("Bilinear: sizes must be positive, got in1=" + in1 + ", in2=" + in2 + ", out=" + out);
        }
        double bound = 1.0 / Math.sqrt(in1);
        this.weight = param("weight", Init.uniform(gen, Tensor.zeros(dtype, out, in1, in2), -bound, bound));
        this.bias = bias ? param("bias", Init.uniform(gen, Tensor.zeros(dtype, out), -bound, bound)) : null;
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
