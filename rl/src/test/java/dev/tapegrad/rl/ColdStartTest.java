package dev.tapegrad.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.Generator;
import org.junit.jupiter.api.Test;

/**
 * The cold-start claim in miniature: escape steps grow like 1/p0 at q = 0 and like ln(1/p0) at q = 1. With K
 * trajectories and learning rate η the continuous-time prediction is (K−1)/(Kη)·(1/p0) and
 * (K−1)/(Kη)·(ln(1/p0) + 1) (see {@link ColdStart}).
 */
class ColdStartTest {
    private static final int K = 16;
    private static final double[] P0 = {1e-1, 1e-2, 1e-3, 1e-4};

    @Test
    void initialLogitsGiveSuccessProbabilityP0() {
        ColdStart cs = new ColdStart(K, 1, 10);
        for (double p0 : new double[] {0.9, 0.5, 1e-3, 1e-12}) {
            assertEquals(p0, ColdStart.successProbability(cs.initialLogits(p0)), 1e-14 * p0);
        }
        assertThrows(IllegalArgumentException.class, () -> cs.initialLogits(0));
        assertThrows(IllegalArgumentException.class, () -> cs.initialLogits(1));
        assertThrows(IllegalArgumentException.class, () -> new ColdStart(1, 1, 10));
        assertThrows(IllegalArgumentException.class, () -> new ColdStart(K, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> new ColdStart(K, 1, 0));
    }

    /** q = 0: steps·p0 is nearly constant (≈ (K−1)/(Kη)) while the steps themselves span a factor 1000. */
    @Test
    void atQZeroEscapeStepsGrowLikeOneOverP0() {
        double lr = 1;
        ColdStart cs = new ColdStart(K, lr, 100_000);
        double scale = (K - 1) / (K * lr);
        double min = Double.MAX_VALUE, max = 0;
        for (double p0 : P0) {
            ColdStart.Result r = cs.run(p0, 0.0);
            assertTrue(r.escaped() && r.finalP() >= 0.5, "p0=" + p0 + ": " + r);
            double normalised = r.steps() * p0 / scale;
            if (p0 <= 1e-2) assertEquals(1.0, normalised, 0.12, "p0=" + p0 + ": steps " + r.steps());
            min = Math.min(min, normalised);
            max = Math.max(max, normalised);
        }
        assertTrue(max / min < 1.5, "steps·p0 from " + min + " to " + max);
    }

    /** q = 1: each decade of p0 adds about the same number of steps, (K−1)/(Kη)·ln 10. */
    @Test
    void atQOneEscapeStepsGrowLikeLogOneOverP0() {
        double lr = 0.05;
        ColdStart cs = new ColdStart(K, lr, 100_000);
        double perDecade = (K - 1) / (K * lr) * Math.log(10);
        int[] steps = new int[P0.length];
        for (int i = 0; i < P0.length; i++) steps[i] = cs.run(P0[i], 1.0).steps();
        for (int i = 1; i < P0.length; i++) {
            int added = steps[i] - steps[i - 1];
            assertEquals(perDecade, added, 0.1 * perDecade, "decade " + i + ": " + java.util.Arrays.toString(steps));
        }
        // and not like 1/p0: steps·p0 falls by ~100× from the first decade to the last
        assertTrue(steps[0] * P0[0] > 50 * steps[3] * P0[3]);
    }

    @Test
    void escapeGetsFasterAsQGrowsAndTheTableMarksRunsOutOfBudget() {
        ColdStart cs = new ColdStart(K, 0.5, 5_000);
        double[] qs = {0, 0.25, 0.5, 0.75, 1};
        int[][] t = cs.escapeSteps(new double[] {1e-2}, qs);
        for (int j = 1; j < qs.length; j++) assertTrue(t[0][j] < t[0][j - 1], "q=" + qs[j] + ": " + t[0][j]);
        int[][] starved = new ColdStart(K, 0.5, 50).escapeSteps(new double[] {1e-3}, new double[] {0});
        assertEquals(-1, starved[0][0]);
        assertFalse(new ColdStart(K, 0.5, 50).run(1e-3, 0).escaped());
    }

    @Test
    void scheduledQFollowsTheSchedule() {
        ColdStart cs = new ColdStart(K, 0.5, 5_000);
        int sft = cs.run(1e-2, 1.0).steps();
        assertEquals(sft, cs.run(1e-2, QSchedule.sftThenRl(10_000)).steps());
        assertEquals(cs.run(1e-2, 0.0).steps(), cs.run(1e-2, QSchedule.sftThenRl(0)).steps());
        int mixed = cs.run(1e-2, QSchedule.sftThenRl(sft / 2)).steps();
        assertTrue(mixed > sft && mixed < cs.run(1e-2, 0.0).steps(), "SFT for " + sft / 2 + " steps then RL: " + mixed);
    }

    /**
     * Monte-Carlo: GARL at q = 0.75 (the abstract's cold-start setting) escapes in fewer steps than REINFORCE
     * (GARL at q = 0) from p0 = 0.01 with 8 samples per step, summed over 3 seeds; runs are reproducible.
     */
    @Test
    void sampledGarlEscapesFasterAtHigherQAndIsSeeded() {
        ColdStart cs = new ColdStart(K, 0.5, 20_000);
        ColdStart.Result a = cs.runSampled(new Generator(1), 0.01, Garl.coldStart(), 8);
        assertEquals(a, cs.runSampled(new Generator(1), 0.01, Garl.coldStart(), 8));
        int hot = 0, cold = 0;
        for (long seed = 1; seed <= 3; seed++) {
            ColdStart.Result g = cs.runSampled(new Generator(seed), 0.01, Garl.of(0.75), 8);
            ColdStart.Result r = cs.runSampled(new Generator(seed), 0.01, Garl.of(0), 8);
            ColdStart.Result p = cs.runSampled(new Generator(seed), 0.01, Paft.resampling(new Generator(seed + 100), 1, 4), 8);
            assertTrue(g.escaped() && r.escaped() && p.escaped(), g + " " + r + " " + p);
            hot += g.steps();
            cold += r.steps();
        }
        assertTrue(2 * hot < cold, "GARL q=0.75: " + hot + " steps, q=0: " + cold);
    }
}
