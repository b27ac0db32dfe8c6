package dev.tapegrad.optim;

import java.util.List;
import java.util.Map;

/**
 * The layer-wise trust ratio of LARS and LAMB, as optax's {@code scale_by_trust_ratio}, per parameter
 * tensor:
 * <pre>
 *   r = trustCoefficient · ‖θ‖ / (‖u‖ + eps),   r := 1 when ‖θ‖ = 0 or ‖u‖ = 0
 *   u ← r·u
 * </pre>
 * (Euclidean norms over the whole tensor.) The rule r := 1 for a zero norm lets zero-initialised parameters
 * (biases) move at all: they get the plain step −lr·u (cybertronai/pytorch-lamb PR 6). torch-optimizer's
 * LARS skips the scaling in that case instead, which is the same thing for the step. Defaults are LARS's
 * (trustCoefficient 1e-3, eps 0); LAMB fixes trustCoefficient 1 and eps 0 with {@link Configured}.
 */
public record ScaleByTrustRatio() implements Transform {

    @Override
    public String name() {
        return "trustRatio";
    }

    @Override
    public Map<String, Double> defaults() {
        return Map.of("trustCoefficient", 1e-3, "eps", 0.0);
    }

    @Override
    public void validate(HyperParams h) {
        h.requireOpen(name(), "trustCoefficient", 0, Double.POSITIVE_INFINITY);
        h.requireNonNegative(name(), "eps");
    }

    @Override
    public void apply(List<Slot> slots, StepContext ctx) {
        double coefficient = ctx.hyper().get("trustCoefficient"), eps = ctx.hyper().get("eps");
        for (Slot s : slots) {
            double[] u = s.update();
            double paramNorm = VectorNorms.norm(s.param(), 0, u.length), updateNorm = VectorNorms.norm(u, 0, u.length);
            if (paramNorm == 0 || updateNorm == 0) continue;
            double ratio = coefficient * paramNorm / (updateNorm + eps);
            Lanes.scale(u, ratio);
        }
    }
}
