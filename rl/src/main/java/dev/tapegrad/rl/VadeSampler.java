package dev.tapegrad.rl;

import dev.tapegrad.Generator;
import java.util.Arrays;

/**
 * VADE-style prompt selection (arXiv 2511.18902): a Beta posterior of each prompt's success rate and Thompson
 * sampling of the prompts that carry the most learning signal.
 *
 * <p><b>Derived from the abstract; the paper's exact criterion and decay constants were not available.</b> This
 * implements this sketch of it:
 * <pre>
 *   posterior     p_i ~ Beta(α_i, β_i),  prior Beta(1, 1)
 *   select        draw p̃_i ~ Beta(α_i, β_i) for every prompt, take the {@code count} largest p̃_i(1 − p̃_i)
 *   update        for every prompt:  α_i ← 1 + λ(α_i − 1),  β_i ← 1 + λ(β_i − 1)       (decay toward the prior)
 *                 then for each rollout of prompt i with reward R:  α_i += R,  β_i += 1 − R
 * </pre>
 * p̃(1 − p̃) is the Bernoulli variance of the sampled success rate, which is what a group-relative advantage
 * feeds on: a prompt the policy always solves or always fails gives a group of equal rewards and no gradient.
 * Drawing p̃ rather than using the posterior mean explores prompts whose rate is still uncertain. The decay
 * factor λ ∈ (0, 1] is applied once per {@link #update} (one training step), so evidence from k steps ago
 * weighs λ^k, the posterior remembers about 1/(1 − λ) steps, and prompts not seen for a while drift back
 * to Beta(1, 1) as the policy changes (λ = 1: no decay). The paper's "two-scale" decay is not reproduced: one
 * rate is used for every prompt. Rewards in [0, 1] count as fractional successes.
 *
 * <p>Beta draws use X/(X + Y) with X ~ Gamma(α), Y ~ Gamma(β) (Marsaglia–Tsang; for shape &lt; 1 the boost
 * Gamma(a) = Gamma(a + 1)·U^(1/a)).
 */
public final class VadeSampler implements PromptSampler {
    private final double[] alpha;
    private final double[] beta;
    private final double decay;

    /**
     * @param poolSize the number of prompts
     * @param decay    λ ∈ (0, 1], the per-step factor of the decay toward the prior
     */
    public VadeSampler(int poolSize, double decay) {
        if (poolSize < 1) throw new IllegalArgumentException("VadeSampler: pool size must be ≥ 1, got " + poolSize);
        if (!(decay > 0 && decay <= 1)) throw new IllegalArgumentException("VadeSampler: decay λ must be in (0, 1], got " + decay);
        this.alpha = new double[poolSize];
        this.beta = new double[poolSize];
        Arrays.fill(alpha, 1.0);
        Arrays.fill(beta, 1.0);
        this.decay = decay;
    }

    /** A sampler with λ = 0.9 (a memory of about 10 steps). */
    public static VadeSampler withDefaults(int poolSize) {
        return new VadeSampler(poolSize, 0.9);
    }

    /** λ. */
    public double decay() {
        return decay;
    }

    /** α_i of prompt i. */
    public double alpha(int i) {
        return alpha[i];
    }

    /** β_i of prompt i. */
    public double beta(int i) {
        return beta[i];
    }

    /** The posterior mean success rate α_i/(α_i + β_i). */
    public double meanSuccess(int i) {
        return alpha[i] / (alpha[i] + beta[i]);
    }

    @Override
    public int[] sample(Generator gen, int count) {
        PromptSampler.checkCount(count, alpha.length);
        double[] score = new double[alpha.length];
        Integer[] order = new Integer[alpha.length];
        for (int i = 0; i < alpha.length; i++) {
            double p = sampleBeta(alpha[i], beta[i], gen);
            score[i] = p * (1 - p);
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> score[a] != score[b] ? Double.compare(score[b], score[a]) : Integer.compare(a, b));
        int[] out = new int[count];
        for (int i = 0; i < count; i++) out[i] = order[i];
        return out;
    }

    @Override
    public void update(int[] promptIds, double[] rewards) {
        if (promptIds.length != rewards.length) {
            throw new IllegalArgumentException("VadeSampler.update: " + promptIds.length + " prompt ids but " + rewards.length + " rewards");
        }
        for (int k = 0; k < promptIds.length; k++) {
            if (promptIds[k] < 0 || promptIds[k] >= alpha.length) {
                throw new IndexOutOfBoundsException("VadeSampler.update: prompt id " + promptIds[k] + " outside 0.." + (alpha.length - 1));
            }
            if (!(rewards[k] >= 0 && rewards[k] <= 1)) {
                throw new IllegalArgumentException("VadeSampler.update: rewards must be in [0, 1], got " + rewards[k]);
            }
        }
        for (int i = 0; i < alpha.length; i++) {
            alpha[i] = 1 + decay * (alpha[i] - 1);
            beta[i] = 1 + decay * (beta[i] - 1);
        }
        for (int k = 0; k < promptIds.length; k++) {
            alpha[promptIds[k]] += rewards[k];
            beta[promptIds[k]] += 1 - rewards[k];
        }
    }

    /** The posterior parameters (α_0, …, α_{n−1}, β_0, …, β_{n−1}). */
    @Override
    public double[] stateDict() {
        double[] s = Arrays.copyOf(alpha, 2 * alpha.length);
        System.arraycopy(beta, 0, s, alpha.length, beta.length);
        return s;
    }

    /** Restores α and β from a {@link #stateDict()} of the same pool size; every value must be finite and &gt; 0. */
    @Override
    public void loadStateDict(double[] state) {
        if (state.length != 2 * alpha.length) {
            throw new IllegalArgumentException("VadeSampler.loadStateDict: expected 2 × " + alpha.length + " values, got " + state.length);
        }
        for (double v : state) {
            if (!(v > 0 && Double.isFinite(v))) throw new IllegalArgumentException("VadeSampler.loadStateDict: α and β must be finite and > 0, got " + v);
        }
        System.arraycopy(state, 0, alpha, 0, alpha.length);
        System.arraycopy(state, alpha.length, beta, 0, beta.length);
    }

    /** A Beta(a, b) draw: X/(X + Y), X ~ Gamma(a), Y ~ Gamma(b). */
    static double sampleBeta(double a, double b, Generator gen) {
        double x = sampleGamma(a, gen), y = sampleGamma(b, gen);
        return x / (x + y);
    }

    /** A Gamma(shape, 1) draw (Marsaglia and Tsang 2000). */
    static double sampleGamma(double shape, Generator gen) {
        if (shape < 1) {
            double u = 1.0 - gen.nextDouble(); // (0, 1]
            return sampleGamma(shape + 1, gen) * Math.pow(u, 1 / shape);
        }
        double d = shape - 1.0 / 3, c = 1 / Math.sqrt(9 * d);
        while (true) {
            double z = gen.nextGaussian(), v = 1 + c * z;
            if (v <= 0) continue;
            v = v * v * v;
            double u = 1.0 - gen.nextDouble();
            if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
        }
    }
}
