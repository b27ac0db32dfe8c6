package dev.tapegrad.rl;

import dev.tapegrad.Tensor;

/**
 * The masked log-ratio shared by the ratio-based objectives (sums and means over tokens are in
 * {@link MaskedReductions}).
 *
 * <p>The log-ratio of token t of sequence i is d_{i,t} = log π_θ(o_{i,t}) − log π_old(o_{i,t}), and the ratio is
 * r_{i,t} = exp(d_{i,t}). At masked (padding) positions the log-probabilities can be anything, and exp of a
 * large difference overflows to ∞: the forward value is finite after multiplying by the mask, but the
 * backward computes 0·∞ = NaN (a known failure of several frameworks). So the log-ratio is set to 0 at masked
 * positions <em>before</em> any exp. Both log-probabilities are selected before they are subtracted,
 * {@code d = where(mask, logp, 0) − where(mask, old, 0)}, so that −∞ at a masked position (a token masked
 * out of the vocabulary) never meets −∞ in an −∞ − (−∞) = NaN, which anomaly mode would stop at.
 */
public final class LogRatios {
    private LogRatios() {}

    /** d_{i,t} = log π_θ − log π_old at real tokens, 0 at masked ones; [B,T], differentiable in logProbs. */
    public static Tensor logRatio(PolicyBatch batch) {
        Tensor mask = batch.mask();
        return MaskedReductions.masked(batch.logProbs(), mask).sub(MaskedReductions.masked(batch.oldLogProbs(), mask));
    }
}
