package dev.tapegrad.rl;

import dev.tapegrad.Tensor;

/**
 * The token-level clipped surrogate of PPO (arXiv 1707.06347) as used by GRPO (arXiv 2402.03300), with DAPO's
 * asymmetric "clip-higher" range (arXiv 2503.14476) and the optional dual clip (arXiv 1912.09729).
 *
 * <p>With r = exp(d), d = log π_θ − log π_old (0 at masked tokens, see {@link LogRatios}) and advantage Â:
 * <pre>
 *   ℓ = max(−Â·r, −Â·clip(r, 1 − ε_low, 1 + ε_high))           (= −min(r·Â, clip(r)·Â))
 *   dual clip (only for Â &lt; 0):  ℓ = min(ℓ, −Â·c) = min(ℓ, c·|Â|)
 * </pre>
 * By sign: for Â &gt; 0 the gradient −Â·r·∇log π vanishes once r &gt; 1 + ε_high (small r is not clipped); for
 * Â &lt; 0 it vanishes once r &lt; 1 − ε_low, and with the dual clip also once r &gt; c, where the loss is the
 * constant c·|Â| (without it −Â·r grows without bound). On policy (r = 1) the gradient is the plain policy
 * gradient −Â·∇log π, weighted by the aggregation.
 *
 * @param epsLow      ε_low ∈ [0, 1]: the lower clip bound is 1 − ε_low
 * @param epsHigh     ε_high ≥ 0: the upper clip bound is 1 + ε_high
 * @param dualClip    c &gt; 1 (verl's clip_ratio_c, 3 there), or NaN for no dual clip
 * @param aggregation how per-token losses become the scalar loss
 */
public record ClippedSurrogate(double epsLow, double epsHigh, double dualClip, Aggregation aggregation)
        implements TokenObjective {

    public ClippedSurrogate {
        checkEps("ClippedSurrogate", epsLow, epsHigh);
        if (!Double.isNaN(dualClip) && !(dualClip > 1)) {
            throw new IllegalArgumentException("ClippedSurrogate: the dual clip c must be > 1 (or NaN for none), got " + dualClip);
        }
        if (aggregation == null) throw new IllegalArgumentException("ClippedSurrogate: aggregation is required");
    }

    /** PPO: ε = 0.2 both sides, no dual clip, token-mean (PPO's average over all time steps of the batch). */
    public static ClippedSurrogate ppo() {
        return new ClippedSurrogate(0.2, 0.2, Double.NaN, Aggregation.tokenMean());
    }

    /** GRPO (DeepSeekMath): ε = 0.2 both sides, sequence-mean of token-means (the paper's 1/G Σ 1/|o_i| Σ_t). */
    public static ClippedSurrogate grpo() {
        return new ClippedSurrogate(0.2, 0.2, Double.NaN, Aggregation.seqMeanTokenMean());
    }

    /** DAPO: clip-higher ε_low = 0.2, ε_high = 0.28, token-mean. */
    public static ClippedSurrogate dapo() {
        return new ClippedSurrogate(0.2, 0.28, Double.NaN, Aggregation.tokenMean());
    }

    /** Dr. GRPO: ε = 0.2, token sums divided by the constant L (the maximum generation length) and by B'. */
    public static ClippedSurrogate drGrpo(double maxLength) {
        return new ClippedSurrogate(0.2, 0.2, Double.NaN, Aggregation.constantNormaliser(maxLength));
    }

    /** This objective with the dual clip c (&gt; 1) for negative advantages. */
    public ClippedSurrogate withDualClip(double c) {
        return new ClippedSurrogate(epsLow, epsHigh, c, aggregation);
    }

    /** This objective with another aggregation. */
    public ClippedSurrogate withAggregation(Aggregation a) {
        return new ClippedSurrogate(epsLow, epsHigh, dualClip, a);
    }

    /** ℓ_{i,t} as in the class comment, [B,T]; 0 at masked tokens where Â is finite (r = 1 there). */
    @Override
    public Tensor perTokenLoss(PolicyBatch batch) {
        Tensor ratio = LogRatios.logRatio(batch).exp();
        return clippedLoss(ratio, batch.tokenAdvantages(), 1 - epsLow, 1 + epsHigh, dualClip);
    }

    /**
     * The clipped loss max(−Â·r, −Â·clip(r, low, high)), then min(·, −Â·c) where Â &lt; 0 if c is not NaN; shared
     * by the token ratio here and GSPO's sequence ratio.
     */
    static Tensor clippedLoss(Tensor ratio, Tensor adv, double low, double high, double c) {
        Tensor negAdv = adv.neg();
        Tensor loss = negAdv.mul(ratio).maximum(negAdv.mul(ratio.clamp(low, high)));
        if (Double.isNaN(c)) return loss;
        return Tensor.where(adv.lt(0.0), loss.minimum(negAdv.mul(c)), loss);
    }

    /** Rejects clip ranges outside 0 ≤ ε_low ≤ 1, 0 ≤ ε_high &lt; ∞ (NaN included), naming the objective. */
    static void checkEps(String who, double epsLow, double epsHigh) {
        if (!(epsLow >= 0 && epsLow <= 1) || !(epsHigh >= 0) || Double.isInfinite(epsHigh)) {
            throw new IllegalArgumentException(who + ": need 0 <= epsLow <= 1 and finite epsHigh >= 0, got epsLow "
                    + epsLow + ", epsHigh " + epsHigh);
        }
    }
}
