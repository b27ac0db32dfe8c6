package dev.tapegrad.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.Tensor;
import dev.tapegrad.check.Gen;
import dev.tapegrad.check.Property;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class AdvantagesTest {

    /** A random batch: groups of 1..6 sequences (ties likely: 0, 1, 0.1 are frequent), lengths 0..9. */
    record Batch(double[] rewards, int[] ids, double[] lengths, int[] strata) {
        Rewards toRewards() {
            return new Rewards(Tensor.of(rewards), ids, Tensor.of(lengths));
        }

        /** The same batch with sequences permuted and group ids relabelled (by a seeded shuffle). */
        Batch shuffled(long seed) {
            Random rng = new Random(seed);
            int n = rewards.length;
            List<Integer> perm = new ArrayList<>();
            for (int i = 0; i < n; i++) perm.add(i);
            java.util.Collections.shuffle(perm, rng);
            int offset = 1000 + rng.nextInt(1000);
            double[] r = new double[n];
            double[] l = new double[n];
            int[] g = new int[n];
            int[] s = new int[n];
            for (int k = 0; k < n; k++) {
                int i = perm.get(k);
                r[k] = rewards[i];
                l[k] = lengths[i];
                g[k] = offset - 7 * ids[i];
                s[k] = strata[i];
            }
            return new Batch(r, g, l, s);
        }

        int[] perm(long seed) { // where each shuffled row came from (same shuffle as above)
            Random rng = new Random(seed);
            List<Integer> perm = new ArrayList<>();
            for (int i = 0; i < rewards.length; i++) perm.add(i);
            java.util.Collections.shuffle(perm, rng);
            return perm.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    private static final Gen<Double> REWARD = Gen.oneOf(Gen.elements(0.0, 1.0, 0.1), Gen.doubles(-3, 3));
    private static final Gen<List<Double>> GROUP = Gen.listOf(REWARD, 1, 6);
    private static final Gen<Batch> BATCH = Gen.zip(Gen.listOf(GROUP, 1, 5), Gen.ints(0, 1 << 20), (groups, seed) -> {
        Random rng = new Random(seed);
        List<Double> r = new ArrayList<>();
        List<Integer> g = new ArrayList<>();
        for (int k = 0; k < groups.size(); k++) {
            for (double x : groups.get(k)) {
                r.add(x);
                g.add(k);
            }
        }
        int n = r.size();
        double[] lengths = new double[n];
        int[] strata = new int[n];
        for (int i = 0; i < n; i++) {
            lengths[i] = rng.nextInt(10);
            strata[i] = rng.nextInt(3);
        }
        return new Batch(r.stream().mapToDouble(Double::doubleValue).toArray(), g.stream().mapToInt(Integer::intValue).toArray(),
                lengths, strata);
    });

    /** Every estimator, for the batch (stratified needs the batch's strata). */
    private static List<AdvantageEstimator> all(Batch b) {
        return List.of(Advantages.grpo(), Advantages.grpo(0), Advantages.drGrpo(), Advantages.batchStd(1e-4),
                Advantages.rloo(), Advantages.reinforcePlusPlus(), Advantages.reinforcePlusPlusBaseline(),
                Advantages.stratified(b.strata(), 0.4, 1e-6), Advantages.hapoTokenGroupAverage(), Advantages.opo());
    }

    private static double[] adv(AdvantageEstimator e, Batch b) {
        return e.advantages(b.toRewards()).toDoubleArray();
    }

    private static double[] adv(AdvantageEstimator e, double[] rewards, int groupSize) {
        return e.advantages(Rewards.grouped(rewards, groupSize)).toDoubleArray();
    }

    private static List<int[]> groups(Batch b) {
        return List.of(Advantages.groups(b.ids()));
    }

    private static boolean allEqual(double[] x, int[] members) {
        for (int i : members) if (x[i] != x[members[0]]) return false;
        return true;
    }

    // ------------------------------------------------------------------------------------ properties

    @Test
    void groupAdvantagesSumToZeroPerGroup() {
        Property.forAll(BATCH).check(b -> {
            for (AdvantageEstimator e : List.of(Advantages.grpo(), Advantages.drGrpo(), Advantages.rloo(), Advantages.opo())) {
                double[] a = adv(e, b);
                for (int[] m : groups(b)) {
                    double sum = 0, scale = 1;
                    for (int i : m) {
                        sum += e.toString().equals("opo") ? a[i] * (b.lengths()[i]) : a[i];
                        scale += Math.abs(a[i]) * (e.toString().equals("opo") ? b.lengths()[i] : 1);
                    }
                    assertEquals(0.0, sum, 1e-12 * scale, e + " group " + java.util.Arrays.toString(m));
                }
            }
        });
    }

    @Test
    void grpoHasUnitSampleStdInGroupsWithDifferentRewards() {
        Property.forAll(BATCH).check(b -> {
            double eps = 1e-6;
            double[] a = adv(Advantages.grpo(eps), b);
            double[] exact = adv(Advantages.grpo(0), b);
            for (int[] m : groups(b)) {
                if (m.length < 2 || allEqual(b.rewards(), m)) continue;
                double sigma = sampleStd(b.rewards(), m);
                assertEquals(sigma / (sigma + eps), sampleStd(a, m), 1e-12);
                assertEquals(1.0, sampleStd(exact, m), 1e-12);
            }
        });
    }

    @Test
    void equalRewardsAndSingletonsGiveExactlyZero() {
        Property.forAll(BATCH).check(b -> {
            for (AdvantageEstimator e : all(b)) {
                if (e.toString().startsWith("reinforcePlusPlus")) continue; // batch whitening re-centres
                double[] a = adv(e, b);
                for (int[] m : groups(b)) {
                    if (!allEqual(b.rewards(), m)) continue;
                    for (int i : m) assertEquals(0.0, a[i], 0.0, e + " sequence " + i);
                }
            }
        });
        // non-dyadic equal rewards leave a residue in a naive float variance; here the branch is exact
        double[] r = {0.1, 0.1, 0.1, 0.7, 0.7, 0.7};
        for (AdvantageEstimator e : List.of(Advantages.grpo(0), Advantages.drGrpo(), Advantages.rloo())) {
            assertArrayEquals(new double[6], adv(e, r, 3), 0.0, e.toString());
        }
        assertArrayEquals(new double[] {0, 0}, adv(Advantages.grpo(), new double[] {3, -2}, 1), 0.0);
    }

    @Test
    void rlooIsTheScaledCentredReward() {
        Property.forAll(BATCH).check(b -> {
            double[] rloo = adv(Advantages.rloo(), b);
            double[] centred = adv(Advantages.drGrpo(), b);
            for (int[] m : groups(b)) {
                for (int i : m) {
                    double loo = 0;
                    for (int j : m) if (j != i) loo += b.rewards()[j];
                    double expected = m.length < 2 || allEqual(b.rewards(), m) ? 0 : b.rewards()[i] - loo / (m.length - 1);
                    assertEquals(expected, rloo[i], 1e-12);
                    assertEquals(m.length < 2 ? 0 : m.length / (m.length - 1.0) * centred[i], rloo[i], 1e-12);
                }
            }
        });
    }

    @Test
    void invariantUnderPermutationAndGroupRelabelling() {
        Property.forAll(Gen.pair(BATCH, Gen.ints(0, 1 << 20))).check(p -> {
            Batch b = p.first();
            long seed = p.second();
            Batch s = b.shuffled(seed);
            int[] from = b.perm(seed);
            List<AdvantageEstimator> original = all(b);
            List<AdvantageEstimator> shuffled = all(s);
            for (int e = 0; e < original.size(); e++) {
                double[] a = adv(original.get(e), b);
                double[] as = adv(shuffled.get(e), s);
                for (int k = 0; k < a.length; k++) {
                    assertEquals(a[from[k]], as[k], 1e-10 * (1 + Math.abs(a[from[k]])), original.get(e).toString());
                }
            }
        });
    }

    @Test
    void grpoIsInvariantToAffineRewardChanges() {
        Property.forAll(Gen.pair(BATCH, Gen.pair(Gen.doubles(0.01, 100), Gen.doubles(-10, 10)))).check(p -> {
            Batch b = p.first();
            double c = p.second().first(), d = p.second().second();
            double[] moved = b.rewards().clone();
            for (int i = 0; i < moved.length; i++) moved[i] = c * moved[i] + d;
            double[] a = adv(Advantages.grpo(0), b);
            double[] am = adv(Advantages.grpo(0), new Batch(moved, b.ids(), b.lengths(), b.strata()));
            for (int[] m : groups(b)) {
                // c·x + d can make unequal rewards round to equal ones (then 0): skip those groups
                if (allEqual(moved, m)) continue;
                for (int i : m) assertEquals(a[i], am[i], 1e-8);
            }
        });
    }

    @Test
    void stratifiedLimits() {
        Property.forAll(BATCH).check(b -> {
            double[] grpo = adv(Advantages.grpo(1e-6), b);
            assertArrayEquals(grpo, adv(Advantages.stratified(b.strata(), 0, 1e-6), b), 0.0, "alpha = 0");
            int n = b.rewards().length;
            assertArrayEquals(grpo, adv(Advantages.stratified(new int[n], 1, 1e-6), b), 0.0, "one stratum");
            int[] own = new int[n];
            for (int i = 0; i < n; i++) own[i] = i;
            assertArrayEquals(grpo, adv(Advantages.stratified(own, 0.7, 1e-6), b), 1e-15, "singleton strata");
        });
        // two strata in one group: alpha blends the stratum z-score with the group z-score
        double[] r = {1, 0, 1, 1};
        Rewards rewards = Rewards.grouped(r, 4);
        double[] san = Advantages.grpo(0).advantages(Rewards.grouped(new double[] {1, 0}, 2)).toDoubleArray();
        double[] gn = Advantages.grpo(0).advantages(rewards).toDoubleArray();
        double[] a = Advantages.stratified(new int[] {0, 0, 1, 1}, 0.25, 0).advantages(rewards).toDoubleArray();
        assertEquals(0.25 * san[0] + 0.75 * gn[0], a[0], 1e-15);
        assertEquals(0.25 * san[1] + 0.75 * gn[1], a[1], 1e-15);
        assertEquals(0.75 * gn[2], a[2], 1e-15); // stratum {1, 1}: equal rewards, A_SAN = 0
    }

    @Test
    void lengthWeightedEstimatorsReduceToTheirUnweightedFormsAtEqualLengths() {
        Property.forAll(Gen.pair(BATCH, Gen.ints(1, 9))).check(p -> {
            Batch b = p.first();
            double[] same = new double[b.rewards().length];
            java.util.Arrays.fill(same, p.second());
            Batch eq = new Batch(b.rewards(), b.ids(), same, b.strata());
            assertArrayEquals(adv(Advantages.drGrpo(), b), adv(Advantages.opo(), eq), 1e-12, "opo");
            double[] grpo = adv(Advantages.grpo(0), b);
            double[] hapo = adv(Advantages.hapoTokenGroupAverage(0), eq);
            for (int[] m : groups(b)) {
                // population vs Bessel std; with equal lengths |A| <= sqrt(n - 1) < 5, so no fallback
                for (int i : m) assertEquals(m.length < 2 ? 0 : grpo[i] * Math.sqrt(m.length / (m.length - 1.0)), hapo[i], 1e-12);
            }
        });
    }

    @Test
    void reinforcePlusPlusWhitensOverTokens() {
        Property.forAll(BATCH).check(b -> {
            // weighting by |o_i| is the same as repeating sequence i |o_i| times with unit weights
            List<Double> r = new ArrayList<>();
            List<Integer> g = new ArrayList<>();
            for (int i = 0; i < b.rewards().length; i++) {
                for (int t = 0; t < b.lengths()[i]; t++) {
                    r.add(b.rewards()[i]);
                    g.add(b.ids()[i]);
                }
            }
            if (r.isEmpty()) return;
            Rewards repeated = new Rewards(Tensor.of(r.stream().mapToDouble(Double::doubleValue).toArray()),
                    g.stream().mapToInt(Integer::intValue).toArray(), null);
            double[] tokens = Advantages.reinforcePlusPlus().advantages(repeated).toDoubleArray();
            double[] a = adv(Advantages.reinforcePlusPlus(), b);
            int k = 0;
            for (int i = 0; i < a.length; i++) {
                if (b.lengths()[i] == 0) assertEquals(0.0, a[i], 0.0, "empty sequence");
                for (int t = 0; t < b.lengths()[i]; t++) assertEquals(tokens[k++], a[i], 1e-10);
            }
            // and the whitened token advantages have mean 0 and Bessel std sqrt(σ²/(σ² + ε)) ≤ 1
            double mean = 0;
            for (double v : tokens) mean += v / tokens.length;
            assertEquals(0.0, mean, 1e-10);
            if (tokens.length > 1 && !allEqual(tokens, java.util.stream.IntStream.range(0, tokens.length).toArray())) {
                double s = sampleStd(tokens, java.util.stream.IntStream.range(0, tokens.length).toArray());
                assertTrue(s <= 1 + 1e-12 && s > 0.99, "std " + s);
            }
        });
    }

    @Test
    void batchStdDividesTheCentredRewardsByTheBatchStd() {
        Property.forAll(BATCH).check(b -> {
            int[] all = java.util.stream.IntStream.range(0, b.rewards().length).toArray();
            double s = all.length < 2 ? 0 : sampleStd(b.rewards(), all);
            double[] centred = adv(Advantages.drGrpo(), b);
            double[] a = adv(Advantages.batchStd(1e-4), b);
            for (int i = 0; i < a.length; i++) assertEquals(centred[i] / (s + 1e-4), a[i], 1e-12);
        });
    }

    // ---------------------------------------------------------------------------------------- examples

    @Test
    void grpoOfABinaryGroup() {
        // rewards 1,0,0,0: mean 1/4, Bessel std sqrt((9/16 + 3/16)/3) = 1/2; RLOO baselines 0 and 1/3
        double[] a = adv(Advantages.grpo(0), new double[] {1, 0, 0, 0}, 4);
        assertArrayEquals(new double[] {1.5, -0.5, -0.5, -0.5}, a, 1e-15);
        assertArrayEquals(new double[] {1, -1.0 / 3, -1.0 / 3, -1.0 / 3},
                adv(Advantages.rloo(), new double[] {1, 0, 0, 0}, 4), 1e-15);
    }

    @Test
    void opoUsesTheLengthWeightedBaseline() {
        Rewards r = Rewards.grouped(new double[] {1, 0, 0}, 3).withLengths(Tensor.of(new double[] {2, 6, 0}));
        // baseline (2·1 + 6·0)/8 = 0.25; the empty sequence gets 0 and is not in the baseline
        assertArrayEquals(new double[] {0.75, -0.25, 0}, Advantages.opo().advantages(r).toDoubleArray(), 1e-15);
    }

    @Test
    void hapoFallsBackToGrpoWhenATokenWeightedAdvantageReachesFive() {
        double[] r = {1, 0, 0, 0, 0, 0};
        Rewards short1 = Rewards.grouped(r, 6).withLengths(Tensor.of(new double[] {1, 50, 50, 50, 50, 50}));
        assertArrayEquals(adv(Advantages.grpo(), r, 6), Advantages.hapoTokenGroupAverage().advantages(short1).toDoubleArray(), 0.0);
        // with a long success the token statistics are used: μ = 50/300, population std over 300 tokens
        Rewards long1 = Rewards.grouped(r, 6).withLengths(Tensor.of(new double[] {50, 50, 50, 50, 50, 50}));
        double mu = 1.0 / 6, sd = Math.sqrt(mu * (1 - mu));
        assertEquals((1 - mu) / (sd + 1e-6), Advantages.hapoTokenGroupAverage().advantages(long1).toDoubleArray()[0], 1e-12);
    }

    @Test
    void extremeSpreadsNeitherUnderflowNorOverflow() {
        double h = Math.sqrt(0.5);
        assertArrayEquals(new double[] {-h, h}, adv(Advantages.grpo(0), new double[] {0, 1e-300}, 2), 1e-15);
        assertArrayEquals(new double[] {h, -h}, adv(Advantages.grpo(0), new double[] {1e200, -1e200}, 2), 1e-15);
    }

    @Test
    void groupsNeedNotBeContiguousNorEqualSized() {
        Rewards r = new Rewards(Tensor.of(new double[] {1, 5, 0, 7, 9}), new int[] {3, -1, 3, -1, 42}, null);
        double[] a = Advantages.drGrpo().advantages(r).toDoubleArray();
        assertArrayEquals(new double[] {0.5, -1, -0.5, 1, 0}, a, 1e-15);
    }

    // ------------------------------------------------------------------------------------------ errors

    @Test
    void nanOrInfiniteRewardsAreRejectedNamingTheSequence() {
        for (AdvantageEstimator e : all(new Batch(new double[3], new int[3], new double[3], new int[3]))) {
            Rewards bad = new Rewards(Tensor.of(new double[] {0, 1, Double.NaN}), new int[] {0, 0, 0},
                    Tensor.of(new double[] {1, 1, 1}));
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> e.advantages(bad), e.toString());
            assertTrue(ex.getMessage().contains("sequence 2") && ex.getMessage().contains("NaN"), ex.getMessage());
        }
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> adv(Advantages.grpo(), new double[] {Double.POSITIVE_INFINITY, 0}, 2));
        assertTrue(ex.getMessage().contains("sequence 0"), ex.getMessage());
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Advantages.grpo(-1e-6));
        assertThrows(IllegalArgumentException.class, () -> Advantages.grpo(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Advantages.stratified(new int[2], 1.5, 0));
        Rewards noLengths = Rewards.grouped(new double[] {0, 1}, 2);
        for (Function<Rewards, Tensor> f : List.<Function<Rewards, Tensor>>of(Advantages.opo()::advantages,
                Advantages.hapoTokenGroupAverage()::advantages)) {
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> f.apply(noLengths));
            assertTrue(ex.getMessage().contains("lengths"), ex.getMessage());
        }
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> Advantages.stratified(new int[3], 0.5, 0).advantages(noLengths));
        assertTrue(ex.getMessage().contains("3 strata for 2 sequences"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Advantages.opo()
                .advantages(noLengths.withLengths(Tensor.of(new double[] {1, -1}))));
    }

    private static double sampleStd(double[] x, int[] m) {
        double mean = 0;
        for (int i : m) mean += x[i] / m.length;
        double s = 0;
        for (int i : m) s += (x[i] - mean) * (x[i] - mean);
        return Math.sqrt(s / (m.length - 1));
    }
}
