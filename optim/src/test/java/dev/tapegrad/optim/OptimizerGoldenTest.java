package dev.tapegrad.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tapegrad.Tensor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every optimizer of {@link Optimizers} on the golden trajectories of
 * {@code src/test/resources/golden/optim/*.txt} (written by {@code tools/golden/generate_optim.py} from
 * torch.optim and from reference implementations checked against the authors' code) and compares the
 * parameters after every step with rtol 1e-9, atol 1e-12. The generator rejects runs whose trajectory
 * amplifies a 1e-13 relative gradient perturbation to more than a quarter of that tolerance, so rounding
 * differences between the two implementations cannot fail a correct optimizer.
 *
 * <p>Each run prints one line (optimizer, problem, largest absolute deviation, largest deviation as a
 * fraction of the tolerance) to stdout; surefire puts it in
 * {@code target/surefire-reports/dev.tapegrad.optim.OptimizerGoldenTest-output.txt}.
 */
class OptimizerGoldenTest {

    static final String[] FAMILIES = {"torch", "papers", "optax"};
    static final double RTOL = 1e-9;
    static final double ATOL = 1e-12;

    /** The hyper-parameter keys every run of an optimizer must state (no reliance on defaults). */
    static final Map<String, Set<String>> KEYS = Map.ofEntries(
            Map.entry("sgd", Set.of("lr", "momentum", "dampening", "nesterov", "weightDecay")),
            Map.entry("adam", Set.of("lr", "beta1", "beta2", "eps", "weightDecay", "amsgrad")),
            Map.entry("adamw", Set.of("lr", "beta1", "beta2", "eps", "weightDecay", "amsgrad")),
            Map.entry("adagrad", Set.of("lr", "lrDecay", "weightDecay", "eps", "initialAccumulator")),
            Map.entry("rmsprop", Set.of("lr", "alpha", "eps", "weightDecay", "momentum", "centered")),
            Map.entry("adamax", Set.of("lr", "beta1", "beta2", "eps", "weightDecay")),
            Map.entry("nadam", Set.of("lr", "beta1", "beta2", "eps", "weightDecay", "momentumDecay")),
            Map.entry("radam", Set.of("lr", "beta1", "beta2", "eps", "weightDecay")),
            Map.entry("lion", Set.of("lr", "beta1", "beta2", "weightDecay")),
            Map.entry("lamb", Set.of("lr", "beta1", "beta2", "eps", "weightDecay")),
            Map.entry("lars", Set.of("lr", "momentum", "weightDecay", "trustCoefficient", "eps", "nesterov")),
            Map.entry("adabound", Set.of("lr", "beta1", "beta2", "finalLr", "gamma", "eps", "weightDecay", "amsbound")),
            Map.entry("adamp", Set.of("lr", "beta1", "beta2", "eps", "weightDecay", "delta", "wdRatio", "nesterov")),
            Map.entry("sgdp", Set.of("lr", "momentum", "dampening", "weightDecay", "nesterov", "eps", "delta", "wdRatio")),
            Map.entry("adabelief", Set.of("lr", "beta1", "beta2", "eps", "weightDecay", "amsgrad", "weightDecouple",
                    "fixedDecay", "rectify", "degeneratedToSgd")),
            Map.entry("spam", Set.of("lr", "beta1", "beta2", "eps", "weightDecay", "warmupSteps", "threshold", "deltaT",
                    "gradAccuSteps")),
            Map.entry("dadaptsgd", Set.of("lr", "momentum", "weightDecay", "d0", "growthRate")),
            Map.entry("dadaptadam", Set.of("lr", "beta1", "beta2", "eps", "weightDecay", "d0", "growthRate", "decouple",
                    "biasCorrection")),
            Map.entry("adagradnorm", Set.of("lr", "b0")));

    // ------------------------------------------------------------------------------------------ problems

    /** Targets of the 2×3 problems, T = [[0.6, 0.8, 0], [0, 0.6, −0.8]]. */
    static Tensor target() {
        return Tensor.of(new double[] {0.6, 0.8, 0.0, 0.0, 0.6, -0.8}, 2, 3);
    }

    /** The problems of the fixtures: the parameter's shape and how a step's gradient is produced. */
    enum Problem {
        /** (1 − x₀)² + 100 (x₁ − x₀²)². */
        ROSENBROCK(2) {
            @Override
            Tensor loss(Tensor x) {
                Tensor a = x.select(0, 0), b = x.select(0, 1);
                return a.neg().add(1.0).square().add(b.sub(a.square()).square().mul(100.0));
            }
        },
        /** ½ (x₀² + 100 x₁²). */
        QUADRATIC(2) {
            @Override
            Tensor loss(Tensor x) {
                return x.square().mul(Tensor.of(new double[] {1.0, 100.0})).sum().mul(0.5);
            }
        },
        /** ½ ‖W − T‖². */
        MATQ(2, 3) {
            @Override
            Tensor loss(Tensor w) {
                return w.sub(target()).square().sum().mul(0.5);
            }
        },
        /** Σ_rows ‖W_r/‖W_r‖ − T_r‖² (invariant to scaling a row). */
        MATROW(2, 3) {
            @Override
            Tensor loss(Tensor w) {
                return w.div(w.norm(2, new int[] {1}, true)).sub(target()).square().sum();
            }
        },
        /** ‖W/‖W‖_F − T/‖T‖_F‖² (invariant to scaling W). */
        MATLAYER(2, 3) {
            @Override
            Tensor loss(Tensor w) {
                Tensor t = target();
                return w.div(w.norm(2)).sub(t.div(t.norm(2))).square().sum();
            }
        },
        /** No loss: g_t = [0.1, −0.2, 0.3, 0.05]·(1 + 0.1 t), except the spike g₈ = [50, −0.2, 0.3, 0.05]. */
        SPAMGRADS(4) {
            @Override
            Tensor loss(Tensor x) {
                throw new UnsupportedOperationException("spamgrads has no loss, only fixed gradients");
            }

            @Override
            void setGradient(Tensor x, int t) {
                double[] base = {0.1, -0.2, 0.3, 0.05};
                double[] g = new double[4];
                for (int i = 0; i < 4; i++) g[i] = t == 8 ? (i == 0 ? 50.0 : base[i]) : base[i] * (1 + 0.1 * t);
                x.setGrad(Tensor.of(g, 4));
            }
        };

        final int[] shape;

        Problem(int... shape) {
            this.shape = shape;
        }

        /** The loss at x, recorded on the tape. */
        abstract Tensor loss(Tensor x);

        /** Puts the gradient of step t (1-based) into x.grad (x.grad must be cleared before). */
        void setGradient(Tensor x, int t) {
            loss(x).backward();
        }

        static Problem of(String name) {
            return valueOf(name.toUpperCase(java.util.Locale.ROOT));
        }
    }

    // ---------------------------------------------------------------------------------------- fixtures

    private static Map<String, List<GoldenRun>> fixtures;

    /** Every run of every family file, in file order (parsed once). */
    static synchronized Map<String, List<GoldenRun>> load() {
        if (fixtures != null) return fixtures;
        Map<String, List<GoldenRun>> byFamily = new LinkedHashMap<>();
        for (String family : FAMILIES) {
            String resource = "/golden/optim/" + family + ".txt";
            try (InputStream in = OptimizerGoldenTest.class.getResourceAsStream(resource)) {
                if (in == null) throw new IllegalStateException("missing fixture " + resource);
                byFamily.put(family, GoldenRun.parse(resource, in));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        fixtures = byFamily;
        return byFamily;
    }

    static Stream<GoldenRun> allRuns() {
        return load().values().stream().flatMap(List::stream);
    }

    // ------------------------------------------------------------------------------------------- tests

    /** One dynamic test per golden run, grouped by fixture family. */
    @TestFactory
    Stream<DynamicNode> trajectoriesMatchReferences() {
        return load().entrySet().stream().map(e -> DynamicContainer.dynamicContainer(e.getKey(),
                e.getValue().stream().map(r -> DynamicTest.dynamicTest(r.id(), () -> checkTrajectory(r)))));
    }

    /**
     * Builds the optimizer over one parameter "x", runs the fixture's steps (gradient, step, zeroGrad) and
     * compares x after every step. Prints the run's summary line, then fails at the first step whose
     * deviation exceeds atol + rtol·|expected| (NaN counts as a failure).
     */
    static void checkTrajectory(GoldenRun run) {
        Problem problem = Problem.of(run.problem());
        Tensor x = Tensor.of(run.start(), problem.shape).requiresGrad(true);
        Optimizer opt = Optimizers.create(run.optimizer(), run.hyper(), Map.of("x", x));
        double maxAbs = 0, maxFrac = 0;
        String firstFailure = null;
        for (int k = 1; k <= run.stepCount(); k++) {
            problem.setGradient(x, k);
            opt.step();
            opt.zeroGrad();
            double[] got = x.toDoubleArray(), want = run.steps()[k - 1];
            for (int i = 0; i < want.length; i++) {
                double dev = Math.abs(got[i] - want[i]);
                double frac = dev / (ATOL + RTOL * Math.abs(want[i]));
                maxAbs = Double.isNaN(dev) ? Double.NaN : Math.max(maxAbs, dev);
                maxFrac = Double.isNaN(frac) ? Double.NaN : Math.max(maxFrac, frac);
                if (!(frac <= 1) && firstFailure == null) {
                    firstFailure = "step " + k + ", element " + i + ": got " + got[i] + ", expected " + want[i]
                            + " (|diff| " + dev + ")";
                }
            }
        }
        System.out.printf("golden %-36s %-11s %-10s maxAbsDev %9.2e  maxDev/tol %9.2e  %s%n", run.id(),
                run.optimizer(), run.problem(), maxAbs, maxFrac, firstFailure == null ? "ok" : "FAIL");
        if (firstFailure != null) fail(run + ": first deviation beyond tolerance at " + firstFailure);
    }

    /**
     * The losses and gradients of the problems, checked without any optimizer code: torch SGD's first step
     * is x₁ = x₀ − lr·d with d = g + wd·x₀ (Nesterov: d + μd), and a plain-SGD run (μ = wd = 0) has
     * x_k = x_{k−1} − lr·∇f(x_{k−1}) at every step, evaluated here at the fixture's own x_{k−1}.
     */
    @TestFactory
    Stream<DynamicTest> problemGradientsMatchSgdSteps() {
        return allRuns().filter(r -> r.optimizer().equals("sgd"))
                .map(r -> DynamicTest.dynamicTest(r.id(), () -> checkSgdSteps(r)));
    }

    static void checkSgdSteps(GoldenRun run) {
        Problem problem = Problem.of(run.problem());
        double lr = run.hyper("lr"), mu = run.hyper("momentum"), wd = run.hyper("weightDecay");
        boolean nesterov = run.hyper("nesterov") != 0;
        boolean plain = mu == 0 && wd == 0;
        int checked = plain ? run.stepCount() : 1;
        for (int k = 1; k <= checked; k++) {
            double[] prev = k == 1 ? run.start() : run.steps()[k - 2], want = run.steps()[k - 1];
            Tensor x = Tensor.of(prev, problem.shape).requiresGrad(true);
            problem.setGradient(x, k);
            double[] g = x.grad().toDoubleArray();
            for (int i = 0; i < g.length; i++) {
                double d = g[i] + wd * prev[i];
                if (nesterov) d = d + mu * d;
                double expected = prev[i] + (-lr) * d;
                double tol = 1e-14 * (Math.abs(prev[i]) + Math.abs(lr * d));
                if (!(Math.abs(expected - want[i]) <= tol)) {
                    fail(run + ": at step " + k + " element " + i + " the Java gradient " + g[i] + " gives "
                            + expected + ", the fixture has " + want[i]);
                }
            }
        }
    }

    /** Every optimizer has runs on Rosenbrock, the quadratic and matq, and states all of its hyper-parameters. */
    @Test
    void fixturesCoverEveryOptimizerWithExplicitHyperParameters() {
        Map<String, Set<String>> problemsBy = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        Set<String> ids = new TreeSet<>();
        for (GoldenRun r : allRuns().toList()) {
            if (!ids.add(r.id())) errors.add("duplicate run id " + r.id());
            Set<String> keys = KEYS.get(r.optimizer());
            if (keys == null) {
                errors.add(r.id() + ": unknown optimizer " + r.optimizer());
                continue;
            }
            if (!keys.equals(r.hyper().keySet())) errors.add(r.id() + ": hyper keys " + r.hyper().keySet() + " != " + keys);
            if (r.stepCount() != 200) errors.add(r.id() + ": " + r.stepCount() + " steps");
            problemsBy.computeIfAbsent(r.optimizer(), o -> new TreeSet<>()).add(r.problem());
        }
        for (String opt : KEYS.keySet()) {
            Set<String> have = problemsBy.getOrDefault(opt, Set.of());
            for (String p : List.of("rosenbrock", "quadratic", "matq")) {
                if (!have.contains(p)) errors.add(opt + " has no run on " + p);
            }
        }
        assertTrue(errors.isEmpty(), String.join("\n", errors));
        assertTrue(problemsBy.get("spam").contains("spamgrads"), "spam must run on the fixed gradient sequence");
        assertTrue(problemsBy.get("adamp").containsAll(Set.of("matrow", "matlayer")), "adamp projections");
        assertTrue(problemsBy.get("sgdp").containsAll(Set.of("matrow", "matlayer")), "sgdp projections");
    }

    /** The parser refuses malformed records and names the line. */
    @Test
    void parserRejectsMalformedRecordsWithTheirLine() {
        String good = "run a\noptimizer sgd\nhyper lr 0.1\nhyper g inf\nproblem quadratic\nsteps 2\nstart 1 1\n"
                + "step 1 0.5 0.5\nstep 2 0.25 0.25\nend\n";
        GoldenRun r = parse(good).getFirst();
        assertEquals(2, r.stepCount());
        assertEquals(Double.POSITIVE_INFINITY, r.hyper("g"));
        assertEquals(0.25, r.steps()[1][1]);
        Map<String, String> broken = Map.of(
                "step numbering", good.replace("step 2 ", "step 3 "),
                "step count", good.replace("steps 2", "steps 3"),
                "row length", good.replace("step 2 0.25 0.25", "step 2 0.25"),
                "missing end", good.replace("end\n", ""),
                "bad number", good.replace("hyper lr 0.1", "hyper lr x"),
                "unknown keyword", good.replace("problem", "problme"));
        broken.forEach((what, text) -> {
            var e = assertThrows(IllegalStateException.class, () -> parse(text), what);
            assertTrue(e.getMessage().startsWith("test:"), what + ": " + e.getMessage());
        });
    }

    private static List<GoldenRun> parse(String text) {
        try {
            return GoldenRun.parse("test", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
