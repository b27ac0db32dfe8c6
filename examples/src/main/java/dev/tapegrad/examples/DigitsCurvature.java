package dev.tapegrad.examples;

import dev.tapegrad.Autograd;
import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import dev.tapegrad.curvature.HessianOperator;
import dev.tapegrad.curvature.Lanczos;
import dev.tapegrad.curvature.SpectralDensity;
import dev.tapegrad.io.AtomicFile;
import dev.tapegrad.nn.ActivationModule;
import dev.tapegrad.nn.Losses;
import dev.tapegrad.nn.Mlp;
import dev.tapegrad.nn.Sequential;
import dev.tapegrad.optim.Optimizer;
import dev.tapegrad.optim.Optimizers;
import dev.tapegrad.train.SharpnessMonitor;
import dev.tapegrad.train.SvgChart;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The curvature of a network's loss during training: the digits MLP (64 → hidden, tanh → 10, float64) trained
 * with plain SGD at step η, and the Hessian H = ∇²L of the cross-entropy on a fixed batch of training images.
 *
 * <ul>
 *   <li>Every few steps, the sharpness λ_max(H) by Lanczos ({@link SharpnessMonitor}), against 2/η, the largest
 *       curvature along which a gradient step of size η does not overshoot (on a quadratic, the error along an
 *       eigenvector with eigenvalue λ is multiplied by 1 − ηλ per step). Training typically sharpens, λ_max rising
 *       towards 2/η ("edge of stability").</li>
 *   <li>At the end, the spectral density of H by stochastic Lanczos quadrature ({@link SpectralDensity}): most of
 *       the mass in a bulk near zero, a few outliers far to the right, about one per class.</li>
 * </ul>
 * Both are written as SVG charts ({@code sharpness.svg}, {@code spectrum.svg}) into the output folder.
 *
 * <p>Command line: {@code [--out FOLDER] [--seed N] [--lr X] [--epochs N]}; the folder must be new or empty
 * (default {@code runs/curvature-<time>}).
 */
public final class DigitsCurvature {
    private DigitsCurvature() {}

    /**
     * Settings.
     *
     * @param hidden       hidden units
     * @param epochs       passes over the training set
     * @param batchSize    SGD batch size
     * @param lr           SGD step η
     * @param hessianBatch training images the Hessian is measured on (the first ones of the training split)
     * @param every        steps between two sharpness readings
     * @param lanczosSteps Hessian-vector products per reading
     * @param slqProbes    start vectors of the final spectral density
     * @param slqSteps     Lanczos steps per start vector
     * @param seed         seed of the split, the initialisation, the shuffling and the probes
     */
    public record Config(int hidden, int epochs, int batchSize, double lr, int hessianBatch, int every, int lanczosSteps,
                         int slqProbes, int slqSteps, long seed) {
        /** Checks the ranges. */
        public Config {
            if (hidden < 1 || epochs < 1 || batchSize < 1 || hessianBatch < 1 || every < 1 || lanczosSteps < 1 || slqProbes < 1
                    || slqSteps < 1) {
                throw new IllegalArgumentException("DigitsCurvature: sizes and counts must be ≥ 1, got " + this);
            }
            if (!(lr > 0)) throw new IllegalArgumentException("DigitsCurvature: lr must be > 0, got " + lr);
        }

        /**
         * The example's settings: 32 hidden units, 8 epochs of SGD with η = 1 and batch 32, the Hessian on 256
         * images, a reading every 10 steps from 20 Lanczos steps, and a density from 4 × 60 Lanczos steps.
         * At this step size the first steps overshoot (λ_max above 2/η), after which training settles where
         * λ_max is below 2/η.
         */
        public static Config defaults() {
            return new Config(32, 8, 32, 1.0, 256, 10, 20, 4, 60, 0L);
        }

        /** These settings with another seed. */
        public Config withSeed(long s) {
            return new Config(hidden, epochs, batchSize, lr, hessianBatch, every, lanczosSteps, slqProbes, slqSteps, s);
        }

        /** These settings with another number of epochs. */
        public Config withEpochs(int n) {
            return new Config(hidden, n, batchSize, lr, hessianBatch, every, lanczosSteps, slqProbes, slqSteps, seed);
        }

        /** These settings with another SGD step. */
        public Config withLr(double eta) {
            return new Config(hidden, epochs, batchSize, eta, hessianBatch, every, lanczosSteps, slqProbes, slqSteps, seed);
        }

        /** These settings with another network width. */
        public Config withHidden(int n) {
            return new Config(n, epochs, batchSize, lr, hessianBatch, every, lanczosSteps, slqProbes, slqSteps, seed);
        }

        /** These settings with another spectral-density budget. */
        public Config withDensity(int probes, int steps) {
            return new Config(hidden, epochs, batchSize, lr, hessianBatch, every, lanczosSteps, probes, steps, seed);
        }
    }

    /**
     * What a run found.
     *
     * @param readings      the sharpness readings, in step order
     * @param losses        the training loss of every step
     * @param topEigenvalues the largest Hessian eigenvalues at the end (top Ritz values of the density's first probe)
     * @param density       the spectral density at the end
     * @param testAccuracy  the accuracy on the 359 held-out images at the end
     * @param parameters    n, the number of parameters
     */
    public record Result(List<SharpnessMonitor.Reading> readings, double[] losses, double[] topEigenvalues,
                         SpectralDensity density, double testAccuracy, int parameters) {}

    private static final String USAGE = "[--out FOLDER] [--seed N] [--lr X] [--epochs N]";

    /**
     * Runs the example with its default settings or those the flags change ({@code [--out FOLDER] [--seed N]
     * [--lr X] [--epochs N]}); bad flags exit with status 2.
     */
    public static void main(String[] args) throws IOException {
        CommandLine cl;
        try {
            cl = parseArgs(args);
            if (cl.out() != null) requireNewOrEmpty(cl.out());
        } catch (IllegalArgumentException e) {
            System.err.println("DigitsCurvature: " + e.getMessage());
            System.exit(2);
            return;
        }
        runAndWrite(cl.config(), cl.out(), true);
    }

    /** What the flags ask for: the settings, and the output folder (null for the default one). */
    private record CommandLine(Config config, Path out) {}

    /** The settings and output folder that the flags give; throws with a one-line message for a bad flag. */
    private static CommandLine parseArgs(String[] rawArgs) {
        // Maven's demo profile passes all flags as one argument: split every argument on whitespace.
        String[] args = java.util.Arrays.stream(rawArgs).flatMap(a -> java.util.Arrays.stream(a.trim().split("\\s+")))
                .filter(a -> !a.isEmpty()).toArray(String[]::new);
        Config c = Config.defaults();
        Path out = null;
        for (int i = 0; i < args.length; i += 2) {
            String flag = args[i];
            if (!List.of("--out", "--seed", "--lr", "--epochs").contains(flag)) {
                throw new IllegalArgumentException("unknown argument '" + flag + "' (usage: " + USAGE + ")");
            }
            if (i + 1 >= args.length) throw new IllegalArgumentException(flag + " needs a value");
            String value = args[i + 1];
            try {
                switch (flag) {
                    case "--out" -> out = Path.of(value);
                    case "--seed" -> c = c.withSeed(Long.parseLong(value));
                    case "--lr" -> c = c.withLr(Double.parseDouble(value));
                    default -> c = c.withEpochs(Integer.parseInt(value));
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " needs a number, got '" + value + "'");
            }
        }
        return new CommandLine(c, out);
    }

    /** Runs with {@code c} and writes the charts into {@code out} (null: a new {@code runs/curvature-<time>}). */
    public static Result runAndWrite(Config c, Path out, boolean verbose) throws IOException {
        Path dir = out != null ? out : defaultFolder();
        requireNewOrEmpty(dir);
        Result r = run(c, verbose);
        Files.createDirectories(dir);
        AtomicFile.write(dir.resolve("sharpness.svg"), sharpnessChart(r, c).getBytes(StandardCharsets.UTF_8));
        AtomicFile.write(dir.resolve("spectrum.svg"), spectrumChart(r).getBytes(StandardCharsets.UTF_8));
        if (verbose) System.out.println("charts: " + dir.resolve("sharpness.svg") + ", " + dir.resolve("spectrum.svg"));
        return r;
    }

    /** Trains, watching the sharpness, and ends with the spectral density; writes nothing. */
    public static Result run(Config c, boolean verbose) {
        Generator gen = new Generator(c.seed());
        List<Digits> parts = Digits.load().split(359, c.seed());
        Digits train = asFloat64(parts.get(0)), test = asFloat64(parts.get(1));
        Sequential model = Mlp.builder(Digits.PIXELS).hidden(c.hidden(), ActivationModule::tanh).out(Digits.CLASSES)
                .dtype(DType.FLOAT64).build(gen);
        Map<String, Tensor> params = model.namedParameters();
        Optimizer sgd = Optimizers.create("sgd", Map.of("lr", c.lr()), params);

        // The Hessian is always measured on the same images, so that readings at different steps compare.
        int k = Math.min(c.hessianBatch(), train.size());
        Digits fixed = train.subset(Tensor.arange(k));
        Supplier<Tensor> fixedLoss = () -> Losses.crossEntropy(model.forward(fixed.features()), fixed.labels());
        SharpnessMonitor monitor = SharpnessMonitor.builder(params, fixedLoss).every(c.every()).lanczosSteps(c.lanczosSteps())
                .build(new Generator(c.seed() + 1));

        monitor.measure(0, c.lr());
        List<Double> losses = new ArrayList<>();
        for (int epoch = 0; epoch < c.epochs(); epoch++) {
            Tensor order = Tensor.randperm(gen, train.size());
            for (int start = 0; start < train.size(); start += c.batchSize()) {
                Digits batch = train.subset(order.slice(0, start, Math.min(start + c.batchSize(), train.size())).contiguous());
                sgd.zeroGrad();
                Tensor loss = Losses.crossEntropy(model.forward(batch.features()), batch.labels());
                loss.backward();
                sgd.step();
                losses.add(loss.item());
                monitor.onStep(sgd).ifPresent(r -> {
                    if (verbose) {
                        System.out.printf(Locale.ROOT, "step %4d  loss %.4f  λ_max %8.3f  2/η %6.2f  ratio %.3f%n", r.step(),
                                loss.item(), r.lambdaMax(), r.threshold(), r.ratio());
                    }
                });
            }
        }
        HessianOperator h = HessianOperator.of(params, fixedLoss);
        SpectralDensity density = SpectralDensity.estimate(new Generator(c.seed() + 2), h, c.slqProbes(), c.slqSteps());
        Lanczos.Result first = Lanczos.run(new Generator(c.seed() + 2), h, c.slqSteps()); // replays the first probe
        double[] ritz = first.ritzValues();
        double[] top = java.util.Arrays.copyOfRange(ritz, Math.max(0, ritz.length - 10), ritz.length);
        double accuracy = accuracy(model, test);
        if (verbose) {
            System.out.printf(Locale.ROOT, "n = %d parameters; test accuracy %.2f%%; Hessian-vector products: %d (sharpness) + %d (density)%n",
                    h.layout().size(), 100 * accuracy, monitor.products(), h.products());
            System.out.printf(Locale.ROOT, "spectrum at the end: λ_min ≈ %.4f, λ_max ≈ %.4f, trace/n ≈ %.5f ± %.5f; top Ritz values %s%n",
                    density.minNode(), density.maxNode(), density.moment(1), density.momentStandardError(1), format(top));
        }
        return new Result(monitor.history(), losses.stream().mapToDouble(Double::doubleValue).toArray(), top, density, accuracy,
                h.layout().size());
    }

    /** λ_max and 2/η against the step (linear y), and the training loss in a second panel. */
    static String sharpnessChart(Result r, Config c) {
        int m = r.readings().size();
        double[] step = new double[m], lambda = new double[m], threshold = new double[m];
        for (int i = 0; i < m; i++) {
            step[i] = r.readings().get(i).step();
            lambda[i] = r.readings().get(i).lambdaMax();
            threshold[i] = r.readings().get(i).threshold();
        }
        String sharp = SvgChart.panel(String.format(Locale.ROOT, "Sharpness of the digits MLP (SGD, η = %s)", c.lr()), "step",
                "λ_max of the Hessian", List.of(new SvgChart.Series("λ_max (Lanczos, fixed batch)", 0, step, lambda),
                        new SvgChart.Series("2/η", 1, step, threshold)), false);
        double[] steps = new double[r.losses().length];
        for (int i = 0; i < steps.length; i++) steps[i] = i + 1;
        String loss = SvgChart.panel("Training loss", "step", "cross-entropy",
                List.of(new SvgChart.Series("batch loss", 2, steps, r.losses())), false);
        return stack(sharp, loss);
    }

    /** The smoothed spectral density on a log y axis (values below 1e-6 drawn at 1e-6). */
    static String spectrumChart(Result r) {
        SpectralDensity d = r.density();
        double lo = d.minNode(), hi = d.maxNode(), pad = 0.05 * (hi - lo) + 1e-6;
        double sigma = Math.max(1e-4, 0.01 * (hi - lo));
        double[][] grid = d.densityOnGrid(lo - pad, hi + pad, 600, sigma);
        for (int i = 0; i < grid[1].length; i++) grid[1][i] = Math.max(1e-6, grid[1][i]);
        return SvgChart.panel(String.format(Locale.ROOT, "Hessian spectral density at the end (SLQ, %d probes, σ = %.3g)",
                        d.probes(), sigma), "eigenvalue λ", "density",
                List.of(new SvgChart.Series("φ_σ(λ)", 0, grid[0], grid[1])), true);
    }

    /** Two SVG panels one above the other in one SVG document. */
    private static String stack(String top, String bottom) {
        int w = 600, h = 360; // SvgChart's panel size
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w + "\" height=\"" + 2 * h + "\" viewBox=\"0 0 " + w + " "
                + 2 * h + "\">\n" + top.replaceFirst("<svg ", "<svg x=\"0\" y=\"0\" ") + bottom.replaceFirst("<svg ",
                "<svg x=\"0\" y=\"" + h + "\" ") + "</svg>\n";
    }

    private static Digits asFloat64(Digits d) {
        return new Digits(d.features(DType.FLOAT64), d.labels());
    }

    private static double accuracy(Sequential model, Digits data) {
        try (var s = Autograd.noGrad()) {
            return model.forward(data.features()).argmax(1, false).eq(data.labels()).to(DType.FLOAT64).mean().item();
        }
    }

    private static String format(double[] xs) {
        StringBuilder s = new StringBuilder("[");
        for (int i = xs.length - 1; i >= 0; i--) s.append(String.format(Locale.ROOT, "%.3f", xs[i])).append(i > 0 ? ", " : "]");
        return s.toString();
    }

    private static Path defaultFolder() {
        String base = "runs/curvature-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path p = Path.of(base);
        for (int i = 2; Files.exists(p); i++) p = Path.of(base + "-" + i);
        return p;
    }

    private static void requireNewOrEmpty(Path dir) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) throw new IllegalArgumentException("--out " + dir + " is a file, not a folder");
        if (Files.isDirectory(dir)) {
            try (var files = Files.list(dir)) {
                if (files.findAny().isPresent()) {
                    throw new IllegalArgumentException("--out " + dir + " is not empty: choose a new or empty folder");
                }
            }
        }
    }
}
