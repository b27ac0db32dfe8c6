package dev.tapegrad.optim;

import java.util.List;
import java.util.Map;

/**
 * Heavy-ball momentum as in PyTorch's SGD: the buffer starts as the first gradient, then
 * b ← μ·b + (1 − dampening)·g, and the direction is b, or g + μ·b with Nesterov momentum
 * (Sutskever et al., "On the importance of initialization and momentum in deep learning", ICML 2013).
 * With μ = 0 the update is the gradient itself.
 */
public record SgdMomentum() implements Transform {

    @Override
    public String name() {
        return "momentum";
    }

    @Override
    public Map<String, Double> defaults() {
        return Map.of("momentum", 0.0, "dampening", 0.0, "nesterov", 0.0);
    }

    @Override
    public void validate(HyperParams h) {
        h.requireNonNegative("sgd", "momentum");
        h.require("sgd", "dampening", 0, true, 1, true);
        if (h.flag("nesterov") && (h.get("momentum") <= 0 || h.get("dampening") != 0)) {
            throw new IllegalArgumentException("sgd: Nesterov momentum needs momentum > 0 and dampening = 0, got momentum "
                    + h.get("momentum") + ", dampening " + h.get("dampening"));
        }
    }

    @Override
    public void apply(List<Slot> slots, StepContext ctx) {
        double mu = ctx.hyper().get("momentum"), damp = ctx.hyper().get("dampening");
        if (mu == 0) return;
        boolean nesterov = ctx.hyper().flag("nesterov");
        for (Slot s : slots) {
            double[] u = s.update();
            boolean first = !s.hasBuffer("momentum.buf");
            double[] b = s.buffer("momentum.buf");
            for (int i = 0; i < u.length; i++) {
                b[i] = first ? u[i] : mu * b[i] + (1 - damp) * u[i];
                u[i] = nesterov ? u[i] + mu * b[i] : b[i];
            }
        }
    }
}
