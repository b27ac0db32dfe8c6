package dev.tapegrad.rl;

import dev.tapegrad.Tensor;

/**
 * SAPO, Soft Adaptive Policy Optimization (Qwen, arXiv 2511.20347): the hard clip is replaced by a smooth
 * temperature gate on the ratio.
 * <pre>
 *   f(r) = σ(τ·(r − 1))·4/τ,   τ = τ_pos if Â &gt; 0 else τ_neg  (Â = 0 uses τ_neg)
 *   ℓ_{i,t} = −f(r_{i,t})·Â_{i,t}
 * </pre>
 * f′(r) = 4σ(1 − σ) ∈ (0, 1] with f′(1) = 1, so on policy SAPO has the plain policy gradient and off policy a
 * token's gradient −Â·f′(r)·r·∇log π decays smoothly (faster for larger τ). Note f(1) = 2/τ: the loss value is
 * not the GRPO value, only the on-policy gradient is.
 *
 * @param tauPos      τ for positive advantages (&gt; 0; paper 1.0)
 * @param tauNeg      τ for non-positive advantages (&gt; 0; paper 1.05, τ_neg &gt; τ_pos recommended)
 * @param aggregation how per-token losses become the scalar loss (paper: sequence-mean of token-means)
 */
public record Sapo(double tauPos, double tauNeg, Aggregation aggregation) implements TokenObjective {

    public Sapo {
        if (!(tauPos > 0) || !(tauNeg > 0) || Double.isInfinite(tauPos) || Double.isInfinite(tauNeg)) {
            throw new IllegalArgumentException("Sapo: temperatures must be finite and > 0, got tauPos " + tauPos
                    + ", tauNeg " + tauNeg);
        }
        if (aggregation == null) throw new IllegalArgumentException("Sapo: aggregation is required");
    }

    /** The paper's τ_pos = 1.0, τ_neg = 1.05, sequence-mean of token-means. */
    public static Sapo paper() {
        return new Sapo(1.0, 1.05, Aggregation.seqMeanTokenMean());
    }

    /** The gate f(r) = σ(τ(r − 1))·4/τ for a temperature tensor τ broadcastable to r. */
    public static Tensor gate(Tensor ratio, Tensor tau) {
        return ratio.sub(1.0).mul(tau).sigmoid().mul(4.0).div(tau);
    }

    @Override
    public Tensor perTokenLoss(PolicyBatch batch) {
        Tensor ratio = LogRatios.logRatio(batch).exp();
        Tensor adv = batch.tokenAdvantages();
        Tensor tau = Tensor.where(adv.gt(0.0), Tensor.full(tauPos, adv.dtype(), adv.shape()),
                Tensor.full(tauNeg, adv.dtype(), adv.shape()));
        return gate(ratio, tau).mul(adv).neg();
    }
}
