package dev.tapegrad.rl;

import java.util.Arrays;
import java.util.List;

/**
 * A task whose every prompt has one correct answer (reverse, sort, arithmetic): the target completion is
 * t = answer ++ [EOS]. For the completion c cut after its first EOS:
 * <pre>
 *   exact:    R = [c = t]
 *   partial:  R = #{j &lt; min(|c|, |t|) : c_j = t_j} / max(|c|, |t|)    (position-wise credit; 1 iff c = t)
 * </pre>
 * Built by the factories of {@link ToyTasks}.
 */
public final class AnswerTask implements Task {

    /**
     * One prompt with its answer.
     *
     * @param prompt the prompt ids (BOS ... SEP)
     * @param answer the answer ids, without EOS
     */
    public record Item(int[] prompt, int[] answer) {
        /** Copies the arrays. */
        public Item {
            prompt = prompt.clone();
            answer = answer.clone();
        }
    }

    private final String name;
    private final List<Item> items;
    private final int promptLength;
    private final int maxCompletionLength;
    private final boolean partialCredit;

    /**
     * A task over the given items with exact rewards (see {@link #withPartialCredit}); all prompts must have the
     * same length.
     *
     * @param maxCompletionLength the budget, at least the longest answer + 1 (for EOS)
     */
    public AnswerTask(String name, List<Item> items, int maxCompletionLength) {
        this(name, items, maxCompletionLength, false);
    }

    private AnswerTask(String name, List<Item> items, int maxCompletionLength, boolean partialCredit) {
        if (items.isEmpty()) throw new IllegalArgumentException("AnswerTask " + name + ": the pool is empty");
        this.promptLength = items.get(0).prompt().length;
        for (Item it : items) {
            if (it.prompt().length != promptLength) {
                throw new IllegalArgumentException("AnswerTask " + name + ": prompts of lengths " + promptLength + " and "
                        + it.prompt().length + " (all prompts must have the same length)");
            }
            if (it.answer().length + 1 > maxCompletionLength) {
                throw new IllegalArgumentException("AnswerTask " + name + ": answer of " + it.answer().length
                        + " tokens + EOS exceeds the budget " + maxCompletionLength);
            }
        }
        this.name = name;
        this.items = List.copyOf(items);
        this.maxCompletionLength = maxCompletionLength;
        this.partialCredit = partialCredit;
    }

    /**
     * This task with graded rewards (the fraction of positions of the answer + EOS that the completion gets
     * right, over the longer of the two) or with exact 0/1 rewards.
     */
    public AnswerTask withPartialCredit(boolean on) {
        return new AnswerTask(name, items, maxCompletionLength, on);
    }

    @Override
    public String name() {
        return name + (partialCredit ? "+partial" : "");
    }

    @Override
    public int promptLength() {
        return promptLength;
    }

    @Override
    public int maxCompletionLength() {
        return maxCompletionLength;
    }

    @Override
    public int poolSize() {
        return items.size();
    }

    @Override
    public int[] prompt(int index) {
        return items.get(index).prompt();
    }

    /** The correct answer of prompt {@code index}, without EOS. */
    public int[] answer(int index) {
        return items.get(index).answer();
    }

    @Override
    public double reward(int index, int[] completion) {
        int[] c = Task.untilEos(completion);
        int[] answer = items.get(index).answer();
        int[] t = Arrays.copyOf(answer, answer.length + 1);
        t[answer.length] = TokenVocabulary.EOS;
        if (!partialCredit) return Arrays.equals(c, t) ? 1.0 : 0.0;
        int hits = 0;
        for (int j = 0; j < Math.min(c.length, t.length); j++) if (c[j] == t[j]) hits++;
        return hits / (double) Math.max(c.length, t.length);
    }

    @Override
    public String toString() {
        return name() + " (" + items.size() + " prompts)";
    }
}
