package dev.tapegrad.optim;

import java.util.List;
import java.util.Map;

/**
 * Lion's scaling (Chen et al., "Symbolic Discovery of Optimization Algorithms", NeurIPS 2023), as the
 * authors' {@code lion_pytorch.py}:
 * <pre>
 *   u ← sign(β₁m + (1−β₁)g)
 *   m ← β₂m + (1−β₂)g
 * </pre>
 * The direction interpolates with β₁ but the state is tracked with β₂ (defaults 0.9 and 0.99). Every
 * coordinate moves by exactly ±lr (or 0 where the interpolation is 0, sign(0) = 0), so Lion wants a learning
 * rate 3–10× smaller than AdamW's and a correspondingly larger decoupled weight decay.
 */
public record ScaleByLion() implements Transform {

    @Override
    public String name() {
        return "lion";
    }

    @Override
    public Map<String, Double> defaults() {
        return Map.of("beta1", 0.9, "beta2", 0.99);
    }

    @Override
    public void validate(HyperParams h) {
        h.require(name(), "beta1", 0, true, 1, true);
        h.require(name(), "beta2", 0, true, 1, true);
    }

    @Override
    public void apply(List<Slot> slots, StepContext ctx) {
        double b1 = ctx.hyper().get("beta1"), b2 = ctx.hyper().get("beta2");
        for (Slot s : slots) {
            double[] u = s.update(), m = s.buffer("lion.m");
            for (int i = 0; i < u.length; i++) {
                double g = u[i];
                u[i] = Math.signum(b1 * m[i] + (1 - b1) * g);
                m[i] = b2 * m[i] + (1 - b2) * g;
            }
        }
    }
}
