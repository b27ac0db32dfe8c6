package dev.tapegrad.rl;

import dev.tapegrad.DType;
import dev.tapegrad.Tensor;
import java.util.Arrays;

/**
 * Outcome rewards of B sampled sequences, with the group (prompt) each belongs to, as advantage estimators
 * consume them.
 *
 * <p>A group is the set of G completions sampled for one prompt; group ids need not be contiguous or sorted,
 * and groups may have different sizes (after filtering). Rewards are constants (float64, detached). The
 * sequence lengths |o_i| are needed only by length-aware estimators (OPO's length-weighted baseline, HAPO's
 * token-level group average) and may be null otherwise.
 *
 * @param values   R_i, shape [B], float64
 * @param groupIds the group of each sequence, length B
 * @param lengths  |o_i|, shape [B], or null
 */
public record Rewards(Tensor values, int[] groupIds, Tensor lengths) {

    public Rewards {
        if (values == null || groupIds == null) throw new IllegalArgumentException("Rewards: values and groupIds are required");
        if (values.dim() != 1 || values.size(0) != groupIds.length) {
            throw new IllegalArgumentException("Rewards: values must be [B] with B = groupIds.length = " + groupIds.length
                    + ", got " + Arrays.toString(values.shape()));
        }
        if (lengths != null && !Arrays.equals(lengths.shape(), values.shape())) {
            throw new IllegalArgumentException("Rewards: lengths must have shape " + Arrays.toString(values.shape())
                    + ", got " + Arrays.toString(lengths.shape()));
        }
        values = values.to(DType.FLOAT64).detach();
        if (lengths != null) lengths = lengths.to(DType.FLOAT64).detach();
        groupIds = groupIds.clone();
    }

    /** Rewards in consecutive groups of {@code groupSize} (sequences 0..G−1 are group 0, and so on). */
    public static Rewards grouped(double[] rewards, int groupSize) {
        if (groupSize < 1 || rewards.length % groupSize != 0) {
            throw new IllegalArgumentException("Rewards.grouped: " + rewards.length + " rewards do not split into groups of "
                    + groupSize);
        }
        int[] ids = new int[rewards.length];
        for (int i = 0; i < ids.length; i++) ids[i] = i / groupSize;
        return new Rewards(Tensor.of(rewards, rewards.length), ids, null);
    }

    /** The same rewards with sequence lengths attached. */
    public Rewards withLengths(Tensor newLengths) {
        return new Rewards(values, groupIds, newLengths);
    }

    /** B. */
    public int size() {
        return groupIds.length;
    }

    @Override
    public int[] groupIds() {
        return groupIds.clone();
    }

    @Override
    public String toString() {
        return "Rewards" + Arrays.toString(values.toDoubleArray()) + " groups " + Arrays.toString(groupIds);
    }
}
