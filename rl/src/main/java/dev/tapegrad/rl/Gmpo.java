package dev.tapegrad.rl;

import dev.tapegrad.Tensor;

/**
 * GMPO, Geometric-Mean Policy Optimization (arXiv 2507.20673): the sequence ratio is the geometric mean of
 * token ratios that were clipped <em>per token, in log space, by the sign of the advantage</em> before the mean
 * (GSPO clips after it).
 * <pre>
 *   c_{i,t} = Â_i &gt; 0 ? min(d_{i,t}, clamp(d_{i,t}, −δ_low, δ_high)) : max(d_{i,t}, clamp(d_{i,t}, −δ_low, δ_high))
 *   ρ_i     = exp((1/|o_i|) Σ_t m_{i,t} c_{i,t})
 *   loss    = (1/B') Σ_{i non-empty} −Â_i·ρ_i
 * </pre>
 * So for Â &gt; 0 a token with d &gt; δ_high stops contributing gradient, for Â &lt; 0 one with d &lt; −δ_low does
 * (the PPO rule, in log space); ∇ρ_i = ρ_i (1/|o_i|) Σ_{t unclipped} ∇log π_θ(o_{i,t}). Â = 0 takes the
 * Â &lt; 0 branch (its loss and gradient are 0 anyway). Per-token advantages are reduced to their masked mean
 * per sequence, as verl's {@code geo_mean} does. The paper's range is (e^{−0.4}, e^{0.4}), i.e. δ = 0.4.
 *
 * @param deltaLow  δ_low ≥ 0, the log-space lower bound is −δ_low
 * @param deltaHigh δ_high ≥ 0, the log-space upper bound
 */
public record Gmpo(double deltaLow, double deltaHigh) implements PolicyObjective {

    public Gmpo {
        if (!(deltaLow >= 0) || !(deltaHigh >= 0) || Double.isInfinite(deltaLow) || Double.isInfinite(deltaHigh)) {
            throw new IllegalArgumentException("Gmpo: need finite deltaLow, deltaHigh >= 0, got " + deltaLow + ", " + deltaHigh);
        }
    }

    /** The paper's δ = 0.4 on both sides. */
    public static Gmpo paper() {
        return new Gmpo(0.4, 0.4);
    }

    @Override
    public Tensor loss(PolicyBatch batch) {
        Tensor d = LogRatios.logRatio(batch);
        Tensor adv = batch.sequenceAdvantages();
        Tensor clamped = d.clamp(-deltaLow, deltaHigh);
        Tensor positive = adv.gt(0.0).unsqueeze(1); // [B,1], broadcast over the tokens
        Tensor c = Tensor.where(positive, d.minimum(clamped), d.maximum(clamped));
        Tensor rho = MaskedReductions.maskedMean(c, batch.mask()).exp();
        return MaskedReductions.meanOverSequences(adv.neg().mul(rho), batch.mask());
    }
}
