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
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Properties of the clipped-surrogate family: gradient checks, the on-policy identity, clipping by sign, padding. */
class SurrogatesTest {
    private static final Property<Integer> SEEDS = Property.forAll(Gen.ints(0, 1 << 30)).tries(12).maxShrinkSteps(0);

    /** A random masked batch: log-probs, old, ref, mask (last sequence possibly empty), advantages. */
    record Batch(double[] logp, double[] old, double[] ref, double[] mask, double[] adv, int b, int t, boolean perToken) {
        PolicyBatch with(Tensor logProbs) {
            Tensor a = perToken ? Tensor.of(adv, b, t) : Tensor.of(adv, b);
            return new PolicyBatch(logProbs, Tensor.of(old, b, t), Tensor.of(ref, b, t), Tensor.of(mask, b, t), a);
        }

        Tensor logProbs() {
            return Tensor.of(logp, b, t);
        }

        double adv(int i, int j) {
            return perToken ? adv[i * t + j] : adv[i];
        }
    }

    /**
     * Ratios r = π/π_old at real tokens drawn from [0.3, 3.5] at least 0.02 away from every kink (in ratio space);
     * garbage (±~300) at padding, so that an exp of an unmasked difference would overflow.
     */
    static Batch batch(long seed, boolean perToken, double... kinks) {
        Generator g = new Generator(seed);
        int b = 2 + g.nextInt(3), t = 2 + g.nextInt(5);
        double[] logp = new double[b * t], old = new double[b * t], ref = new double[b * t], mask = new double[b * t];
        double[] adv = new double[perToken ? b * t : b];
        for (int i = 0; i < b; i++) {
            int len = (i == b - 1 && g.nextDouble() < 0.3) ? 0 : 1 + g.nextInt(t);
            for (int j = 0; j < t; j++) {
                int k = i * t + j;
                if (j < len) {
                    mask[k] = 1;
                    double r;
                    do r = 0.3 + 3.2 * g.nextDouble(); while (near(r, kinks));
                    logp[k] = -0.05 - 3 * g.nextDouble();
                    old[k] = logp[k] - Math.log(r);
                    ref[k] = logp[k] + g.nextGaussian() * 0.5;
                } else {
                    logp[k] = 300 * g.nextGaussian();
                    old[k] = -logp[k];
                    ref[k] = 2 * logp[k];
                }
            }
        }
        for (int k = 0; k < adv.length; k++) adv[k] = (g.nextDouble() < 0.5 ? -1 : 1) * (0.1 + g.nextDouble());
        return new Batch(logp, old, ref, mask, adv, b, t, perToken);
    }

    static boolean near(double x, double... kinks) {
        for (double k : kinks) if (Math.abs(x - k) < 0.02) return true;
        return false;
    }

    private static void gradCheck(PolicyObjective objective, Batch batch) {
        GradCheck.check(lp -> objective.loss(batch.with(lp)), batch.logProbs());
    }

    // ------------------------------------------------------------------ gradient checks (away from kinks)

    /**
     * CISPO's gradient is not the derivative of its value (the weight is detached): check the backward against
     * central differences of −w₀·Â·log π with the weight w₀ frozen at the base point.
     */
    private static void cispoGradCheck(Cispo o, Batch b) {
        PolicyBatch base = b.with(b.logProbs());
        Tensor w0 = LogRatios.logRatio(base).exp().clamp(o.minRatio(), o.maxRatio());
        GradCheck.checkAgainst(lp -> o.loss(b.with(lp)), lp -> o.aggregation().apply(
                w0.mul(base.tokenAdvantages()).mul(MaskedReductions.masked(lp, base.mask())).neg(), base.mask()), b.logProbs());
    }

    /** GSPO-token with per-token advantages: reference with sg[s_i] and sg[π] frozen at the base point. */
    private static void gspoTokenGradCheck(Gspo.Token o, Batch b) {
        PolicyBatch base = b.with(b.logProbs());
        Tensor logS0 = Gspo.logSequenceRatio(base).unsqueeze(1);
        Tensor lp0 = MaskedReductions.masked(base.logProbs(), base.mask());
        Tensor adv = base.tokenAdvantages();
        GradCheck.checkAgainst(lp -> o.loss(b.with(lp)), lp -> {
            Tensor s = logS0.add(MaskedReductions.masked(lp, base.mask()).sub(lp0)).exp();
            Tensor loss = adv.neg().mul(s).maximum(adv.neg().mul(s.clamp(1 - o.epsLow(), 1 + o.epsHigh())));
            return o.aggregation().apply(loss, base.mask());
        }, b.logProbs());
    }

    @Test
    void clippedSurrogateGradientsAwayFromKinks() {
        List<ClippedSurrogate> objectives = List.of(ClippedSurrogate.ppo(), ClippedSurrogate.grpo(), ClippedSurrogate.dapo(),
                ClippedSurrogate.drGrpo(16), ClippedSurrogate.dapo().withDualClip(2.5).withAggregation(Aggregation.seqMeanTokenSum()));
        SEEDS.check(seed -> {
            for (ClippedSurrogate o : objectives) {
                double[] kinks = {1 - o.epsLow(), 1 + o.epsHigh(), Double.isNaN(o.dualClip()) ? -1 : o.dualClip()};
                gradCheck(o, batch(seed, seed % 2 == 0, kinks));
            }
        });
    }

    @Test
    void smoothAndSequenceObjectiveGradients() {
        SEEDS.check(seed -> {
            gradCheck(Sapo.paper(), batch(seed, true));
            gradCheck(new Sapo(2.0, 3.0, Aggregation.tokenMean()), batch(seed, false));
            cispoGradCheck(Cispo.twoSided(0.2, 0.28), batch(seed, true, 0.8, 1.28));
            cispoGradCheck(Cispo.capped(2.0).withAggregation(Aggregation.seqMeanTokenMean()), batch(seed, false, 2.0));
            // GMPO: kinks at d = ±δ, i.e. r = e^{∓δ}
            gradCheck(Gmpo.paper(), batch(seed, false, Math.exp(-0.4), Math.exp(0.4)));
            gradCheck(new Gmpo(0.2, 0.6), batch(seed, true, Math.exp(-0.2), Math.exp(0.6)));
        });
    }

    @Test
    void gspoGradientsAwayFromTheSequenceKinks() {
        Gspo gspo = new Gspo(0.1, 0.15);
        Gspo.Token token = new Gspo.Token(0.1, 0.15);
        SEEDS.check(seed -> {
            Batch b = batch(seed, false), perToken = batch(seed + 1, true);
            if (!sequenceRatiosNear(b, 0.9, 1.15)) {
                gradCheck(gspo, b);
                gradCheck(token, b);
            }
            if (!sequenceRatiosNear(perToken, 1 - 3e-4, 1 + 4e-4)) gspoTokenGradCheck(Gspo.Token.paper(), perToken);
        });
    }

    /** True when some non-empty sequence's ratio s_i lies within 0.02 of a kink. */
    private static boolean sequenceRatiosNear(Batch b, double... kinks) {
        double[] logS = Gspo.logSequenceRatio(b.with(b.logProbs())).toDoubleArray();
        for (double l : logS) if (l != 0 && near(Math.exp(l), kinks)) return true;
        return false;
    }

    // ------------------------------------------------------------------ on-policy identity

    /** w_{i,t}: the weight each real token gets from an aggregation, computed by hand from the mask. */
    static double[] weights(Aggregation agg, double[] mask, int b, int t) {
        double total = 0, nonEmpty = 0;
        double[] len = new double[b];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) len[i] += mask[i * t + j];
            total += len[i];
            if (len[i] > 0) nonEmpty++;
        }
        double[] w = new double[b * t];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                if (mask[i * t + j] == 0) continue;
                w[i * t + j] = switch (agg) {
                    case Aggregation.Mode m when m == Aggregation.Mode.TOKEN_MEAN -> 1 / total;
                    case Aggregation.Mode m when m == Aggregation.Mode.SEQ_MEAN_TOKEN_MEAN -> 1 / (nonEmpty * len[i]);
                    case Aggregation.Mode m -> 1 / nonEmpty; // SEQ_MEAN_TOKEN_SUM
                    case Aggregation.ConstantNormaliser c -> 1 / (nonEmpty * c.length());
                };
            }
        }
        return w;
    }

    private static void assertPolicyGradient(PolicyObjective o, Aggregation agg, Batch batch) {
        Tensor lp = batch.logProbs().requiresGrad(true);
        Tensor a = batch.perToken() ? Tensor.of(batch.adv(), batch.b(), batch.t()) : Tensor.of(batch.adv(), batch.b());
        Tensor loss = o.loss(PolicyBatch.onPolicy(lp, Tensor.of(batch.mask(), batch.b(), batch.t()), a));
        loss.backward();
        double[] w = weights(agg, batch.mask(), batch.b(), batch.t());
        double[] got = lp.grad().toDoubleArray();
        for (int i = 0; i < batch.b(); i++) {
            for (int j = 0; j < batch.t(); j++) {
                int k = i * batch.t() + j;
                assertEquals(-w[k] * batch.adv(i, j), got[k], 1e-14, o + " at [" + i + "," + j + "]");
            }
        }
    }

    @Test
    void onPolicyEveryVariantIsThePolicyGradient() {
        SEEDS.check(seed -> {
            Batch perSeq = batch(seed, false), perTok = batch(seed, true);
            for (Batch bt : List.of(perSeq, perTok)) {
                for (ClippedSurrogate o : List.of(ClippedSurrogate.ppo(), ClippedSurrogate.grpo(), ClippedSurrogate.dapo(),
                        ClippedSurrogate.drGrpo(9), new ClippedSurrogate(0.05, 0.5, 1.5, Aggregation.seqMeanTokenSum()))) {
                    assertPolicyGradient(o, o.aggregation(), bt);
                }
                assertPolicyGradient(Sapo.paper(), Sapo.paper().aggregation(), bt);
                assertPolicyGradient(new Sapo(3, 0.5, Aggregation.tokenMean()), Aggregation.tokenMean(), bt);
                assertPolicyGradient(Cispo.twoSided(0.2, 0.28), Aggregation.tokenMean(), bt);
                assertPolicyGradient(Cispo.capped(5), Aggregation.tokenMean(), bt);
            }
            // sequence-level objectives: weights (1/B')(1/|o_i|) with one advantage per sequence
            for (PolicyObjective o : List.<PolicyObjective>of(Gspo.paper(), Gspo.Token.paper(), Gmpo.paper(), new Gmpo(0, 0))) {
                assertPolicyGradient(o, Aggregation.seqMeanTokenMean(), perSeq);
            }
        });
    }

    // ------------------------------------------------------------------ clipping by sign

    /** One sequence of four tokens with the given ratios and one advantage; returns {loss, grad...}. */
    private static double[] single(PolicyObjective o, double adv, double... ratios) {
        int t = ratios.length;
        double[] logp = new double[t], old = new double[t], mask = new double[t];
        for (int j = 0; j < t; j++) {
            logp[j] = -1 - 0.1 * j;
            old[j] = logp[j] - Math.log(ratios[j]);
            mask[j] = 1;
        }
        Tensor lp = Tensor.of(logp, 1, t).requiresGrad(true);
        Tensor loss = o.loss(new PolicyBatch(lp, Tensor.of(old, 1, t), null, Tensor.of(mask, 1, t), Tensor.of(new double[] {adv}, 1)));
        loss.backward();
        double[] out = new double[t + 1];
        out[0] = loss.item();
        System.arraycopy(lp.grad().toDoubleArray(), 0, out, 1, t);
        return out;
    }

    @Test
    void clippingDependsOnTheSignOfTheAdvantage() {
        ClippedSurrogate dapo = ClippedSurrogate.dapo().withAggregation(Aggregation.seqMeanTokenSum());
        // A > 0: above 1 + ε_high no gradient; below 1 − ε_low not clipped
        double[] pos = single(dapo, 2.0, 1.5, 0.5, 1.1, 1.29);
        assertArrayEquals(new double[] {0, -2 * 0.5, -2 * 1.1, 0}, slice(pos), 1e-14);
        assertEquals(-2 * (1.28 + 0.5 + 1.1 + 1.28), pos[0], 1e-13);
        // A < 0: below 1 − ε_low no gradient; large r not clipped without dual clip
        double[] neg = single(dapo, -2.0, 0.5, 1.5, 0.9, 10);
        assertArrayEquals(new double[] {0, 2 * 1.5, 2 * 0.9, 2 * 10}, slice(neg), 1e-13);
        assertEquals(2 * (0.8 + 1.5 + 0.9 + 10), neg[0], 1e-13);
        // dual clip c = 3: for A < 0 and r > c the loss is the constant c·|A|
        double[] dual = single(dapo.withDualClip(3), -2.0, 0.5, 1.5, 4, 10);
        assertArrayEquals(new double[] {0, 2 * 1.5, 0, 0}, slice(dual), 1e-13);
        assertEquals(2 * (0.8 + 1.5 + 3 + 3), dual[0], 1e-13);
        // the dual clip never touches positive advantages
        assertArrayEquals(single(dapo, 2.0, 0.5, 1.5, 4, 10), single(dapo.withDualClip(3), 2.0, 0.5, 1.5, 4, 10), 0);
    }

    @Test
    void gmpoClipsPerTokenInLogSpaceByTheSign() {
        // A > 0: the token with r > e^{0.4} is clipped (no gradient), the one with r < e^{-0.4} is not
        double[] pos = single(Gmpo.paper(), 1.0, 2.0, 0.5, 1.0, 1.0);
        double rho = Math.exp((0.4 + Math.log(0.5)) / 4);
        assertEquals(-rho, pos[0], 1e-14);
        assertArrayEquals(new double[] {0, -rho / 4, -rho / 4, -rho / 4}, slice(pos), 1e-14);
        // A < 0: the token with r < e^{-0.4} is clipped, the one with r > e^{0.4} is not
        double[] neg = single(Gmpo.paper(), -1.0, 2.0, 0.5, 1.0, 1.0);
        double rhoN = Math.exp((Math.log(2.0) - 0.4) / 4);
        assertEquals(rhoN, neg[0], 1e-14);
        assertArrayEquals(new double[] {rhoN / 4, 0, rhoN / 4, rhoN / 4}, slice(neg), 1e-14);
    }

    @Test
    void gspoClipsTheSequenceRatio() {
        // s = geometric mean = 1.5 > 1 + ε_high with A > 0: constant loss, no gradient
        double[] clipped = single(new Gspo(0.1, 0.2), 1.0, 1.5, 1.5);
        assertEquals(-1.2, clipped[0], 1e-14);
        assertArrayEquals(new double[] {0, 0}, slice(clipped), 0);
        double[] free = single(new Gspo(0.1, 0.2), -1.0, 1.5, 1.5); // A < 0, s above the band: not clipped
        assertArrayEquals(new double[] {0.75, 0.75}, slice(free), 1e-14);
    }

    @Test
    void sapoGateHasSlopeOneAtRatioOne() {
        for (double tau : new double[] {0.5, 1.0, 1.05, 4.0}) {
            Tensor r = Tensor.scalar(1.0, DType.FLOAT64).requiresGrad(true);
            Tensor f = Sapo.gate(r, Tensor.scalar(tau, DType.FLOAT64));
            f.backward();
            assertEquals(2 / tau, f.item(), 1e-15);
            assertEquals(1.0, r.grad().item(), 1e-15, "tau " + tau);
        }
        // A = 0 takes τ_neg (no NaN or sign trouble): loss and gradient 0
        double[] zero = single(Sapo.paper(), 0.0, 0.7, 1.3);
        assertArrayEquals(new double[] {0, 0, 0}, zero, 0);
    }

    private static double[] slice(double[] lossAndGrad) {
        return java.util.Arrays.copyOfRange(lossAndGrad, 1, lossAndGrad.length);
    }

    // ------------------------------------------------------------------ padding and edge cases

    static final List<PolicyObjective> ALL = List.of(ClippedSurrogate.ppo(), ClippedSurrogate.grpo(), ClippedSurrogate.dapo(),
            ClippedSurrogate.drGrpo(8), ClippedSurrogate.dapo().withDualClip(3), Gspo.paper(), Gspo.Token.paper(), Gmpo.paper(),
            Sapo.paper(), Cispo.twoSided(0.2, 0.28), Cispo.capped(5), WithKl.grpo(0.04),
            new WithKl(ClippedSurrogate.dapo(), 0.1, Kl.K3_K2_GRAD), new WithKl(Sapo.paper(), 0.1, Kl.K2));

    @Test
    void hugeDifferencesAtPaddingNeverReachValueOrGradient() {
        // padding log-probs of ±700 (exp overflows), even ±∞
        double[] logp = {-1, -2, 700, Double.POSITIVE_INFINITY, -0.5, -700, 700, Double.NEGATIVE_INFINITY};
        double[] old = {-1.2, -1.9, -700, -700, -0.4, 700, -700, 700};
        double[] ref = {-1.1, -2.2, -700, Double.NEGATIVE_INFINITY, -0.7, 700, -700, Double.POSITIVE_INFINITY};
        double[] mask = {1, 1, 0, 0, 1, 0, 0, 0};
        for (PolicyObjective o : ALL) {
            for (Tensor adv : List.of(Tensor.of(new double[] {1.5, -0.5}, 2), Tensor.of(new double[] {1, -1, 2, 2, -2, 1, 1, 1}, 2, 4))) {
                Tensor lp = Tensor.of(logp, 2, 4).requiresGrad(true);
                Tensor loss = o.loss(new PolicyBatch(lp, Tensor.of(old, 2, 4), Tensor.of(ref, 2, 4), Tensor.of(mask, 2, 4), adv));
                loss.backward();
                assertTrue(Double.isFinite(loss.item()), o + " loss " + loss.item());
                double[] g = lp.grad().toDoubleArray();
                for (int k = 0; k < g.length; k++) {
                    assertTrue(Double.isFinite(g[k]), o + " grad " + k + " = " + g[k]);
                    if (mask[k] == 0) assertEquals(0.0, g[k], o + " grad at padding " + k);
                }
            }
        }
    }

    @Test
    void anAllMaskedBatchGivesZeroLossAndZeroGradient() {
        for (PolicyObjective o : ALL) {
            Tensor lp = Tensor.full(50, DType.FLOAT64, 3, 2).requiresGrad(true);
            Tensor loss = o.loss(new PolicyBatch(lp, Tensor.full(-50, DType.FLOAT64, 3, 2), Tensor.full(-50, DType.FLOAT64, 3, 2),
                    Tensor.zeros(DType.FLOAT64, 3, 2), Tensor.of(new double[] {1, -1, 2}, 3)));
            loss.backward();
            assertEquals(0.0, loss.item(), 0.0, o.toString());
            assertArrayEquals(new double[6], lp.grad().toDoubleArray(), o.toString());
        }
    }

    @Test
    void gspoTokenEqualsGspoWithSequenceAdvantages() {
        SEEDS.check(seed -> {
            Batch b = batch(seed, false);
            Function<PolicyObjective, double[]> run = o -> {
                Tensor lp = b.logProbs().requiresGrad(true);
                Tensor loss = o.loss(b.with(lp));
                loss.backward();
                double[] g = lp.grad().toDoubleArray();
                double[] out = java.util.Arrays.copyOf(g, g.length + 1);
                out[g.length] = loss.item();
                return out;
            };
            assertArrayEquals(run.apply(new Gspo(0.1, 0.15)), run.apply(new Gspo.Token(0.1, 0.15)), 1e-14);
        });
    }

    @Test
    void optionsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new ClippedSurrogate(-0.1, 0.2, Double.NaN, Aggregation.tokenMean()));
        assertThrows(IllegalArgumentException.class, () -> new ClippedSurrogate(0.2, Double.NaN, Double.NaN, Aggregation.tokenMean()));
        assertThrows(IllegalArgumentException.class, () -> ClippedSurrogate.ppo().withDualClip(1.0));
        assertThrows(IllegalArgumentException.class, () -> new Gspo(1.5, 0.1));
        assertThrows(IllegalArgumentException.class, () -> new Gmpo(-0.1, 0.4));
        assertThrows(IllegalArgumentException.class, () -> new Sapo(0, 1, Aggregation.tokenMean()));
        IllegalArgumentException footgun = assertThrows(IllegalArgumentException.class, () -> Cispo.capped(0.2));
        assertTrue(footgun.getMessage().contains("cap"), footgun.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new WithKl(ClippedSurrogate.grpo(), -1, Kl.K3));
    }
}
