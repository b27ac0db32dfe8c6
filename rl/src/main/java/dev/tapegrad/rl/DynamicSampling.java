package dev.tapegrad.rl;

import dev.tapegrad.Tensor;
import java.util.Arrays;

/**
 * DAPO's dynamic sampling (arXiv 2503.14476, §3.2): keep only the groups whose rewards are not all equal,
 * 0 &lt; |{o_i correct}| &lt; G. A group of equal rewards has zero group-relative advantage, so it adds no
 * gradient but still counts in the loss's denominators; DAPO drops it and samples more prompts until the
 * batch is full (the resampling loop belongs to the trainer).
 *
 * <p>A group of one is dropped too (it has no baseline, so its advantage is 0 here); verl's
 * {@code filter_groups} keeps singletons. Rewards must be finite (a NaN would compare unequal to everything and
 * keep its group by accident).
 */
public final class DynamicSampling {
    private DynamicSampling() {}

    /**
     * The indices (ascending, in batch order) of the sequences whose group holds at least two different
     * rewards.
     */
    public static int[] keptIndices(Rewards rewards) {
        double[] x = Advantages.values(rewards, "DynamicSampling.keptIndices");
        boolean[] keep = new boolean[x.length];
        for (int[] members : Advantages.groups(rewards.groupIds())) {
            boolean varied = Arrays.stream(members).anyMatch(i -> x[i] != x[members[0]]);
            for (int i : members) keep[i] = varied;
        }
        int[] kept = new int[x.length];
        int n = 0;
        for (int i = 0; i < x.length; i++) if (keep[i]) kept[n++] = i;
        return Arrays.copyOf(kept, n);
    }

    /** The rewards of the kept groups ({@link #keptIndices}), with their group ids and lengths. */
    public static Rewards filter(Rewards rewards) {
        return select(rewards, keptIndices(rewards));
    }

    /** Rows {@code indices} of the rewards (values, group ids, lengths), in the given order. */
    public static Rewards select(Rewards rewards, int[] indices) {
        int[] ids = rewards.groupIds();
        int[] keptIds = new int[indices.length];
        for (int k = 0; k < indices.length; k++) keptIds[k] = ids[checkIndex(indices[k], ids.length)];
        Tensor lengths = rewards.lengths() == null ? null : rows(rewards.lengths(), indices);
        return new Rewards(rows(rewards.values(), indices), keptIds, lengths);
    }

    /**
     * Rows {@code indices} of every tensor of the batch (an index select on the batch axis): log-probs (still
     * differentiable, gradients flow back to the selected rows), old and reference log-probs, mask and
     * advantages.
     */
    public static PolicyBatch select(PolicyBatch batch, int[] indices) {
        Tensor ref = batch.refLogProbs() == null ? null : rows(batch.refLogProbs(), indices);
        return new PolicyBatch(rows(batch.logProbs(), indices), rows(batch.oldLogProbs(), indices), ref,
                rows(batch.mask(), indices), rows(batch.advantages(), indices));
    }

    /** x[indices] along axis 0 (IndexOutOfBoundsException, naming the index, when one is out of range). */
    public static Tensor rows(Tensor x, int[] indices) {
        for (int i : indices) checkIndex(i, x.size(0));
        return x.indexSelect(0, Tensor.of(indices, indices.length));
    }

    private static int checkIndex(int i, int size) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("DynamicSampling: row index " + i + " is out of range for a batch of " + size);
        }
        return i;
    }
}
