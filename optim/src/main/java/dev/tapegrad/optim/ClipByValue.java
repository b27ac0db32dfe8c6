package dev.tapegrad.optim;

import static dev.tapegrad.optim.Lanes.S;

import java.util.List;
import java.util.Map;
import jdk.incubator.vector.DoubleVector;

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
            kernel(s.update(), c);
        }
    }

    /** The clip over a whole array with the Vector API, bit for bit {@link #reference} (see {@link Lanes}). */
    static void kernel(double[] u, double c) {
        int i = 0;
        for (int end = S.loopBound(u.length); i < end; i += S.length()) {
            DoubleVector.fromArray(S, u, i).max(-c).min(c).intoArray(u, i);
        }
        reference(u, c, i, u.length);
    }

    /** The clip's definition over {@code [from, to)}. */
    static void reference(double[] u, double c, int from, int to) {
        for (int i = from; i < to; i++) u[i] = Math.min(Math.max(u[i], -c), c);
    }
}
