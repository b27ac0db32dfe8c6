package dev.tapegrad.optim;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One small update rule with explicit state, in the style of optax's {@code GradientTransformation}:
 * it rewrites each parameter's working {@linkplain Slot#update() update} in place (scale by Adam moments,
 * add decayed weights, scale by the learning rate, clip, ...), reading the parameters, gradients and its
 * own state buffers. Named optimizers are {@link Chain}s of transforms; the optimizer finally adds the
 * update to each parameter.
 *
 * <p>A transform processes a whole parameter group at once, so that rules which need global quantities
 * (the global gradient norm, D-Adaptation's estimates) are written the same way as per-element ones.
 *
 * <p>A {@link FusedRule} is the exception to "the optimizer adds the update": as an optimizer's whole rule
 * it writes the parameters itself in one pass, and the optimizer skips θ ← θ + u.
 */
public interface Transform {

    /** A short name, unique within a chain; state keys are prefixed with it. */
    String name();

    /**
     * Names of the per-parameter state buffers this transform may create through {@link Slot#buffer}. Loading a
     * saved state refuses any other buffer name (a renamed moment would otherwise silently restart from zero), and
     * saving refuses a buffer the rule did not declare, so a transform that keeps state must list every key here.
     */
    default Set<String> stateKeys() {
        return Set.of();
    }

    /** Default values of the hyper-parameters this transform reads. */
    default Map<String, Double> defaults() {
        return Map.of();
    }

    /** Checks the hyper-parameters' ranges, throwing {@link IllegalArgumentException} with a clear message. */
    default void validate(HyperParams hyper) {}

    /** Rewrites the updates of every slot of one group for one step. */
    void apply(List<Slot> slots, StepContext ctx);
}
