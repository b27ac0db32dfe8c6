package dev.tapegrad.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.DType;
import dev.tapegrad.Tensor;
import dev.tapegrad.check.Gen;
import dev.tapegrad.check.GradCheck;
import dev.tapegrad.check.Property;
import dev.tapegrad.rl.HolderPo.Variant;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class HolderPoTest {
    static final double EPS = 0.2;
    static final double[] PS = {-2, -0.5, -1e-5, 0, 1e-5, 1, 2, 50};

    /** A batch: log-ratios d (ratios r = e^d), old log-probs, a prefix mask and per-sequence advantages. */
    record Case(double[][] d, double[] adv, Tensor logProbs, Tensor old, Tensor mask, Tensor advantages) {
        PolicyBatch batch(Tensor lp) {
            return new PolicyBatch(lp, old, null, mask, advantages);
        }

        PolicyBatch batch() {
            return batch(logProbs);
        }

        @Override
        public String toString() {
            return "d=" + java.util.Arrays.deepToString(d) + " A=" + java.util.Arrays.toString(adv);
        }
    }

    /** Batches with token ratios in [lo, hi] at least 0.02 from the given kinks; some sequences may be empty. */
    static Gen<Case> cases(double lo, double hi, double... kinks) {
        Gen<Double> ratio = Gen.doubles(lo, hi).filter(r -> {
            for (double k : kinks) if (Math.abs(r - k) <= 0.02) return false;
            return true;
        });
        return Gen.zip(Gen.ints(1, 4), Gen.ints(1, 5), (b, t) -> new int[] {b, t}).flatMap(s -> {
            int b = s[0], t = s[1];
            Gen<List<Double>> ratios = Gen.sequence(Collections.nCopies(b * t, ratio));
            Gen<List<Double>> olds = Gen.sequence(Collections.nCopies(b * t, Gen.doubles(-3, -0.1)));
            Gen<List<Integer>> lengths = Gen.sequence(Collections.nCopies(b, Gen.ints(0, t)));
            Gen<List<Double>> advs = Gen.sequence(Collections.nCopies(b, Gen.doubles(-2, 2)));
            return Gen.pair(Gen.pair(ratios, olds), Gen.pair(lengths, advs)).map(q -> build(b, t, q.first().first(),
                    q.first().second(), q.second().first(), q.second().second()));
        });
    }

    static Case build(int b, int t, List<Double> ratios, List<Double> olds, List<Integer> len, List<Double> adv) {
        double[] lp = new double[b * t], old = new double[b * t], m = new double[b * t], a = new double[b];
        double[][] d = new double[b][];
        for (int i = 0; i < b; i++) {
            d[i] = new double[len.get(i)];
            a[i] = adv.get(i);
            for (int j = 0; j < t; j++) {
                int k = i * t + j;
                boolean on = j < len.get(i);
                m[k] = on ? 1 : 0;
                old[k] = olds.get(k);
                lp[k] = on ? old[k] + Math.log(ratios.get(k)) : 30; // junk past the end
                if (on) d[i][j] = Math.log(ratios.get(k));
            }
        }
        return new Case(d, a, Tensor.of(lp, b, t), Tensor.of(old, b, t), Tensor.of(m, b, t), Tensor.of(a, b));
    }

    /** The sequence ratios M_p(r_i) in plain double arithmetic (p = 0: geometric mean). */
    static double rho(double[] d, double p) {
        double s = 0;
        for (double x : d) s += p == 0 ? x : Math.exp(p * x);
        return p == 0 ? Math.exp(s / d.length) : Math.pow(s / d.length, 1 / p);
    }

    static boolean awayFromClip(Case c, double p) {
        for (double[] d : c.d) {
            if (d.length > 0 && (Math.abs(rho(d, p) - (1 - EPS)) <= 0.02 || Math.abs(rho(d, p) - (1 + EPS)) <= 0.02)) return false;
        }
        return true;
    }

    static double[] grad(PolicyObjective objective, Case c) {
        Tensor lp = c.logProbs.detach().requiresGrad(true);
        objective.loss(c.batch(lp)).backward();
        return lp.grad().toDoubleArray();
    }

    @Test
    void pOneIsTheArithmeticMeanOfRatios() {
        // a clip range so wide it never binds: ℓ_i = −A_i · (1/|o_i|) Σ_t r_{i,t}
        HolderPo h = HolderPo.of(Variant.SEQUENCE, 1).withClip(0.999, 1e6);
        Property.forAll(cases(0.2, 3)).tries(40).check(c -> {
            double[] loss = h.perSequenceLoss(c.batch()).toDoubleArray();
            for (int i = 0; i < c.adv.length; i++) {
                if (c.d[i].length == 0) continue;
                double mean = 0;
                for (double x : c.d[i]) mean += Math.exp(x) / c.d[i].length;
                assertEquals(-c.adv[i] * mean, loss[i], 1e-13, "sequence " + i);
            }
        });
    }

    @Test
    void pToZeroIsGspo() {
        // GSPO: s_i = exp(mean_t d), ℓ_i = max(−A s, −A clip(s, 1 − ε, 1 + ε)), mean over non-empty sequences
        Property.forAll(cases(0.5, 1.6)).tries(20).check(c -> {
            double sum = 0;
            int kept = 0;
            for (int i = 0; i < c.adv.length; i++) {
                if (c.d[i].length == 0) continue;
                double s = rho(c.d[i], 0), a = c.adv[i];
                sum += Math.max(-a * s, -a * Math.clamp(s, 1 - EPS, 1 + EPS));
                kept++;
            }
            double gspo = kept == 0 ? 0 : sum / kept;
            for (double p : new double[] {0, 1e-9, -1e-9, 1e-6}) {
                assertEquals(gspo, HolderPo.of(Variant.SEQUENCE, p).loss(c.batch()).item(), Math.abs(p) + 1e-14,
                        "p " + p);
            }
        });
    }

    @Test
    void onPolicyEveryVariantAndEveryPGivesTheSequenceMeanPolicyGradient() {
        // r = 1 everywhere: ∂loss/∂log π(o_{i,t}) = −A_i / (B'·|o_i|)
        Property.forAll(cases(1, 1)).tries(8).check(c -> {
            int b = c.adv.length, t = c.logProbs.size(1), kept = 0;
            for (double[] d : c.d) if (d.length > 0) kept++;
            double[] expected = new double[b * t];
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < c.d[i].length; j++) expected[i * t + j] = -c.adv[i] / (kept * c.d[i].length);
            }
            for (Variant v : Variant.values()) {
                for (double p : PS) {
                    Tensor lp = c.logProbs.detach().requiresGrad(true);
                    HolderPo.of(v, p).withClip(0.1, 0.3).loss(PolicyBatch.onPolicy(lp, c.mask, c.advantages)).backward();
                    assertArrayEquals(expected, lp.grad().toDoubleArray(), 1e-13, v + " p " + p);
                }
            }
        });
    }

    @Test
    void gradientsMatchCentralDifferencesAwayFromClipKinks() {
        GradCheck.Options strict = GradCheck.Options.DEFAULT.withAtol(1e-8).withRtol(1e-6);
        // token kinks: 1 ± ε (clip) and 1/(1 + ε) (SEQUENCE_W_CLIP's lower token clamp)
        Gen<Case> tokens = cases(0.5, 1.6, 1 - EPS, 1 + EPS, 1 / (1 + EPS));
        for (double p : new double[] {-2, -1e-5, 0.5, 2}) {
            for (Variant v : Variant.values()) {
                HolderPo h = HolderPo.of(v, p);
                Gen<Case> gen = v == Variant.TOKEN ? tokens : tokens.filter(c -> awayFromClip(c, p)
                        && (v == Variant.SEQUENCE || awayFromClip(clamped(c), p)));
                Property.forAll(gen).tries(8).check(c ->
                        GradCheck.check(lp -> h.loss(c.batch(lp)), c.logProbs, strict));
            }
        }
    }

    /** The case with each log-ratio clamped to ±log(1 + ε), for SEQUENCE_W_CLIP's sequence ratio. */
    static Case clamped(Case c) {
        double[][] d = new double[c.d.length][];
        for (int i = 0; i < d.length; i++) {
            d[i] = c.d[i].clone();
            for (int j = 0; j < d[i].length; j++) d[i][j] = Math.clamp(d[i][j], -Math.log1p(EPS), Math.log1p(EPS));
        }
        return new Case(d, c.adv, c.logProbs, c.old, c.mask, c.advantages);
    }

    @Test
    void clippingStopsTheGradientWhereTheSurrogateIsFlat() {
        // one sequence of three tokens with r = (1.5, 1.4, 0.9): ρ > 1 + ε for every p ≥ 0 used here
        Tensor old = Tensor.of(new double[] {-1, -1, -1}, 1, 3);
        Tensor lp = old.add(Tensor.of(new double[] {Math.log(1.5), Math.log(1.4), Math.log(0.9)}, 1, 3));
        Tensor mask = Tensor.ones(DType.FLOAT64, 1, 3);
        for (double p : new double[] {0, 1, 2}) {
            // A > 0 and ρ above 1 + ε: flat, zero gradient
            assertArrayEquals(new double[3], grad(HolderPo.of(Variant.SEQUENCE, p), caseOf(lp, old, mask, 1.0)), 0, "p " + p);
            // A < 0: the unclipped branch is active, the gradient is −A ρ w_t ≠ 0
            double[] g = grad(HolderPo.of(Variant.SEQUENCE, p), caseOf(lp, old, mask, -1.0));
            double[] w = PowerMean.weights(lp.sub(old), mask, p).toDoubleArray();
            double rho = PowerMean.mean(lp.sub(old), mask, p).item();
            for (int t = 0; t < 3; t++) assertEquals(rho * w[t], g[t], 1e-13);
            // TOKEN, A > 0: tokens above 1 + ε are clipped (no gradient), the token at 0.9 still learns
            double[] gt = grad(HolderPo.of(Variant.TOKEN, p), caseOf(lp, old, mask, 1.0));
            assertEquals(0.0, gt[0], 0.0);
            assertEquals(0.0, gt[1], 0.0);
            assertTrue(gt[2] < 0, "p " + p);
        }
    }

    static Case caseOf(Tensor lp, Tensor old, Tensor mask, double a) {
        return new Case(new double[0][], new double[] {a}, lp, old, mask, Tensor.of(new double[] {a}, 1));
    }

    @Test
    void perTokenAdvantagesAreReducedByTheirMaskedMean() {
        Property.forAll(Gen.pair(cases(0.5, 1.6), Gen.ints(0, 1000))).tries(20).check(pair -> {
            Case c = pair.first();
            Tensor perToken = Tensor.randn(new dev.tapegrad.Generator(pair.second()), DType.FLOAT64, c.logProbs.shape());
            PolicyBatch tokenBatch = c.batch().withAdvantages(perToken);
            PolicyBatch seqBatch = c.batch().withAdvantages(MaskedReductions.maskedMean(perToken, c.mask));
            for (Variant v : Variant.values()) {
                HolderPo h = HolderPo.of(v, 1.5);
                assertEquals(h.loss(seqBatch).item(), h.loss(tokenBatch).item(), 1e-14, v.toString());
            }
        });
    }

    @Test
    void emptySequencesContributeNothingAndAnAllMaskedBatchGivesZero() {
        Tensor old = Tensor.of(new double[] {-1, -2, -0.5, -1, -1, -1}, 2, 3);
        Tensor lp = old.add(Tensor.of(new double[] {0.1, -0.05, 0.02, 500, Double.NaN, -500}, 2, 3));
        Tensor mask = Tensor.of(new double[] {1, 1, 1, 0, 0, 0}, 2, 3);
        Tensor adv = Tensor.of(new double[] {0.7, -3}, 2);
        for (Variant v : Variant.values()) {
            for (double p : PS) {
                HolderPo h = HolderPo.of(v, p);
                Tensor x = lp.detach().requiresGrad(true);
                Tensor loss = h.loss(new PolicyBatch(x, old, null, mask, adv));
                double alone = h.loss(new PolicyBatch(lp.slice(0, 0, 1), old.slice(0, 0, 1), null, mask.slice(0, 0, 1),
                        adv.slice(0, 0, 1))).item();
                assertEquals(alone, loss.item(), 1e-15, v + " p " + p);
                loss.backward();
                double[] g = x.grad().toDoubleArray();
                assertTrue(x.grad().isAllFinite(), v + " p " + p);
                assertArrayEquals(new double[3], java.util.Arrays.copyOfRange(g, 3, 6), 0.0, v + " p " + p);

                Tensor y = lp.detach().requiresGrad(true);
                Tensor none = h.loss(new PolicyBatch(y, old, null, Tensor.zeros(DType.FLOAT64, 2, 3), adv));
                assertEquals(0.0, none.item(), 0.0);
                none.backward();
                assertArrayEquals(new double[6], y.grad().toDoubleArray(), 0.0);
            }
        }
    }

    @Test
    void theObjectiveOfAStepUsesTheScheduledP() {
        HolderPo h = HolderPo.released();
        assertEquals(2.0, h.p());
        assertEquals(0.0, h.at(250).p(), 1e-15);
        assertEquals(-2.0, h.at(500).p());
        assertEquals(-2.0, h.at(10_000).p());
        assertEquals(0, h.step(), "at(step) returns a new objective");
        // d = (0.3, -0.4), A = 1: M_2 ≈ 1.066 and M_-2 ≈ 0.849, both inside the clip range
        Tensor old = Tensor.of(new double[] {-1, -2}, 1, 2);
        Case c = caseOf(old.add(Tensor.of(new double[] {0.3, -0.4}, 1, 2)), old, Tensor.ones(DType.FLOAT64, 1, 2), 1.0);
        assertEquals(HolderPo.of(Variant.SEQUENCE, 0.0).loss(c.batch()).item(), h.at(250).loss(c.batch()).item(), 1e-12);
        assertNotEquals(h.at(0).loss(c.batch()).item(), h.at(500).loss(c.batch()).item());
    }

    @Test
    void float32BatchesWork() {
        Case c = cases(0.5, 1.6).sample(new dev.tapegrad.Generator(5));
        PolicyBatch b32 = new PolicyBatch(c.logProbs.to(DType.FLOAT32), c.old.to(DType.FLOAT32), null,
                c.mask.to(DType.FLOAT32), c.advantages.to(DType.FLOAT32));
        for (Variant v : Variant.values()) {
            for (double p : new double[] {-2, 1e-3, 0, 1}) {
                HolderPo h = HolderPo.of(v, p);
                Tensor loss = h.loss(b32);
                assertEquals(DType.FLOAT32, loss.dtype());
                assertEquals(h.loss(c.batch()).item(), loss.item(), 1e-5, v + " p " + p);
            }
        }
    }

    @Test
    void rejectsBadOptions() {
        PSchedule s = PSchedule.constant(1);
        assertThrows(IllegalArgumentException.class, () -> new HolderPo(Variant.SEQUENCE, s, 1.0, 0.2, 0));
        assertThrows(IllegalArgumentException.class, () -> new HolderPo(Variant.SEQUENCE, s, -0.1, 0.2, 0));
        assertThrows(IllegalArgumentException.class, () -> new HolderPo(Variant.SEQUENCE, s, 0.2, Double.NaN, 0));
        assertThrows(IllegalArgumentException.class, () -> new HolderPo(Variant.SEQUENCE, s, 0.2, 0.2, -1));
        assertThrows(IllegalArgumentException.class, () -> new HolderPo(null, s, 0.2, 0.2, 0));
        assertThrows(IllegalArgumentException.class, () -> new HolderPo(Variant.TOKEN, null, 0.2, 0.2, 0));
    }

    /** A batch with no tokens at all (T = 0, or no sequences) gives 0 with a zero gradient, as every objective does. */
    @Test
    void aBatchWithNoTokensGivesZeroWithAZeroGradient() {
        for (int[] shape : new int[][] {{2, 0}, {0, 0}, {0, 3}}) {
            for (DType dtype : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
                for (Variant v : Variant.values()) {
                    for (double p : new double[] {-2, -1e-3, 0, 1e-3, 1}) {
                        Tensor lp = Tensor.zeros(dtype, shape).requiresGrad(true);
                        PolicyBatch b = new PolicyBatch(lp, Tensor.zeros(dtype, shape), null, Tensor.zeros(dtype, shape),
                                Tensor.ones(dtype, shape[0]));
                        Tensor loss = HolderPo.of(v, p).loss(b);
                        String what = v + " p=" + p + " " + dtype + " shape " + java.util.Arrays.toString(shape);
                        assertEquals(0.0, loss.item(), what);
                        loss.backward();
                        Tensor g = lp.grad();
                        assertTrue(g == null || java.util.Arrays.stream(g.toDoubleArray()).allMatch(x -> x == 0), what);
                        assertEquals(0.0, ClippedSurrogate.grpo().loss(b).item(), "GRPO, for comparison: " + what);
                    }
                }
            }
        }
    }
}
