package dev.tapegrad.rl;

import dev.tapegrad.Autograd;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import dev.tapegrad.optim.Optimizer;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * A small on-CPU RL loop for a {@link TokenPolicy} on a verifiable {@link Task}. One {@link #step()}:
 * <ol>
 *   <li>the {@link PromptSampler} picks K = {@code promptsPerStep} prompts; the policy samples G =
 *       {@code groupSize} completions of each (B = K·G rows, group g = the g-th prompt);</li>
 *   <li>the task scores them (R_i), and the sampler sees the rewards;</li>
 *   <li>log π_old (and log π_ref, when a reference policy is given) of the sampled tokens are computed once,
 *       without a tape, and the {@link AdvantageEstimator} turns the rewards into advantages Â;</li>
 *   <li>for each of {@code ppoEpochs} epochs: zero the gradients, compute the differentiable log π_θ of the same
 *       tokens, {@code loss = objective.loss(PolicyBatch(log π_θ, log π_old, log π_ref, mask, Â))}, backward,
 *       optimizer step. π_old stays fixed across the epochs, so the ratios π_θ/π_old move away from 1 after the
 *       first update and the objective's clipping takes effect.</li>
 * </ol>
 * Randomness comes from two generators seeded from {@code seed} (prompt choice, token sampling), so a run is
 * reproducible. Build with {@link #builder()}.
 */
public final class Trainer {
    private final TokenPolicy policy;
    private final TokenPolicy reference;
    private final Task task;
    private final PromptSampler sampler;
    private final AdvantageEstimator estimator;
    private final IntFunction<PolicyObjective> objectiveAt;
    private final Optimizer optimizer;
    private final int groupSize;
    private final int promptsPerStep;
    private final int ppoEpochs;
    private final int maxNewTokens;
    private final double clipRange;
    private final Generator promptGen;
    private final Generator tokenGen;
    private int steps;

    private Trainer(Builder b) {
        this.policy = Objects.requireNonNull(b.policy, "Trainer: policy is required");
        this.task = Objects.requireNonNull(b.task, "Trainer: task is required");
        this.estimator = Objects.requireNonNull(b.estimator, "Trainer: advantage estimator is required");
        this.objectiveAt = Objects.requireNonNull(b.objectiveAt, "Trainer: objective is required");
        this.optimizer = Objects.requireNonNull(b.optimizer, "Trainer: optimizer is required");
        this.reference = b.reference;
        this.sampler = b.sampler != null ? b.sampler : PromptSampler.uniform(task.poolSize());
        this.groupSize = positive("groupSize", b.groupSize);
        this.promptsPerStep = positive("promptsPerStep", b.promptsPerStep);
        this.ppoEpochs = positive("ppoEpochs", b.ppoEpochs);
        this.maxNewTokens = positive("maxNewTokens", b.maxNewTokens > 0 ? b.maxNewTokens : task.maxCompletionLength());
        if (!(b.clipRange > 0)) throw new IllegalArgumentException("Trainer: clipRange must be > 0, got " + b.clipRange);
        this.clipRange = b.clipRange;
        if (promptsPerStep > task.poolSize()) {
            throw new IllegalArgumentException("Trainer: promptsPerStep " + promptsPerStep + " exceeds the task's pool of "
                    + task.poolSize() + " prompts");
        }
        this.promptGen = new Generator(b.seed);
        this.tokenGen = new Generator(b.seed ^ 0x5DEECE66DL);
    }

    private static int positive(String name, int v) {
        if (v < 1) throw new IllegalArgumentException("Trainer: " + name + " must be ≥ 1, got " + v);
        return v;
    }

    /** Starts a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Steps taken so far. */
    public int stepCount() {
        return steps;
    }

    /**
     * The trainer's own part of a run's state, beside the policy's weights and the optimizer's state (which their
     * owners save): the steps taken, the prompt and token generators' states and the prompt sampler's state.
     */
    public record State(int step, long[] promptRng, long[] tokenRng, double[] sampler) {}

    /** A copy of the trainer's {@link State}: restoring it into a trainer built the same way continues this run exactly. */
    public State stateDict() {
        return new State(steps, promptGen.stateDict(), tokenGen.stateDict(), sampler.stateDict());
    }

    /**
     * Continues from {@code state} (taken with {@link #stateDict()} from a trainer built with the same settings): the
     * step count, both generators and the sampler. Throws {@link IllegalArgumentException} for a negative step or
     * a generator or sampler state that does not fit; nothing changes then.
     */
    public void loadStateDict(State state) {
        if (state.step() < 0) throw new IllegalArgumentException("Trainer.loadStateDict: step must be ≥ 0, got " + state.step());
        long[] promptBefore = promptGen.stateDict(), tokenBefore = tokenGen.stateDict();
        double[] samplerBefore = sampler.stateDict();
        try {
            promptGen.loadStateDict(state.promptRng());
            tokenGen.loadStateDict(state.tokenRng());
            sampler.loadStateDict(state.sampler());
        } catch (IllegalArgumentException e) {
            promptGen.loadStateDict(promptBefore);
            tokenGen.loadStateDict(tokenBefore);
            sampler.loadStateDict(samplerBefore);
            throw e;
        }
        steps = state.step();
    }

    /** The policy being trained. */
    public TokenPolicy policy() {
        return policy;
    }

    /** Steps 1–3 above: picks prompts, samples G completions each, scores them, updates the sampler. */
    public RolloutBatch rollout() {
        int[] chosen = sampler.sample(promptGen, promptsPerStep);
        int b = promptsPerStep * groupSize, p = task.promptLength();
        int[] prompts = new int[b * p], promptIds = new int[b], groupIds = new int[b];
        for (int g = 0; g < promptsPerStep; g++) {
            int[] q = task.prompt(chosen[g]);
            for (int j = 0; j < groupSize; j++) {
                int row = g * groupSize + j;
                System.arraycopy(q, 0, prompts, row * p, p);
                promptIds[row] = chosen[g];
                groupIds[row] = g;
            }
        }
        Tensor promptTensor = Tensor.of(prompts, b, p);
        Tensor completions = policy.generate(tokenGen, promptTensor, maxNewTokens).completions();
        int[] o = completions.toIntArray();
        double[] rewards = new double[b];
        for (int i = 0; i < b; i++) {
            rewards[i] = task.reward(promptIds[i], java.util.Arrays.copyOfRange(o, i * maxNewTokens, (i + 1) * maxNewTokens));
        }
        sampler.update(promptIds, rewards);
        Tensor oldLogProbs, refLogProbs = null;
        try (var scope = Autograd.noGrad()) {
            oldLogProbs = policy.logProbs(promptTensor, completions);
            if (reference != null) refLogProbs = reference.logProbs(promptTensor, completions);
        }
        Tensor mask = TokenPolicy.completionMask(completions, oldLogProbs.dtype());
        return new RolloutBatch(promptTensor, completions, mask, oldLogProbs, refLogProbs, promptIds, groupIds,
                Tensor.of(rewards, b));
    }

    /** One training step (rollout, then {@code ppoEpochs} updates); returns its statistics. */
    public StepStats step() {
        long start = System.nanoTime();
        RolloutBatch batch = rollout();
        Tensor advantages = estimator.advantages(batch.toRewards());
        double[] old = batch.oldLogProbs().toDoubleArray(), m = batch.mask().toDoubleArray();
        double lossSum = 0, ratioSum = 0;
        long clipped = 0, counted = 0;
        PolicyObjective objective = objectiveAt.apply(steps);
        for (int epoch = 0; epoch < ppoEpochs; epoch++) {
            optimizer.zeroGrad();
            Tensor logProbs = policy.logProbs(batch.prompts(), batch.completions());
            double[] lp = logProbs.toDoubleArray();
            for (int k = 0; k < lp.length; k++) {
                if (m[k] == 0) continue;
                double r = Math.exp(lp[k] - old[k]);
                ratioSum += r;
                if (Math.abs(r - 1) > clipRange) clipped++;
                counted++;
            }
            Tensor loss = objective.loss(new PolicyBatch(logProbs, batch.oldLogProbs(), batch.refLogProbs(), batch.mask(), advantages));
            lossSum += loss.item();
            loss.backward();
            optimizer.step();
        }
        double[] r = batch.rewards().toDoubleArray();
        double rewardSum = 0, successes = 0, tokens = 0;
        for (double x : r) {
            rewardSum += x;
            if (task.isSuccess(x)) successes++;
        }
        for (double x : m) tokens += x;
        return new StepStats(steps++, rewardSum / r.length, successes / r.length, lossSum / ppoEpochs,
                counted == 0 ? 1.0 : ratioSum / counted, counted == 0 ? 0.0 : clipped / (double) counted, (long) tokens,
                (System.nanoTime() - start) * 1e-9);
    }

    /** Builder of a {@link Trainer}; policy, task, estimator, objective and optimizer are required. */
    public static final class Builder {
        private TokenPolicy policy;
        private TokenPolicy reference;
        private Task task;
        private PromptSampler sampler;
        private AdvantageEstimator estimator;
        private IntFunction<PolicyObjective> objectiveAt;
        private Optimizer optimizer;
        private int groupSize = 8;
        private int promptsPerStep = 8;
        private int ppoEpochs = 1;
        private int maxNewTokens;
        private double clipRange = 0.2;
        private long seed;

        private Builder() {}

        /** The policy to train (the optimizer must hold its decoder's parameters). */
        public Builder policy(TokenPolicy p) { this.policy = p; return this; }

        /** A frozen reference policy for KL terms (its log-probs reach the objective as {@code refLogProbs}); default none. */
        public Builder reference(TokenPolicy p) { this.reference = p; return this; }

        /** The task (prompts and rewards). */
        public Builder task(Task t) { this.task = t; return this; }

        /** The prompt sampler; default uniform over the task's pool. */
        public Builder sampler(PromptSampler s) { this.sampler = s; return this; }

        /** The advantage estimator. */
        public Builder estimator(AdvantageEstimator e) { this.estimator = e; return this; }

        /** The objective (loss to minimise), the same at every step. */
        public Builder objective(PolicyObjective o) {
            Objects.requireNonNull(o, "Trainer: objective");
            this.objectiveAt = step -> o;
            return this;
        }

        /**
         * An objective that depends on the step (0, 1, ...), e.g. HölderPO with an annealed p:
         * {@code objectiveSchedule(holder::at)}.
         */
        public Builder objectiveSchedule(IntFunction<PolicyObjective> schedule) {
            this.objectiveAt = Objects.requireNonNull(schedule, "Trainer: objective schedule");
            return this;
        }

        /** The optimizer over the policy's parameters. */
        public Builder optimizer(Optimizer o) { this.optimizer = o; return this; }

        /** G, completions per prompt; default 8. */
        public Builder groupSize(int g) { this.groupSize = g; return this; }

        /** K, prompts per step; default 8. */
        public Builder promptsPerStep(int k) { this.promptsPerStep = k; return this; }

        /** Optimizer updates per rollout, with π_old fixed; default 1. */
        public Builder ppoEpochs(int e) { this.ppoEpochs = e; return this; }

        /** Generation budget; default the task's {@link Task#maxCompletionLength()}. */
        public Builder maxNewTokens(int t) { this.maxNewTokens = t; return this; }

        /** ε used only to report the clip fraction |r − 1| &gt; ε; default 0.2. */
        public Builder clipRange(double eps) { this.clipRange = eps; return this; }

        /** Seed of the prompt and token generators; default 0. */
        public Builder seed(long s) { this.seed = s; return this; }

        /** Builds the trainer (validating the settings). */
        public Trainer build() {
            return new Trainer(this);
        }
    }
}
