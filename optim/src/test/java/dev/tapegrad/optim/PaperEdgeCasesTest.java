package dev.tapegrad.optim;

import static dev.tapegrad.optim.PaperOptimizersTest.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.tapegrad.DType;
import dev.tapegrad.Tensor;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Edge cases of the optimizers from the papers, derived by hand from their update rules. */
class PaperEdgeCasesTest {

    static Map<String, Double> scalars(Optimizer opt) {
        return opt.stateDict().groups().get(0).scalars();
    }

    static double[] buffer(Optimizer opt, String key) {
        return opt.stateDict().groups().get(0).slots().get(0).buffers().get(key);
    }

    static void stepWith(Optimizer opt, Tensor x, double... grad) {
        x.setGrad(Tensor.of(grad, x.shape()));
        opt.step();
    }

    static void assertBitsEqual(double[] want, double[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            assertEquals(Double.doubleToRawLongBits(want[i]), Double.doubleToRawLongBits(got[i]), what + " element " + i);
        }
    }

    // ---- D-Adaptation: zero gradients

    @Test
    void dAdaptSgdSkipsAZeroFirstGradientInsteadOfDividingByZero() {
        Tensor x = quadStart();
        Optimizer opt = make("dadaptsgd", x, "momentum", 0.9);
        stepWith(opt, x, 0, 0);
        stepWith(opt, x, 0, 0);
        assertArrayEquals(new double[] {1, 1}, x.toDoubleArray());
        assertTrue(scalars(opt).isEmpty(), "no D-Adaptation state after skipped steps: " + scalars(opt));
        // The first non-zero gradient then acts as the first step of a fresh optimizer, bit for bit.
        Tensor fresh = quadStart();
        Optimizer ref = make("dadaptsgd", fresh, "momentum", 0.9);
        for (int i = 0; i < 5; i++) {
            step(opt, x, PaperOptimizersTest::quad);
            step(ref, fresh, PaperOptimizersTest::quad);
        }
        assertBitsEqual(fresh.toDoubleArray(), x.toDoubleArray(), "after the skipped steps");
        assertEquals(5.0, scalars(opt).get("dadaptsgd.k"));
        assertEquals(Math.sqrt(1 + 100 * 100), scalars(opt).get("dadaptsgd.g0norm"), 1e-12, "‖g₀‖ of the first non-zero gradient");
    }

    @Test
    void dAdaptAdamLeavesParametersAndCountersUnchangedOnZeroGradients() {
        Tensor x = rosenStart();
        Optimizer opt = make("dadaptadam", x);
        for (int i = 0; i < 3; i++) stepWith(opt, x, 0, 0);
        assertArrayEquals(new double[] {-1.5, 2}, x.toDoubleArray());
        assertFalse(scalars(opt).containsKey("dadaptadam.k"), "k stays 0");
        Tensor fresh = rosenStart();
        Optimizer ref = make("dadaptadam", fresh);
        for (int i = 0; i < 5; i++) {
            step(opt, x, PaperOptimizersTest::rosen);
            step(ref, fresh, PaperOptimizersTest::rosen);
        }
        assertBitsEqual(fresh.toDoubleArray(), x.toDoubleArray(), "after the zero-gradient steps");
    }

    @Test
    void dAdaptSgdKeepsStepsWhenLaterGradientsAreZero() {
        Tensor x = quadStart();
        Optimizer opt = make("dadaptsgd", x);
        step(opt, x, PaperOptimizersTest::quad);
        double[] after1 = x.toDoubleArray();
        stepWith(opt, x, 0, 0); // s unchanged: z = x₀ − s is the same point, and momentum 0 lands on it
        assertArrayEquals(after1, x.toDoubleArray(), 1e-15);
        assertTrue(x.isAllFinite());
    }

    // ---- AdamP / SGDP

    @Test
    void adamPWithAZeroParameterTakesThePlainAdamStep() {
        Tensor w = Tensor.zeros(DType.FLOAT64, 2, 3).requiresGrad(true);
        Tensor a = Tensor.zeros(DType.FLOAT64, 2, 3).requiresGrad(true);
        Optimizer adamp = Optimizer.builder(Optimizers.adamP()).param("w", w).set("lr", 1e-2).set("weightDecay", 0.1).build();
        Optimizer adam = Optimizer.builder(Optimizers.adam()).param("w", a).set("lr", 1e-2).build();
        double[] g = {0.5, -1, 2, 0, 3, -0.25};
        stepWith(adamp, w, g);
        stepWith(adam, a, g);
        assertTrue(w.isAllFinite());
        assertArrayEquals(a.toDoubleArray(), w.toDoubleArray(), 1e-15);
        assertEquals(-1e-2, w.toDoubleArray()[0], 1e-9); // Adam's first step is −lr·sign(g)
    }

    @Test
    void zeroGradientPassesTheCosineTestSoOnlyTheReducedDecayActs() {
        // cos(0, θ) = 0 < δ/√3, so the projection fires and the decay is scaled by wdRatio: θ ← θ(1 − lr·wd·0.1).
        for (String name : List.of("adamp", "sgdp")) {
            Tensor w = Tensor.ones(DType.FLOAT64, 2, 3).requiresGrad(true);
            Optimizer opt = Optimizer.builder(Optimizers.byName(name)).param("w", w).set("lr", 1e-2).set("weightDecay", 0.1).build();
            stepWith(opt, w, new double[6]);
            for (double v : w.toDoubleArray()) assertEquals(1 - 1e-2 * 0.1 * 0.1, v, 1e-15, name);
        }
    }

    @Test
    void adamPOnAOneDimensionalParameterIsTorchAdamW() {
        // No projection for 1-D parameters: θ(1 − lr·wd) − lr·m̂/(√v̂ + ε), the torch AdamW reference values.
        Tensor x = rosenStart();
        Optimizer opt = make("adamp", x, "lr", 1e-2, "weightDecay", 0.1);
        double[][] want = {{-1.4885000000006452, 2.007999999998}, {-1.4771028669987682, 2.015901353972304},
                {-1.4658970782393774, 2.023613261155373}};
        for (double[] w : want) {
            step(opt, x, PaperOptimizersTest::rosen);
            assertArrayEquals(w, x.toDoubleArray(), 1e-12);
        }
    }

    // ---- SPAM: resets, warm-up and spike clipping, derived by hand

    @Test
    void spamResetsMomentsEveryDeltaTStepsAndWarmsTheStepUpAgain() {
        Tensor x = Tensor.of(new double[] {0.5, -0.5, 1, 2}).requiresGrad(true);
        Optimizer opt = spamOptimizer(x, 100);
        for (int t = 1; t <= 4; t++) spamStep(opt, x, t);
        assertNotEquals(0.1 * spamGradient(4)[0], buffer(opt, "spam.m")[0], 1e-6, "no reset before step 5");
        for (int t = 5; t <= 6; t++) {
            double[] before = x.toDoubleArray();
            spamStep(opt, x, t);
            double[] m = buffer(opt, "spam.m"), v = buffer(opt, "spam.v"), g = spamGradient(t);
            if (t == 5) { // (T+1) mod 5 = 0: moments restart from zero; no clipping right after a reset
                for (int i = 0; i < 4; i++) {
                    assertEquals((1 - 0.9) * g[i], m[i], 0.0, "m reset, coordinate " + i);
                    assertEquals((1 - 0.999) * g[i] * g[i], v[i], 0.0, "v reset, coordinate " + i);
                }
            }
            // The step counter t is not reset: bias correction uses t = 5, 6. Warm-up: k = 0 then 1 of N = 3.
            double scale = 1 - 0.99 * (1 + Math.cos(Math.PI * (t - 5) / 4.0)) / 2;
            double stepSize = 1e-2 * Math.sqrt(1 - Math.pow(0.999, t)) / (1 - Math.pow(0.9, t));
            for (int i = 0; i < 4; i++) {
                double want = -stepSize * scale * m[i] / (Math.sqrt(v[i]) + 1e-6);
                assertEquals(want, x.toDoubleArray()[i] - before[i], 1e-15, "step " + t + " coordinate " + i);
            }
        }
        assertEquals(0.01, 1 - 0.99 * (1 + Math.cos(0)) / 2, 1e-15, "the first step after a reset is scaled by 0.01");
        for (int t = 7; t <= 10; t++) spamStep(opt, x, t);
        assertEquals((1 - 0.9) * spamGradient(10)[2], buffer(opt, "spam.m")[2], 0.0, "reset again at step 10");
    }

    @Test
    void spamClipsAnInjectedSpikeAgainstThePreviousSecondMoment() {
        Tensor x = Tensor.of(new double[] {0.5, -0.5, 1, 2}).requiresGrad(true);
        Optimizer opt = spamOptimizer(x, 100);
        for (int t = 1; t <= 7; t++) spamStep(opt, x, t);
        double[] m7 = buffer(opt, "spam.m"), v7 = buffer(opt, "spam.v");
        double before = x.toDoubleArray()[0];
        spamStep(opt, x, 8); // g₈[0] = 50; (T+1) mod 5 = 3 ≥ gradAccuSteps = 2, so clipping is on
        double clipped = Math.sqrt(100 * v7[0]);
        assertTrue(clipped < 1, "the spike is replaced by √(θ·v₇) = " + clipped);
        assertEquals(0.9 * m7[0] + 0.1 * clipped, buffer(opt, "spam.m")[0], 1e-15);
        assertEquals(0.999 * v7[0] + 0.001 * clipped * clipped, buffer(opt, "spam.v")[0], 1e-18);
        assertTrue(Math.abs(x.toDoubleArray()[0] - before) < 0.02, "the spike moves θ by less than 2·lr");

        Tensor y = Tensor.of(new double[] {0.5, -0.5, 1, 2}).requiresGrad(true);
        Optimizer unclipped = spamOptimizer(y, 0);
        for (int t = 1; t <= 7; t++) spamStep(unclipped, y, t);
        double m7plain = buffer(unclipped, "spam.m")[0];
        spamStep(unclipped, y, 8);
        assertEquals(0.9 * m7plain + 0.1 * 50, buffer(unclipped, "spam.m")[0], 1e-15, "threshold 0 disables clipping");
    }

    // ---- AdaBound

    @Test
    void adaBoundBoundsBindAtTheFirstStep() {
        // Defaults: lr 1e-3, finalLr 0.1, γ 1e-3. At t = 1: α/(√v + ε) with α = lr·√(1−β₂)/(1−β₁) and √v = √(1−β₂)|g|.
        Tensor x = Tensor.zeros(DType.FLOAT64, 3).requiresGrad(true);
        Optimizer opt = make("adabound", x);
        double[] g = {1e4, 1, 1e-6};
        stepWith(opt, x, g);
        double lower = 0.1 * (1 - 1 / (1e-3 + 1)), upper = 0.1 * (1 + 1 / 1e-3);
        double alpha = 1e-3 * Math.sqrt(1 - 0.999) / (1 - 0.9);
        double[] got = x.toDoubleArray();
        assertEquals(-lower * 0.1 * g[0], got[0], 1e-15, "large gradient: the lower bound (≈1e-4) binds");
        assertEquals(-alpha / (Math.sqrt(0.001) + 1e-8) * 0.1, got[1], 1e-15, "moderate gradient: Adam-like step");
        assertEquals(-upper * 0.1 * g[2], got[2], 1e-18, "tiny gradient: the upper bound (100.1) binds");
        assertEquals(100.1, upper, 1e-12);
        assertEquals(-1e-3, got[1], 1e-7);
    }

    @Test
    void adaBoundBoundsFollowADecayingLearningRate() {
        // With lr halved after the first step, η* = finalLr·lr/lr_max halves too (the reference's base_lr scaling).
        Tensor x = Tensor.zeros(DType.FLOAT64, 1).requiresGrad(true);
        Optimizer opt = Optimizer.builder(Optimizers.adaBound()).param("x", x).schedule("lr", k -> k == 0 ? 1e-3 : 5e-4).build();
        stepWith(opt, x, 1e4);
        double after1 = x.toDoubleArray()[0];
        stepWith(opt, x, 1e4);
        double lower2 = 0.1 * 5e-4 / 1e-3 * (1 - 1 / (1e-3 * 2 + 1));
        double m2 = 0.9 * 0.1 * 1e4 + 0.1 * 1e4;
        assertEquals(-lower2 * m2, x.toDoubleArray()[0] - after1, 1e-15);
        assertEquals(1e-3, scalars(opt).get("adabound.maxLr"));
    }

    // ---- AdaBelief and AdaGrad-Norm

    @Test
    void adaBeliefAddsEpsIntoTheStoredBeliefEveryStep() {
        for (double ams : new double[] {0, 1}) {
            Tensor x = rosenStart();
            Optimizer opt = make("adabelief", x, "eps", 1e-3, "rectify", 0, "amsgrad", ams);
            for (int i = 0; i < 3; i++) stepWith(opt, x, 0, 0);
            assertArrayEquals(new double[] {0.002997001, 0.002997001}, buffer(opt, "adabelief.s"), 1e-15);
            if (ams == 1) assertArrayEquals(new double[] {0.002997001, 0.002997001}, buffer(opt, "adabelief.smax"), 1e-15);
            assertArrayEquals(new double[] {-1.5, 2}, x.toDoubleArray(), "zero gradients, no decay: θ stays");
        }
    }

    @Test
    void adagradNormIgnoresZeroGradientsAndAccumulatesOneScalar() {
        Tensor x = quadStart();
        Optimizer opt = make("adagradnorm", x, "b0", 2);
        stepWith(opt, x, 0, 0);
        assertArrayEquals(new double[] {1, 1}, x.toDoubleArray());
        assertEquals(4.0, scalars(opt).get("adagradnorm.b2"));
        stepWith(opt, x, 3, 4);
        assertEquals(29.0, scalars(opt).get("adagradnorm.b2"));
        assertArrayEquals(new double[] {1 - 3 / Math.sqrt(29), 1 - 4 / Math.sqrt(29)}, x.toDoubleArray(), 1e-15);
    }

    // ---- resume and validation

    /** Runs {@code n} steps of {@code rule} on Rosenbrock, optionally saving and reloading the state after {@code cut}. */
    static double[] run(String name, Map<String, Double> hyper, int n, int cut) {
        Tensor x = rosenStart();
        Optimizer opt = Optimizers.create(name, hyper, Map.of("x", x));
        for (int i = 0; i < n; i++) {
            if (i == cut) {
                byte[] saved = opt.stateDict().toBytes();
                x = Tensor.of(x.toDoubleArray()).requiresGrad(true);
                opt = Optimizers.create(name, hyper, Map.of("x", x));
                opt.loadStateDict(OptimizerState.fromBytes(saved));
            }
            step(opt, x, PaperOptimizersTest::rosen);
        }
        return x.toDoubleArray();
    }

    @Test
    void resumedRunsContinueBitForBit() {
        Map<String, Map<String, Double>> cases = Map.of(
                "adabound", Map.of("lr", 1e-2), "amsbound", Map.of("lr", 1e-2),
                "adamp", Map.of("lr", 1e-2, "weightDecay", 0.1), "sgdp", Map.of("lr", 1e-4, "momentum", 0.9),
                "adabelief", Map.of("lr", 1e-3), "dadaptsgd", Map.of("momentum", 0.9), "dadaptadam", Map.of("decouple", 1.0, "weightDecay", 0.1),
                "adagradnorm", Map.of("lr", 0.1),
                // resets at steps 3, 6, 9 with their warm-ups and clipping between them
                "spam", Map.of("lr", 1e-2, "deltaT", 3.0, "warmupSteps", 2.0, "gradAccuSteps", 1.0, "threshold", 50.0));
        assertEquals(Optimizers.names().stream().filter(cases::containsKey).count(), cases.size());
        cases.forEach((name, hyper) -> {
            double[] straight = run(name, hyper, 10, -1);
            for (int cut : new int[] {2, 3, 5}) assertBitsEqual(straight, run(name, hyper, 10, cut), name + " resumed after " + cut);
        });
    }

    @Test
    void badHyperParametersAreRefusedWithTheirNameAndValue() {
        Object[][] bad = {
                {"adabound", "gamma", 0.0}, {"amsbound", "finalLr", -0.1}, {"adabound", "beta2", 1.0},
                {"adamp", "delta", -1.0}, {"adamp", "beta1", 1.5}, {"sgdp", "momentum", 1.0}, {"sgdp", "wdRatio", -0.5},
                {"adabelief", "beta2", 1.0}, {"adabelief", "eps", -1e-16},
                {"spam", "deltaT", 0.0}, {"spam", "deltaT", 2.5}, {"spam", "warmupSteps", -1.0}, {"spam", "threshold", -5.0},
                {"dadaptsgd", "d0", 0.0}, {"dadaptsgd", "growthRate", 0.5}, {"dadaptsgd", "momentum", 1.0},
                {"dadaptadam", "d0", -1e-6}, {"dadaptadam", "beta1", 1.0}, {"adagradnorm", "b0", 0.0},
        };
        for (Object[] c : bad) {
            String name = (String) c[0], key = (String) c[1];
            double value = (Double) c[2];
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> make(name, rosenStart(), key, value), name + " " + key + "=" + value);
            assertTrue(e.getMessage().contains(key) && e.getMessage().contains(Double.toString(value)), e.getMessage());
        }
        // A schedule that leaves the valid range is refused at the step that would use it.
        Tensor x = rosenStart();
        Optimizer opt = Optimizer.builder(Optimizers.spam()).param("x", x).schedule("deltaT", k -> k < 1 ? 5 : 0).build();
        step(opt, x, PaperOptimizersTest::rosen);
        Consumer<Optimizer> next = o -> step(o, x, PaperOptimizersTest::rosen);
        assertThrows(IllegalArgumentException.class, () -> next.accept(opt));
    }
}
