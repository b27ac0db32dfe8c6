package dev.tapegrad.rl;

import dev.tapegrad.Tensor;

/**
 * A token-level objective with a KL penalty to the reference policy added to every token's loss, GRPO style
 * (arXiv 2402.03300: the −β·D_KL term sits inside the 1/|o_i| average):
 * <pre>
 *   ℓ′_{i,t} = ℓ_{i,t} + β·k_{i,t}(π_θ, π_ref),   aggregated like the base objective
 * </pre>
 * with k one of the {@link Kl} estimators (GRPO: k3, β = 0.04; DeepSeek-R1: β = 0.001; verl's default k3 with
 * coefficient 0.001). The batch must carry reference log-probabilities.
 *
 * @param base the objective without the penalty
 * @param beta β ≥ 0
 * @param kl   the per-token estimator
 */
public record WithKl(TokenObjective base, double beta, Kl kl) implements TokenObjective {

    public WithKl {
        if (base == null || kl == null) throw new IllegalArgumentException("WithKl: base and kl are required");
        if (!(beta >= 0) || Double.isInfinite(beta)) {
            throw new IllegalArgumentException("WithKl: beta must be finite and >= 0, got " + beta);
        }
    }

    /** GRPO with its k3 penalty: {@link ClippedSurrogate#grpo()} + β·k3 (the paper's β is 0.04). */
    public static WithKl grpo(double beta) {
        return new WithKl(ClippedSurrogate.grpo(), beta, Kl.K3);
    }

    @Override
    public Tensor perTokenLoss(PolicyBatch batch) {
        return base.perTokenLoss(batch).add(kl.perToken(batch).mul(beta));
    }

    @Override
    public Aggregation aggregation() {
        return base.aggregation();
    }
}
