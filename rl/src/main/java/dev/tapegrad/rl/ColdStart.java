package dev.tapegrad.rl;

import dev.tapegrad.Autograd;
import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import java.util.function.BiFunction;

/**
 * The cold-start claim of the Tsallis loss continuum (arXiv 2604.25907) in miniature: how many gradient steps
 * a policy with initial success probability p0 needs before P ≥ 1/2, as a function of q.
 *
 * <p>The policy is a softmax over K latent trajectories z with logits θ, one of them (index {@value #CORRECT})
 * correct, so P = softmax(θ)_0. Initially θ_0 = ln(p0 (K−1)/(1−p0)) and θ_j = 0, which makes P = p0 exactly.
 * Each step ascends J_Q = ln_q P with a fixed learning rate η: θ ← θ + η ∇ ln_q P (the gradient by autodiff through
 * the engine). With g = θ_0 − θ_j the dynamics reduce to dP/dt = η K/(K−1) · P^{2−q} (1−P)², so the escape time
 * from p0 is
 * <pre>
 *   q = 0:  t ≈ (K−1)/(K η) · 1/p0          (expected reward: the gradient P(1−P) vanishes with P)
 *   q = 1:  t ≈ (K−1)/(K η) · (ln(1/p0) + 1) (log-likelihood: the gradient 1−P does not)
 *   0 &lt; q &lt; 1:  t ≈ (K−1)/(K η) · p0^{−(1−q)}/(1−q)
 * </pre>
 * {@link #runSampled} replaces the exact gradient by a Monte-Carlo estimator ({@link Garl}, {@link Paft}, or any
 * other {@link AdvantageEstimator}) on M samples per step.
 *
 * @param trajectories K ≥ 2
 * @param learningRate η &gt; 0
 * @param maxSteps     the step budget (≥ 1); a run that has not escaped by then reports {@code escaped = false}
 */
public record ColdStart(int trajectories, double learningRate, int maxSteps) {
    /** The index of the correct trajectory. */
    public static final int CORRECT = 0;
    /** The success probability that counts as escaped. */
    public static final double TARGET = 0.5;

    public ColdStart {
        if (trajectories < 2) throw new IllegalArgumentException("ColdStart: need K ≥ 2 trajectories, got " + trajectories);
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("ColdStart: learning rate must be finite and > 0, got " + learningRate);
        }
        if (maxSteps < 1) throw new IllegalArgumentException("ColdStart: maxSteps must be ≥ 1, got " + maxSteps);
    }

    /**
     * The outcome of one run.
     *
     * @param steps   parameter updates made before P ≥ 1/2 was first observed (or maxSteps)
     * @param escaped whether P ≥ 1/2 was reached within the budget
     * @param finalP  P after the last update
     */
    public record Result(int steps, boolean escaped, double finalP) {}

    /** Logits [K] (float64) with softmax_0 = p0: θ_0 = ln(p0 (K−1)/(1−p0)), θ_j = 0; p0 ∈ (0, 1). */
    public Tensor initialLogits(double p0) {
        if (!(p0 > 0 && p0 < 1)) throw new IllegalArgumentException("ColdStart: p0 must lie in (0, 1), got " + p0);
        double[] logits = new double[trajectories];
        logits[CORRECT] = Math.log(p0) + Math.log(trajectories - 1) - Math.log1p(-p0);
        return Tensor.of(logits, trajectories);
    }

    /** P = softmax(θ)_0, the success probability of logits θ [K]. */
    public static double successProbability(Tensor logits) {
        try (var scope = Autograd.noGrad()) {
            return logits.detach().softmax(0).get(CORRECT);
        }
    }

    /** Exact gradient ascent on ln_q P at a constant q. */
    public Result run(double p0, double q) {
        return run(p0, QSchedule.constant(q));
    }

    /** Exact gradient ascent on J_Q = ln_{q(t)} P, q following the schedule: loss −{@link Tsallis#objective}(log_softmax(θ)_0). */
    public Result run(double p0, QSchedule schedule) {
        return train(p0, (logits, step) ->
                Tsallis.objective(logits.logSoftmax(0).select(0, CORRECT), schedule.q(step)).neg());
    }

    /**
     * Monte-Carlo training: each step samples M trajectories from softmax(θ) with {@code gen}, rewards them
     * r = 1[z = correct] as one group, and descends {@link Tsallis#surrogate} with the estimator's advantages.
     */
    public Result runSampled(Generator gen, double p0, AdvantageEstimator estimator, int samples) {
        if (samples < 1) throw new IllegalArgumentException("ColdStart.runSampled: need ≥ 1 sample, got " + samples);
        Tensor mask = Tensor.ones(DType.FLOAT64, samples, 1);
        return train(p0, (logits, step) -> {
            double[] probs = logits.detach().softmax(0).toDoubleArray();
            int[] z = new int[samples];
            double[] r = new double[samples];
            for (int m = 0; m < samples; m++) {
                z[m] = sample(probs, gen);
                r[m] = z[m] == CORRECT ? 1.0 : 0.0;
            }
            Tensor logp = logits.logSoftmax(0).indexSelect(0, Tensor.of(z, samples)).reshape(samples, 1);
            Tensor adv = estimator.advantages(Rewards.grouped(r, samples));
            return Tsallis.surrogate(PolicyBatch.onPolicy(logp, mask, adv));
        });
    }

    /** Escape steps for every (p0, q) pair, rows p0, columns q; −1 where the budget ran out. */
    public int[][] escapeSteps(double[] p0s, double[] qs) {
        int[][] steps = new int[p0s.length][qs.length];
        for (int i = 0; i < p0s.length; i++) {
            for (int j = 0; j < qs.length; j++) {
                Result r = run(p0s[i], qs[j]);
                steps[i][j] = r.escaped() ? r.steps() : -1;
            }
        }
        return steps;
    }

    /** Gradient descent on loss(θ, step) from the logits of p0 until P ≥ 1/2 or the budget runs out. */
    private Result train(double p0, BiFunction<Tensor, Integer, Tensor> loss) {
        Tensor logits = initialLogits(p0).requiresGrad(true);
        double p = successProbability(logits);
        for (int step = 0; step < maxSteps; step++) {
            if (p >= TARGET) return new Result(step, true, p);
            loss.apply(logits, step).backward();
            try (var scope = Autograd.noGrad()) {
                logits.addInPlace(logits.grad(), -learningRate);
            }
            logits.zeroGrad();
            p = successProbability(logits);
        }
        return new Result(maxSteps, p >= TARGET, p);
    }

    /** An index drawn with probabilities {@code probs} (inverse CDF). */
    private static int sample(double[] probs, Generator gen) {
        double u = gen.nextDouble();
        for (int k = 0; k < probs.length - 1; k++) {
            u -= probs[k];
            if (u < 0) return k;
        }
        return probs.length - 1;
    }
}
