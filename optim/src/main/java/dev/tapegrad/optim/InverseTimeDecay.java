package dev.tapegrad.optim;

import java.util.List;
import java.util.Map;

/**
 * Adagrad's learning-rate decay as a scaling of the update: u ← u / (1 + (t − 1)·lrDecay), where t is the
 * parameter's own step count (1 on its first update), so that a following {@link ScaleByLearningRate}
 * steps by lr / (1 + (t − 1)·lrDecay) as {@code torch.optim.Adagrad}'s {@code lr_decay} does.
 */
public record InverseTimeDecay() implements Transform {

    @Override
    public String name() {
        return "inverseTimeDecay";
    }

    @Override
    public Map<String, Double> defaults() {
        return Map.of("lrDecay", 0.0);
    }

    @Override
    public void validate(HyperParams h) {
        h.requireNonNegative(name(), "lrDecay");
    }

    @Override
    public void apply(List<Slot> slots, StepContext ctx) {
        double decay = ctx.hyper().get("lrDecay");
        if (decay == 0) return;
        for (Slot s : slots) {
            double divisor = 1 + (s.step() - 1) * decay;
            Lanes.divide(s.update(), divisor);
        }
    }
}
