package dev.tapegrad.optim;

import java.util.List;
import java.util.Map;

/**
 * Gradient clipping by Euclidean norm, placed at the start of a chain (see {@link Optimizers#prepend}):
 * <pre>
 *   u ← u · min(1, maxNorm / ‖u‖)
 * </pre>
 * <b>Global</b> ({@link #global}, optax's {@code clip_by_global_norm}, torch's {@code clip_grad_norm_}): ‖u‖ is
 * the norm of all the group's updates taken together, so the direction of the whole step is kept. Note that
 * an {@link Optimizer} applies its rule group by group: with several parameter groups (e.g. a
 * {@code no_decay} group), each group is clipped by its own norm. <b>Per parameter</b> ({@link #perParameter}):
 * each tensor is clipped by its own norm.
 *
 * <p>Semantics follow optax: no ε, and a norm equal to maxNorm (or below) leaves the update bit-for-bit
 * unchanged (optax computes {@code u/‖u‖·max} at equality, which can differ by an ulp). torch's
 * {@code clip_grad_norm_} always multiplies by {@code min(1, max/(‖g‖ + 1e-6))}, so it shrinks by ~1e-6/‖g‖
 * even at ‖g‖ = max ([3, 4] with max 5 gives [2.9999994, 3.9999992]). A non-finite norm is not hidden: the
 * update becomes NaN or 0 as the arithmetic says.
 *
 * @param name     the transform's name ({@code clipByGlobalNorm} or {@code clipByParamNorm})
 * @param key      the hyper-parameter holding the maximum ({@code maxNorm} or {@code maxParamNorm})
 * @param global   whether one norm covers the whole group
 * @param defaultMax the default maximum norm
 */
public record ClipByNorm(String name, String key, boolean global, double defaultMax) implements Transform {

    /** Clips the group's updates, taken together, to norm ≤ maxNorm (hyper-parameter {@code maxNorm}). */
    public static ClipByNorm global(double maxNorm) {
        return new ClipByNorm("clipByGlobalNorm", "maxNorm", true, maxNorm);
    }

    /** Clips each parameter's update to norm ≤ maxParamNorm (hyper-parameter {@code maxParamNorm}). */
    public static ClipByNorm perParameter(double maxNorm) {
        return new ClipByNorm("clipByParamNorm", "maxParamNorm", false, maxNorm);
    }

    @Override
    public Map<String, Double> defaults() {
        return Map.of(key, defaultMax);
    }

    @Override
    public void validate(HyperParams h) {
        h.requireNonNegative(name, key);
    }

    @Override
    public void apply(List<Slot> slots, StepContext ctx) {
        double max = ctx.hyper().get(key);
        if (global) {
            clip(slots, max);
        } else {
            for (Slot s : slots) clip(List.of(s), max);
        }
    }

    /** Scales the updates of {@code slots} by max/‖u‖ when their joint norm ‖u‖ exceeds max. */
    private static void clip(List<Slot> slots, double max) {
        double sum = 0;
        for (Slot s : slots) sum += VectorNorms.sumOfSquares(s.update(), 0, s.size());
        double norm = Math.sqrt(sum);
        if (norm <= max) return;
        double scale = max / norm;
        for (Slot s : slots) {
            Lanes.scale(s.update(), scale);
        }
    }
}
