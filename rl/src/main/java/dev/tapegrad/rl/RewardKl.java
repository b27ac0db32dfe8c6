package dev.tapegrad.rl;

import dev.tapegrad.Tensor;

/**
 * KL to the reference policy shaped into the reward instead of the loss (trl's RLOO, OpenRLHF's default,
 * verl's use_kl_in_reward):
 * <pre>
 *   R′_i = R_i − β·Σ_t m_{i,t} k_{i,t}(π_sample, π_ref)
 * </pre>
 * computed from the log-probabilities of the sampling policy at rollout time, before advantages are estimated;
 * the result is a constant (detached). The usual estimator is k1 = log π − log π_ref (trl's RLOO: β = 0.05;
 * OpenRLHF: 0.01). Summing over tokens is what a per-token reward −β·k_t with γ = 1 returns at the first token.
 *
 * @param beta β ≥ 0
 * @param kl   the per-token estimator (usually {@link Kl#K1})
 */
public record RewardKl(double beta, Kl kl) {

    public RewardKl {
        if (kl == null) throw new IllegalArgumentException("RewardKl: kl is required");
        if (!(beta >= 0) || Double.isInfinite(beta)) {
            throw new IllegalArgumentException("RewardKl: beta must be finite and >= 0, got " + beta);
        }
    }

    /** Σ_t m_{i,t} k_{i,t}, shape [B], detached (0 for an empty sequence). */
    public Tensor sequenceKl(Tensor logProbs, Tensor refLogProbs, Tensor mask) {
        requireSameShape(logProbs, refLogProbs, mask);
        return MaskedReductions.maskedSum(kl.perToken(logProbs.detach(), refLogProbs.detach(), mask), mask).detach();
    }

    /** R′ = R − β·Σ_t m k, shape [B], detached; R of shape [B]. */
    public Tensor shape(Tensor rewards, Tensor logProbs, Tensor refLogProbs, Tensor mask) {
        requireSameShape(logProbs, refLogProbs, mask);
        if (rewards.dim() != 1 || rewards.size(0) != logProbs.size(0)) {
            throw new IllegalArgumentException("RewardKl.shape: rewards must be [B] = [" + logProbs.size(0) + "], got "
                    + java.util.Arrays.toString(rewards.shape()));
        }
        Tensor penalty = sequenceKl(logProbs, refLogProbs, mask).mul(beta);
        return rewards.detach().sub(penalty.to(rewards.dtype()));
    }

    /** The same rewards (and groups, lengths) with R′ = R − β·Σ_t m k. */
    public Rewards shape(Rewards rewards, Tensor logProbs, Tensor refLogProbs, Tensor mask) {
        return new Rewards(shape(rewards.values(), logProbs, refLogProbs, mask), rewards.groupIds(), rewards.lengths());
    }

    private static void requireSameShape(Tensor logProbs, Tensor refLogProbs, Tensor mask) {
        if (logProbs.dim() != 2 || !java.util.Arrays.equals(logProbs.shape(), refLogProbs.shape())
                || !java.util.Arrays.equals(logProbs.shape(), mask.shape())) {
            throw new IllegalArgumentException("RewardKl: logProbs, refLogProbs and mask must share one [B,T] shape, got "
                    + java.util.Arrays.toString(logProbs.shape()) + ", " + java.util.Arrays.toString(refLogProbs.shape())
                    + ", " + java.util.Arrays.toString(mask.shape()));
        }
    }
}
