package dev.tapegrad.rl;

import dev.tapegrad.Generator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Verifiable toy tasks with a difficulty knob, each a pool of distinct prompts drawn from a seed.
 *
 * <table>
 * <caption>tasks (digits d_j, V = {@value TokenVocabulary#SIZE} tokens)</caption>
 * <tr><th>task</th><th>prompt → correct completion</th><th>p0 of a uniform policy</th></tr>
 * <tr><td>{@link #reverseDigits reverse(n)}</td><td>{@code ^ d1..dn |} → {@code dn..d1 $}</td><td>V^(−(n+1))</td></tr>
 * <tr><td>{@link #sortDigits sort(n)}</td><td>{@code ^ d1..dn |} → the digits ascending, {@code $}</td><td>V^(−(n+1))</td></tr>
 * <tr><td>{@link #arithmetic arith(k)}</td><td>{@code ^ a op b |} (k-digit zero-padded operands, op ∈ +, −, ×,
 *     a ≥ b for −) → the result's decimal digits, {@code $}</td><td>V^(−(len+1))</td></tr>
 * <tr><td>{@link #targetSum target-sum(n)}</td><td>{@code ^ T |} → n digits summing to T, {@code $}</td>
 *     <td>see {@link TargetSum}</td></tr>
 * </table>
 * Rewards are exact (0/1) or, with {@code withPartialCredit(true)} on the task, graded (see {@link AnswerTask}, {@link TargetSum}),
 * which gives a learning signal when p0 is tiny.
 */
public final class ToyTasks {
    private ToyTasks() {}

    /** Reverse n digits. */
    public static AnswerTask reverseDigits(int n, int poolSize, long seed) {
        return digitStrings("reverse(" + n + ")", n, poolSize, seed, d -> {
            int[] r = new int[d.length];
            for (int i = 0; i < d.length; i++) r[i] = d[d.length - 1 - i];
            return r;
        });
    }

    /** Sort n digits ascending. */
    public static AnswerTask sortDigits(int n, int poolSize, long seed) {
        return digitStrings("sort(" + n + ")", n, poolSize, seed, d -> {
            int[] r = d.clone();
            Arrays.sort(r); // digit ids are increasing in the digit
            return r;
        });
    }

    /**
     * Arithmetic on two k-digit operands with operators drawn uniformly from {@code ops} (a subset of
     * {@link TokenVocabulary#PLUS}, {@link TokenVocabulary#MINUS}, {@link TokenVocabulary#TIMES}); for − the larger
     * operand comes first so results are ≥ 0.
     */
    public static AnswerTask arithmetic(int k, int[] ops, int poolSize, long seed) {
        if (k < 1 || k > 4) throw new IllegalArgumentException("ToyTasks.arithmetic: operand digits k must be 1..4, got " + k);
        if (ops.length == 0) throw new IllegalArgumentException("ToyTasks.arithmetic: no operators");
        for (int op : ops) {
            if (op != TokenVocabulary.PLUS && op != TokenVocabulary.MINUS && op != TokenVocabulary.TIMES) {
                throw new IllegalArgumentException("ToyTasks.arithmetic: " + op + " is not an operator id");
            }
        }
        int limit = (int) Math.pow(10, k);
        Generator gen = new Generator(seed);
        return new AnswerTask("arith(" + k + ")", distinct(poolSize, (long) limit * limit * ops.length, () -> {
            int a = gen.nextInt(limit), b = gen.nextInt(limit), op = ops[gen.nextInt(ops.length)];
            if (op == TokenVocabulary.MINUS && a < b) { int t = a; a = b; b = t; }
            long result = op == TokenVocabulary.PLUS ? a + b : op == TokenVocabulary.MINUS ? a - b : (long) a * b;
            int[] prompt = new int[2 * k + 3];
            prompt[0] = TokenVocabulary.BOS;
            System.arraycopy(TokenVocabulary.digits(a, k), 0, prompt, 1, k);
            prompt[k + 1] = op;
            System.arraycopy(TokenVocabulary.digits(b, k), 0, prompt, k + 2, k);
            prompt[2 * k + 2] = TokenVocabulary.SEP;
            return new AnswerTask.Item(prompt, TokenVocabulary.digits(result, Long.toString(result).length()));
        }), 2 * k + 1);
    }

    /** Reach a target sum with n digits; targets drawn uniformly (distinct) from minTarget..maxTarget ⊆ 0..9n. */
    public static TargetSum targetSum(int n, int minTarget, int maxTarget, int poolSize, long seed) {
        if (minTarget < 0 || maxTarget > 9 * n || minTarget > maxTarget) {
            throw new IllegalArgumentException("ToyTasks.targetSum: target range " + minTarget + ".." + maxTarget
                    + " must lie in 0.." + 9 * n);
        }
        Generator gen = new Generator(seed);
        List<AnswerTask.Item> items = distinct(poolSize, maxTarget - minTarget + 1, () -> new AnswerTask.Item(
                new int[] {minTarget + gen.nextInt(maxTarget - minTarget + 1)}, new int[0]));
        return new TargetSum(n, items.stream().mapToInt(it -> it.prompt()[0]).toArray());
    }

    /** A pool of n-digit prompts {@code ^ d1..dn |} whose answer is answerOf(d). */
    private static AnswerTask digitStrings(String name, int n, int poolSize, long seed,
                                           Function<int[], int[]> answerOf) {
        if (n < 1 || n > 9) throw new IllegalArgumentException("ToyTasks." + name + ": length must be 1..9, got " + n);
        Generator gen = new Generator(seed);
        return new AnswerTask(name, distinct(poolSize, (long) Math.pow(10, n), () -> {
            int[] d = new int[n];
            for (int i = 0; i < n; i++) d[i] = TokenVocabulary.digit(gen.nextInt(10));
            int[] prompt = new int[n + 2];
            prompt[0] = TokenVocabulary.BOS;
            System.arraycopy(d, 0, prompt, 1, n);
            prompt[n + 1] = TokenVocabulary.SEP;
            return new AnswerTask.Item(prompt, answerOf.apply(d));
        }), n + 1);
    }

    /** poolSize items with distinct prompts, drawn until enough are found (at most {@code possible} exist). */
    private static List<AnswerTask.Item> distinct(int poolSize, long possible, Supplier<AnswerTask.Item> draw) {
        if (poolSize < 1 || poolSize > possible) {
            throw new IllegalArgumentException("ToyTasks: pool size " + poolSize + " must be in 1.." + possible
                    + " (the number of distinct prompts)");
        }
        Map<String, AnswerTask.Item> seen = new LinkedHashMap<>();
        for (long attempts = 0; seen.size() < poolSize; attempts++) {
            if (attempts > 1000L * poolSize) {
                throw new IllegalArgumentException("ToyTasks: found only " + seen.size() + " distinct prompts of the "
                        + poolSize + " asked for after " + attempts + " draws");
            }
            AnswerTask.Item it = draw.get();
            seen.putIfAbsent(Arrays.toString(it.prompt()), it);
        }
        return new ArrayList<>(seen.values());
    }
}
