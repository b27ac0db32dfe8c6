package dev.tapegrad.bench;

import dev.tapegrad.Generator;
import dev.tapegrad.MemoryScope;
import dev.tapegrad.Tensor;
import dev.tapegrad.nn.ActivationModule;
import dev.tapegrad.nn.Linear;
import dev.tapegrad.nn.Losses;
import dev.tapegrad.nn.Sequential;
import dev.tapegrad.optim.Optimizer;
import dev.tapegrad.optim.Optimizers;
import java.util.Map;

/**
 * The MLP workload of {@code bench/reference/ad_mlp_step.py}: 784 → 512 → ReLU → 512 → ReLU → 10 ({@link Linear} layers
 * with bias, PyTorch's default init from generator 0), a fixed batch X ~ N(0, 1) of [128, 784] and labels in
 * [0, 10) (generator 1, X first), loss = mean cross-entropy. One step = clear gradients + forward + backward
 * + Adam (lr 1e-3, β = (0.9, 0.999), ε = 1e-8).
 */
final class WorkloadMlp {
    private final Sequential model;
    private final Tensor x, y;
    private final Optimizer adam;

    WorkloadMlp() {
        Generator init = new Generator(0);
        model = new Sequential(new Linear(init, 784, 512), ActivationModule.relu(), new Linear(init, 512, 512),
                ActivationModule.relu(), new Linear(init, 512, 10));
        Generator data = new Generator(1);
        x = Tensor.randn(data, 128, 784);
        y = Tensor.randint(data, 0, 10, 128);
        adam = Optimizers.create("adam", Map.of("lr", 1e-3, "beta1", 0.9, "beta2", 0.999, "eps", 1e-8),
                model.namedParameters());
    }

    /**
     * One training step; returns the loss. The step runs in a {@link MemoryScope}, so from the second step
     * on its buffers (activations, intermediate and parameter gradients) are reused from the previous
     * steps instead of allocated; the loss is kept out of the scope for the caller.
     */
    Tensor step() {
        try (var scope = MemoryScope.open()) {
            adam.zeroGrad();
            Tensor loss = Losses.crossEntropy(model.forward(x), y);
            loss.backward();
            adam.step();
            return MemoryScope.keep(loss);
        }
    }
}
