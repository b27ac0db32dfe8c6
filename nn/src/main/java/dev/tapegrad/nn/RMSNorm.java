package dev.tapegrad.nn;

import dev.tapegrad.DType;
import dev.tapegrad.Tensor;

/**
 * RMS normalisation over the last axes (see {@link Layers#rmsNorm}), PyTorch's {@code nn.RMSNorm}:
 * y = x/√(mean(x²) + ε) ⊙ weight, weight (ones) of shape {@code normalizedShape}.
 *
 * <p>ε: when not given ({@code null}), PyTorch's default, the machine epsilon of the input's dtype
 * ({@link Layers#rmsNormDefaultEps}); models such as LLaMA use 1e-6 or 1e-5 and should say so.
 */
public final class RMSNorm extends UnaryModule {
    private final int[] normalizedShape;
    private final Double eps;
    private final Tensor weight;

    /** Over the last axis of size {@code dim}: float32, PyTorch's default ε, with a weight. */
    public RMSNorm(int dim) {
        this(builder(dim));
    }

    private RMSNorm(Builder b) {
        int[] normalizedShape = b.normalizedShape;
        Double eps = b.eps;
        boolean affine = b.affine;
        DType dtype = b.dtype;
        this.normalizedShape = LayerNorm.checkShape("RMSNorm", normalizedShape);
        if (eps != null && !(eps > 0)) throw new IllegalArgumentException("RMSNorm: eps must be positive, got " + eps);
        this.eps = eps;
        this.weight = affine ? param("weight", Tensor.ones(dtype, normalizedShape)) : null;
    }

    /**
     * A builder of an RMS norm over the last {@code normalizedShape.length} axes; by default float32, with a
     * weight, and ε the machine epsilon of the input's dtype.
     */
    public static Builder builder(int... normalizedShape) {
        return new Builder(normalizedShape);
    }

    /** The optional settings of an {@link RMSNorm}. */
    public static final class Builder {
        private final int[] normalizedShape;
        private Double eps;
        private boolean affine = true;
        private DType dtype = DType.FLOAT32;

        private Builder(int[] normalizedShape) {
            this.normalizedShape = normalizedShape.clone();
        }

        /** ε &gt; 0 (default: the machine epsilon of the input's dtype, as PyTorch). */
        public Builder eps(double eps) {
            this.eps = eps;
            return this;
        }

        /** Whether there is a learned weight (default true). */
        public Builder affine(boolean affine) {
            this.affine = affine;
            return this;
        }

        /** The dtype of the weight (default float32). */
        public Builder dtype(DType dtype) {
            this.dtype = java.util.Objects.requireNonNull(dtype, "RMSNorm: dtype");
            return this;
        }

        /** The RMS norm. */
        public RMSNorm build() {
            return new RMSNorm(this);
        }
    }

    /** The weight, or {@code null}. */
    public Tensor weight() {
        return weight;
    }

    @Override
    public Tensor forward(Tensor x) {
        return eps == null ? Layers.rmsNorm(x, normalizedShape, weight) : Layers.rmsNorm(x, normalizedShape, weight, eps);
    }
}
