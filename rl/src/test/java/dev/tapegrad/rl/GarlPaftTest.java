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

/** GARL and PAFT: weights, the zero-success rule, the q = 0 / q = 1 identities, and ∇ln_q P in expectation. */
class GarlPaftTest {
    /** Groups 7, 3, 5 (non-contiguous ids, sizes 4, 4, 3): half successes, no success, fractional rewards. */
    private static final double[] R = {1, 0, 0, 1, 0, 0, 0, 0, 0.5, 1, 0};
    private static final int[] IDS = {7, 7, 7, 7, 3, 3, 3, 3, 5, 5, 5};
    private static final Rewards REWARDS = new Rewards(Tensor.of(R, R.length), IDS, null);

    /** Random grouped rewards in [0, 1]: 1..4 groups of 1..6, binary or fractional, some groups all zero. */
    private static final Gen<Rewards> GROUPED = Gen.zip(Gen.ints(1, 4), Gen.ints(1, 6), (g, m) -> new int[] {g, m})
            .flatMap(gm -> Gen.sequence(java.util.Collections.nCopies(gm[0] * gm[1],
                    Gen.oneOf(Gen.elements(0.0, 0.0, 1.0), TensorGen.values(0, 1)))).map(v -> {
                        double[] r = new double[v.size()];
                        for (int i = 0; i < r.length; i++) r[i] = v.get(i);
                        return Rewards.grouped(r, gm[1]);
                    }));

    @Test
    void garlWeightsAreAmplifiedRewardsAndZeroWithoutSuccess() {
        double q = 0.5;
        double[] a = Garl.of(q).advantages(REWARDS).toDoubleArray();
        double s = Math.pow(0.5, -q);
        assertArrayEquals(new double[] {s, 0, 0, s, 0, 0, 0, 0, 0.5 * s, s, 0}, a, 1e-15);
        double[] c = new Garl(q, Garl.Baseline.GROUP_MEAN).advantages(REWARDS).toDoubleArray();
        assertArrayEquals(new double[] {0.5 * s, -0.5 * s, -0.5 * s, 0.5 * s, 0, 0, 0, 0, 0, 0.5 * s, -0.5 * s}, c, 1e-15);
        // q = 1 still gives zeros (not NaN) for the group without success
        for (double x : Garl.of(1.0).advantages(REWARDS).toDoubleArray()) assertTrue(Double.isFinite(x));
    }

    @Test
    void garlAtQZeroIsReinforceAndWithTheMeanBaselineIsDrGrpo() {
        Property.forAll(GROUPED).check(rw -> {
            double[] r = rw.values().toDoubleArray();
            assertArrayEquals(r, Garl.of(0).advantages(rw).toDoubleArray(), 0.0);
            double[] centred = new Garl(0, Garl.Baseline.GROUP_MEAN).advantages(rw).toDoubleArray();
            Tsallis.Groups g = Tsallis.Groups.of(rw, "test");
            for (int i = 0; i < r.length; i++) assertEquals(r[i] - g.mean(i), centred[i], 1e-15);
        });
    }

    /** GARL(q=0) through the surrogate gives the REINFORCE gradient −(1/B) Σ_i r_i ∇ Σ_t log π(o_{i,t}). */
    @Test
    void garlAtQZeroThroughTheSurrogateIsTheReinforceGradient() {
        Generator gen = new Generator(3);
        Tensor lp = Tensor.uniform(gen, -3, -0.1, DType.FLOAT64, 4, 3).requiresGrad(true);
        Tensor mask = Tensor.of(new double[] {1, 1, 1, 1, 0, 0, 1, 1, 0, 1, 1, 1}, 4, 3);
        Rewards rw = Rewards.grouped(new double[] {1, 0, 1, 1}, 2);
        Tsallis.surrogate(PolicyBatch.onPolicy(lp, mask, Garl.of(0).advantages(rw))).backward();
        double[] m = mask.toDoubleArray(), r = {1, 0, 1, 1}, g = lp.grad().toDoubleArray();
        for (int i = 0; i < 12; i++) assertEquals(-r[i / 3] * m[i] / 4, g[i], 1e-15);
    }

    @Test
    void paftExactEqualsGarlWithoutBaseline() {
        Property.forAll(Gen.pair(GROUPED, TensorGen.values(0, 1.5))).check(p -> {
            double[] garl = Garl.of(p.second()).advantages(p.first()).toDoubleArray();
            double[] paft = Paft.exact(p.second()).advantages(p.first()).toDoubleArray();
            for (int i = 0; i < garl.length; i++) assertEquals(garl[i], paft[i], 1e-14 * Math.abs(garl[i]), "at " + i);
        });
    }

    /** PAFT at q = 1: the surrogate is the SFT loss on the successful samples, (1/n_s) Σ_{r=1} −log π(o). */
    @Test
    void paftAtQOneIsSftOnTheSuccessfulSamples() {
        Generator gen = new Generator(11);
        Tensor lp = Tensor.uniform(gen, -3, -0.1, DType.FLOAT64, 5, 2).requiresGrad(true);
        Tensor mask = Tensor.ones(DType.FLOAT64, 5, 2);
        Rewards rw = Rewards.grouped(new double[] {0, 1, 1, 0, 1}, 5);
        Tensor paft = Tsallis.surrogate(PolicyBatch.onPolicy(lp, mask, Paft.exact(1).advantages(rw)));
        Tensor ok = Tensor.of(new double[] {0, 1, 1, 0, 1}, 5);
        Tensor sft = lp.sum(1).mul(ok).sum().div(3).neg();
        assertEquals(sft.item(), paft.item(), 1e-14);
        GradCheck.check(x -> Tsallis.surrogate(PolicyBatch.onPolicy(x, mask, Paft.exact(1).advantages(rw))), lp.detach());
        Tensor[] gp = dev.tapegrad.Autograd.grad(paft, new Tensor[] {lp});
        Tensor[] gs = dev.tapegrad.Autograd.grad(sft, new Tensor[] {lp});
        assertArrayEquals(gs[0].toDoubleArray(), gp[0].toDoubleArray(), 1e-15);
    }

    @Test
    void paftResamplingPutsWeightOnlyOnSuccessesWithGroupTotalMTimesPHatToTheOneMinusQ() {
        Property.forAll(Gen.pair(GROUPED, TensorGen.values(0, 1))).tries(50).check(p -> {
            Rewards rw = p.first();
            double q = p.second();
            double[] a = Paft.resampling(new Generator(5), q, 7).advantages(rw).toDoubleArray();
            double[] r = rw.values().toDoubleArray();
            Tsallis.Groups g = Tsallis.Groups.of(rw, "test");
            double[] total = new double[r.length];
            for (int i = 0; i < r.length; i++) {
                assertTrue(a[i] >= 0 && (r[i] > 0 || a[i] == 0), "weight on a failure at " + i);
                for (int j = 0; j < r.length; j++) if (g.groupIds()[j] == g.groupIds()[i]) total[i] += a[j];
                double expected = g.sum()[i] == 0 ? 0 : g.size()[i] * Math.pow(g.mean(i), 1 - q);
                assertEquals(expected, total[i], 1e-12 * Math.max(1, expected));
            }
        });
    }

    @Test
    void paftResamplingIsSeededAndAveragesToTheExactWeights() {
        double[] one = Paft.resampling(new Generator(9), 0.5, 4).advantages(REWARDS).toDoubleArray();
        assertArrayEquals(one, Paft.resampling(new Generator(9), 0.5, 4).advantages(REWARDS).toDoubleArray(), 0.0);
        Paft sampler = Paft.resampling(new Generator(10), 0.5, 4);
        double[] mean = new double[R.length];
        int n = 4000;
        for (int k = 0; k < n; k++) {
            double[] a = sampler.advantages(REWARDS).toDoubleArray();
            for (int i = 0; i < a.length; i++) mean[i] += a[i] / n;
        }
        assertArrayEquals(Paft.exact(0.5).advantages(REWARDS).toDoubleArray(), mean, 0.05);
    }

    @Test
    void estimatorsRejectBadRewardsAndOptions() {
        for (double bad : new double[] {-0.1, 1.5, Double.NaN}) {
            Rewards rw = Rewards.grouped(new double[] {1, bad}, 2);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Garl.of(0.5).advantages(rw));
            assertTrue(e.getMessage().contains("[0, 1]"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Paft.exact(0.5).advantages(rw));
        }
        assertThrows(IllegalArgumentException.class, () -> new Garl(0.5, null));
        assertThrows(IllegalArgumentException.class, () -> Garl.of(Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> Paft.resampling(new Generator(1), 0.5, 0));
        assertThrows(IllegalArgumentException.class, () -> new Paft(null, 0.5, 3));
        assertThrows(IllegalArgumentException.class, () -> new Paft(new Generator(1), 0.5, 0));
    }

    // ---------------------------------------------------------------- ∇ ln_q P in expectation, softmax toy

    /** Five trajectories, two of them (0 and 1) correct: P = softmax(θ)_0 + softmax(θ)_1 ≈ 0.27. */
    private static final Tensor LOGITS = Tensor.of(new double[] {-0.4, -0.2, 0.3, 0.1, 0.4});

    /** The exact ascent direction ∇_θ ln_q P, log P = logsumexp of the correct log-probabilities. */
    private static double[] exact(double q) {
        return dev.tapegrad.Autograd.grad(t -> Tsallis.lnQOfLog(t.logSoftmax(0).slice(0, 0, 2).logsumexp(0), q), LOGITS)
                .toDoubleArray();
    }

    /** −∇ of the surrogate over G groups of M samples from softmax(θ), rewards 1[z ≤ 1]: the estimator's ascent direction. */
    private static double[] estimate(AdvantageEstimator est, int groups, int m, long seed) {
        Generator gen = new Generator(seed);
        double[] p = LOGITS.softmax(0).toDoubleArray();
        int b = groups * m;
        int[] z = new int[b];
        double[] r = new double[b];
        for (int i = 0; i < b; i++) {
            double u = gen.nextDouble();
            int k = 0;
            while (k < p.length - 1 && (u -= p[k]) >= 0) k++;
            z[i] = k;
            r[i] = k <= 1 ? 1 : 0;
        }
        Tensor adv = est.advantages(Rewards.grouped(r, m));
        Tensor theta = LOGITS.detach().requiresGrad(true);
        Tensor lp = theta.logSoftmax(0).indexSelect(0, Tensor.of(z, b)).reshape(b, 1);
        Tsallis.surrogate(PolicyBatch.onPolicy(lp, Tensor.ones(DType.FLOAT64, b, 1), adv)).neg().backward();
        return theta.grad().toDoubleArray();
    }

    private static double relativeError(double[] est, double[] ref) {
        double d = 0, n = 0;
        for (int i = 0; i < ref.length; i++) {
            d += (est[i] - ref[i]) * (est[i] - ref[i]);
            n += ref[i] * ref[i];
        }
        return Math.sqrt(d / n);
    }

    /**
     * GARL (with and without baseline) and PAFT (resampled, K = 8) estimate the same ∇ ln_q P: 2000 groups of 32
     * samples. The tolerance covers the bias of P̂^{−q} (≈ 1% here), the self-inclusive baseline's factor
     * (1 − 1/M) ≈ 0.97, and sampling noise (≈ 1%); ∇ln_0 P = P·∇ln_1 P differs by 73%, so the check tells q apart.
     */
    @Test
    void garlAndPaftEstimateTheSameGradientInExpectation() {
        assertTrue(relativeError(exact(0), exact(1)) > 0.5);
        for (double q : new double[] {0, 0.5, 1}) {
            double[] ref = exact(q);
            double[] garl = estimate(Garl.of(q), 2000, 32, 1);
            double[] paft = estimate(Paft.resampling(new Generator(2), q, 8), 2000, 32, 1);
            double[] garlB = estimate(new Garl(q, Garl.Baseline.GROUP_MEAN), 2000, 32, 3);
            for (double[] e : List.of(garl, paft, garlB)) {
                assertTrue(relativeError(e, ref) < 0.05, "q=" + q + " error " + relativeError(e, ref));
            }
        }
    }
}
