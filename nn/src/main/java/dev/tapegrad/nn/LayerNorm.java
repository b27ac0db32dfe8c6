package dev.tapegrad.nn;

import dev.tapegrad.DType;
import dev.tapegrad.Tensor;

/**
 * Layer normalisation over the last axes (see {@link Layers#layerNorm}), PyTorch's {@code nn.LayerNorm}:
 * y = (x − μ)/√(σ² + ε) ⊙ weight + bias with weight (ones) and bias (zeros) of shape {@code normalizedShape}.
 */
public final class LayerNorm extends UnaryModule {
    private final int[] normalizedShape;
    private final double eps;
    private final Tensor weight;
    private final Tensor bias;

    /** Over the last axis of size {@code dim}: float32, ε = 1e-5, with weight and bias. */
    public LayerNorm(int dim) {
        this(builder(dim));
    }

    private LayerNorm(Builder b) {
        int[] normalizedShape = b.normalizedShape;
        double eps = b.eps;
        boolean affine = b.affine, bias = b.bias;
        DType dtype = b.dtype;
        this.normalizedShape = checkShape("LayerNorm", normalizedShape);
        if (!(eps > 0)) throw new IllegalArgumentException("LayerNorm: eps must be positive, got " + eps);
        this.eps = eps;
        this.weight = affine ? param("weight", Tensor.ones(dtype, normalizedShape)) : null;
        this.bias = affine && bias ? param("bias", Tensor.zeros(dtype, normalizedShape)) : null;
    }

    /**
     * A builder of a layer norm over the last {@code normalizedShape.length} axes; by default float32,
     * ε = {@link Layers#NORM_EPS}, with weight and bias.
     */
    public static Builder builder(int... normalizedShape) {
        return new Builder(normalizedShape);
    }

    /** The optional settings of a {@link LayerNorm}. */
    public static final class Builder {
        private final int[] normalizedShape;
        private double eps = Layers.NORM_EPS;
        private boolean affine = true, bias = true;
        private DType dtype = DType.FLOAT32;

        private Builder(int[] normalizedShape) {
            this.normalizedShape = normalizedShape.clone();
        }

        /** ε &gt; 0 (default 1e-5). */
        public Builder eps(double eps) {
            this.eps = eps;
            return this;
        }

        /** Whether there is a learned weight (default true). */
        public Builder affine(boolean affine) {
            this.affine = affine;
            return this;
        }

        /** Whether there is a learned bias, only with {@code affine} as in PyTorch (default true). */
        public Builder bias(boolean bias) {
            this.bias = bias;
            return this;
        }

        /** The dtype of the parameters (default float32). */
        public Builder dtype(DType dtype) {
            this.dtype = java.util.Objects.requireNonNull(dtype, "LayerNorm: dtype");
            return this;
        }

        /** The layer norm. */
        public LayerNorm build() {
            return new LayerNorm(this);
        }
    }

    static int[] checkShape(String layer, int[] shape) {
        boolean ok = shape.length > 0;
        for (int s : shape) ok &= s > 0;
        if (!ok) {
            throw new IllegalArgumentException(layer + ": normalized shape must be non-empty with positive sizes, got "
                    + java.util.Arrays.toString(shape));
        }
        return shape.clone();
    }

    /** The weight, or {@code null}. */
    public Tensor weight() {
        return weight;
    }

    /** The bias, or {@code null}. */
    public Tensor bias() {
        return bias;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Layers.layerNorm(x, normalizedShape, weight, bias, eps);
    }
}
