package dev.tapegrad.optim;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Adam's bias-corrected direction with an optional Nesterov numerator, as AdamP computes it before its
 * projection ({@code clovaai/AdamP}, {@code adamp.py}):
 * <pre>
 *   m ← β₁m + (1−β₁)g        v ← β₂v + (1−β₂)g²        d = √v/√(1−β₂ᵗ) + ε
 *   u ← n / d / (1−β₁ᵗ),      n = m,  or with nesterov  n = β₁m + (1−β₁)g
 * </pre>
 * ε sits after the bias correction, as in torch Adam. This is not {@link ScaleByAdam} because of the
 * Nesterov numerator and because AdamP has no AMSGrad option (so no {@code amsgrad} hyper-parameter).
 * The learning rate is applied later in the chain.
 */
public record AdamDirection() implements Transform {

    @Override
    public String name() {
        return "adamp";
    }

    @Override
    public Set<String> stateKeys() {
        return Set.of("adamp.m", "adamp.v");
    }

    @Override
    public Map<String, Double> defaults() {
        return Map.of("beta1", 0.9, "beta2", 0.999, "eps", 1e-8, "nesterov", 0.0);
    }

    @Override
    public void validate(HyperParams h) {
        h.requireClosedOpen("adamp", "beta1", 0, 1);
        h.requireClosedOpen("adamp", "beta2", 0, 1);
        h.requireNonNegative("adamp", "eps");
    }

    @Override
    public void apply(List<Slot> slots, StepContext ctx) {
        HyperParams h = ctx.hyper();
        double b1 = h.get("beta1"), b2 = h.get("beta2"), eps = h.get("eps");
        boolean nesterov = h.flag("nesterov");
        for (Slot s : slots) {
            double[] u = s.update(), m = s.buffer("adamp.m"), v = s.buffer("adamp.v");
            double bc1 = 1 - Math.pow(b1, s.step());
            double sqrtBc2 = Math.sqrt(1 - Math.pow(b2, s.step()));
            for (int i = 0; i < u.length; i++) {
                double g = u[i];
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double numerator = nesterov ? b1 * m[i] + (1 - b1) * g : m[i];
                u[i] = numerator / (Math.sqrt(v[i]) / sqrtBc2 + eps) / bc1;
            }
        }
    }
}
