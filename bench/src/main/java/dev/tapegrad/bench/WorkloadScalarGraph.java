package dev.tapegrad.bench;

import dev.tapegrad.Autograd;
import dev.tapegrad.DType;
import dev.tapegrad.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The scalar-graph workload of {@code bench/reference/ad_scalar_graph.py}: micrograd's 2-16-16-1 MLP on 0-dim float32
 * tensors. A neuron computes act(Σᵢ wᵢ·xᵢ + b) summed left to right (s = w₀x₀; s = s + wᵢxᵢ; s = s + b), tanh
 * on the hidden layers, identity at the output; the loss is Σₛ (predₛ − yₛ)² over 16 samples. One step =
 * forward + backward + SGD θ ← θ − 0.01·∇θ with the gradients cleared: {@value #OPS} graph ops, 337 parameters.
 */
final class WorkloadScalarGraph {
    /** Graph-building ops per step (mul, add, tanh, sub, square-as-mul), as counted by the reference. */
    static final int OPS = 10_287;
    private static final int[] SIZES = {2, 16, 16, 1};
    private static final int SAMPLES = 16;

    /** layers → neurons → weights followed by the bias. */
    private final List<List<Tensor[]>> layers = new ArrayList<>();
    private final List<Tensor> params = new ArrayList<>();
    private final Tensor[][] inputs = new Tensor[SAMPLES][];
    private final Tensor[] labels = new Tensor[SAMPLES];

    WorkloadScalarGraph() {
        Lcg rng = new Lcg(42);
        for (int l = 0; l + 1 < SIZES.length; l++) {
            List<Tensor[]> layer = new ArrayList<>();
            for (int n = 0; n < SIZES[l + 1]; n++) {
                Tensor[] neuron = new Tensor[SIZES[l] + 1];
                for (int i = 0; i < neuron.length; i++) {
                    neuron[i] = Tensor.scalar(rng.next(), DType.FLOAT32).requiresGrad(true);
                    params.add(neuron[i]);
                }
                layer.add(neuron);
            }
            layers.add(layer);
        }
        for (int s = 0; s < SAMPLES; s++) {
            double x0 = rng.next(), x1 = rng.next();
            inputs[s] = new Tensor[] {Tensor.scalar(x0), Tensor.scalar(x1)};
            labels[s] = Tensor.scalar(x0 * x1 > 0 ? 1.0 : -1.0);
        }
    }

    /** Builds the graph and returns the loss. */
    Tensor forward() {
        Tensor loss = null;
        for (int s = 0; s < SAMPLES; s++) {
            Tensor[] h = inputs[s];
            for (int l = 0; l < layers.size(); l++) {
                List<Tensor[]> layer = layers.get(l);
                Tensor[] out = new Tensor[layer.size()];
                for (int n = 0; n < out.length; n++) {
                    Tensor[] w = layer.get(n);
                    int nin = w.length - 1;
                    Tensor acc = w[0].mul(h[0]);
                    for (int i = 1; i < nin; i++) acc = acc.add(w[i].mul(h[i]));
                    acc = acc.add(w[nin]);
                    out[n] = l < layers.size() - 1 ? acc.tanh() : acc;
                }
                h = out;
            }
            Tensor d = h[0].sub(labels[s]);
            Tensor sq = d.mul(d);
            loss = loss == null ? sq : loss.add(sq);
        }
        return loss;
    }

    /** One step: forward, backward, SGD with lr 0.01, gradients cleared. Returns the loss. */
    Tensor step() {
        Tensor loss = forward();
        loss.backward();
        try (var scope = Autograd.noGrad()) {
            for (Tensor p : params) {
                p.addInPlace(p.grad(), -0.01);
                p.zeroGrad();
            }
        }
        return loss;
    }

    /** The reference's 64-bit LCG: u = ((state ≫ 40) / 2²⁴)·2 − 1 ∈ [−1, 1). */
    private static final class Lcg {
        private long state;

        Lcg(long seed) {
            state = seed;
        }

        double next() {
            state = state * 6364136223846793005L + 1442695040888963407L;
            return ((state >>> 40) / (double) (1 << 24)) * 2.0 - 1.0;
        }
    }
}
