package dev.tapegrad.examples;

import dev.tapegrad.Autograd;
import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import dev.tapegrad.io.AtomicFile;
import dev.tapegrad.nn.ActivationModule;
import dev.tapegrad.nn.Mlp;
import dev.tapegrad.nn.Sequential;
import dev.tapegrad.optim.ClipByNorm;
import dev.tapegrad.optim.Optimizer;
import dev.tapegrad.optim.Optimizers;
import dev.tapegrad.optim.SafeStepController;
import dev.tapegrad.optim.Schedule;
import dev.tapegrad.optim.SoftmaxStepRadius;
import dev.tapegrad.optim.Transform;
import dev.tapegrad.train.SvgChart;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Safe step sizes for softmax classifiers: the learning-rate spike experiment of "Ghosts of Softmax".
 *
 * <p>The digits MLP (64 → 32 tanh → 10) is trained with SGD (momentum 0.9, lr 0.1) on mini-batches, and for a
 * few steps in the middle of training the learning rate jumps 10,000-fold, as a bad schedule, a loss-scale
 * glitch or a mistyped config would do. Five runs see the same initial weights and the same batches:
 * <ul>
 *   <li><b>plain</b>, no spike: the reference;</li>
 *   <li><b>plain, spike</b>: the spike throws the weights so far that the cross-entropy jumps to thousands and
 *       training never comes back;</li>
 *   <li><b>clipped, spike</b>: gradient clipping to norm 1 bounds the gradient, not the step: lr·1 is still huge;</li>
 *   <li><b>safe step, spike</b>: a {@link SafeStepController} measures every proposed update's normalised step
 *       r = τ/ρ_a (one Jacobian-vector product of the logits, {@link SoftmaxStepRadius}) and scales it down to
 *       r ≤ r_max = 0.5: the spike's steps are cut to the safe radius and training ends where the reference does;</li>
 *   <li><b>safe step</b>, no spike: the controller leaves ordinary steps alone (this run equals the reference
 *       bit for bit when no step reaches r_max).</li>
 * </ul>
 * It prints a table (final training loss over the whole training set, test accuracy, the largest batch loss
 * after the spike, steps the controller limited) and writes the batch loss of every run over the steps as an SVG
 * chart.
 *
 * <p>Before that it shows why the controller works (the paper's first claim): at a few points of the reference
 * run it takes the batch's gradient-descent direction and a random direction, scales each so that its normalised
 * step is r = 0.1 … 100, and prints the batch loss after the step divided by the loss before. Inside the radius
 * (r &lt; 1) no step hurts much; beyond it the loss can multiply.
 */
public final class SafeStepSpike {
    private SafeStepSpike() {}

    /**
     * The experiment's settings.
     *
     * @param steps             optimizer steps per run
     * @param batchSize         examples per step
     * @param hidden            hidden units of the MLP
     * @param lr                SGD's learning rate outside the spike
     * @param momentum          SGD's momentum
     * @param spikeAt           the first step (0-based) with the spiked learning rate
     * @param spikeLength       how many consecutive steps the spike lasts
     * @param spikeFactor       the learning rate's factor during the spike
     * @param maxNormalisedStep the controller's r_max
     * @param seed              seeds the split, the initial weights and the batch order
     */
    public record Config(int steps, int batchSize, int hidden, double lr, double momentum, int spikeAt, int spikeLength,
                         double spikeFactor, double maxNormalisedStep, long seed) {
        /** Checks the sizes and that the spike lies within the run. */
        public Config {
            if (steps < 1 || batchSize < 1 || hidden < 1 || spikeLength < 1) {
                throw new IllegalArgumentException("safestep: steps, batch size, hidden units and spike length must be >= 1, got "
                        + steps + ", " + batchSize + ", " + hidden + ", " + spikeLength);
            }
            if (spikeAt < 0 || spikeAt + spikeLength > steps) {
                throw new IllegalArgumentException("safestep: the spike (steps " + spikeAt + " to " + (spikeAt + spikeLength - 1)
                        + ") must lie within the " + steps + " steps");
            }
            if (!(lr > 0) || !(spikeFactor > 0)) throw new IllegalArgumentException("safestep: lr and spike factor must be > 0");
        }

        /** 400 steps of 64, spike of 10,000× at steps 150–152, r_max 0.5, seed 0. */
        public static Config defaults() {
            return new Config(400, 64, 32, 0.1, 0.9, 150, 3, 10_000, SafeStepController.DEFAULT_MAX_NORMALISED_STEP, 0);
        }

        /** A small version (for tests): 60 steps of 32, spike at steps 30–31, 16 hidden units. */
        public static Config tiny() {
            return new Config(60, 32, 16, 0.1, 0.9, 30, 2, 10_000, SafeStepController.DEFAULT_MAX_NORMALISED_STEP, 0);
        }

        /** These settings with another seed. */
        public Config withSeed(long s) {
            return new Config(steps, batchSize, hidden, lr, momentum, spikeAt, spikeLength, spikeFactor, maxNormalisedStep, s);
        }
    }

    /** How one run updates the weights. */
    public enum Method {
        /** The optimizer's update as it is. */
        PLAIN("plain"),
        /** The gradient is clipped to global norm 1 before SGD. */
        CLIPPED("clipped"),
        /** The update is limited to r ≤ r_max by a {@link SafeStepController}. */
        SAFE_STEP("safe step");

        private final String label;

        Method(String label) {
            this.label = label;
        }

        /** The name used in the table and the chart. */
        public String label() {
            return label;
        }
    }

    /**
     * One run's outcome.
     *
     * @param name          e.g. {@code safe step, spike}
     * @param method        how the weights were updated
     * @param spiked        whether the learning rate spiked
     * @param batchLoss     the mean cross-entropy of each step's batch, before that step's update
     * @param finalLoss     the mean cross-entropy over the whole training set after the last step (may be NaN or ∞)
     * @param testAccuracy  the fraction of test images classified correctly after the last step
     * @param limitedSteps  steps whose update the controller scaled down (0 for the other methods)
     * @param largestR      the largest normalised step r the controller measured (NaN for the other methods)
     */
    public record Run(String name, Method method, boolean spiked, double[] batchLoss, double finalLoss, double testAccuracy,
                      int limitedSteps, double largestR) {
        /** The largest batch loss from the spike on (NaN if any is NaN). */
        public double worstLossAfter(int step) {
            double worst = 0;
            for (int i = step; i < batchLoss.length; i++) {
                if (Double.isNaN(batchLoss[i])) return Double.NaN;
                worst = Math.max(worst, batchLoss[i]);
            }
            return worst;
        }
    }

    /** The normalised steps r at which {@link Scan} measures the loss: five inside the safe radius, five outside. */
    public static final double[] SCAN_R = {0.1, 0.25, 0.5, 0.75, 0.99, 1, 2, 5, 10, 30, 100};

    /**
     * Claim (a) at one point of training: the batch loss after a step along one direction, scaled so that its
     * normalised step is each r of {@link #SCAN_R}.
     *
     * @param step       the training step at which the scan was taken
     * @param direction  {@code gradient} (−∇L of the batch) or {@code random} (Gaussian)
     * @param lossBefore the batch loss at θ
     * @param lossAfter  the batch loss at θ + s·u, one per r of {@link #SCAN_R}
     */
    public record Scan(int step, String direction, double lossBefore, double[] lossAfter) {
        /** The largest ratio loss after / loss before over the steps with r &lt; 1 (inside) or r ≥ 1 (outside). */
        public double worstRatio(boolean inside) {
            double worst = 0;
            for (int i = 0; i < SCAN_R.length; i++) {
                if (SCAN_R[i] < 1 == inside) worst = Math.max(worst, lossAfter[i] / lossBefore);
            }
            return worst;
        }
    }

    /**
     * All runs of one experiment.
     *
     * @param config the settings
     * @param runs   in the order plain, plain spike, clipped spike, safe-step spike, safe step
     * @param scans  claim (a): loss along scaled updates at a few points of the reference run
     */
    public record Result(Config config, List<Run> runs, List<Scan> scans) {
        /** The run with this name. */
        public Run run(String name) {
            return runs.stream().filter(r -> r.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no run '" + name + "'"));
        }

        /** A plain-text table: one row per run. */
        public String table() {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-18s %14s %10s %16s %9s %10s%n", "run", "final loss",
                    "test acc", "worst loss after", "limited", "largest r"));
            for (Run r : runs) {
                sb.append(String.format(Locale.ROOT, "%-18s %14.4g %9.1f%% %16.4g %9d %10s%n", r.name(), r.finalLoss(),
                        100 * r.testAccuracy(), r.worstLossAfter(config.spikeAt()), r.limitedSteps(),
                        Double.isNaN(r.largestR()) ? "-" : String.format(Locale.ROOT, "%.3g", r.largestR())));
            }
            return sb.toString();
        }

        /** Claim (a) as a table: loss after / loss before for each r, per scan. */
        public String scanTable() {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-18s", "loss ratio at r ="));
            for (double r : SCAN_R) sb.append(String.format(Locale.ROOT, " %7s", r < 1 ? String.valueOf(r) : String.valueOf((int) r)));
            sb.append('\n');
            for (Scan scan : scans) {
                sb.append(String.format(Locale.ROOT, "%-18s", "step " + scan.step() + ", " + scan.direction()));
                for (double after : scan.lossAfter()) sb.append(String.format(Locale.ROOT, " %7.3g", after / scan.lossBefore()));
                sb.append('\n');
            }
            return sb.toString();
        }

        /** The chart: every run's batch loss over the steps (log scale), as a standalone SVG document. */
        public String chartSvg() {
            List<SvgChart.Series> series = new ArrayList<>();
            for (int i = 0; i < runs.size(); i++) {
                double[] x = new double[runs.get(i).batchLoss().length];
                for (int k = 0; k < x.length; k++) x[k] = k;
                series.add(new SvgChart.Series(runs.get(i).name(), i, x, runs.get(i).batchLoss()));
            }
            String title = String.format(Locale.ROOT, "Learning-rate spike of %,.0f× at steps %d–%d", config.spikeFactor(),
                    config.spikeAt(), config.spikeAt() + config.spikeLength() - 1);
            return SvgChart.panel(title, "step", "batch cross-entropy", series, true);
        }
    }

    /** Runs the experiment with the default settings, prints the table and writes the chart into a new run folder. */
    public static void main(String[] args) {
        runSeeded(Config.defaults().seed());
    }

    /**
     * Runs the experiment with a given seed (the launcher's {@code --seed}), prints the table and writes the chart
     * into a new folder {@code runs/safestep-<time>} (never one that exists).
     */
    public static void runSeeded(long seed) {
        Result result = run(Config.defaults().withSeed(seed), true);
        String name = "safestep-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path dir = Path.of("runs", name);
        for (int n = 2; Files.exists(dir); n++) dir = Path.of("runs", name + "-" + n);
        System.out.println("chart: " + writeChart(result, dir));
    }

    /** Writes {@code chart.svg} into {@code dir} (created if needed) and returns its path. */
    public static Path writeChart(Result result, Path dir) {
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve("chart.svg");
            AtomicFile.write(file, result.chartSvg().getBytes(StandardCharsets.UTF_8));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("safestep: writing the chart into " + dir, e);
        }
    }

    /** Runs the five runs; with {@code verbose}, prints the settings and the table. */
    public static Result run(Config c, boolean verbose) {
        List<Digits> parts = Digits.load().split(359, c.seed());
        Digits train = parts.get(0), test = parts.get(1);
        if (verbose) {
            System.out.printf(Locale.ROOT, "digits MLP 64-%d-10, SGD lr %s momentum %s, batch %d, %d steps; lr x %,.0f at steps %d-%d;"
                            + " safe step r_max %s%n", c.hidden(), c.lr(), c.momentum(), c.batchSize(), c.steps(), c.spikeFactor(),
                    c.spikeAt(), c.spikeAt() + c.spikeLength() - 1, c.maxNormalisedStep());
        }
        List<Run> runs = List.of(
                train(c, train, test, Method.PLAIN, false),
                train(c, train, test, Method.PLAIN, true),
                train(c, train, test, Method.CLIPPED, true),
                train(c, train, test, Method.SAFE_STEP, true),
                train(c, train, test, Method.SAFE_STEP, false));
        List<Scan> scans = scan(c, train);
        Result result = new Result(c, runs, scans);
        if (verbose) {
            System.out.print(result.table());
            System.out.println("\n(a) batch loss after one step of normalised size r, divided by the loss before:");
            System.out.print(result.scanTable());
        }
        return result;
    }

    /** The mini-batches every run sees, in the same order: a seeded shuffle of the training set per epoch. */
    private static final class Batches {
        private final Config c;
        private final Digits train;
        private final Tensor features;
        private final Generator gen;
        private Tensor order;
        private int at;

        Batches(Config c, Digits train) {
            this.c = c;
            this.train = train;
            this.features = train.features(DType.FLOAT32);
            this.gen = new Generator(c.seed() + 1);
            this.order = Tensor.randperm(gen, train.size());
        }

        /** The next batch as {features [batch, 64], labels [batch]}. */
        Tensor[] next() {
            if (at + c.batchSize() > train.size()) {          // a new epoch: a new shuffle
                order = Tensor.randperm(gen, train.size());
                at = 0;
            }
            Tensor index = order.slice(0, at, at + c.batchSize()).contiguous();
            at += c.batchSize();
            return new Tensor[] {features.indexSelect(0, index), train.labels().indexSelect(0, index)};
        }
    }

    /** The MLP of every run, initialised from the seed. */
    private static Sequential model(Config c) {
        return Mlp.builder(Digits.PIXELS).hidden(c.hidden(), ActivationModule::tanh).out(Digits.CLASSES).build(new Generator(c.seed()));
    }

    /**
     * Claim (a): along one update direction u at θ, the batch loss at θ + s·u for the scales s that give the
     * normalised steps {@link #SCAN_R}, at a few points of the reference run (before steps 0, steps/4 and
     * steps/2), for u the gradient-descent direction −∇L and a random Gaussian direction.
     */
    static List<Scan> scan(Config c, Digits train) {
        Sequential model = model(c);
        Map<String, Tensor> params = model.namedParameters();
        Optimizer opt = Optimizer.builder(Optimizers.sgd()).params(params).set("lr", c.lr()).set("momentum", c.momentum()).build();
        Batches batches = new Batches(c, train);
        Generator random = new Generator(c.seed() + 2);
        List<Scan> scans = new ArrayList<>();
        for (int step = 0; step <= c.steps() / 2; step++) {
            Tensor[] batch = batches.next();
            Tensor x = batch[0], y = batch[1];
            opt.zeroGrad();
            Tensor loss = model.forward(x).crossEntropy(y).mean();
            loss.backward();
            if (step == 0 || step == c.steps() / 4 || step == c.steps() / 2) {
                Map<String, Tensor> descent = new LinkedHashMap<>(), noise = new LinkedHashMap<>();
                params.forEach((name, p) -> {
                    descent.put(name, p.grad().neg());
                    noise.put(name, Tensor.randn(random, p.dtype(), p.shape()));
                });
                scans.add(scanAlong(step, "gradient", model, params, descent, x, y, loss.item()));
                scans.add(scanAlong(step, "random", model, params, noise, x, y, loss.item()));
            }
            opt.step();
        }
        return scans;
    }

    /** The batch loss at θ + (r/r₁)·u for every r of {@link #SCAN_R}, where r₁ is u's own normalised step. */
    private static Scan scanAlong(int step, String direction, Sequential model, Map<String, Tensor> params, Map<String, Tensor> u,
                                  Tensor x, Tensor y, double before) {
        double r1 = SoftmaxStepRadius.measure(params, u, () -> model.forward(x)).normalisedStep();
        Map<String, Tensor> start = new LinkedHashMap<>();
        double[] after = new double[SCAN_R.length];
        try (var scope = Autograd.noGrad()) {
            params.forEach((name, p) -> start.put(name, p.clone()));
            for (int i = 0; i < SCAN_R.length; i++) {
                double s = SCAN_R[i] / r1;
                params.forEach((name, p) -> p.copyInPlace(start.get(name).add(u.get(name).mul(s))));
                after[i] = model.forward(x).crossEntropy(y).mean().item();
            }
            params.forEach((name, p) -> p.copyInPlace(start.get(name)));
        }
        return new Scan(step, direction, before, after);
    }

    /** One run: same initial weights and batches for every method. */
    static Run train(Config c, Digits train, Digits test, Method method, boolean spiked) {
        Sequential model = model(c);
        Map<String, Tensor> params = model.namedParameters();
        Schedule lr = spiked ? step -> step >= c.spikeAt() && step < c.spikeAt() + c.spikeLength() ? c.lr() * c.spikeFactor() : c.lr()
                : Schedule.constant(c.lr());
        Transform rule = method == Method.CLIPPED ? Optimizers.prepend("sgd", ClipByNorm.global(1.0)) : Optimizers.sgd();
        Optimizer opt = Optimizer.builder(rule).params(params).set("momentum", c.momentum()).schedule("lr", lr).build();
        SafeStepController safe = SafeStepController.builder(opt).maxNormalisedStep(c.maxNormalisedStep()).build();

        Tensor features = train.features(DType.FLOAT32), labels = train.labels();
        Batches batches = new Batches(c, train);
        int limited = 0;
        double largestR = method == Method.SAFE_STEP ? 0 : Double.NaN;
        double[] batchLoss = new double[c.steps()];
        for (int step = 0; step < c.steps(); step++) {
            Tensor[] batch = batches.next();
            Tensor x = batch[0], y = batch[1];
            opt.zeroGrad();
            Tensor loss = model.forward(x).crossEntropy(y).mean();
            loss.backward();
            batchLoss[step] = loss.item();
            if (method == Method.SAFE_STEP) {
                SafeStepController.Step s = safe.step(() -> model.forward(x));
                if (s.limited()) limited++;
                largestR = Math.max(largestR, s.proposed());
            } else {
                opt.step();
            }
        }
        double finalLoss, accuracy;
        try (var scope = Autograd.noGrad()) {
            finalLoss = model.forward(features).crossEntropy(labels).mean().item();
            Tensor predicted = model.forward(test.features(DType.FLOAT32)).argmax(1, false);
            accuracy = predicted.eq(test.labels()).to(DType.FLOAT64).mean().item();
        }
        String name = method.label() + (spiked ? ", spike" : "");
        return new Run(name, method, spiked, batchLoss, finalLoss, accuracy, limited, largestR);
    }
}
