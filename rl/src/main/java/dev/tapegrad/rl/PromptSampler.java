package dev.tapegrad.rl;

import dev.tapegrad.Generator;

/**
 * Chooses which prompts of a task's pool to roll out at each training step, and may learn from the rewards.
 */
public interface PromptSampler {

    /** {@code count} distinct prompt indices in 0..poolSize−1, drawn with {@code gen}. */
    int[] sample(Generator gen, int count);

    /**
     * Feedback after a rollout: the rewards R ∈ [0, 1] obtained for sampled prompts ({@code promptIds[i]} got
     * {@code rewards[i]}; a prompt appears once per completion). The default ignores it.
     */
    default void update(int[] promptIds, double[] rewards) {}

    /** What the sampler has learnt, as numbers (to checkpoint a run); the default, a stateless sampler, has none. */
    default double[] stateDict() {
        return new double[0];
    }

    /**
     * Restores a {@link #stateDict()} (to resume a run); throws {@link IllegalArgumentException} for a state of the
     * wrong length or with bad values. The default accepts only the empty state.
     */
    default void loadStateDict(double[] state) {
        if (state.length != 0) {
            throw new IllegalArgumentException("PromptSampler.loadStateDict: this sampler has no state, got " + state.length + " values");
        }
    }

    /** Uniform sampling without replacement from a pool of {@code poolSize} prompts (a partial Fisher–Yates shuffle). */
    static PromptSampler uniform(int poolSize) {
        if (poolSize < 1) throw new IllegalArgumentException("PromptSampler.uniform: pool size must be ≥ 1, got " + poolSize);
        return (gen, count) -> {
            checkCount(count, poolSize);
            int[] all = new int[poolSize];
            for (int i = 0; i < poolSize; i++) all[i] = i;
            for (int i = 0; i < count; i++) {
                int j = i + gen.nextInt(poolSize - i);
                int t = all[i]; all[i] = all[j]; all[j] = t;
            }
            return java.util.Arrays.copyOf(all, count);
        };
    }

    /** Refuses a count outside 1..poolSize. */
    static void checkCount(int count, int poolSize) {
        if (count < 1 || count > poolSize) {
            throw new IllegalArgumentException("PromptSampler.sample: count must be in 1..poolSize = 1.." + poolSize + ", got " + count);
        }
    }
}
