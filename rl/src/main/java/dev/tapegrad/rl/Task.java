package dev.tapegrad.rl;

import java.util.Arrays;

/**
 * A verifiable task: a fixed pool of prompts and a reward function that checks a completion.
 *
 * <p>Every prompt of a task has the same length {@link #promptLength()} (it starts with
 * {@link TokenVocabulary#BOS} and ends with {@link TokenVocabulary#SEP}), so a batch of prompts is a rectangular
 * [N, P] tensor. A completion is what the policy generates after the prompt, at most
 * {@link #maxCompletionLength()} tokens; it ends at its first {@link TokenVocabulary#EOS} (inclusive), and one
 * without EOS was cut by the budget. The reward R ∈ [0, 1] is 1 exactly for a correct answer followed by EOS;
 * tasks may give partial credit below 1. See {@link ToyTasks} for the catalogue.
 */
public interface Task {

    /** A short name with the difficulty, e.g. {@code reverse(3)}. */
    String name();

    /** P, the number of tokens of every prompt. */
    int promptLength();

    /** The generation budget in tokens, EOS included. */
    int maxCompletionLength();

    /** The number of prompts in the pool. */
    int poolSize();

    /** Prompt {@code index} (0 ≤ index &lt; poolSize), P token ids (a copy). */
    int[] prompt(int index);

    /**
     * The reward R ∈ [0, 1] of a completion of prompt {@code index}: 1 iff it is correct (answer then EOS).
     *
     * @param completion the generated ids; anything after the first EOS is ignored
     */
    double reward(int index, int[] completion);

    /** Whether a reward counts as a success (R = 1, an exactly correct completion). */
    default boolean isSuccess(double reward) {
        return reward >= 1.0;
    }

    /** The ids up to and including the first EOS (all of them when there is none). */
    static int[] untilEos(int[] completion) {
        for (int i = 0; i < completion.length; i++) {
            if (completion[i] == TokenVocabulary.EOS) return Arrays.copyOf(completion, i + 1);
        }
        return completion.clone();
    }
}
