package dev.tapegrad.optim;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * SGDP's momentum ({@code clovaai/AdamP}, {@code sgdp.py}): b ← μ·b + (1 − dampening)·g with the buffer
 * starting at <em>zero</em>, and direction b, or g + μ·b with Nesterov.
 *
 * <p>This differs from {@link SgdMomentum} (torch SGD) in two ways, which is why it is a separate rule:
 * torch starts the buffer at the first gradient, so with dampening ≠ 0 the first steps differ; and with
 * μ = 0 torch ignores dampening while here the direction is (1 − dampening)·g. No Nesterov constraint is
 * imposed, as in the reference. Without Nesterov, SGDP's projection also projects this buffer in place
 * (see {@link RadialProjection}).
 */
public record SgdpMomentum() implements Transform {

    @Override
    public String name() {
        return "momentum";
    }

    @Override
    public Set<String> stateKeys() {
        return Set.of("momentum.buf");
    }

    @Override
    public Map<String, Double> defaults() {
        return Map.of("momentum", 0.0, "dampening", 0.0, "nesterov", 0.0);
    }

    @Override
    public void validate(HyperParams h) {
        // μ = 1 would divide SGDP's decay by zero (see RadialProjection); the reference does not check.
        h.requireClosedOpen("sgdp", "momentum", 0, 1);
        h.requireClosed("sgdp", "dampening", 0, 1);
    }

    @Override
    public void apply(List<Slot> slots, StepContext ctx) {
        double mu = ctx.hyper().get("momentum"), damp = ctx.hyper().get("dampening");
        boolean nesterov = ctx.hyper().flag("nesterov");
        for (Slot s : slots) {
            double[] u = s.update(), b = s.buffer("momentum.buf");
            for (int i = 0; i < u.length; i++) {
                b[i] = b[i] * mu + (1 - damp) * u[i];
                u[i] = nesterov ? u[i] + mu * b[i] : b[i];
            }
        }
    }
}
