package dev.tapegrad.optim;

import static org.junit.jupiter.api.Assertions.*;

import dev.tapegrad.Autograd;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The claims of "Ghosts of Softmax" in miniature, on a small tanh softmax classifier with fixed seeds:
 * (a) an update with normalised step r &lt; 1 never increases the loss catastrophically, while r ≥ 1 can;
 * (b) with the safe-step controller, training survives a 10,000× learning-rate spike that makes plain training
 * diverge, and ends close to the run without the spike.
 */
class SafeStepClaimsTest {

    /** r values below and at or above the radius that the scan of (a) visits. */
    private static final double[] INSIDE = {0.1, 0.25, 0.5, 0.75, 0.9, 0.99};
    private static final double[] OUTSIDE = {1, 2, 5, 10, 30, 100};
    /** A step is catastrophic when it more than doubles the loss. */
    private static final double CATASTROPHIC = 2;

    @Test
    void updatesInsideTheRadiusAreNeverCatastrophicAndOutsideTheyCanBe() {
        for (long seed : new long[] {1, 2, 3}) {
            SoftmaxToy toy = new SoftmaxToy(seed, 256, 8, 5, 16);
            Generator gen = new Generator(seed + 100);
            for (int probe = 0; probe < 4; probe++) {
                Tensor loss = toy.loss();
                Tensor[] grads = Autograd.grad(loss, toy.params.values().toArray(Tensor[]::new));
                double before = loss.item();
                int i = 0;
                Map<String, Tensor> gradient = new LinkedHashMap<>(), sign = new LinkedHashMap<>(), random = new LinkedHashMap<>();
                for (Map.Entry<String, Tensor> e : toy.params.entrySet()) {
                    gradient.put(e.getKey(), grads[i].neg());                           // gradient descent
                    sign.put(e.getKey(), grads[i].sign().neg());                        // an Adam-like, sign-shaped update
                    random.put(e.getKey(), Tensor.randn(gen, e.getValue().dtype(), e.getValue().shape()));
                    i++;
                }
                String where = "seed " + seed + ", probe " + probe + ", loss " + before;
                for (Map<String, Tensor> u : java.util.List.of(gradient, sign, random)) {
                    String kind = u == gradient ? "gradient" : u == sign ? "sign" : "random";
                    double r1 = SoftmaxStepRadius.measure(toy.params, u, toy::logits).normalisedStep();
                    // inside: not even a quarter of the way to catastrophic (the worst seen here is about +10%)
                    for (double r : INSIDE) {
                        double after = lossAfter(toy, u, r / r1);
                        assertTrue(after < 1.25 * before, where + ", " + kind + " step with r = " + r + ": loss " + after);
                    }
                    double worst = 0;
                    for (double r : OUTSIDE) worst = Math.max(worst, lossAfter(toy, u, r / r1));
                    assertTrue(worst > CATASTROPHIC * before, where + ", " + kind + ": no step with r >= 1 was catastrophic (worst "
                            + worst + ")");
                }
                train(toy, 40 * (probe + 1));                                            // move on along training
            }
        }
    }

    /** The loss at θ + s·u, with θ restored afterwards. */
    private static double lossAfter(SoftmaxToy toy, Map<String, Tensor> u, double s) {
        Map<String, double[]> base = toy.values();
        try (var scope = Autograd.noGrad()) {
            toy.moveTo(base, u, s);
            return toy.loss().item();
        } finally {
            toy.moveTo(base, u, 0);
        }
    }

    /** Full-batch gradient descent with lr 0.5. */
    private static void train(SoftmaxToy toy, int steps) {
        for (int k = 0; k < steps; k++) {
            Tensor[] g = Autograd.grad(toy.loss(), toy.params.values().toArray(Tensor[]::new));
            try (var scope = Autograd.noGrad()) {
                int i = 0;
                for (Tensor p : toy.params.values()) p.addInPlace(g[i++], -0.5);
            }
        }
    }

    /** Final full-batch loss of 300 steps of SGD with momentum, with an optional 10,000× spike at steps 100–102. */
    static double trainWithSpike(long seed, boolean spike, boolean controlled) {
        SoftmaxToy toy = new SoftmaxToy(seed, 256, 8, 5, 16);
        Schedule lr = spike ? k -> k >= 100 && k < 103 ? 0.2 * 10_000 : 0.2 : Schedule.constant(0.2);
        Optimizer opt = Optimizer.builder(Optimizers.sgd()).params(toy.params).set("momentum", 0.9).schedule("lr", lr).build();
        SafeStepController safe = SafeStepController.builder(opt).build();
        for (int k = 0; k < 300; k++) {
            opt.zeroGrad();
            toy.loss().backward();
            if (controlled) safe.step(toy::logits);
            else opt.step();
        }
        try (var scope = Autograd.noGrad()) {
            return toy.loss().item();
        }
    }

    @Test
    void theControllerSurvivesALearningRateSpikeThatWrecksPlainTraining() {
        for (long seed : new long[] {1, 2}) {
            double reference = trainWithSpike(seed, false, false);
            double plain = trainWithSpike(seed, true, false);
            double controlled = trainWithSpike(seed, true, true);
            String report = "seed " + seed + ": no spike " + reference + ", plain with spike " + plain + ", controlled with spike " + controlled;
            assertTrue(!Double.isFinite(plain) || plain > 10 * reference, "plain training did not diverge: " + report);
            assertTrue(Math.abs(controlled - reference) < 0.1 * reference, "the controlled run did not recover: " + report);
        }
    }
}
