package dev.tapegrad.examples;

import dev.tapegrad.Autograd;
import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import java.util.List;

/**
 * A two-layer network written with raw engine ops, trained on the UCI digits: the whole of deep learning in
 * one page.
 *
 * <pre>
 *   h      = tanh(x·W₁ + b₁)                  x: [batch, 64], W₁: [64, 32]
 *   logits = h·W₂ + b₂                        W₂: [32, 10]
 *   loss   = −mean_i log softmax(logits_i)[yᵢ]  (cross-entropy)
 * </pre>
 * Gradients come from {@code loss.backward()}; the update is SGD with momentum (v ← μv + g; w ← w − ηv)
 * written out by hand, since the optimizers module builds on this.
 */
public final class DigitsMlp {
    private DigitsMlp() {}

    /** Training settings. */
    public record Config(int hidden, int epochs, int batchSize, double learningRate, double momentum, long seed) {
        /** The settings the README's command uses. */
        public static Config defaults() {
            return new Config(32, 40, 32, 0.1, 0.9, 0L);
        }
    }

    /** What one run reports. */
    public record Result(double finalTrainLoss, double trainAccuracy, double testAccuracy, int epochs) {}

    public static void main(String[] args) {
        Config config = Config.defaults();
        if (args.length > 0 && !args[0].isBlank()) {
            config = new Config(config.hidden(), Integer.parseInt(args[0]), config.batchSize(), config.learningRate(),
                    config.momentum(), config.seed());
        }
        Result r = train(config, true);
        System.out.printf("digits MLP (64-%d-10, %d epochs): train loss %.4f, train accuracy %.2f%%, test accuracy %.2f%%%n",
                config.hidden(), r.epochs(), r.finalTrainLoss(), 100 * r.trainAccuracy(), 100 * r.testAccuracy());
    }

    /** Trains the network and returns its losses and accuracies. */
    public static Result train(Config c, boolean verbose) {
        Generator gen = new Generator(c.seed());
        List<Digits> parts = Digits.load().split(359, c.seed());
        Digits train = parts.get(0), test = parts.get(1);

        // Parameters, initialised with Xavier/Glorot uniform scaling: U(−a, a) with a = √(6/(fan_in + fan_out)).
        Tensor w1 = glorot(gen, Digits.PIXELS, c.hidden());
        Tensor b1 = Tensor.zeros(c.hidden()).requiresGrad(true);
        Tensor w2 = glorot(gen, c.hidden(), Digits.CLASSES);
        Tensor b2 = Tensor.zeros(Digits.CLASSES).requiresGrad(true);
        List<Tensor> params = List.of(w1, b1, w2, b2);
        List<Tensor> velocity = params.stream().map(p -> Tensor.zeros(p.shape())).toList();

        double lastLoss = Double.NaN;
        for (int epoch = 1; epoch <= c.epochs(); epoch++) {
            Tensor order = Tensor.randperm(gen, train.size());
            double lossSum = 0;
            int batches = 0;
            for (int start = 0; start < train.size(); start += c.batchSize()) {
                Tensor idx = order.slice(0, start, Math.min(start + c.batchSize(), train.size())).contiguous();
                Digits batch = train.subset(idx);
                Tensor loss = crossEntropy(forward(batch.features(), w1, b1, w2, b2), batch.labels());
                loss.backward();
                try (var scope = Autograd.noGrad()) {
                    for (int i = 0; i < params.size(); i++) {
                        Tensor p = params.get(i), v = velocity.get(i);
                        v.mulInPlace(c.momentum()).addInPlace(p.grad());
                        p.addInPlace(v, -c.learningRate());
                        p.zeroGrad();
                    }
                }
                lossSum += loss.item();
                batches++;
            }
            lastLoss = lossSum / batches;
            if (verbose && (epoch % 10 == 0 || epoch == 1)) {
                System.out.printf("epoch %3d  train loss %.4f  test accuracy %.2f%%%n", epoch, lastLoss,
                        100 * accuracy(test, w1, b1, w2, b2));
            }
        }
        return new Result(lastLoss, accuracy(train, w1, b1, w2, b2), accuracy(test, w1, b1, w2, b2), c.epochs());
    }

    private static Tensor glorot(Generator gen, int fanIn, int fanOut) {
        double a = Math.sqrt(6.0 / (fanIn + fanOut));
        return Tensor.uniform(gen, -a, a, DType.FLOAT32, fanIn, fanOut).requiresGrad(true);
    }

    /** logits = tanh(x·W₁ + b₁)·W₂ + b₂. */
    static Tensor forward(Tensor x, Tensor w1, Tensor b1, Tensor w2, Tensor b2) {
        Tensor h = x.matmul(w1).add(b1).tanh();
        return h.matmul(w2).add(b2);
    }

    /** −mean log softmax(logits)[label]: the log-probability of each true class, picked with gather. */
    static Tensor crossEntropy(Tensor logits, Tensor labels) {
        Tensor logProbs = logits.logSoftmax(1);
        return logProbs.gather(1, labels.unsqueeze(1)).mean().neg();
    }

    static double accuracy(Digits data, Tensor w1, Tensor b1, Tensor w2, Tensor b2) {
        try (var scope = Autograd.noGrad()) {
            Tensor predicted = forward(data.features(), w1, b1, w2, b2).argmax(1, false);
            return predicted.eq(data.labels()).to(DType.FLOAT32).mean().item();
        }
    }
}
