package dev.tapegrad.examples;

import dev.tapegrad.Autograd;
import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import dev.tapegrad.nn.ActivationModule;
import dev.tapegrad.nn.Losses;
import dev.tapegrad.nn.Mlp;
import dev.tapegrad.nn.Sequential;
import dev.tapegrad.nn.UnaryModule;
import dev.tapegrad.optim.Optimizer;
import dev.tapegrad.optim.Optimizers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A two-layer network trained on the UCI digits with {@code nn} modules: the whole of deep learning in one
 * page.
 *
 * <pre>
 *   h      = tanh(x·W₁ᵀ + b₁)                  x: [batch, 64], W₁: [32, 64]   (Linear, Tanh)
 *   logits = h·W₂ᵀ + b₂                        W₂: [10, 32]                  (Linear)
 *   loss   = −mean_i log softmax(logits_i)[yᵢ]  (Losses.crossEntropy)
 * </pre>
 * Gradients come from {@code loss.backward()}; the update is any optimizer of {@link Optimizers}, chosen by
 * name (by default SGD with momentum: v ← μv + g, w ← w − ηv, with η = 0.1 and μ = 0.9).
 *
 * <p>Command line: {@code [--optimizer NAME] [--lr X] [--epochs N]}, e.g. {@code --optimizer adamw --lr 1e-2}.
 * Another optimizer than the default starts from its own default hyper-parameters (then {@code --lr}).
 */
public final class DigitsMlp {
    private DigitsMlp() {}

    /**
     * Training settings.
     *
     * @param optimizer a name accepted by {@link Optimizers#byName}
     * @param hyper     hyper-parameter values for that optimizer (the rest keep their defaults)
     */
    public record Config(int hidden, int epochs, int batchSize, String optimizer, Map<String, Double> hyper, long seed) {
        /** Checks sizes, the optimizer's name and its hyper-parameters' names and ranges. */
        public Config {
            if (hidden < 1 || epochs < 1 || batchSize < 1) {
                throw new IllegalArgumentException("hidden, epochs and batch size must be ≥ 1, got " + hidden + ", " + epochs
                        + ", " + batchSize);
            }
            hyper = Map.copyOf(hyper);
            // building a throwaway optimizer refuses unknown optimizers and unknown or out-of-range values now
            Optimizers.create(optimizer, hyper, Map.of("check", Tensor.zeros(1).requiresGrad(true)));
        }

        /** The settings the README's command uses: 40 epochs of SGD with lr 0.1 and momentum 0.9. */
        public static Config defaults() {
            return new Config(32, 40, 32, "sgd", Map.of("lr", 0.1, "momentum", 0.9), 0L);
        }

        /** These settings with another optimizer and hyper-parameters. */
        public Config withOptimizer(String name, Map<String, Double> values) {
            return new Config(hidden, epochs, batchSize, name, values, seed);
        }

        /** These settings with another number of epochs. */
        public Config withEpochs(int n) {
            return new Config(hidden, n, batchSize, optimizer, hyper, seed);
        }
    }

    /**
     * What one run reports.
     *
     * @param initialTrainLoss mean cross-entropy over the training set before the first step
     * @param finalTrainLoss   mean of the batch losses during the last epoch
     */
    public record Result(double initialTrainLoss, double finalTrainLoss, double trainAccuracy, double testAccuracy,
                         int epochs) {}

    /** Trains with the default settings, or with those the flags change; bad flags exit with status 2. */
    public static void main(String[] args) {
        Config config;
        try {
            config = parseArgs(args);
        } catch (IllegalArgumentException e) {
            System.err.println("DigitsMlp: " + e.getMessage());
            System.exit(2);
            return;
        }
        Result r = train(config, true);
        System.out.printf("digits MLP (64-%d-10, %s, %d epochs): train loss %.4f, train accuracy %.2f%%, test accuracy %.2f%%%n",
                config.hidden(), config.optimizer(), r.epochs(), r.finalTrainLoss(), 100 * r.trainAccuracy(),
                100 * r.testAccuracy());
    }

    /**
     * The settings that {@code --optimizer NAME}, {@code --lr X} and {@code --epochs N} give, starting from
     * {@link Config#defaults()}; throws {@link IllegalArgumentException} with a one-line message for an
     * unknown flag, a missing or malformed value, or an unknown optimizer.
     */
    static Config parseArgs(String[] rawArgs) {
        // Maven's demo profile passes all flags as one argument: split every argument on whitespace.
        String[] args = java.util.Arrays.stream(rawArgs).flatMap(a -> java.util.Arrays.stream(a.trim().split("\\s+")))
                .filter(a -> !a.isEmpty()).toArray(String[]::new);
        Config d = Config.defaults();
        String optimizer = d.optimizer();
        Double lr = null;
        int epochs = d.epochs();
        for (int i = 0; i < args.length; i += 2) {
            String flag = args[i];
            if (!List.of("--optimizer", "--lr", "--epochs").contains(flag)) {
                throw new IllegalArgumentException("unknown argument '" + flag + "' (usage: [--optimizer NAME] [--lr X] [--epochs N])");
            }
            if (i + 1 >= args.length) throw new IllegalArgumentException(flag + " needs a value");
            String value = args[i + 1];
            try {
                switch (flag) {
                    case "--optimizer" -> optimizer = value;
                    case "--lr" -> lr = Double.parseDouble(value);
                    default -> epochs = Integer.parseInt(value);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " needs a number, got '" + value + "'");
            }
        }
        if (epochs < 1) throw new IllegalArgumentException("--epochs must be ≥ 1, got " + epochs);
        Map<String, Double> hyper = new LinkedHashMap<>(optimizer.equalsIgnoreCase(d.optimizer()) ? d.hyper() : Map.of());
        if (lr != null) hyper.put("lr", lr);
        return new Config(d.hidden(), epochs, d.batchSize(), optimizer, hyper, d.seed());
    }

    /** Trains the network and returns its losses and accuracies. */
    public static Result train(Config c, boolean verbose) {
        return new Run(c).train(verbose, RunListener.NONE);
    }

    /**
     * One training run, set up but not yet trained: the data split, the model, the optimizer and the generator
     * that shuffles the batches, all from the config's seed. Building them apart from the loop lets a launcher
     * restore a checkpoint into them ({@link #model()}, {@link #optimizer()}, {@link #gen()},
     * {@link #continueAfter}) before {@link #train}, and save them after. With the same seed, a run of n epochs
     * then continued to m is the same as one run of m.
     */
    public static final class Run {
        private final Config config;
        private final Digits train, test;
        private final Generator gen;
        private final Sequential model;
        private final Optimizer optimizer;
        private int epochsDone;

        /** Splits the data and builds the model and the optimizer for {@code config}. */
        public Run(Config config) {
            this.config = config;
            gen = new Generator(config.seed());
            List<Digits> parts = Digits.load().split(359, config.seed());
            train = parts.get(0);
            test = parts.get(1);
            // 64 → hidden (tanh) → 10: a Sequential of Linear(64, hidden), Tanh, Linear(hidden, 10), with PyTorch's
            // names 0.weight, 0.bias, 2.weight, 2.bias and PyTorch's default initialisation U(±1/√fan_in).
            model = Mlp.builder(Digits.PIXELS).hidden(config.hidden(), ActivationModule::tanh).out(Digits.CLASSES).build(gen);
            optimizer = Optimizers.create(config.optimizer(), config.hyper(), model.namedParameters());
        }

        /** The network being trained. */
        public Sequential model() {
            return model;
        }

        /** The optimizer updating {@link #model()}. */
        public Optimizer optimizer() {
            return optimizer;
        }

        /** The generator that shuffles each epoch's batches. */
        public Generator gen() {
            return gen;
        }

        /** The settings of this run. */
        public Config config() {
            return config;
        }

        /** Optimizer steps per epoch: ⌈training samples / batch size⌉. */
        public int stepsPerEpoch() {
            return (train.size() + config.batchSize() - 1) / config.batchSize();
        }

        /** Epochs finished so far. */
        public int epochsDone() {
            return epochsDone;
        }

        /**
         * Makes the next {@link #train} start after epoch {@code epochs} (after the model, optimizer and generator
         * were restored to that point). Throws {@link IllegalArgumentException} unless 0 ≤ epochs &lt; the
         * configured epochs: a run that is already complete has nothing left to train.
         */
        public void continueAfter(int epochs) {
            if (epochs < 0 || epochs >= config.epochs()) {
                throw new IllegalArgumentException("the run is at epoch " + epochs + ": --epochs " + config.epochs()
                        + " (the total) leaves nothing to do");
            }
            epochsDone = epochs;
        }

        /**
         * Trains the remaining epochs, reporting every step to {@code listener} as run "digits" with its batch loss
         * (and the test accuracy at the end of each epoch), and returns the losses and accuracies.
         */
        public Result train(boolean verbose, RunListener listener) {
            int batchesPerEpoch = stepsPerEpoch();
            int totalSteps = config.epochs() * batchesPerEpoch;
            double initialLoss = loss(model, train);
            double lastLoss = Double.NaN;
            while (epochsDone < config.epochs()) {
                int epoch = epochsDone + 1;
                model.train();
                Tensor order = Tensor.randperm(gen, train.size());
                double lossSum = 0;
                int batches = 0;
                for (int start = 0; start < train.size(); start += config.batchSize()) {
                    Tensor idx = order.slice(0, start, Math.min(start + config.batchSize(), train.size())).contiguous();
                    Digits batch = train.subset(idx);
                    optimizer.zeroGrad();
                    Tensor loss = Losses.crossEntropy(model.forward(batch.features()), batch.labels());
                    loss.backward();
                    optimizer.step();
                    lossSum += loss.item();
                    batches++;
                    Map<String, Double> metrics = new LinkedHashMap<>();
                    metrics.put("loss", loss.item());
                    if (start + config.batchSize() >= train.size()) {
                        metrics.put("test_accuracy", accuracy(model, test));
                        model.train();
                    }
                    listener.step("digits", (epoch - 1) * batchesPerEpoch + batches - 1, totalSteps, metrics);
                }
                lastLoss = lossSum / batches;
                epochsDone = epoch;
                if (verbose && (epoch % 10 == 0 || epoch == 1)) {
                    System.out.printf("epoch %3d  train loss %.4f  test accuracy %.2f%%%n", epoch, lastLoss,
                            100 * accuracy(model, test));
                }
            }
            return new Result(initialLoss, lastLoss, accuracy(model, train), accuracy(model, test), config.epochs());
        }
    }

    /** The mean cross-entropy over a whole data set, in evaluation mode. */
    static double loss(UnaryModule model, Digits data) {
        model.eval();
        try (var scope = Autograd.noGrad()) {
            return Losses.crossEntropy(model.forward(data.features()), data.labels()).item();
        }
    }

    /** The fraction of samples whose largest logit is the true class, in evaluation mode. */
    static double accuracy(UnaryModule model, Digits data) {
        model.eval();
        try (var scope = Autograd.noGrad()) {
            Tensor predicted = model.forward(data.features()).argmax(1, false);
            return predicted.eq(data.labels()).to(DType.FLOAT32).mean().item();
        }
    }
}
