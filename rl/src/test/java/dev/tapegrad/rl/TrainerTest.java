package dev.tapegrad.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import dev.tapegrad.nn.GptDecoder;
import dev.tapegrad.optim.Optimizer;
import dev.tapegrad.optim.Optimizers;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainerTest {

    /** Â_i = R_i − mean of R over i's group. */
    static final AdvantageEstimator CENTRED = rewards -> {
        double[] r = rewards.values().toDoubleArray();
        int[] g = rewards.groupIds();
        int groups = 0;
        for (int id : g) groups = Math.max(groups, id + 1);
        double[] sum = new double[groups], count = new double[groups];
        for (int i = 0; i < r.length; i++) {
            sum[g[i]] += r[i];
            count[g[i]]++;
        }
        double[] a = new double[r.length];
        for (int i = 0; i < r.length; i++) a[i] = r[i] - sum[g[i]] / count[g[i]];
        return Tensor.of(a, a.length);
    };

    /** On-policy REINFORCE: −Â·exp(log π_θ − log π_old) per token, sequence mean of token sums. */
    static final PolicyObjective REINFORCE = batch -> Aggregation.seqMeanTokenSum()
            .apply(LogRatios.logRatio(batch).exp().mul(batch.tokenAdvantages()).neg(), batch.mask());

    /** A one-layer decoder (32 dims, context 8): enough for two-digit tasks, and fast. */
    static GptDecoder decoder(long seed) {
        return new GptDecoder(new Generator(seed),
                GptDecoder.Config.of(TokenVocabulary.SIZE, 8, 1, 2, 32));
    }

    private static Trainer.Builder trainer(Task task, long seed, double lr) {
        GptDecoder dec = decoder(seed);
        Optimizer opt = Optimizer.builder(Optimizers.adam()).params(dec.namedParameters()).set("lr", lr).build();
        return Trainer.builder().policy(new TokenPolicy(dec, TokenPolicy.SamplingConfig.plain())).task(task)
                .estimator(CENTRED).objective(REINFORCE).optimizer(opt).groupSize(8).promptsPerStep(8).seed(seed);
    }

    @Test
    void reinforceLearnsToReverseTwoDigits() {
        Task task = ToyTasks.reverseDigits(2, 16, 1).withPartialCredit(true);
        Trainer t = trainer(task, 7, 5e-3).build();
        List<StepStats> stats = new ArrayList<>();
        for (int s = 0; s < 50; s++) stats.add(t.step());
        double early = 0, late = 0;
        for (int s = 0; s < 5; s++) {
            early += stats.get(s).successRate() / 5;
            late += stats.get(45 + s).successRate() / 5;
        }
        assertTrue(early < 0.05, "cold start (p0 ≈ 17^-3 for a uniform policy): " + early);
        assertTrue(late > 0.3, "success rate over steps 45..49: " + late + "; last " + stats.get(49));
        assertTrue(stats.get(49).meanReward() > 2 * stats.get(0).meanReward(), "partial-credit reward rises too");
        assertEquals(50, t.stepCount());
    }

    @Test
    void theFirstEpochIsOnPolicyAndLaterEpochsMoveTheRatios() {
        Task task = ToyTasks.reverseDigits(2, 16, 1).withPartialCredit(true);
        StepStats one = trainer(task, 3, 1e-2).build().step();
        assertEquals(1.0, one.meanRatio(), "old log-probs are recomputed exactly: r = 1");
        assertEquals(0.0, one.clipFraction());
        StepStats three = trainer(task, 3, 1e-2).ppoEpochs(3).build().step();
        assertTrue(three.meanRatio() != 1.0, "π_old stays fixed while θ moves");
        assertEquals(one.meanReward(), three.meanReward(), "same seed, same rollout");
        assertEquals(one.tokens(), three.tokens());
    }

    @Test
    void runsAreReproducibleAndPassTheReferencePolicy() {
        Task task = ToyTasks.targetSum(2, 5, 13, 9, 4).withPartialCredit(true);
        List<PolicyBatch> seen = new ArrayList<>();
        PolicyObjective spy = batch -> {
            seen.add(batch);
            return REINFORCE.loss(batch);
        };
        TokenPolicy ref = new TokenPolicy(decoder(8), TokenPolicy.SamplingConfig.plain());
        double[][] rewards = new double[2][];
        for (int run = 0; run < 2; run++) {
            Trainer t = trainer(task, 8, 1e-2).objective(spy).reference(ref).sampler(VadeSampler.withDefaults(task.poolSize()))
                    .promptsPerStep(4).groupSize(4).build();
            rewards[run] = new double[] {t.step().meanReward(), t.step().meanReward(), t.step().meanReward()};
        }
        assertArrayEquals(rewards[0], rewards[1]);
        PolicyBatch first = seen.get(0);
        assertNotNull(first.refLogProbs());
        assertEquals(16, first.batchSize());
        // the reference is a copy of the initial policy (same seed): at step 0, log π_ref = log π_old
        assertArrayEquals(first.oldLogProbs().toDoubleArray(), first.refLogProbs().toDoubleArray(), 1e-6);
    }

    @Test
    void restoringTheStateContinuesTheRolloutsAndTheStepCount() {
        Task task = ToyTasks.targetSum(2, 5, 13, 9, 4).withPartialCredit(true);
        // lr 0: the weights stay equal, so two trainers differ only in the state under test
        Trainer a = trainer(task, 8, 0).sampler(VadeSampler.withDefaults(task.poolSize())).promptsPerStep(4).groupSize(4).build();
        Trainer b = trainer(task, 8, 0).sampler(VadeSampler.withDefaults(task.poolSize())).promptsPerStep(4).groupSize(4).build();
        a.step();
        a.step();
        Trainer.State saved = a.stateDict();
        assertEquals(2, saved.step());
        assertEquals(2 * task.poolSize(), saved.sampler().length, "VADE's α and β");
        Trainer.State bad = new Trainer.State(5, saved.promptRng(), saved.tokenRng(), new double[3]);
        Trainer.State before = b.stateDict();
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> b.loadStateDict(bad));
        assertArrayEquals(before.promptRng(), b.stateDict().promptRng(), "a refused state changes nothing");
        assertEquals(0, b.stepCount());

        b.loadStateDict(saved);
        assertEquals(2, b.stepCount());
        RolloutBatch x = a.rollout(), y = b.rollout();
        assertArrayEquals(x.promptIds(), y.promptIds());
        assertArrayEquals(x.completions().toIntArray(), y.completions().toIntArray());
        assertArrayEquals(x.rewards().toDoubleArray(), y.rewards().toDoubleArray());
        assertEquals(a.step().step(), b.step().step(), "the step count continues");
        assertArrayEquals(a.stateDict().sampler(), b.stateDict().sampler());
    }
}
