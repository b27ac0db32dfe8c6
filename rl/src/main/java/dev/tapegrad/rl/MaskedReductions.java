package dev.tapegrad.rl;

import dev.tapegrad.Tensor;

/**
 * Sums and means over the real (unmasked) tokens of a padded batch {@code [B, T]} with a 0/1 mask of the same
 * shape, shared by the objectives.
 *
 * <p>Masked positions are removed by a select, not a multiplication, so whatever they hold (∞, NaN) never
 * reaches the result or its gradient. Means over a sequence's tokens divide by max(|o_i|, 1): an empty
 * sequence gets 0 rather than 0/0.
 */
public final class MaskedReductions {
    private MaskedReductions() {}

    /** x where mask = 1, 0 where mask = 0 (a select, so values at masked positions never reach the result). */
    public static Tensor masked(Tensor x, Tensor mask) {
        return Tensor.where(mask.gt(0.5), x, Tensor.zeros(x.dtype(), x.shape()));
    }

    /** Σ_t x_{i,t}·m_{i,t}, shape [B]. */
    public static Tensor maskedSum(Tensor x, Tensor mask) {
        return masked(x, mask).sum(1);
    }

    /** (1/max(|o_i|, 1)) Σ_t x_{i,t}·m_{i,t}, shape [B]; 0 for an empty sequence. */
    public static Tensor maskedMean(Tensor x, Tensor mask) {
        return maskedSum(x, mask).div(mask.sum(1).clampMin(1.0));
    }

    /** 1 for sequences with at least one real token, 0 for empty ones; shape [B]. */
    public static Tensor nonEmpty(Tensor mask) {
        return mask.sum(1).gt(0.0).to(mask.dtype());
    }

    /**
     * The mean of per-sequence values over the non-empty sequences: Σ_i v_i·[|o_i| > 0] / max(#non-empty, 1).
     * An all-masked batch gives 0 (with a zero gradient), never NaN.
     */
    public static Tensor meanOverSequences(Tensor perSequence, Tensor mask) {
        Tensor keep = nonEmpty(mask);
        Tensor kept = Tensor.where(keep.gt(0.5), perSequence, Tensor.zeros(perSequence.dtype(), perSequence.shape()));
        return kept.sum().div(Math.max(keep.sum().item(), 1.0));
    }
}
