package dev.tapegrad.optim;

import dev.tapegrad.Tensor;
import dev.tapegrad.curvature.ParamVector;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Wraps an {@link Optimizer} so that no update leaves the softmax's safe step radius: after the optimizer has
 * proposed its update u (whatever its rule: SGD, Adam, a schedule with a spike, ...), the controller measures
 * the update's normalised step r = τ/ρ_a = Δ_a(u)/π with one Jacobian-vector product of the logits (see
 * {@link SoftmaxStepRadius}: τ = ‖u‖ is the step length and ρ_a the batch's radius along u/‖u‖), and applies
 * <pre>
 *   θ ← θ + s·u,   s = min(1, r_max / r)
 * </pre>
 * so that the step taken has r ≤ r_max &lt; 1. Updates already inside the radius are applied unchanged, bit for
 * bit. An update that is not finite (a NaN or ±∞ entry, e.g. from a non-finite gradient), or whose r cannot be
 * measured (NaN or +∞), is skipped (s = 0): the parameters and the optimizer's state are left as they were before
 * the step, so the next finite gradient trains on as if the bad step had not been taken.
 *
 * <pre>{@code
 * Optimizer opt = Optimizer.builder(Optimizers.sgd()).params(params).set("lr", 0.1).build();
 * SafeStepController safe = SafeStepController.builder(opt).maxNormalisedStep(0.5).build();
 * for (...) {
 *     safe.zeroGrad();
 *     model.forward(x).crossEntropy(y).mean().backward();
 *     SafeStepController.Step s = safe.step(() -> model.forward(x));  // the logits on the same batch
 * }
 * }</pre>
 *
 * <p>The logits are recomputed by the closure given to {@link #step}, at the parameters before the update, with
 * a tangent attached to every parameter (the closure must read the optimizer's parameter tensors, and should be
 * deterministic: a model with dropout belongs in evaluation mode inside it). The extra cost
 * per step is that one forward pass with tangents (about two forwards), a few copies of the parameters and one of
 * the optimizer's state (taken before the step, to undo a skipped one).
 *
 * <p><b>State.</b> The controller keeps none of its own besides its setting r_max: {@link #stateDict()} and
 * {@link #loadStateDict} are the wrapped optimizer's. Its state (moments, step count, random state) advances on
 * every step that is applied, also when the update is scaled down (s &lt; 1: the moments remember the proposed,
 * unscaled update), and is restored to its value before the step when the step is skipped (s = 0). The optimizer
 * is not thread-safe, and neither is the controller.
 */
public final class SafeStepController {
    private final Optimizer optimizer;
    private final double maxNormalisedStep;

    private SafeStepController(Optimizer optimizer, double maxNormalisedStep) {
        this.optimizer = optimizer;
        this.maxNormalisedStep = maxNormalisedStep;
    }

    /** Starts building a controller around {@code optimizer}. */
    public static Builder builder(Optimizer optimizer) {
        return new Builder(optimizer);
    }

    /**
     * What one {@link #step} did. Three cases:
     * <ul>
     *   <li>s = 1: the optimizer's update was applied unchanged and its state advanced (also when nothing moved);
     *   <li>0 &lt; s &lt; 1: the update was applied scaled by s; the optimizer's state advanced as for the full
     *       update;
     *   <li>s = 0: the step was skipped: the update was not finite or its r could not be measured
     *       ({@code proposed} is NaN or +∞), the parameters were left at their values before the step and the
     *       optimizer's state (moments, step count) was restored to its value before the step, so a later finite
     *       gradient trains normally. The gradients are left as they were.
     * </ul>
     *
     * @param proposed r of the optimizer's proposed update (NaN or +∞ when it could not be measured, 0 for no move)
     * @param scale    s, the factor the update was multiplied by (1: unchanged, 0: skipped)
     * @param radius   the batch radius ρ_a along the update, in parameter distance (+∞ when no logit spreads,
     *                 NaN when the update is not finite)
     */
    public record Step(double proposed, double scale, double radius) {
        /** r of the step actually taken, s·r. */
        public double applied() {
            return scale == 0 ? 0 : scale * proposed;
        }

        /** Whether the update was scaled down (or skipped). */
        public boolean limited() {
            return scale != 1;
        }
    }

    /** The wrapped optimizer. */
    public Optimizer optimizer() {
        return optimizer;
    }

    /** r_max, the largest normalised step this controller lets through. */
    public double maxNormalisedStep() {
        return maxNormalisedStep;
    }

    /** Clears every parameter's gradient (the wrapped optimizer's {@link Optimizer#zeroGrad()}). */
    public void zeroGrad() {
        optimizer.zeroGrad();
    }

    /**
     * One optimizer step, limited to r ≤ r_max: the wrapped optimizer proposes its update from the current
     * gradients, {@code logits} is called once at the parameters before the update to measure r, and the update
     * is applied scaled by min(1, r_max/r); a non-finite update, or one whose r is NaN or +∞, is skipped (see
     * {@link Step}). When {@code logits} throws, the parameters and the optimizer's state are left at their values
     * before the step and the exception propagates.
     *
     * @param logits computes the logits of the current batch from the optimizer's parameters (class axis last)
     */
    public Step step(Supplier<Tensor> logits) {
        Objects.requireNonNull(logits, "logits");
        Map<String, Tensor> params = optimizer.parameters();
        ParamVector before = ParamVector.of(params);
        OptimizerState stateBefore = optimizer.stateDict();
        optimizer.step();
        ParamVector after = ParamVector.of(before.layout(), params);
        ParamVector update = after.sub(before);
        if (isZero(update)) return new Step(0, 1, Double.POSITIVE_INFINITY);
        before.writeTo(params);                                    // measure at θ, not θ + u
        if (!isFinite(update)) return skip(stateBefore, Double.NaN, Double.NaN);
        SoftmaxStepRadius rho;
        try {
            rho = SoftmaxStepRadius.measure(params, update.toTensors(), logits);
        } catch (RuntimeException | Error e) {
            optimizer.loadStateDict(stateBefore);
            throw e;
        }
        double r = rho.normalisedStep();
        if (!Double.isFinite(r)) return skip(stateBefore, r, rho.radius());
        double scale = r > maxNormalisedStep ? maxNormalisedStep / r : 1;
        (scale == 1 ? after : before.axpy(scale, update)).writeTo(params);
        return new Step(r, scale, rho.radius());
    }

    /** The update is not applied: the parameters are already back at θ; the optimizer's state goes back too. */
    private Step skip(OptimizerState stateBefore, double proposed, double radius) {
        optimizer.loadStateDict(stateBefore);
        return new Step(proposed, 0, radius);
    }

    private static boolean isZero(ParamVector v) {
        for (int i = 0; i < v.size(); i++) {
            if (v.get(i) != 0) return false;
        }
        return true;
    }

    private static boolean isFinite(ParamVector v) {
        for (int i = 0; i < v.size(); i++) {
            if (!Double.isFinite(v.get(i))) return false;
        }
        return true;
    }

    /** The wrapped optimizer's state (the controller has none of its own). */
    public OptimizerState stateDict() {
        return optimizer.stateDict();
    }

    /** Restores the wrapped optimizer's state; see {@link Optimizer#loadStateDict}. */
    public void loadStateDict(OptimizerState state) {
        optimizer.loadStateDict(state);
    }

    /** Builds a {@link SafeStepController}; r_max defaults to {@value SafeStepController#DEFAULT_MAX_NORMALISED_STEP}. */
    public static final class Builder {
        private final Optimizer optimizer;
        private double maxNormalisedStep = DEFAULT_MAX_NORMALISED_STEP;

        private Builder(Optimizer optimizer) {
            this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        }

        /** r_max in (0, 1): updates with a larger normalised step are scaled down to it. */
        public Builder maxNormalisedStep(double rMax) {
            if (!(rMax > 0 && rMax < 1)) {
                throw new IllegalArgumentException("SafeStepController: maxNormalisedStep must be in (0, 1) (r < 1 is the safe"
                        + " region), got " + rMax);
            }
            this.maxNormalisedStep = rMax;
            return this;
        }

        /** The controller. */
        public SafeStepController build() {
            return new SafeStepController(optimizer, maxNormalisedStep);
        }
    }

    /** The default r_max, half the radius. */
    public static final double DEFAULT_MAX_NORMALISED_STEP = 0.5;
}
