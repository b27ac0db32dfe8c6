package dev.tapegrad.optim;

import java.util.List;
import java.util.Map;

/**
 * u ← −lr·u: turns a descent direction into the step added to the parameters. Usually the last transform
 * of a chain; the learning rate may follow a schedule like any hyper-parameter.
 *
 * @param defaultLr the default learning rate of the optimizer this transform ends
 */
public record ScaleByLearningRate(double defaultLr) implements Transform {

    @Override
    public String name() {
        return "scaleByLr";
    }

    @Override
    public Map<String, Double> defaults() {
        return Map.of("lr", defaultLr);
    }

    @Override
    public void validate(HyperParams h) {
        h.requireNonNegative(name(), "lr");
    }

    @Override
    public void apply(List<Slot> slots, StepContext ctx) {
        double scale = -ctx.hyper().get("lr");
        for (Slot s : slots) {
            Lanes.scale(s.update(), scale); // u[i] *= scale
        }
    }

}
