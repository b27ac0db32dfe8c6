package dev.tapegrad.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import dev.tapegrad.check.Gen;
import dev.tapegrad.check.GradCheck;
import dev.tapegrad.check.Property;
import dev.tapegrad.check.TensorGen;
import java.util.List;
import org.junit.jupiter.api.Test;

/** KL estimators (in the loss and in the reward) and the entropy bonus. */
class KlEntropyTest {
    private static final Property<Integer> SEEDS = Property.forAll(Gen.ints(0, 1 << 30)).tries(12).maxShrinkSteps(0);

    @Test
    void k3IsNonNegativeAndZeroExactlyWhenThePoliciesAgree() {
        Property.forAll(TensorGen.tensor(new int[] {3, 7}, TensorGen.values(-6, 6))).tries(30).check(u -> {
            Tensor logp = Tensor.zeros(DType.FLOAT64, 3, 7);
            double[] k3 = Kl.K3.perToken(logp, u, Tensor.ones(DType.FLOAT64, 3, 7)).toDoubleArray();
            double[] uu = u.toDoubleArray();
            for (int i = 0; i < k3.length; i++) {
                if (uu[i] == 0) assertEquals(0.0, k3[i], 0.0);
                else assertTrue(k3[i] > 0, "k3(" + uu[i] + ") = " + k3[i]);
            }
        });
        // tiny differences still give a strictly positive value (expm1(u) − u ≈ u²/2)
        double[] small = Kl.K3.perToken(Tensor.zeros(DType.FLOAT64, 1, 3), Tensor.of(new double[] {1e-9, -1e-7, 0}, 1, 3),
                Tensor.ones(DType.FLOAT64, 1, 3)).toDoubleArray();
        assertEquals(0.5e-18, small[0], 1e-24);
        assertEquals(0.5e-14, small[1], 1e-20);
        assertEquals(0.0, small[2], 0.0);
    }

    @Test
    void estimatorValues() {
        Tensor logp = Tensor.of(new double[] {-1, -2, 5}, 1, 3), ref = Tensor.of(new double[] {-1.5, -1, -5}, 1, 3);
        Tensor mask = Tensor.of(new double[] {1, 1, 0}, 1, 3);
        assertArrayEquals(new double[] {0.5, -1, 0}, Kl.K1.perToken(logp, ref, mask).toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {0.125, 0.5, 0}, Kl.K2.perToken(logp, ref, mask).toDoubleArray(), 1e-15);
        double[] k3 = {Math.exp(-0.5) + 0.5 - 1, Math.exp(1) - 1 - 1, 0};
        assertArrayEquals(k3, Kl.K3.perToken(logp, ref, mask).toDoubleArray(), 1e-15);
        assertArrayEquals(k3, Kl.K3_K2_GRAD.perToken(logp, ref, mask).toDoubleArray(), 1e-15);
    }

    @Test
    void straightThroughHasTheValueOfK3AndTheGradientOfK2() {
        SEEDS.check(seed -> {
            Generator g = new Generator(seed);
            Tensor logp = Tensor.uniform(g, -3, 0, DType.FLOAT64, 3, 4), ref = Tensor.uniform(g, -3, 0, DType.FLOAT64, 3, 4);
            Tensor mask = Tensor.bernoulli(g, 0.7, DType.FLOAT64, 3, 4);
            Tensor lpSt = logp.requiresGrad(true), lp2 = logp.detach().requiresGrad(true);
            Tensor st = Kl.K3_K2_GRAD.perToken(lpSt, ref, mask);
            assertArrayEquals(Kl.K3.perToken(logp.detach(), ref, mask).toDoubleArray(), st.toDoubleArray(), 0.0);
            st.sum().backward();
            Kl.K2.perToken(lp2, ref, mask).sum().backward();
            assertArrayEquals(lp2.grad().toDoubleArray(), lpSt.grad().toDoubleArray(), 0.0);
            // and the same through the checker: backward of k3+ against central differences of k2
            GradCheck.checkAgainst(x -> Kl.K3_K2_GRAD.perToken(x, ref, mask), x -> Kl.K2.perToken(x, ref, mask), logp.detach());
        });
    }

    @Test
    void klGradientsAndPenaltyInTheLoss() {
        SEEDS.check(seed -> {
            SurrogatesTest.Batch b = SurrogatesTest.batch(seed, false, 0.8, 1.2);
            for (Kl k : List.of(Kl.K1, Kl.K2, Kl.K3)) {
                GradCheck.check(lp -> k.perToken(b.with(lp)), b.logProbs());
                WithKl grpo = new WithKl(ClippedSurrogate.grpo(), 0.3, k);
                GradCheck.check(lp -> grpo.loss(b.with(lp)), b.logProbs());
                // adding per token before aggregating = adding the aggregated penalty (aggregation is linear)
                PolicyBatch pb = b.with(b.logProbs());
                double sum = ClippedSurrogate.grpo().loss(pb).item() + k.penalty(pb, 0.3, Aggregation.seqMeanTokenMean()).item();
                assertEquals(sum, grpo.loss(pb).item(), 1e-12);
            }
        });
    }

    @Test
    void k3GradientOnPolicyIsOneMinusTheRatioToTheReference() {
        // ∂k3/∂log π = 1 − π_ref/π, so GRPO + β·k3 on policy has gradient w·(−Â + β(1 − π_ref/π))
        Tensor lp = Tensor.of(new double[] {-1, -2, -0.5, -3}, 2, 2).requiresGrad(true);
        Tensor ref = Tensor.of(new double[] {-1.3, -1.5, -0.5, -9}, 2, 2);
        Tensor mask = Tensor.of(new double[] {1, 1, 1, 0}, 2, 2);
        PolicyBatch batch = PolicyBatch.onPolicy(lp, mask, Tensor.of(new double[] {0.7, -1.1}, 2)).withReference(ref);
        WithKl.grpo(0.04).loss(batch).backward();
        double[] want = {
            0.25 * (-0.7 + 0.04 * (1 - Math.exp(-0.3))), 0.25 * (-0.7 + 0.04 * (1 - Math.exp(0.5))),
            0.5 * (1.1 + 0.04 * (1 - 1)), 0};
        assertArrayEquals(want, lp.grad().toDoubleArray(), 1e-15);
    }

    @Test
    void klNeedsAReference() {
        PolicyBatch noRef = PolicyBatch.onPolicy(Tensor.zeros(DType.FLOAT64, 1, 2), Tensor.ones(DType.FLOAT64, 1, 2),
                Tensor.ones(DType.FLOAT64, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WithKl.grpo(0.04).loss(noRef));
        assertTrue(e.getMessage().contains("reference"), e.getMessage());
    }

    @Test
    void rewardShapingSubtractsTheSummedKl() {
        Tensor logp = Tensor.of(new double[] {-1, -2, 40, -0.5, -0.25, -0.125}, 2, 3).requiresGrad(true);
        Tensor ref = Tensor.of(new double[] {-1.5, -1, -40, -1, -1, -1}, 2, 3);
        Tensor mask = Tensor.of(new double[] {1, 1, 0, 1, 1, 1}, 2, 3);
        Rewards r = new Rewards(Tensor.of(new double[] {1, 0}, 2), new int[] {7, 7}, null);
        RewardKl shaping = new RewardKl(0.1, Kl.K1);
        assertArrayEquals(new double[] {-0.5, 0.5 + 0.75 + 0.875}, shaping.sequenceKl(logp, ref, mask).toDoubleArray(), 1e-15);
        Rewards shaped = shaping.shape(r, logp, ref, mask);
        assertArrayEquals(new double[] {1 + 0.05, -0.1 * 2.125}, shaped.values().toDoubleArray(), 1e-15);
        assertArrayEquals(new int[] {7, 7}, shaped.groupIds());
        assertTrue(!shaped.values().requiresGrad(), "shaped rewards are constants");
        assertThrows(IllegalArgumentException.class, () -> shaping.shape(Tensor.zeros(DType.FLOAT64, 3), logp, ref, mask));
        assertThrows(IllegalArgumentException.class, () -> new RewardKl(Double.NaN, Kl.K1));
    }

    // ------------------------------------------------------------------ entropy

    @Test
    void entropyValuesAndGradients() {
        Tensor uniform = Tensor.zeros(DType.FLOAT64, 1, 2, 4);
        assertArrayEquals(new double[] {Math.log(4), Math.log(4)}, Entropy.perToken(uniform).toDoubleArray(), 1e-15);
        Tensor peaked = Tensor.of(new double[] {0, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY}, 1, 1, 3);
        assertEquals(0.0, Entropy.perToken(peaked).item(), 0.0);
        SEEDS.check(seed -> {
            Tensor logits = Tensor.randn(new Generator(seed), DType.FLOAT64, 2, 3, 5).mul(2);
            Tensor mask = Tensor.bernoulli(new Generator(seed + 1), 0.6, DType.FLOAT64, 2, 3);
            GradCheck.check(z -> Entropy.perToken(z), logits);
            GradCheck.check(z -> Entropy.bonus(z, mask, 0.01, Aggregation.tokenMean()), logits);
        });
    }

    @Test
    void entropyOfMaskedVocabularyEntriesHasNoNaN() {
        Tensor logits = Tensor.of(new double[] {1, Double.NEGATIVE_INFINITY, 0.5, -2, 3, Double.NEGATIVE_INFINITY}, 1, 2, 3)
                .requiresGrad(true);
        Tensor loss = Entropy.bonus(logits, Tensor.ones(DType.FLOAT64, 1, 2), 0.5, Aggregation.tokenMean());
        loss.backward();
        assertTrue(Double.isFinite(loss.item()));
        double[] g = logits.grad().toDoubleArray();
        for (double v : g) assertTrue(Double.isFinite(v), java.util.Arrays.toString(g));
        assertEquals(0.0, g[1], 0.0);
        // value = that of the entropy over the finite entries
        double h0 = twoWayEntropy(1, 0.5), h1 = twoWayEntropy(-2, 3);
        assertEquals(-0.5 * (h0 + h1) / 2, loss.item(), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> Entropy.bonus(logits, Tensor.ones(DType.FLOAT64, 2, 2), 1,
                Aggregation.tokenMean()));
    }

    private static double twoWayEntropy(double a, double b) {
        double pa = 1 / (1 + Math.exp(b - a)), pb = 1 - pa;
        return -(pa * Math.log(pa) + pb * Math.log(pb));
    }
}
