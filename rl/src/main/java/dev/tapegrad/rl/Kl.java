package dev.tapegrad.rl;

import dev.tapegrad.Tensor;

/**
 * Per-token estimators of the KL divergence between the current policy π_θ and a frozen reference π_ref,
 * evaluated at the sampled token only (Schulman, "Approximating KL divergence", 2020; GRPO arXiv 2402.03300).
 * With u = log π_ref − log π_θ (set to 0 at masked tokens <em>before</em> any exp):
 * <pre>
 *   K1:  k1 = −u                                   (unbiased for KL(π_θ‖π_ref), can be negative)
 *   K2:  k2 = u²/2                                 (∇k2 = −u·∇log π_θ: on policy, in expectation ∇KL(π_θ‖π_ref))
 *   K3:  k3 = e^u − u − 1 ≥ 0, = 0 iff u = 0       (GRPO's choice; ∇k3 = (1 − π_ref/π_θ)·∇log π_θ, whose
 *                                                   expectation is the gradient of the <em>forward</em> KL(π_ref‖π_θ))
 *   K3_K2_GRAD:  k2 − sg(k2) + sg(k3)              (verl's "k3+": the value of k3 with the gradient of k2)
 * </pre>
 * k3 is computed as expm1(u) − u for accuracy near u = 0. No clamping: e^u overflows when π_θ ≪ π_ref at a real
 * token (trl issue 3015); clamp the log-probabilities upstream if that can happen.
 */
public enum Kl {
    /** k1 = log π_θ − log π_ref. */
    K1,
    /** k2 = (log π_θ − log π_ref)²/2. */
    K2,
    /** k3 = exp(u) − u − 1 with u = log π_ref − log π_θ. */
    K3,
    /** Straight-through: value k3, gradient of k2. */
    K3_K2_GRAD;

    /** k_{i,t} for the batch's reference policy, [B,T], 0 at masked tokens; needs {@link PolicyBatch#refLogProbs()}. */
    public Tensor perToken(PolicyBatch batch) {
        if (batch.refLogProbs() == null) {
            throw new IllegalArgumentException("Kl." + name() + ": the batch has no reference log-probabilities"
                    + " (use PolicyBatch.withReference)");
        }
        return perToken(batch.logProbs(), batch.refLogProbs(), batch.mask());
    }

    /** k_{i,t} from log π_θ and log π_ref of the same shape, 0 where mask = 0. */
    public Tensor perToken(Tensor logProbs, Tensor refLogProbs, Tensor mask) {
        // select, then subtract: masked positions may hold −∞ in both (−∞ − (−∞) would be NaN)
        Tensor u = MaskedReductions.masked(refLogProbs, mask).sub(MaskedReductions.masked(logProbs, mask));
        return switch (this) {
            case K1 -> u.neg();
            case K2 -> k2(u);
            case K3 -> k3(u);
            case K3_K2_GRAD -> {
                Tensor k2 = k2(u);
                yield k2.sub(k2.detach()).add(k3(u).detach());
            }
        };
    }

    /**
     * The penalty β·agg(k) as a loss term, for objectives that are not token-level (GSPO, GMPO): add it to their
     * loss. For a {@link TokenObjective} use {@link WithKl}, which adds β·k per token before aggregating.
     */
    public Tensor penalty(PolicyBatch batch, double beta, Aggregation aggregation) {
        return aggregation.apply(perToken(batch), batch.mask()).mul(beta);
    }

    private static Tensor k2(Tensor u) {
        return u.square().mul(0.5);
    }

    private static Tensor k3(Tensor u) {
        return u.expm1().sub(u);
    }
}
