package dev.tapegrad.optim;

import java.util.List;
import java.util.Map;

/**
 * Adamax's scaling (Kingma and Ba, "Adam", ICLR 2015, §7.1: Adam with the infinity norm), as
 * {@code torch.optim.Adamax}:
 * <pre>
 *   m ← β₁m + (1−β₁)g
 *   n ← max(β₂n, |g| + ε)
 *   u ← (m / (1−β₁ᵗ)) / n
 * </pre>
 * ε is inside the maximum (torch); optax's {@code scale_by_adamax} adds it after the maximum
 * ({@code m̂ / (n + ε)} with {@code n = max(β₂n, |g|)}).
 */
public record ScaleByAdamax() implements Transform {

    @Override
    public String name() {
        return "adamax";
    }

    @Override
    public Map<String, Double> defaults() {
        return Map.of("beta1", 0.9, "beta2", 0.999, "eps", 1e-8);
    }

    @Override
    public void validate(HyperParams h) {
        h.require(name(), "beta1", 0, true, 1, false);
        h.require(name(), "beta2", 0, true, 1, false);
        h.requireNonNegative(name(), "eps");
    }

    @Override
    public void apply(List<Slot> slots, StepContext ctx) {
        HyperParams h = ctx.hyper();
        double b1 = h.get("beta1"), b2 = h.get("beta2"), eps = h.get("eps");
        for (Slot s : slots) {
            double[] u = s.update(), m = s.buffer("adamax.m"), n = s.buffer("adamax.inf");
            double bc1 = 1 - Math.pow(b1, s.step());
            for (int i = 0; i < u.length; i++) {
                double g = u[i];
                m[i] = b1 * m[i] + (1 - b1) * g;
                n[i] = Math.max(b2 * n[i], Math.abs(g) + eps);
                u[i] = (m[i] / bc1) / n[i];
            }
        }
    }
}
