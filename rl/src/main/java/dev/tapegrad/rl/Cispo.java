package dev.tapegrad.rl;

import dev.tapegrad.Tensor;

/**
 * CISPO, clipped importance-sampling policy optimisation (MiniMax-M1, arXiv 2506.13585): REINFORCE with a
 * clipped, <em>detached</em> importance weight, so every token keeps a gradient (none is clipped away).
 * <pre>
 *   ℓ_{i,t} = −sg[clamp(r_{i,t}, minRatio, maxRatio)]·Â_{i,t}·log π_θ(o_{i,t})
 * </pre>
 * Gradient: −clamp(r)·Â·∇log π. Two variants exist in the reference code:
 * <ul>
 * <li>verl, two-sided: clamp(r, 1 − ε_low, 1 + ε_high) — {@link #twoSided};</li>
 * <li>trl, one-sided cap: clamp(r, max = ε_high) where ε_high is the <em>cap itself</em> (ScaleRL: 5.0) —
 *     {@link #capped}. Footgun: in trl, when epsilon_high is not set it falls back to epsilon = 0.2 and caps
 *     every ratio at 0.2, silently scaling even on-policy gradients by 0.2. Here bounds must satisfy
 *     minRatio ≤ 1 ≤ maxRatio, so that mistake is rejected and on policy the gradient is −Â·∇log π.</li>
 * </ul>
 * log π_θ at masked tokens is replaced by 0 before use, so padding never reaches the loss or its gradient.
 *
 * @param minRatio    lower bound of the weight, ≤ 1 (0 for none: ratios are positive)
 * @param maxRatio    upper bound of the weight, ≥ 1
 * @param aggregation how per-token losses become the scalar loss
 */
public record Cispo(double minRatio, double maxRatio, Aggregation aggregation) implements TokenObjective {

    public Cispo {
        if (!(minRatio <= 1) || !(maxRatio >= 1)) {
            throw new IllegalArgumentException("Cispo: need minRatio <= 1 <= maxRatio, got [" + minRatio + ", " + maxRatio
                    + "] (trl's one-sided epsilon_high is the cap on r itself, e.g. 5.0, not a clip width like 0.2)");
        }
        if (aggregation == null) throw new IllegalArgumentException("Cispo: aggregation is required");
    }

    /** verl's two-sided weight clamp(r, 1 − ε_low, 1 + ε_high), token-mean. */
    public static Cispo twoSided(double epsLow, double epsHigh) {
        ClippedSurrogate.checkEps("Cispo.twoSided", epsLow, epsHigh);
        return new Cispo(1 - epsLow, 1 + epsHigh, Aggregation.tokenMean());
    }

    /** trl's one-sided weight min(r, cap) with cap ≥ 1 (ScaleRL uses 5.0), token-mean. */
    public static Cispo capped(double cap) {
        return new Cispo(0, cap, Aggregation.tokenMean());
    }

    /** This objective with another aggregation. */
    public Cispo withAggregation(Aggregation a) {
        return new Cispo(minRatio, maxRatio, a);
    }

    @Override
    public Tensor perTokenLoss(PolicyBatch batch) {
        Tensor weight = LogRatios.logRatio(batch).exp().clamp(minRatio, maxRatio).detach();
        Tensor logP = MaskedReductions.masked(batch.logProbs(), batch.mask());
        return weight.mul(batch.tokenAdvantages()).mul(logP).neg();
    }
}
