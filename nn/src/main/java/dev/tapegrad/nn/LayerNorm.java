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
        this(new int[] {dim}, Layers.NORM_EPS, true, true, DType.FLOAT32);
    }

    /**
     * A layer norm over the last {@code normalizedShape.length} axes.
     *
     * @param affine whether there is a learned weight
     * @param bias   whether there is a learned bias (only with {@code affine}, as in PyTorch)
     */
    public LayerNorm(int[] normalizedShape, double eps, boolean affine, boolean bias, DType dtype) {
        this.normalizedShape = checkShape("LayerNorm", normalizedShape);
        if (!(eps > 0)) throw new IllegalArgumentException("LayerNorm: eps must be positive, got " + eps);
        this.eps = eps;
        this.weight = affine ? param("weight", Tensor.ones(dtype, normalizedShape)) : null;
        this.bias = affine && bias ? param("bias", Tensor.zeros(dtype, normalizedShape)) : null;
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
