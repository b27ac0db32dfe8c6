package dev.tapegrad.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Properties of {@link Schedules} that hold whatever the reference libraries print: the values recorded in
 * reference runs of torch and optax (recorded, not run here), continuity at the junctions,
 * monotonicity within a cosine cycle, the SGDR restart positions, and purity.
 */
class SchedulePropertiesTest {

    /** The recorded reference values have 12 significant digits. */
    private static final double APPENDIX_TOLERANCE = 1e-11;

    private static void assertValues(double[] expected, Schedule s) {
        for (int k = 0; k < expected.length; k++) {
            assertEquals(expected[k], s.at(k), APPENDIX_TOLERANCE, s + " at step " + k);
        }
    }

    // ---------------------------------------------------------------- recorded reference values

    @Test
    void sgdrMatchesAppendixA() {
        // torch CosineAnnealingWarmRestarts(T_0=3, T_mult=2, eta_min=0.1), lr=1; optax sgdr (3, 6, 12) agrees.
        assertValues(new double[] {1.0, 0.775, 0.325, 1.0, 0.939711431703, 0.775, 0.55, 0.325, 0.160288568297, 1.0,
                0.98466662183, 0.939711431703, 0.868198051534, 0.775, 0.666468570296, 0.55},
                Schedules.cosineWarmRestarts(1.0, 3, 2, 0.1));
    }

    @Test
    void torchAndOptaxValuesOfAppendixA() {
        assertValues(new double[] {1.0, 0.904508497187, 0.654508497187, 0.345491502813, 0.0954915028125, 0.0,
                0.0954915028125, 0.345491502813, 0.654508497187}, Schedules.cosinePeriodic(1.0, 5, 0.0));
        assertValues(new double[] {1.0, 0.904508497187, 0.654508497187, 0.345491502813, 0.0954915028125, 0.0, 0.0,
                0.0, 0.0}, Schedules.cosineClamped(1.0, 5, 0.0));
        assertValues(new double[] {0.04, 0.52, 1.0, 0.950484632013, 0.81174565395, 0.611262021936, 0.388741978064,
                0.18825834605, 0.0495193679865, 4e-06}, Schedules.oneCycle(1.0, 10));
        assertValues(new double[] {1.0, 0.5625, 0.25, 0.0625, 0.0, 0.0, 0.0}, Schedules.polynomial(1.0, 4, 2.0));
        assertValues(new double[] {0.25, 0.4375, 0.625, 0.8125, 1.0, 1.0, 1.0}, Schedules.linear(1.0, 0.25, 1, 4));
        assertValues(new double[] {1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125}, Schedules.step(1, 3, 0.5));
        // optax warmup_cosine_decay_schedule(0, 1, warmup 2, decay_steps 8, end 0.1): the cosine after the
        // warm-up runs on the shifted step, as our warmup() does.
        assertValues(new double[] {0.0, 0.5, 1.0, 0.939711431703, 0.775, 0.55, 0.325, 0.160288568297, 0.1, 0.1},
                Schedules.warmup(2, 0.0, Schedules.cosineClamped(1.0, 6, 0.1)));
        // pytorch_optimizer WSD(2, 3, 3, '1-sqrt') up to the end of the decay; it ignores min_lr_ratio for this
        // cooldown, so it agrees with ours for ratio 0 (after the decay it would jump to its ratio).
        assertValues(new double[] {0.0, 0.5, 1.0, 1.0, 1.0, 1.0, 0.42264973081, 0.183503419072, 0.0, 0.0},
                Schedules.wsd(1.0, 2, 3, 3, 0.0, Schedules.Cooldown.ONE_MINUS_SQRT));
    }

    @Test
    void oneCycleMomentumDefaultsMirrorTheLearningRate() {
        Schedule lr = Schedules.oneCycle(1.0, 10);
        Schedule m = Schedules.oneCycleMomentum(10);
        assertEquals(0.95, m.at(0), 0.0);
        assertEquals(0.85, m.at(2), 1e-15);   // the learning-rate peak
        assertEquals(0.95, m.at(9), 1e-15);
        double initial = 1.0 / 25;
        for (int k = 0; k <= 2; k++) {        // rising phase: both follow the same cosine fraction
            assertEquals((lr.at(k) - initial) / (1.0 - initial), (0.95 - m.at(k)) / (0.95 - 0.85), 1e-12);
        }
        for (int k = 2; k < 10; k++) {
            assertEquals((1.0 - lr.at(k)) / (1.0 - initial / 1e4), (m.at(k) - 0.85) / (0.95 - 0.85), 1e-12);
        }
    }

    @Test
    void oneCycleEdges() {
        Schedule s = Schedules.oneCycle(2.0, 10);
        double last = 2.0 / 25 / 1e4;
        assertEquals(last, s.at(9), 1e-18);
        for (long k : new long[] {10, 11, 1000, Long.MAX_VALUE}) {
            assertEquals(s.at(9), s.at(k), 0.0, "one-cycle past its end stays at the final value");
        }
        // pctStart·T − 1 = 0: a first phase of length 0 starts at the peak instead of dividing by zero.
        Schedule zero = Schedules.oneCycle(1.0, 10, 0.1, 25, 1e4);
        assertEquals(1.0, zero.at(0), 0.0);
        for (int k = 1; k < 10; k++) {
            assertTrue(zero.at(k) < zero.at(k - 1), "decreasing after the peak at " + k);
        }
    }

    // ---------------------------------------------------------------- warm-up

    @Test
    void warmupIsLinearAndJoinsItsScheduleContinuously() {
        List<Schedule> afters = List.of(Schedules.cosinePeriodic(0.7, 20, 0.01), Schedules.step(0.7, 2, 0.5),
                Schedules.exponential(0.7, 0.8), Schedules.constant(0.7), Schedules.polynomial(0.7, 3, 2.0));
        for (Schedule after : afters) {
            double peak = after.at(0);
            for (long w : new long[] {1, 3, 10}) {
                for (double s : new double[] {0.0, 0.1, 0.5, 1.0}) {
                    Schedule warm = Schedules.warmup(w, s, after);
                    assertEquals(s * peak, warm.at(0), 1e-15, warm + " starts at s·peak");
                    double increment = peak * (1 - s) / w;
                    // Every step of the ramp, including the one onto the junction k = W, adds the same amount.
                    for (long k = 0; k < w; k++) {
                        assertEquals(increment, warm.at(k + 1) - warm.at(k), 1e-14, warm + " step " + k);
                    }
                    for (long j = 0; j < 30; j++) {
                        assertEquals(after.at(j), warm.at(w + j), 0.0, warm + ": shifted step " + j);
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- cosine and SGDR

    @Test
    void cosineIsContinuousAndMonotoneWithinACycle() {
        double base = 2.0;
        double min = 0.1;
        long t = 50;
        double maxStep = (base - min) * Math.PI / (2 * t);   // |dη/dk| ≤ (base − min)·π/(2T)
        Schedule periodic = Schedules.cosinePeriodic(base, t, min);
        Schedule clamped = Schedules.cosineClamped(base, t, min);
        for (long k = 0; k < 2 * t; k++) {
            double d = periodic.at(k + 1) - periodic.at(k);
            assertTrue(Math.abs(d) <= maxStep, "jump " + d + " at " + k);
            assertTrue(k < t ? d < 0 : d > 0, "monotone half period at " + k);
        }
        assertEquals(min, periodic.at(t), 1e-15);
        assertEquals(base, periodic.at(2 * t), 1e-15);
        for (long k = 0; k < 300; k++) {
            assertEquals(periodic.at(k % (2 * t)), periodic.at(k), 1e-14, "period 2·T_max at " + k);
            assertEquals(k <= t ? periodic.at(k) : min, clamped.at(k), 0.0, "clamped at " + k);
        }
    }

    /** The restart positions T_0, T_0(1 + T_mult), ... below n, computed by summing the cycle lengths. */
    private static List<Long> restarts(long t0, long tMult, long n) {
        List<Long> out = new ArrayList<>();
        long start = 0;
        for (long len = t0; start + len < n; len *= tMult) {
            start += len;
            out.add(start);
        }
        return out;
    }

    @Test
    void sgdrRestartsExactlyAtTheCycleBoundariesAndDecreasesWithinCycles() {
        long[][] configs = {{3, 1}, {3, 2}, {2, 3}, {1, 2}, {5, 4}, {1, 1}};
        double base = 1.5;
        double min = 0.05;
        long n = 400;
        for (long[] c : configs) {
            Schedule s = Schedules.cosineWarmRestarts(base, c[0], c[1], min);
            List<Long> expected = restarts(c[0], c[1], n);
            List<Long> rises = new ArrayList<>();
            assertEquals(base, s.at(0), 1e-15);
            long cycleStart = 0;
            for (long k = 1; k < n; k++) {
                double d = s.at(k) - s.at(k - 1);
                if (d >= 0) {
                    rises.add(k);
                    assertEquals(base, s.at(k), 1e-15, s + ": restart value at " + k);
                    cycleStart = k;
                } else {
                    // within a cycle of length T_i the cosine never drops by more than (base − min)·π/(2 T_i)
                    long step = k;
                    long len = expected.stream().filter(r -> r > step).findFirst().orElse(n + 1L) - cycleStart;
                    assertTrue(-d <= (base - min) * Math.PI / (2 * len) + 1e-15, s + ": jump " + d + " at " + k);
                }
                assertTrue(s.at(k) > min, s + ": η_min is never reached, step " + k);
            }
            assertEquals(expected, rises, s + ": restart positions");
        }
        // Far out, the closed form still lands on the restarts: k = 3·(2^40 − 1) starts cycle 40.
        Schedule s = Schedules.cosineWarmRestarts(1.0, 3, 2, 0.0);
        long k40 = 3 * ((1L << 40) - 1);
        assertEquals(1.0, s.at(k40), 0.0);
        assertTrue(s.at(k40 - 1) < 1e-20, "end of cycle 39 is near η_min: " + s.at(k40 - 1));
        double far = s.at(Long.MAX_VALUE);
        assertTrue(far >= 0 && far <= 1.0, "value at Long.MAX_VALUE " + far);
    }

    // ---------------------------------------------------------------- WSD

    /** The largest |η(k+1) − η(k)| over k in [from, to). */
    private static double largestJump(Schedule s, long from, long to) {
        double m = 0;
        for (long k = from; k < to; k++) {
            m = Math.max(m, Math.abs(s.at(k + 1) - s.at(k)));
        }
        return m;
    }

    @Test
    void wsdPiecesJoinContinuouslyAndDecayToTheFloor() {
        double base = 3.0;
        double r = 0.1;
        long w = 10;
        long stable = 20;
        for (Schedules.Cooldown f : Schedules.Cooldown.values()) {
            double[] junctionJumps = new double[2];
            for (long d : new long[] {1000, 10000}) {
                Schedule s = Schedules.wsd(base, w, stable, d, r, f);
                assertEquals(0.0, s.at(0), 0.0);
                for (long k = 0; k < w; k++) {
                    assertEquals(base / w, s.at(k + 1) - s.at(k), 1e-14, s + ": warm-up step " + k);
                }
                for (long k = w; k <= w + stable; k++) {
                    assertEquals(base, s.at(k), 0.0, s + ": stable at " + k);
                }
                long end = w + stable + d;
                for (long k = w + stable; k < end; k++) {
                    assertTrue(s.at(k + 1) <= s.at(k), s + ": non-increasing decay at " + k);
                    assertTrue(s.at(k) >= base * r, s + ": never below the floor at " + k);
                }
                for (long k = end; k < end + 50; k++) {
                    assertEquals(base * r, s.at(k), 0.0, s + ": floor after the decay at " + k);
                }
                double startJump = s.at(w + stable) - s.at(w + stable + 1);
                double endJump = s.at(end - 1) - s.at(end);
                assertTrue(startJump < 0.05 * base && endJump < 0.05 * base, s + ": junction jumps " + startJump
                        + ", " + endJump);
                if (d == 10000) {
                    // continuity: the jumps at the decay's ends shrink as the decay gets finer
                    assertTrue(startJump < junctionJumps[0] && endJump < junctionJumps[1], s + ": jumps shrink");
                }
                junctionJumps[0] = startJump;
                junctionJumps[1] = endJump;
                assertTrue(largestJump(s, end - 5, end + 5) < 0.05 * base);
            }
        }
    }

    @Test
    void cooldownShapesRunFromOneToZero() {
        for (Schedules.Cooldown f : Schedules.Cooldown.values()) {
            assertEquals(1.0, f.at(0.0), 0.0, f.name());
            assertEquals(0.0, f.at(1.0), 1e-16, f.name());
            assertTrue(f.at(0.5) > 0 && f.at(0.5) < 1, f.name());
        }
        assertEquals(0.5, Schedules.Cooldown.LINEAR.at(0.5), 0.0);
        assertEquals(0.5, Schedules.Cooldown.COSINE.at(0.5), 1e-16);
        assertEquals(1 - Math.sqrt(0.25), Schedules.Cooldown.ONE_MINUS_SQRT.at(0.25), 0.0);
        assertEquals(0.75, Schedules.Cooldown.ONE_MINUS_SQUARE.at(0.5), 0.0);
    }

    // ---------------------------------------------------------------- inverse square root

    @Test
    void inverseSqrtPeaksAtWarmupAndThenFallsAsOneOverRootN() {
        Schedule s = Schedules.inverseSqrt(0.02, 8);
        assertEquals(0.02 / 8, s.at(0), 1e-18);             // n = 1: base/W, not 0
        assertEquals(0.02, s.at(7), 0.0);                    // n = W: the peak
        for (long k = 0; k < 7; k++) {
            assertEquals(0.02 / 8, s.at(k + 1) - s.at(k), 1e-17, "linear warm-up at " + k);
        }
        for (long k = 7; k < 200; k++) {
            assertEquals(0.02 * Math.sqrt(8.0 / (k + 1)), s.at(k), 1e-17, "1/sqrt at " + k);
        }
        assertEquals(0.002, s.at(799), 1e-18);              // n = 800: 0.02·sqrt(8/800)
        Schedule noWarmup = Schedules.inverseSqrt(1.0, 1);
        assertEquals(1.0, noWarmup.at(0), 0.0);
        assertEquals(0.1, noWarmup.at(99), 1e-16);
    }

    // ---------------------------------------------------------------- combinators

    @Test
    void combinatorsComposePointwise() {
        Schedule cos = Schedules.cosinePeriodic(1.0, 10, 0.0);
        Schedule exp = Schedules.exponential(2.0, 0.9);
        Schedule scaled = Schedules.scaled(0.01, cos);
        Schedule product = Schedules.multiply(cos, exp);
        Schedule joined = Schedules.join(exp, 7, cos);
        for (long k = 0; k < 40; k++) {
            assertEquals(0.01 * cos.at(k), scaled.at(k), 0.0);
            assertEquals(cos.at(k) * exp.at(k), product.at(k), 0.0);
            assertEquals(k < 7 ? exp.at(k) : cos.at(k - 7), joined.at(k), 0.0);
        }
        assertEquals(2.0, Schedules.join(exp, 0, Schedules.constant(2.0)).at(0), 0.0);
        // A lambda is a schedule too; scaled turns a multiplier into any hyper-parameter.
        Schedule weightDecay = Schedules.scaled(1e-4, k -> 1.0 / (1 + k));
        assertEquals(0.25e-4, weightDecay.at(3), 0.0);
    }

    // ---------------------------------------------------------------- purity

    static List<Schedule> everyFactory() {
        return List.of(Schedules.constant(0.3), Schedules.step(1, 3, 0.5), Schedules.multiStep(1, 0.1, 5, 2, 9),
                Schedules.exponential(1, 0.97), Schedules.linear(1, 0.1, 1, 7), Schedules.cosinePeriodic(1, 13, 0.01),
                Schedules.cosineClamped(1, 13, 0.01), Schedules.cosineWarmRestarts(1, 3, 2, 0.1),
                Schedules.cosineWarmRestarts(1, 5, 1, 0), Schedules.oneCycle(1, 50), Schedules.oneCycleMomentum(50),
                Schedules.polynomial(1, 30, 2), Schedules.polynomial(1, 0.2, 30, 0.5), Schedules.inverseSqrt(1, 10),
                Schedules.wsd(1, 5, 10, 20, 0.1, Schedules.Cooldown.ONE_MINUS_SQRT),
                Schedules.warmup(5, 0.1, Schedules.cosineWarmRestarts(1, 4, 2, 0)),
                Schedules.join(Schedules.constant(1), 4, Schedules.exponential(1, 0.5)),
                Schedules.scaled(2, Schedules.cosineClamped(1, 9, 0)),
                Schedules.multiply(Schedules.step(1, 2, 0.5), Schedules.linear(1, 0, 1, 5)));
    }

    @Test
    void schedulesArePureFunctionsOfTheStep() {
        int n = 200;
        List<Long> order = new ArrayList<>();
        for (long k = 0; k < n; k++) {
            order.add(k);
        }
        for (Schedule s : everyFactory()) {
            double[] forward = new double[n];
            for (int k = 0; k < n; k++) {
                forward[k] = s.at(k);
            }
            List<Long> shuffled = new ArrayList<>(order);
            Collections.shuffle(shuffled, new Random(7));
            List<Long> backward = new ArrayList<>(order.reversed());
            for (List<Long> o : List.of(shuffled, backward, shuffled)) {
                for (long k : o) {
                    assertEquals(Double.doubleToRawLongBits(forward[(int) k]), Double.doubleToRawLongBits(s.at(k)),
                            s + " at step " + k + " depends on earlier calls");
                    assertEquals(forward[(int) k], s.at(k), 0.0, s + " twice at " + k);
                }
            }
        }
    }

    @Test
    void everyFactoryGivesFiniteValuesFarOut() {
        for (Schedule s : everyFactory()) {
            for (long k : new long[] {0, 1, 1000, 1L << 40, Long.MAX_VALUE}) {
                assertTrue(Double.isFinite(s.at(k)), s + " at " + k);
            }
        }
    }
}
