package dev.tapegrad.optim;

import static org.junit.jupiter.api.Assertions.*;

import dev.tapegrad.DType;
import dev.tapegrad.Tensor;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Adagrad, RMSprop, Adamax, NAdam, RAdam, Lion, LAMB and LARS: reference trajectories, hand-checked steps, edge cases. */
class ClassicOptimizersTest {

    /** Runs Rosenbrock from (−1.5, 2) and checks the parameters after steps 1, 2, 3 and 100. */
    private static void checkRosenbrock(Transform rule, Map<String, Double> hyper, double[][] expected) {
        Tensor x = OptimizerCoreTest.start();
        Optimizer.Builder b = Optimizer.builder(rule).param("x", x);
        hyper.forEach(b::set);
        Optimizer opt = b.build();
        int[] at = {1, 2, 3, 100};
        int done = 0;
        for (int k = 0; k < at.length; k++) {
            OptimizerCoreTest.run(opt, x, at[k] - done);
            done = at[k];
            assertArrayEquals(expected[k], x.toDoubleArray(), k < 3 ? 1e-12 : 1e-9,
                    Optimizer.signature(rule) + " " + hyper + " after step " + at[k]);
        }
    }

    @Test
    void torchOptimizersMatchTheResearchNotesGoldenValues() {
        // Reference values: torch 2.13, float64, Rosenbrock from (-1.5, 2).
        checkRosenbrock(Optimizers.adagrad(), Map.of("lr", 0.1), new double[][] {
                {-1.4000000000000645, 2.0999999999998}, {-1.4428937933523005, 2.051139663106802},
                {-1.4297991073536267, 2.0618283407966898}, {-1.358711864837759, 1.8523042718200355}});
        checkRosenbrock(Optimizers.rmsprop(), Map.of("lr", 1e-2), new double[][] {
                {-1.400000000064516, 2.0999999998}, {-1.4430698810044937, 2.0509526157179816},
                {-1.4296260792745905, 2.061975607041488}, {-1.3361012895635873, 1.7913819593758087}});
        checkRosenbrock(Optimizers.adamax(), Map.of("lr", 1e-2), new double[][] {
                {-1.4900000000006453, 2.009999999998}, {-1.4808329517984535, 2.019169169165418},
                {-1.4724701367075066, 2.027529602141153}, {-1.4264849277353546, 2.0402922720201033}});
        checkRosenbrock(Optimizers.nadam(), Map.of("lr", 1e-2), new double[][] {
                {-1.4894354822171278, 2.010564517781441}, {-1.4822695731109894, 2.0177320734940625},
                {-1.4759561277792057, 2.024041093372762}, {-1.4041309679827918, 1.9777444452325457}});
        checkRosenbrock(Optimizers.radam(), Map.of("lr", 1e-2), new double[][] {
                {0.050000000000000044, 2.5}, {1.0571052631578952, 0.10789473684210504},
                {0.11691784508623426, -0.6564397276936753}, {-0.35051811634810315, -0.23248306170724614}});
    }

    @Test
    void nonDefaultOptionsMatchTorch() {
        // Computed with torch 1.13 (float64), /usr/bin/python3:
        //   torch.set_default_dtype(torch.float64); x = torch.tensor([-1.5, 2.0], requires_grad=True)
        //   opt = <constructor below>([x]); 100 × (opt.zero_grad(); rosen(x).backward(); opt.step())
        //   with rosen(x) = (1-x[0])**2 + 100*(x[1]-x[0]**2)**2; x recorded after steps 1, 2, 3, 100.
        // (These optimizers' single-tensor code is the same in torch 1.13 and 2.x up to op order.)
        // torch.optim.Adagrad([x], lr=0.1, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.5, eps=1e-6)
        checkRosenbrock(Optimizers.adagrad(),
                Map.of("lr", 0.1, "lrDecay", 0.01, "weightDecay", 0.1, "initialAccumulator", 0.5, "eps", 1e-6), new double[][] {
                {-1.40000103919996, 2.099989919033786}, {-1.4423669403454256, 2.051197016460197},
                {-1.4299652349058112, 2.0608107545974517}, {-1.37461464021463, 1.8957040668833176}});
        // torch.optim.RMSprop([x], lr=1e-2, alpha=0.9, eps=1e-6, weight_decay=0.1, momentum=0.9, centered=True)
        checkRosenbrock(Optimizers.rmsprop(),
                Map.of("lr", 1e-2, "alpha", 0.9, "eps", 1e-6, "weightDecay", 0.1, "momentum", 0.9, "centered", 1.0), new double[][] {
                {-1.4666666673828195, 2.033333331102187}, {-1.4210618287264838, 2.0786892665253593},
                {-1.3860570663709784, 2.111726863896504}, {0.5414262420028582, 0.2888705885785108}});
        // torch.optim.Adamax([x], lr=1e-2, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)
        checkRosenbrock(Optimizers.adamax(),
                Map.of("lr", 1e-2, "beta1", 0.8, "beta2", 0.99, "eps", 1e-6, "weightDecay", 0.1), new double[][] {
                {-1.4900000000644538, 2.009999999799197}, {-1.4807960401516667, 2.0192016772653867},
                {-1.4724009674506828, 2.027584668800146}, {-1.4186121878444793, 2.0185050167540046}});
        // torch.optim.RAdam([x], lr=1e-2, betas=(0.8, 0.9), eps=1e-6, weight_decay=0.1)
        checkRosenbrock(Optimizers.radam(),
                Map.of("lr", 1e-2, "beta1", 0.8, "beta2", 0.9, "eps", 1e-6, "weightDecay", 0.1), new double[][] {
                {0.0515000000000001, 2.498}, {1.0371445202777787, -0.054663055555555395},
                {-0.3037250302501473, -0.6346288399608366}, {0.3267345725639448, 0.10308653005444696}});
    }

    /** ½‖W − T‖² on a 2×3 problem: the gradient is W − T. */
    private static void matq(Tensor w) {
        Tensor t = Tensor.of(new double[][] {{0.6, 0.8, 0}, {0, 0.6, -0.8}});
        w.sub(t).square().sum().mul(0.5).backward();
    }

    @Test
    void larsMatchesOptax() {
        // Reference values: optax 0.2.8 lars(0.1, weight_decay=1e-4, momentum=0.9), trust_coefficient 1e-3, 2×3 quadratic.
        Tensor w = Tensor.of(new double[][] {{1, -0.5, 0.25}, {0.3, 2, -1}}).requiresGrad(true);
        Optimizer opt = Optimizer.builder(Optimizers.lars()).param("w", w).set("lr", 0.1).set("weightDecay", 1e-4).build();
        double[][] expected = {
                {0.9999494021484645, -0.4998355917598381, 0.2499683810851533, 0.29996205730218395, 1.9998229264890777, -0.9999746947510816},
                {0.9998532704311512, -0.4995232297526071, 0.24990830777192846, 0.2998899693263142, 1.9994865015188652, -0.9999266168789637},
                {0.999716166215004, -0.49907773528571847, 0.24982263048714418, 0.299787156584573, 1.9990066881635808, -0.9998580476371465}};
        for (int step = 1; step <= 20; step++) {
            opt.zeroGrad();
            matq(w);
            opt.step();
            if (step <= 3) assertArrayEquals(expected[step - 1], w.toDoubleArray(), 1e-13, "step " + step);
        }
        assertArrayEquals(new double[] {0.9938962691974818, -0.4801670701579257, 0.24618574033016835, 0.2954228883962022,
                1.9786392305181553, -0.9969473718230843}, w.toDoubleArray(), 1e-12);
    }

    /** One optimizer step on parameter {@code p} with a given gradient. */
    private static void stepWith(Optimizer opt, Tensor p, double... grad) {
        p.setGrad(Tensor.of(grad, p.shape()));
        opt.step();
    }

    @Test
    void lionFirstStepsByHand() {
        Tensor p = Tensor.of(new double[] {1.0, -2.0, 0.5});
        Optimizer opt = Optimizer.builder(Optimizers.lion()).param("p", p).set("lr", 0.1).set("weightDecay", 0.5).build();
        // step 1: m = 0, so u = sign(g); θ ← θ − lr(sign(g) + wd·θ)
        stepWith(opt, p, 3.0, -0.2, 0.0);
        assertArrayEquals(new double[] {1 - 0.1 * (1 + 0.5), -2 - 0.1 * (-1 + 0.5 * -2), 0.5 - 0.1 * (0 + 0.5 * 0.5)},
                p.toDoubleArray(), 1e-15);
        // now m = 0.01·g1 = (0.03, −0.002, 0). Step 2 with g2 = (−1, 0.1, 1):
        // β₁m + (1−β₁)g2 = (0.027 − 0.1, −0.0018 + 0.01, 0.1) → signs (−1, +1, +1): the interpolation, not g2 alone
        double[] before = p.toDoubleArray();
        stepWith(opt, p, -1.0, 0.1, 1.0);
        double[] s = {-1, 1, 1};
        for (int i = 0; i < 3; i++) assertEquals(before[i] - 0.1 * (s[i] + 0.5 * before[i]), p.toDoubleArray()[i], 1e-15);
        // m = 0.99·m + 0.01·g2 = (0.0197, −0.00098, 0.01); g3 = (0.1, 0.0, −0.01) → interpolation (0.02773, −0.000882, 0.008)
        before = p.toDoubleArray();
        stepWith(opt, p, 0.1, 0.0, -0.01);
        s = new double[] {1, -1, 1};
        for (int i = 0; i < 3; i++) assertEquals(before[i] - 0.1 * (s[i] + 0.5 * before[i]), p.toDoubleArray()[i], 1e-15);
    }

    @Test
    void lambFirstStepByHand() {
        // θ = (3, 4), g = (1, −1): the bias-corrected Adam direction is g/(|g| + ε) = (1, −1)/(1 + 1e-6), so the
        // trust ratio ‖θ‖/‖a‖ = 5(1 + 1e-6)/√2 and the step is −lr·5/√2·(1, −1), whatever ε is.
        Tensor p = Tensor.of(new double[] {3, 4});
        Optimizer opt = Optimizer.builder(Optimizers.lamb()).param("p", p).set("lr", 0.1).build();
        stepWith(opt, p, 1, -1);
        double d = 0.1 * 5 / Math.sqrt(2);
        assertArrayEquals(new double[] {3 - d, 4 + d}, p.toDoubleArray(), 1e-14);
        // With decoupled decay wd: a = (1, −1)/(1+ε) + wd·θ, step −lr·‖θ‖/‖a‖·a.
        Tensor q = Tensor.of(new double[] {3, 4});
        Optimizer opt2 = Optimizer.builder(Optimizers.lamb()).param("q", q).set("lr", 0.1).set("weightDecay", 0.5).build();
        stepWith(opt2, q, 1, -1);
        double[] a = {1 / (1 + 1e-6) + 1.5, -1 / (1 + 1e-6) + 2};
        double r = 5 / Math.hypot(a[0], a[1]);
        assertArrayEquals(new double[] {3 - 0.1 * r * a[0], 4 - 0.1 * r * a[1]}, q.toDoubleArray(), 1e-14);
    }

    @Test
    void larsFirstTwoStepsByHand() {
        // θ = (3, 4), g = (0.6, 0.8) (unit norm, parallel to θ), tc 1e-3, lr 0.1, μ 0.9, wd 0:
        // r₁ = 1e-3·5/1, b₁ = −lr·r₁·g = −5e-4·g, θ₁ = θ·(1 − 1e-4) (‖θ₁‖ = 4.9995);
        // r₂ = 1e-3·4.9995, b₂ = 0.9·b₁ − lr·r₂·g.
        Tensor p = Tensor.of(new double[] {3, 4});
        Optimizer opt = Optimizer.builder(Optimizers.lars()).param("p", p).set("lr", 0.1).build();
        stepWith(opt, p, 0.6, 0.8);
        assertArrayEquals(new double[] {2.9997, 3.9996}, p.toDoubleArray(), 1e-15);
        stepWith(opt, p, 0.6, 0.8);
        double b2 = 0.9 * -5e-4 - 0.1 * 1e-3 * 4.9995;
        assertArrayEquals(new double[] {2.9997 + b2 * 0.6, 3.9996 + b2 * 0.8}, p.toDoubleArray(), 1e-15);
    }

    @Test
    void zeroNormParametersTakeThePlainStepUnderTrustRatios() {
        // Edge-case reference runs: W = 0 (2×2), G = 1, lr 0.1, wd 1e-4 → W = −0.1 (optax, torch-optimizer, pytorch_optimizer).
        Tensor w = Tensor.zeros(DType.FLOAT64, 2, 2);
        Optimizer lars = Optimizer.builder(Optimizers.lars()).param("w", w).set("lr", 0.1).set("weightDecay", 1e-4).build();
        stepWith(lars, w, 1, 1, 1, 1);
        assertArrayEquals(new double[] {-0.1, -0.1, -0.1, -0.1}, w.toDoubleArray(), 1e-17);
        // LAMB: ratio 1, so the step is −lr times the Adam direction g/(|g| + ε) (decay adds wd·0).
        Tensor v = Tensor.zeros(DType.FLOAT64, 2, 2);
        Optimizer lamb = Optimizer.builder(Optimizers.lamb()).param("v", v).set("lr", 0.1).set("weightDecay", 1e-4).build();
        stepWith(lamb, v, 1, 1, 1, 1);
        double step = -0.1 / (1 + 1e-6);
        assertArrayEquals(new double[] {step, step, step, step}, v.toDoubleArray(), 1e-16);
        // A zero update (zero gradient, zero decay) leaves a non-zero parameter where it is, not NaN.
        Tensor z = Tensor.of(new double[] {1, 2});
        Optimizer lamb2 = Optimizer.builder(Optimizers.lamb()).param("z", z).set("lr", 0.1).build();
        stepWith(lamb2, z, 0, 0);
        assertArrayEquals(new double[] {1, 2}, z.toDoubleArray());
    }

    @Test
    void namesHyperParametersAndDefaultsAreTheReferenceOnes() {
        Map<String, Map<String, Double>> expected = Map.of(
                "adagrad", Map.of("lr", 1e-2, "lrDecay", 0.0, "weightDecay", 0.0, "eps", 1e-10, "initialAccumulator", 0.0),
                "rmsprop", Map.of("lr", 1e-2, "alpha", 0.99, "eps", 1e-8, "weightDecay", 0.0, "momentum", 0.0, "centered", 0.0),
                "adamax", Map.of("lr", 2e-3, "beta1", 0.9, "beta2", 0.999, "eps", 1e-8, "weightDecay", 0.0),
                "nadam", Map.of("lr", 2e-3, "beta1", 0.9, "beta2", 0.999, "eps", 1e-8, "weightDecay", 0.0, "momentumDecay", 4e-3),
                "radam", Map.of("lr", 1e-3, "beta1", 0.9, "beta2", 0.999, "eps", 1e-8, "weightDecay", 0.0),
                "lion", Map.of("lr", 1e-4, "beta1", 0.9, "beta2", 0.99, "weightDecay", 0.0),
                "lamb", Map.of("lr", 1e-3, "beta1", 0.9, "beta2", 0.999, "eps", 1e-6, "weightDecay", 0.0),
                "lars", Map.of("lr", 1e-3, "momentum", 0.9, "weightDecay", 0.0, "trustCoefficient", 1e-3, "eps", 0.0, "nesterov", 0.0));
        expected.forEach((name, defaults) -> {
            assertTrue(Optimizers.names().contains(name), name);
            assertEquals(defaults, Optimizers.byName(name).defaults(), name);
        });
    }

    /** Every optimizer of this family, plus the wrappers, as fresh rules. */
    private static Map<String, Supplier<Transform>> rules() {
        return Map.of(
                "adagrad", Optimizers::adagrad, "rmsprop", Optimizers::rmsprop, "adamax", Optimizers::adamax,
                "nadam", Optimizers::nadam, "radam", Optimizers::radam, "lion", Optimizers::lion,
                "lamb", Optimizers::lamb, "lars", Optimizers::lars,
                "clipped", () -> Optimizers.prepend("nadam", ClipByNorm.global(0.5), new ClipByValue(0.1), new AdaptiveGradClip(0.01)),
                "accumulated", () -> new MultiSteps(Optimizers.lars(), 2));
    }

    @Test
    void zeroLearningRateChangesNothing() {
        rules().forEach((name, rule) -> {
            Tensor x = OptimizerCoreTest.start();
            Optimizer.Builder b = Optimizer.builder(rule.get()).param("x", x).set("lr", 0);
            if (rule.get().defaults().containsKey("weightDecay")) b.set("weightDecay", 0.1); // decay is lr-scaled too
            if (name.equals("rmsprop")) b.set("momentum", 0.9).set("centered", 1);
            OptimizerCoreTest.run(b.build(), x, 6);
            assertArrayEquals(new double[] {-1.5, 2.0}, x.toDoubleArray(), name);
        });
    }

    /** The message of the exception thrown when building {@code name} with {@code key = value}. */
    private static String refusal(Transform rule, String key, double value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Optimizer.builder(rule).param("x", OptimizerCoreTest.start()).set(key, value).build(), key + " = " + value);
        return e.getMessage();
    }

    @Test
    void badHyperParametersAreRefusedClearly() {
        assertEquals("adagrad: initialAccumulator must be in [0, ∞), got -1.0", refusal(Optimizers.adagrad(), "initialAccumulator", -1));
        assertEquals("inverseTimeDecay: lrDecay must be in [0, ∞), got -0.5", refusal(Optimizers.adagrad(), "lrDecay", -0.5));
        assertEquals("rmsprop: alpha must be in [0, 1], got 1.5", refusal(Optimizers.rmsprop(), "alpha", 1.5));
        assertEquals("rmsprop: sgd: momentum must be in [0, ∞), got -0.9", refusal(Optimizers.rmsprop(), "momentum", -0.9));
        assertEquals("adamax: beta2 must be in [0, 1), got 1.0", refusal(Optimizers.adamax(), "beta2", 1));
        assertEquals("nadam: momentumDecay must be in [0, ∞), got -0.004", refusal(Optimizers.nadam(), "momentumDecay", -4e-3));
        assertEquals("radam: beta1 must be in [0, 1), got -0.1", refusal(Optimizers.radam(), "beta1", -0.1));
        assertEquals("lion: beta1 must be in [0, 1], got 1.1", refusal(Optimizers.lion(), "beta1", 1.1));
        assertEquals("trustRatio: trustCoefficient must be in (0, ∞), got 0.0", refusal(Optimizers.lars(), "trustCoefficient", 0));
        assertEquals("l2: weightDecay must be in [0, ∞), got -1.0", refusal(Optimizers.lars(), "weightDecay", -1));
        // fixed values are not hyper-parameters of the optimizer
        assertTrue(refusal(Optimizers.lamb(), "amsgrad", 1).contains("unknown hyper-parameter 'amsgrad'"));
        assertTrue(refusal(Optimizers.lamb(), "trustCoefficient", 2).contains("unknown hyper-parameter 'trustCoefficient'"));
        assertTrue(refusal(Optimizers.rmsprop(), "nesterov", 1).contains("unknown hyper-parameter 'nesterov'"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Optimizer.builder(Optimizers.lars())
                .param("x", OptimizerCoreTest.start()).set("momentum", 0).set("nesterov", 1).build());
        assertTrue(e.getMessage().startsWith("lars: sgd: Nesterov momentum needs momentum > 0"), e.getMessage());
        assertTrue(refusal(Optimizers.lamb(), "eps", Double.NaN).startsWith("lamb: adam: eps"));
    }

    @Test
    void nadamResumesBitForBitWithScheduledBeta1() {
        // β₁ follows a schedule, so the μ-product depends on the history: it must come from the saved state.
        Supplier<Optimizer.Builder> builder = () -> Optimizer.builder(Optimizers.nadam()).set("lr", 1e-2)
                .set("weightDecay", 0.01).schedule("beta1", k -> 0.8 + 0.1 * Math.exp(-k / 5.0));
        Map<String, double[]> resumed = resumeAfter(builder, 9, 11);
        Map<String, double[]> straight = resumeAfter(builder, 20, 0);
        assertBitEqual(straight, resumed);
        // The saved product is μ₁⋯μ_t with each μ_k = β₁(k)·(1 − ½·0.96^(k·ψ)) from that step's β₁.
        Tensor x = OptimizerCoreTest.start();
        Optimizer opt = builder.get().param("x", x).build();
        OptimizerCoreTest.run(opt, x, 4);
        double product = 1;
        for (int k = 1; k <= 4; k++) product *= (0.8 + 0.1 * Math.exp(-(k - 1) / 5.0)) * (1 - 0.5 * Math.pow(0.96, k * 4e-3));
        assertEquals(product, opt.stateDict().groups().get(0).scalars().get("nadam.muProduct:x"), 1e-15);
    }

    /**
     * Runs a two-parameter problem for {@code first} steps, saves the state through bytes, loads it into a
     * fresh optimizer over copies of the parameters and runs {@code second} more steps; returns the parameters.
     */
    static Map<String, double[]> resumeAfter(Supplier<Optimizer.Builder> builder, int first, int second) {
        Tensor x = OptimizerCoreTest.start();
        Tensor w = Tensor.of(new double[][] {{1, -0.5, 0.25}, {0.3, 2, -1}}).requiresGrad(true);
        Optimizer opt = builder.get().param("x", x).param("w", w).build();
        runBoth(opt, x, w, first);
        if (second == 0) return Map.of("x", x.toDoubleArray(), "w", w.toDoubleArray());
        byte[] saved = opt.stateDict().toBytes();
        Tensor x2 = Tensor.of(x.toDoubleArray()).requiresGrad(true);
        Tensor w2 = Tensor.of(w.toDoubleArray(), 2, 3).requiresGrad(true);
        Optimizer fresh = builder.get().param("x", x2).param("w", w2).build();
        fresh.loadStateDict(OptimizerState.fromBytes(saved));
        runBoth(fresh, x2, w2, second);
        return Map.of("x", x2.toDoubleArray(), "w", w2.toDoubleArray());
    }

    static void runBoth(Optimizer opt, Tensor x, Tensor w, int steps) {
        for (int i = 0; i < steps; i++) {
            opt.zeroGrad();
            OptimizerCoreTest.rosenbrock(x).add(w.sub(Tensor.of(new double[][] {{0.6, 0.8, 0}, {0, 0.6, -0.8}})).square().sum())
                    .backward();
            opt.step();
        }
    }

    static void assertBitEqual(Map<String, double[]> want, Map<String, double[]> got) {
        assertEquals(want.keySet(), got.keySet());
        want.forEach((name, a) -> {
            double[] b = got.get(name);
            for (int i = 0; i < a.length; i++) {
                assertEquals(Double.doubleToRawLongBits(a[i]), Double.doubleToRawLongBits(b[i]), name + "[" + i + "]: " + a[i] + " vs " + b[i]);
            }
        });
    }

    @Test
    void prependedTransformsRunFirstAndAreRecordedInTheSignature() {
        Chain c = Optimizers.prepend("adamw", ClipByNorm.global(1.0));
        assertEquals("clipByGlobalNorm+adamw[clipByGlobalNorm, adamw[adam, decoupledDecay, scaleByLr]]", c.signature());
        assertEquals(Set.of("maxNorm", "lr", "beta1", "beta2", "eps", "amsgrad", "weightDecay"), c.defaults().keySet());
        assertThrows(IllegalArgumentException.class, () -> Optimizers.prepend("adamw", ClipByNorm.global(1.0), ClipByNorm.global(2.0)));
    }
}
