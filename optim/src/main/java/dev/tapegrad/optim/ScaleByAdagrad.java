package dev.tapegrad.optim;

import java.util.List;
import java.util.Map;

/**
 * Adagrad's scaling (Duchi, Hazan and Singer, "Adaptive Subgradient Methods for Online Learning and
 * Stochastic Optimization", JMLR 2011), as {@code torch.optim.Adagrad}:
 * <pre>
 *   s ← s + g²          (s starts at initialAccumulator)
 *   u ← g / (√s + ε)
 * </pre>
 * ε is added outside the square root (torch, default 1e-10); optax's {@code scale_by_rss} puts it inside
 * and starts the sum at 0.1.
 */
public record ScaleByAdagrad() implements Transform {

    @Override
    public String name() {
        return "adagrad";
    }

    @Override
    public Map<String, Double> defaults() {
        return Map.of("eps", 1e-10, "initialAccumulator", 0.0);
    }

    @Override
    public void validate(HyperParams h) {
        h.requireNonNegative(name(), "eps");
        h.requireNonNegative(name(), "initialAccumulator");
    }

    /** The accumulator is created with the initialAccumulator value in force on the parameter's first step. */
    @Override
    public void apply(List<Slot> slots, StepContext ctx) {
        double eps = ctx.hyper().get("eps"), init = ctx.hyper().get("initialAccumulator");
        for (Slot s : slots) {
            double[] u = s.update(), sum = s.buffer("adagrad.sum", init);
            for (int i = 0; i < u.length; i++) {
                sum[i] += u[i] * u[i];
                u[i] = u[i] / (Math.sqrt(sum[i]) + eps);
            }
        }
    }
}
