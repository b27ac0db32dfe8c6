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
        this(gen, in, out, true, DType.FLOAT32);
    }

    /** A layer with or without bias, of the given dtype. */
    public Linear(Generator gen, int in, int out, boolean bias, DType dtype) {
        if (in <= 0 || out <= 0) throw new IllegalArgumentException("Linear: sizes must be positive, got in=" + in + ", out=" + out);
        double bound = 1.0 / Math.sqrt(in);
        // Kaiming uniform with a = √5 (PyTorch's default): bound = √3·√(2/(1 + 5))/√in = 1/√in.
        this.weight = param("weight", Init.uniform(gen, Tensor.zeros(dtype, out, in), -bound, bound));
        this.bias = bias ? param("bias", Init.uniform(gen, Tensor.zeros(dtype, out), -bound, bound)) : null;
    }

    /** The weight, {@code [out, in]}. */
    public Tensor weight() {
        return weight;
    }

    /** The bias, {@code [out]}, or {@code null}. */
    public Tensor bias() {
        return bias;
    }

    @Override
    public Tensor forward(Tensor x) {
        int in = weight.size(1);
        if (x.dim() == 0 || x.size(-1) != in) {
            throw new IllegalArgumentException("Linear: input of shape " + java.util.Arrays.toString(x.shape())
                    + " does not end with the layer's input size " + in);
        }
        return Tensor.linear(x, weight, bias); // the fused op: y starts as b, the GEMM accumulates x·Wᵀ
    }
}
