package dev.tapegrad.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import dev.tapegrad.optim.Optimizer;
import dev.tapegrad.optim.Optimizers;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The sharpness monitor: λ_max on a known Hessian, its schedule, and that its threshold is where SGD diverges. */
class SharpnessMonitorTest {

    /** The Hessian diag(c) of L(w) = ½·Σ cᵢ·(wᵢ − 1)²: λ_max = 4, and a negative eigenvalue of larger magnitude. */
    private static final double[] SADDLE = {4, -5, 1, 0.5, 2.5, 0.25};
    /** A convex one with λ_max = 4. */
    private static final double[] CONVEX = {4, 3, 1, 0.5, 2.5, 0.25};

    private static Map<String, Tensor> params() {
        return Map.of("w", Tensor.of(new double[] {0.3, -0.2, 0.5, 1.5, -1, 2}).requiresGrad(true));
    }

    private static Supplier<Tensor> quadratic(Map<String, Tensor> p, double[] diagonal) {
        Tensor c = Tensor.of(diagonal);
        return () -> p.get("w").sub(1.0).square().mul(c).sum().mul(0.5);
    }

    @Test
    void readingsGiveLambdaMaxAgainstTwoOverLr() {
        Map<String, Tensor> p = params();
        SharpnessMonitor m = SharpnessMonitor.builder(p, quadratic(p, SADDLE)).every(5).lanczosSteps(6).build(new Generator(1));
        assertTrue(m.onStep(3, 0.1).isEmpty());
        SharpnessMonitor.Reading r = m.onStep(10, 0.1).orElseThrow();
        assertEquals(4, r.lambdaMax(), 1e-12); // the largest eigenvalue, not the largest in magnitude (−5)
        assertEquals(20, r.threshold(), 1e-12);
        assertEquals(0.2, r.ratio(), 1e-12);
        assertEquals(10, r.step());
        assertEquals(Map.of("sharpness", r.lambdaMax(), "2/lr", 20.0, "sharpness/threshold", r.ratio()), r.metrics());
        assertEquals(6, m.products());
        assertEquals(java.util.List.of(r), m.history());
    }

    @Test
    void eachReadingStartsFromThePreviousTopVector() {
        // two Lanczos steps cannot resolve six eigenvalues from a random start, but restarting from the last top
        // Ritz vector (plus a small fresh part) improves the readings: λ_max rises towards 4
        Map<String, Tensor> p = params();
        SharpnessMonitor m = SharpnessMonitor.builder(p, quadratic(p, CONVEX)).every(1).lanczosSteps(2).build(new Generator(3));
        for (int s = 0; s < 30; s++) {
            double l = m.measure(s, 0.1).lambdaMax();
            assertTrue(l <= 4 + 1e-12, "reading " + s + ": " + l);
        }
        double first = m.history().get(0).lambdaMax(), last = m.history().get(29).lambdaMax();
        assertTrue(first < 4 - 0.1, "the first reading is not yet converged: " + first);
        assertEquals(4, last, 1e-2, "the warm-started readings get close");
    }

    @Test
    void aNewSharpestDirectionIsSeenAfterAWarmStart() {
        // the previous top vector e₀ stays an eigenvector when another direction becomes sharper: started from
        // it alone, Lanczos stops after one step on the old value 4
        Map<String, Tensor> p = params();
        double[] diagonal = CONVEX.clone();
        Supplier<Tensor> loss = () -> p.get("w").sub(1.0).square().mul(Tensor.of(diagonal)).sum().mul(0.5);
        SharpnessMonitor m = SharpnessMonitor.builder(p, loss).every(1).lanczosSteps(6).build(new Generator(5));
        assertEquals(4, m.measure(1, 0.1).lambdaMax(), 1e-12);
        diagonal[1] = 10;
        assertEquals(10, m.measure(2, 0.1).lambdaMax(), 1e-9);
    }

    @Test
    void aResumedMonitorGivesTheSameReadings() {
        Map<String, Tensor> p = params();
        SharpnessMonitor whole = SharpnessMonitor.builder(p, quadratic(p, CONVEX)).lanczosSteps(2).build(new Generator(6));
        SharpnessMonitor first = SharpnessMonitor.builder(p, quadratic(p, CONVEX)).lanczosSteps(2).build(new Generator(6));
        for (int s = 0; s < 3; s++) assertEquals(whole.measure(s, 0.1), first.measure(s, 0.1));
        SharpnessMonitor.State state = first.stateDict();
        SharpnessMonitor resumed = SharpnessMonitor.builder(p, quadratic(p, CONVEX)).lanczosSteps(2).build(new Generator(99));
        resumed.loadStateDict(state);
        assertEquals(first.history(), resumed.history());
        for (int s = 3; s < 6; s++) assertEquals(whole.measure(s, 0.1), resumed.measure(s, 0.1), "reading " + s);
        assertEquals(whole.history(), resumed.history());
        // the state is a copy: changing it does not reach the monitor
        state.lastTop()[0] = 1e9;
        assertEquals(first.stateDict().lastTop()[0], state.lastTop()[0]);
    }

    @Test
    void aStateOfOtherParametersIsRefusedAndChangesNothing() {
        Map<String, Tensor> p = params();
        SharpnessMonitor m = SharpnessMonitor.builder(p, quadratic(p, CONVEX)).lanczosSteps(2).build(new Generator(7));
        m.measure(0, 0.1);
        SharpnessMonitor.State before = m.stateDict();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.loadStateDict(new SharpnessMonitor.State(new double[3], java.util.List.of(), new Generator(1).stateDict())));
        assertTrue(e.getMessage().contains("3") && e.getMessage().contains("6"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> m.loadStateDict(new SharpnessMonitor.State(new double[0], java.util.List.of(), new long[6])));
        SharpnessMonitor.State after = m.stateDict();
        assertArrayEquals(before.lastTop(), after.lastTop());
        assertArrayEquals(before.generator(), after.generator());
        assertEquals(before.history(), after.history());
    }

    @Test
    void momentumRaisesTheThreshold() {
        assertEquals(2 / 0.1, SharpnessMonitor.stabilityThreshold(0.1, 0), 1e-12);
        assertEquals(3 / 0.1, SharpnessMonitor.stabilityThreshold(0.1, 0.5), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> SharpnessMonitor.stabilityThreshold(0, 0));
        assertThrows(IllegalArgumentException.class, () -> SharpnessMonitor.builder(params(), () -> null).momentum(1));
        assertThrows(IllegalArgumentException.class, () -> SharpnessMonitor.builder(params(), () -> null).every(0));
    }

    /** The threshold is where the library's SGD (with and without momentum) stops converging on a quadratic. */
    @Test
    void sgdConvergesBelowTheThresholdAndDivergesAbove() {
        for (double mu : new double[] {0, 0.5}) {
            for (double ratio : new double[] {0.95, 1.05}) {
                Map<String, Tensor> p = params();
                Supplier<Tensor> loss = quadratic(p, CONVEX);
                double lr = SharpnessMonitor.stabilityThreshold(1, mu) / 4 * ratio; // λ_max = 4 = ratio·threshold
                Optimizer opt = Optimizers.create("sgd", Map.of("lr", lr, "momentum", mu), p);
                SharpnessMonitor monitor = SharpnessMonitor.builder(p, loss).momentum(mu).every(100).lanczosSteps(6)
                        .build(new Generator(2));
                double first = loss.get().item();
                SharpnessMonitor.Reading last = null;
                for (int step = 0; step < 400; step++) {
                    opt.zeroGrad();
                    loss.get().backward();
                    opt.step();
                    last = monitor.onStep(opt).orElse(last);
                }
                double end = loss.get().item();
                assertNotNull(last);
                assertEquals(ratio, last.ratio(), 1e-9, "μ = " + mu);
                if (ratio < 1) assertTrue(end < 1e-3 * first, "μ = " + mu + ", ratio " + ratio + ": loss " + first + " → " + end);
                else assertTrue(end > 1e3 * first, "μ = " + mu + ", ratio " + ratio + ": loss " + first + " → " + end);
            }
        }
    }

    @Test
    void sameSeedSameReadings() {
        Map<String, Tensor> p = params();
        SharpnessMonitor a = SharpnessMonitor.builder(p, quadratic(p, SADDLE)).lanczosSteps(3).build(new Generator(4));
        SharpnessMonitor b = SharpnessMonitor.builder(p, quadratic(p, SADDLE)).lanczosSteps(3).build(new Generator(4));
        for (int s = 0; s < 3; s++) assertEquals(a.measure(s, 0.1), b.measure(s, 0.1));
    }
}
