package dev.tapegrad.nn;

import dev.tapegrad.DType;
import dev.tapegrad.Tensor;

/**
 * An expanded gated activation with a trainable gate range: y = x·((1 + 2α)·g(x) − α), with g the
 * {@link Activations.Gate} (Φ for xGELU, σ for xSiLU, arctan for xATLU) and α a parameter named
 * {@code alpha} of shape [1], initialised to 0 so that training starts from plain GELU/SiLU/ATLU
 * (Huang, 2024, "Expanded Gating Ranges Improve Activation Functions"; the paper uses one α per MLP block).
 */
public final class ExpandedGating extends UnaryModule {
    private final Activations.Gate gate;
    private final Tensor alpha;

    /** An expanded activation with the given gate, α = 0 in the given dtype. */
    public ExpandedGating(Activations.Gate gate, DType dtype) {
        if (!dtype.isFloating()) throw new IllegalArgumentException(gate.expandedName() + ": dtype must be floating, got " + dtype);
        this.gate = gate;
        this.alpha = param("alpha", Tensor.zeros(dtype, 1));
    }

    /** xGELU, float32. */
    public static ExpandedGating xgelu() { return new ExpandedGating(Activations.Gate.GAUSSIAN_CDF, DType.FLOAT32); }
    /** xSiLU, float32. */
    public static ExpandedGating xsilu() { return new ExpandedGating(Activations.Gate.SIGMOID, DType.FLOAT32); }
    /** xATLU, float32. */
    public static ExpandedGating xatlu() { return new ExpandedGating(Activations.Gate.ARCTAN, DType.FLOAT32); }

    /** The gate. */
    public Activations.Gate gate() {
        return gate;
    }

    /** The trainable α, shape [1]. */
    public Tensor alpha() {
        return alpha;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Activations.expandedGating(x, gate, alpha);
    }

    @Override
    public String toString() {
        return gate.expandedName() + "(alpha=" + alpha.item() + ")";
    }
}
