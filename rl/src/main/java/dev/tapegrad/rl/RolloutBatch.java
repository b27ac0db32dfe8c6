package dev.tapegrad.rl;

import dev.tapegrad.DType;
import dev.tapegrad.Tensor;
import java.util.Arrays;

/**
 * One rollout: G completions for each of several prompts, scored, with what the PPO epochs of a training step
 * need. Row i = g·G + j is completion j of prompt slot g (group g).
 *
 * @param prompts     int32 [B, P], prompt of each row (repeated G times)
 * @param completions int32 [B, T], PAD after each row's first EOS
 * @param mask        [B, T] (the policy's dtype): 1 up to and including the first EOS
 * @param oldLogProbs [B, T] log π_old of the sampled tokens, recomputed by {@link TokenPolicy#logProbs} without a
 *                    tape (so the first epoch's ratios are exactly 1); constant across the epochs of a step
 * @param refLogProbs [B, T] under the reference policy, or null
 * @param promptIds   the pool index of each row's prompt
 * @param groupIds    the group of each row (g)
 * @param rewards     R_i of each row, float64 [B]
 */
public record RolloutBatch(Tensor prompts, Tensor completions, Tensor mask, Tensor oldLogProbs, Tensor refLogProbs,
                           int[] promptIds, int[] groupIds, Tensor rewards) {

    /** Checks that the shapes agree and copies the arrays. */
    public RolloutBatch {
        int b = completions.size(0), t = completions.size(1);
        if (prompts.size(0) != b || !Arrays.equals(mask.shape(), completions.shape())
                || !Arrays.equals(oldLogProbs.shape(), completions.shape())
                || (refLogProbs != null && !Arrays.equals(refLogProbs.shape(), completions.shape()))
                || promptIds.length != b || groupIds.length != b || rewards.dim() != 1 || rewards.size(0) != b) {
            throw new IllegalArgumentException("RolloutBatch: inconsistent shapes: prompts " + Arrays.toString(prompts.shape())
                    + ", completions [" + b + ", " + t + "], mask " + Arrays.toString(mask.shape()) + ", oldLogProbs "
                    + Arrays.toString(oldLogProbs.shape()) + ", " + promptIds.length + " prompt ids, " + groupIds.length
                    + " group ids, rewards " + Arrays.toString(rewards.shape()));
        }
        promptIds = promptIds.clone();
        groupIds = groupIds.clone();
        rewards = rewards.to(DType.FLOAT64);
    }

    /** B, the number of completions. */
    public int size() {
        return groupIds.length;
    }

    /** |o_i| = Σ_t m_{i,t}, float64 [B]. */
    public Tensor lengths() {
        return mask.sum(1).to(DType.FLOAT64);
    }

    /** The rewards with their groups and lengths, as advantage estimators take them. */
    public Rewards toRewards() {
        return new Rewards(rewards, groupIds, lengths());
    }

    @Override
    public int[] promptIds() {
        return promptIds.clone();
    }

    @Override
    public int[] groupIds() {
        return groupIds.clone();
    }
}
