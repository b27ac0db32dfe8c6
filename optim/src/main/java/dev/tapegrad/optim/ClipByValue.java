package dev.tapegrad.optim;

import java.util.List;
import java.util.Map;

/**
 * Elementwise clipping: u ← min(max(u, −clipValue), clipValue), as optax's {@code clip} and torch's
 * {@code clip_grad_value_}. Changes the update's direction (unlike {@link ClipByNorm}). NaN stays NaN.
 *
 * @param defaultClip the default bound (hyper-parameter {@code clipValue})
 */
public record ClipByValue(double defaultClip) implements Transform {

    @Override
    public String name() {
        return "clipByValue";
    }

    @Override
    public Map<String, Double> defaults() {
        return Map.of("clipValue", defaultClip);
    }

    @Override
    public void validate(HyperParams h) {
        h.requireNonNegative(name(), "clipValue");
    }

    @Override
    public void apply(List<Slot> slots, StepContext ctx) {
        double c = ctx.hyper().get("clipValue");
        for (Slot s : slots) {
            double[] u = s.update();
            for (int i = 0; i < u.length; i++) u[i] = Math.min(Math.max(u[i], -c), c);
        }
    }
}
