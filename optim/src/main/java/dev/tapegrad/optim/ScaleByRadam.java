package dev.tapegrad.optim;

import java.util.List;
import java.util.Map;

/**
 * RAdam's scaling (Liu et al., "On the Variance of the Adaptive Learning Rate and Beyond", ICLR 2020), as
 * {@code torch.optim.RAdam}:
 * <pre>
 *   m ← β₁m + (1−β₁)g        v ← β₂v + (1−β₂)g²        m̂ = m / (1−β₁ᵗ)
 *   ρ∞ = 2/(1−β₂) − 1         ρ_t = ρ∞ − 2tβ₂ᵗ/(1−β₂ᵗ)
 *   if ρ_t &gt; 5:  r = √((ρ_t−4)(ρ_t−2)ρ∞ / ((ρ∞−4)(ρ∞−2)ρ_t)),  u ← m̂ · r · √(1−β₂ᵗ) / (√v + ε)
 *   else:        u ← m̂        (an un-normalised momentum-SGD step)
 * </pre>
 * Choices: the threshold is ρ_t &gt; 5 (torch, optax; the paper says 4). ε is added to √v <em>before</em> the
 * bias correction, as torch's RAdam does (unlike its Adam, which adds ε to √v/√(1−β₂ᵗ)). With β₂ ≤ 0.6,
 * ρ∞ ≤ 4 and the step is never rectified.
 */
public record ScaleByRadam() implements Transform {

    @Override
    public String name() {
        return "radam";
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
        double rhoInf = 2 / (1 - b2) - 1;
        for (Slot s : slots) {
            long t = s.step();
            double bc1 = 1 - Math.pow(b1, t), b2t = Math.pow(b2, t), bc2 = 1 - b2t;
            double rho = rhoInf - 2 * t * b2t / bc2;
            boolean rectify = rho > 5;
            double scale = rectify
                    ? Math.sqrt((rho - 4) * (rho - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rho)) * Math.sqrt(bc2)
                    : 0;
            double[] u = s.update(), m = s.buffer("radam.m"), v = s.buffer("radam.v");
            for (int i = 0; i < u.length; i++) {
                double g = u[i];
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double mHat = m[i] / bc1;
                u[i] = rectify ? mHat * scale / (Math.sqrt(v[i]) + eps) : mHat;
            }
        }
    }
}
