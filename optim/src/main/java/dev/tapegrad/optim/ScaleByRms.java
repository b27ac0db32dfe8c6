package dev.tapegrad.optim;

import java.util.List;
import java.util.Map;

/**
 * RMSprop's scaling (Tieleman and Hinton, Coursera lecture 6.5, 2012), as {@code torch.optim.RMSprop}:
 * <pre>
 *   v ← αv + (1−α)g²
 *   u ← g / (√v + ε)                    (plain)
 *   m ← αm + (1−α)g,  u ← g / (√(v − m²) + ε)   (centered, Graves 2013: divides by a variance estimate)
 * </pre>
 * ε is added outside the square root (torch, default 1e-8, α = 0.99); optax's {@code rmsprop} puts ε
 * inside ({@code eps_in_sqrt=True}) with decay 0.9, so the two differ from the first step. RMSprop's
 * The centered variance is floored at 0 against rounding (torch would take √ of a tiny negative number and
 * give NaN). RMSprop's momentum is a following {@link SgdMomentum} with zero dampening.
 */
public record ScaleByRms() implements Transform {

    @Override
    public String name() {
        return "rmsprop";
    }

    @Override
    public Map<String, Double> defaults() {
        return Map.of("alpha", 0.99, "eps", 1e-8, "centered", 0.0);
    }

    @Override
    public void validate(HyperParams h) {
        h.require(name(), "alpha", 0, true, 1, true);
        h.requireNonNegative(name(), "eps");
    }

    @Override
    public void apply(List<Slot> slots, StepContext ctx) {
        HyperParams h = ctx.hyper();
        double alpha = h.get("alpha"), eps = h.get("eps");
        boolean centered = h.flag("centered");
        for (Slot s : slots) {
            double[] u = s.update(), v = s.buffer("rmsprop.v");
            double[] m = centered ? s.buffer("rmsprop.m") : null;
            for (int i = 0; i < u.length; i++) {
                double g = u[i];
                v[i] = alpha * v[i] + (1 - alpha) * g * g;
                double var = v[i];
                if (centered) {
                    m[i] = alpha * m[i] + (1 - alpha) * g;
                    var = Math.max(var - m[i] * m[i], 0); // rounding could make it negative (torch: NaN)
                }
                u[i] = g / (Math.sqrt(var) + eps);
            }
        }
    }
}
