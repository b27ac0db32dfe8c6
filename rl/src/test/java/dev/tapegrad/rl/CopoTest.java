package dev.tapegrad.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.Tensor;
import dev.tapegrad.check.Gen;
import dev.tapegrad.check.GradCheck;
import dev.tapegrad.check.Property;
import dev.tapegrad.check.TensorGen;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CopoTest {

    /** A smooth stand-in for the clipped surrogate: ℓ_{i,t} = −Â_{i,t}·exp(d_{i,t}). */
    record RatioTimesAdvantage(Aggregation aggregation) implements TokenObjective {
        @Override
        public Tensor perTokenLoss(PolicyBatch batch) {
            return batch.tokenAdvantages().mul(LogRatios.logRatio(batch).exp()).neg();
        }
    }

    private static final Copo COPO = Copo.of(4, 0.8).withEps(0);

    // three groups of 4: answers all agree / two pairs / all different
    private static final Rewards REWARDS = Rewards.grouped(new double[] {1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 0, 0}, 4);
    private static final List<String> ANSWERS = List.of("7", "7", "7", "7", "3", "3", "5", "5", "1", "2", "3", "4");

    @Test
    void entropyConsistencyAndWeights() {
        Copo.Signals s = COPO.signals(REWARDS, ANSWERS);
        double[] h = s.entropy().toDoubleArray();
        assertArrayEquals(new double[] {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2}, h, 1e-15);
        // c = 1 − λH with λ = (3/4)/2: 1, 5/8, 1/4 (= 1/n); Rglob = c·mean R = 1, 5/16, 1/16
        double[] rg = {1, 5.0 / 16, 1.0 / 16};
        double mean = (rg[0] + rg[1] + rg[2]) / 3;
        double sd = Math.sqrt(((rg[0] - mean) * (rg[0] - mean) + (rg[1] - mean) * (rg[1] - mean)
                + (rg[2] - mean) * (rg[2] - mean)) / 2);
        double[] glob = s.globalAdvantages().toDoubleArray();
        for (int g = 0; g < 3; g++) {
            for (int i = 4 * g; i < 4 * g + 4; i++) {
                assertEquals((rg[g] - mean) / sd, glob[i], 1e-14, "A_glob " + i);
                assertEquals(1 / (1 + Math.exp(-4 * (h[i] - 0.8))), s.localWeights().toDoubleArray()[i], 1e-15);
            }
        }
        assertArrayEquals(Advantages.grpo(0).advantages(REWARDS).toDoubleArray(), s.localAdvantages().toDoubleArray(), 0.0);
        // the all-correct consistent group gets no local signal but the largest global advantage
        assertEquals(0.0, s.localAdvantages().toDoubleArray()[0], 0.0);
        assertTrue(glob[0] > glob[4] && glob[4] > glob[8]);
    }

    @Test
    void withoutTheConsistencyCoefficientTheGlobalRewardIsTheGroupMean() {
        Copo.Signals s = Copo.of(4, 0.8).withConsistencyCoefficient(false).withEps(0).signals(REWARDS, ANSWERS);
        Copo.Signals plain = Copo.of(4, 0.8).withEps(0).signals(Rewards.grouped(new double[] {1, 0.5, 0.25}, 1),
                List.of("a", "b", "c"));
        double[] rg = {1, 0.5, 0.25}; // the group means; singleton groups have c = 1 whatever the flag
        double[] expected = Advantages.grpo(0).advantages(Rewards.grouped(rg, 3)).toDoubleArray();
        assertEquals(expected[0], s.globalAdvantages().toDoubleArray()[0], 1e-14);
        assertEquals(expected[2], s.globalAdvantages().toDoubleArray()[11], 1e-14);
        assertArrayEquals(expected, plain.globalAdvantages().toDoubleArray(), 1e-14);
        // one group only: no batch statistics, A_glob = 0
        Copo.Signals one = COPO.signals(Rewards.grouped(new double[] {1, 0}, 2), Arrays.asList("x", null));
        assertArrayEquals(new double[] {0, 0}, one.globalAdvantages().toDoubleArray(), 0.0);
        assertArrayEquals(new double[] {1, 1}, one.entropy().toDoubleArray(), 1e-15);
    }

    @Test
    void blendIsTheWeightedSumOfTheTwoInnerLosses() {
        Tensor mask = Tensor.of(new double[] {1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1}, 12, 1).expand(12, 2).contiguous();
        Tensor lp = Tensor.of(linspace(-2, -0.1, 24), 12, 2);
        Tensor old = Tensor.of(linspace(-1.7, -0.3, 24), 12, 2);
        Copo.Signals s = COPO.signals(REWARDS, ANSWERS);
        for (Aggregation agg : List.of(Aggregation.tokenMean(), Aggregation.seqMeanTokenMean())) {
            TokenObjective inner = new RatioTimesAdvantage(agg);
            PolicyBatch batch = new PolicyBatch(lp, old, null, mask, Tensor.zeros(12));
            Tensor w = s.localWeights().unsqueeze(1);
            Tensor expected = agg.apply(inner.perTokenLoss(batch.withAdvantages(s.globalAdvantages())).mul(w.neg().add(1))
                    .add(inner.perTokenLoss(batch.withAdvantages(s.localAdvantages())).mul(w)), mask);
            assertEquals(expected.item(), s.blend(inner).loss(batch).item(), 1e-15, agg.toString());
        }
        // w = σ(k(H − b)) → 0 for a huge b gives the global-only loss; the advantages inside are constants
        Copo.Signals global = Copo.of(1, 1e9).withEps(0).signals(REWARDS, ANSWERS);
        TokenObjective inner = new RatioTimesAdvantage(Aggregation.tokenMean());
        PolicyBatch batch = new PolicyBatch(lp, old, null, mask, global.globalAdvantages());
        assertEquals(inner.loss(batch).item(), global.blend(inner).loss(batch).item(), 1e-15);
    }

    @Test
    void blendedLossHasTheRightGradient() {
        Copo.Signals s = COPO.signals(REWARDS, ANSWERS);
        Tensor mask = Tensor.of(new double[] {1, 1, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1}, 12, 1).expand(12, 3).contiguous();
        Tensor old = Tensor.of(linspace(-2, -0.2, 36), 12, 3);
        TokenObjective blended = s.blend(new RatioTimesAdvantage(Aggregation.seqMeanTokenMean()));
        Property.forAll(TensorGen.tensor(new int[] {12, 3}, Gen.doubles(-0.5, 0.5))).tries(3).check(delta -> {
            Tensor lp = old.add(delta);
            GradCheck.check(x -> blended.loss(new PolicyBatch(x, old, null, mask, Tensor.zeros(12))), lp);
        });
    }

    @Test
    void badInputsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Copo.of(Double.NaN, 0).withEps(0));
        assertThrows(IllegalArgumentException.class, () -> Copo.of(1, 0).withEps(-1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> COPO.signals(REWARDS, List.of("a")));
        assertTrue(e.getMessage().contains("1 answers for 12 sequences"), e.getMessage());
        Copo.Signals s = COPO.signals(REWARDS, ANSWERS);
        Tensor lp = Tensor.zeros(2, 3);
        PolicyBatch small = PolicyBatch.onPolicy(lp.to(dev.tapegrad.DType.FLOAT64), Tensor.ones(dev.tapegrad.DType.FLOAT64, 2, 3),
                Tensor.zeros(2));
        assertThrows(IllegalArgumentException.class,
                () -> s.blend(new RatioTimesAdvantage(Aggregation.tokenMean())).loss(small));
    }

    private static double[] linspace(double a, double b, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = a + (b - a) * i / (n - 1);
        return x;
    }
}
