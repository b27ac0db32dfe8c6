package dev.tapegrad.optim;

import java.util.List;
import java.util.Map;

/**
 * AdaGrad-Norm's scaling (Ward, Wu, Bottou, "AdaGrad stepsizes: Sharp convergence over nonconvex
 * landscapes", ICML 2019 / JMLR 2020): one scalar accumulator for the whole parameter group,
 * <pre>
 *   b² ← b² + ‖g‖²   (‖g‖ over every parameter of the group; b² starts at b0²)
 *   u ← g / b
 * </pre>
 * followed by the learning rate η, so x ← x − (η/b)·g with the current gradient already in b. b² is group
 * state ({@code adagradnorm.b2}), accumulated in double. b0 must be positive, so b never vanishes (b0 = 0
 * with a zero first gradient would be 0/0). There is no reference library implementation; the defaults
 * η = 1, b0 = 1 are ours.
 */
public record ScaleByAdagradNorm() implements Transform {

    @Override
    public String name() {
        return "adagradnorm";
    }

    @Override
    public Map<String, Double> defaults() {
        return Map.of("b0", 1.0);
    }

    @Override
    public void validate(HyperParams h) {
        h.requireOpen("adagradnorm", "b0", 0, Double.POSITIVE_INFINITY);
    }

    @Override
    public void apply(List<Slot> slots, StepContext ctx) {
        double b0 = ctx.hyper().get("b0");
        double b2 = ctx.scalar("adagradnorm.b2", b0 * b0);
        for (Slot s : slots) for (double g : s.update()) b2 += g * g;
        ctx.setScalar("adagradnorm.b2", b2);
        double b = Math.sqrt(b2);
        for (Slot s : slots) {
            Lanes.divide(s.update(), b);
        }
    }
}
