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
        this(new int[] {dim}, null, true, DType.FLOAT32);
    }

    /** Over the last axis of size {@code dim} with the given ε: float32, with a weight. */
    public RMSNorm(int dim, double eps) {
        this(new int[] {dim}, eps, true, DType.FLOAT32);
    }

    /**
     * An RMS norm over the last {@code normalizedShape.length} axes.
     *
     * @param eps    ε &gt; 0, or {@code null} for the dtype's machine epsilon
     * @param affine whether there is a learned weight
     */
    public RMSNorm(int[] normalizedShape, Double eps, boolean affine, DType dtype) {
        this.normalizedShape = LayerNorm.checkShape("RMSNorm", normalizedShape);
        if (eps != null && !(eps > 0)) throw new IllegalArgumentException("RMSNorm: eps must be positive, got " + eps);
        this.eps = eps;
        this.weight = affine ? param("weight", Tensor.ones(dtype, normalizedShape)) : null;
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
