package dev.tapegrad.rl;

/**
 * Reach a target sum: the prompt {@code ^ T T ... |} gives a target T (zero-padded decimal), and a correct
 * completion is exactly n digits d_1..d_n with Σ d_j = T, then EOS. Many completions are correct.
 * <pre>
 *   well-formed(c) = c is n digits followed by EOS
 *   exact:    R = [well-formed(c) ∧ Σ d_j = T]
 *   partial:  R = well-formed(c) ? 1 − |Σ d_j − T| / (9n) : 0
 * </pre>
 * Difficulty: n and the target range. A uniformly random policy over V tokens succeeds with probability
 * (number of digit strings of sum T)·V^(−(n+1)). Built by {@link ToyTasks#targetSum}.
 */
public final class TargetSum implements Task {
    private final int count;
    private final int[] targets;
    private final int width;
    private final boolean partialCredit;

    /**
     * A task with exact rewards (see {@link #withPartialCredit}).
     *
     * @param count   n, the number of digits to emit (≥ 1)
     * @param targets the target of each prompt of the pool, each in 0..9n
     */
    public TargetSum(int count, int[] targets) {
        this(count, targets, false);
    }

    private TargetSum(int count, int[] targets, boolean partialCredit) {
        if (count < 1) throw new IllegalArgumentException("TargetSum: need count ≥ 1, got " + count);
        if (targets.length == 0) throw new IllegalArgumentException("TargetSum: the pool is empty");
        for (int t : targets) {
            if (t < 0 || t > 9 * count) {
                throw new IllegalArgumentException("TargetSum: target " + t + " is unreachable with " + count + " digits (0.." + 9 * count + ")");
            }
        }
        this.count = count;
        this.targets = targets.clone();
        this.width = Integer.toString(9 * count).length();
        this.partialCredit = partialCredit;
    }

    /** This task with graded rewards 1 − |sum − T|/(9n) for well-formed digit strings, or with exact 0/1 rewards. */
    public TargetSum withPartialCredit(boolean on) {
        return new TargetSum(count, targets, on);
    }

    @Override
    public String name() {
        return "target-sum(" + count + ")" + (partialCredit ? "+partial" : "");
    }

    @Override
    public int promptLength() {
        return width + 2;
    }

    @Override
    public int maxCompletionLength() {
        return count + 1;
    }

    @Override
    public int poolSize() {
        return targets.length;
    }

    /** The target of prompt {@code index}. */
    public int target(int index) {
        return targets[index];
    }

    @Override
    public int[] prompt(int index) {
        int[] p = new int[width + 2];
        p[0] = TokenVocabulary.BOS;
        System.arraycopy(TokenVocabulary.digits(targets[index], width), 0, p, 1, width);
        p[width + 1] = TokenVocabulary.SEP;
        return p;
    }

    @Override
    public double reward(int index, int[] completion) {
        int[] c = Task.untilEos(completion);
        if (c.length != count + 1 || c[count] != TokenVocabulary.EOS) return 0.0;
        int sum = 0;
        for (int j = 0; j < count; j++) {
            if (!TokenVocabulary.isDigit(c[j])) return 0.0;
            sum += TokenVocabulary.digitValue(c[j]);
        }
        int miss = Math.abs(sum - targets[index]);
        if (!partialCredit) return miss == 0 ? 1.0 : 0.0;
        return 1.0 - miss / (9.0 * count);
    }

    @Override
    public String toString() {
        return name() + " (" + targets.length + " prompts)";
    }
}
