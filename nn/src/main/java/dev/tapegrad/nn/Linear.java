package dev.tapegrad.nn;

import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;

/**
 * A fully connected layer y = x·Wᵀ + b, with W of shape {@code [out, in]} and b of shape {@code [out]}
 * (PyTorch's layout, so weights load from PyTorch unchanged). Leading axes of x are batch axes.
 *
 * <p>Computed by the engine's fused {@link Tensor#linear} (the same math as {@link Layers#linear}).
 *
 * <p>Initialisation as PyTorch's {@code nn.Linear}: W and b uniform in ±1/√in (Kaiming uniform with
 * a = √5, which reduces to that bound), drawn from the given generator.
 */
public final class Linear extends UnaryModule {
    private final Tensor weight;
    private final Tensor bias;

    /** A float32 layer with a bias. */
    public Linear(Generator gen, int in, int out) {
        this(gen, builder(in, out));
    }

    private Linear(Generator gen, Builder b) {
        int in = b.in, out = b.out;
        if (in <= 0 || out <= 0) throw new IllegalArgumentException("Linear: sizes must be positive, got in=" + in + ", out=" + out);
        double bound = 1.0 / Math.sqrt(in);
        // Kaiming uniform with a = √5 (PyTorch's default): bound = √3·√(2/(1 + 5))/√in = 1/√in.
        this.weight = param("weight", Init.uniform(gen, Tensor.zeros(b.dtype, out, in), -bound, bound));
        this.bias = b.bias ? param("bias", Init.uniform(gen, Tensor.zeros(b.dtype, out), -bound, bound)) : null;
    }

    /** A builder of a layer from {@code in} to {@code out} features; by default float32 with a bias. */
    public static Builder builder(int in, int out) {
        return new Builder(in, out);
    }

    /** The optional settings of a {@link Linear} layer. */
    public static final class Builder {
        private final int in, out;
        private boolean bias = true;
        private DType dtype = DType.FLOAT32;

        private Builder(int in, int out) {
            this.in = in;
            this.out = out;
        }

        /** Whether the layer has a bias (default true). */
        public Builder bias(boolean bias) {
            this.bias = bias;
            return this;
        }

        /** The dtype of the parameters (default float32). */
        public Builder dtype(DType dtype) {
            this.dtype = java.util.Objects.requireNonNull(dtype, "Linear: dtype");
            return this;
        }

        /** The layer, initialised from {@code gen}. */
        public Linear build(Generator gen) {
            return new Linear(gen, this);
        }
    }

    /** The weight, {@code [out, in]}. */
    public Tensor weight() {
        return weight;
    }

    /** The bias, {@code [out]}, or {@code null}. */
    public Tensor bias() {
        return bias;
    }

    /**
     * y = x·Wᵀ + b for x of shape {@code [*, in]}. A bad input fails with the engine's check of
     * {@link Tensor#linear}, prefixed with this layer's sizes ({@code Linear(in → out): linear: ...}).
     */
    @Override
    public Tensor forward(Tensor x) {
        try {
            return Tensor.linear(x, weight, bias); // the fused op: y starts as b, the GEMM accumulates x·Wᵀ
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Linear(" + weight.size(1) + " → " + weight.size(0) + "): " + e.getMessage(), e);
        }
    }
}
