package dev.tapegrad.rl;

import dev.tapegrad.Tensor;

/**
 * Masked log-space helpers shared by the objectives.
 *
 * <p>The log-ratio of token t of sequence i is d_{i,t} = log π_θ(o_{i,t}) − log π_old(o_{i,t}), and the ratio is
 * r_{i,t} = exp(d_{i,t}). At masked (padding) positions the log-probabilities can be anything, and exp of a
 * large difference overflows to ∞: the forward value is finite after multiplying by the mask, but the
 * backward computes 0·∞ = NaN (a known failure of several frameworks). So the log-ratio is set to 0 at masked
 * positions <em>before</em> any exp. Both log-probabilities are selected before they are subtracted,
 * {@code d = where(mask, logp, 0) − where(mask, old, 0)}, so that −∞ at a masked position (a token masked
 * out of the vocabulary) never meets −∞ in an −∞ − (−∞) = NaN, which anomaly mode would stop at.
 *
 * <p>Means over a sequence's tokens divide by max(|o_i|, 1): an empty sequence gets 0 rather than 0/0.
 */
public final class LogRatios {
    private LogRatios() {}

    /** d_{i,t} = log π_θ − log π_old at real tokens, 0 at masked ones; [B,T], differentiable in logProbs. */
    public static Tensor logRatio(PolicyBatch batch) {
        return masked(batch.logProbs(), batch.mask()).sub(masked(batch.oldLogProbs(), batch.mask()));
    }

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
