package dev.tapegrad.optim;

import java.util.List;
import java.util.Map;

/**
 * Adam's scaling (Kingma and Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015), in PyTorch's
 * arrangement:
 * <pre>
 *   m ← β₁m + (1−β₁)g        v ← β₂v + (1−β₂)g²
 *   u ← (m / (1−β₁ᵗ)) / (√v / √(1−β₂ᵗ) + ε)
 * </pre>
 * ε is added after the bias correction of √v (as in {@code torch.optim.Adam}; AdaBound and SPAM put it
 * before). With {@code amsgrad} (Reddi et al., "On the Convergence of Adam and Beyond", ICLR 2018) the
 * denominator uses the running maximum of the <em>raw</em> v, taken before bias correction, as PyTorch
 * does; optax takes the maximum of the bias-corrected v̂ instead, and the two differ from the second step on.
 */
public record ScaleByAdam() implements Transform {

    @Override
    public String name() {
        return "adam";
    }

    @Override
    public Map<String, Double> defaults() {
        return Map.of("beta1", 0.9, "beta2", 0.999, "eps", 1e-8, "amsgrad", 0.0);
    }

    @Override
    public void validate(HyperParams h) {
        h.require("adam", "beta1", 0, true, 1, false);
        h.require("adam", "beta2", 0, true, 1, false);
        h.requireNonNegative("adam", "eps");
    }

    @Override
    public void apply(List<Slot> slots, StepContext ctx) {
        HyperParams h = ctx.hyper();
        double b1 = h.get("beta1"), b2 = h.get("beta2"), eps = h.get("eps");
        boolean amsgrad = h.flag("amsgrad");
        for (Slot s : slots) {
            double[] u = s.update(), m = s.buffer("adam.m"), v = s.buffer("adam.v");
            double[] vmax = amsgrad ? s.buffer("adam.vmax") : v;
            double bc1 = 1 - Math.pow(b1, s.step());
            double sqrtBc2 = Math.sqrt(1 - Math.pow(b2, s.step()));
            for (int i = 0; i < u.length; i++) {
                double g = u[i];
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                if (amsgrad) vmax[i] = Math.max(vmax[i], v[i]);
                u[i] = (m[i] / bc1) / (Math.sqrt(vmax[i]) / sqrtBc2 + eps);
            }
        }
    }
}
