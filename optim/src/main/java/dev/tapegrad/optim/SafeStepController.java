package dev.tapegrad.optim;

import dev.tapegrad.Tensor;
import java.util.LinkedHashMap;
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
 * bit. An update whose r cannot be measured (NaN or infinite, e.g. from a non-finite gradient) is not applied
 * at all (s = 0).
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
 * per step is that one forward pass with tangents (about two forwards) and three copies of the parameters.
 *
 * <p><b>State.</b> The controller keeps none of its own besides its setting r_max: {@link #stateDict()} and
 * {@link #loadStateDict} are the wrapped optimizer's, whose state (moments, step count) advances on every step
 * whatever the scale. The optimizer is not thread-safe, and neither is the controller.
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
     * What one {@link #step} did.
     *
     * @param proposed r of the optimizer's proposed update (NaN or +∞ when it could not be measured, 0 for no move)
     * @param scale    s, the factor the update was multiplied by (1: unchanged, 0: not applied)
     * @param radius   the batch radius ρ_a along the update, in parameter distance (+∞ when no logit spreads)
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
     * is applied scaled by min(1, r_max/r). When {@code logits} throws, the parameters are left at their values
     * before the step (the optimizer's state has advanced) and the exception propagates.
     *
     * @param logits computes the logits of the current batch from the optimizer's parameters (class axis last)
     */
    public Step step(Supplier<Tensor> logits) {
        Objects.requireNonNull(logits, "logits");
        Map<String, Tensor> params = optimizer.parameters();
        Map<String, double[]> before = new LinkedHashMap<>();
        params.forEach((name, p) -> before.put(name, p.toDoubleArray()));
        optimizer.step();
        Map<String, double[]> after = new LinkedHashMap<>();
        Map<String, Tensor> direction = new LinkedHashMap<>();
        boolean moved = false;
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            Tensor p = e.getValue();
            double[] b = before.get(e.getKey()), a = p.toDoubleArray(), u = new double[a.length];
            for (int i = 0; i < u.length; i++) {
                u[i] = a[i] - b[i];
                moved |= u[i] != 0;
            }
            after.put(e.getKey(), a);
            direction.put(e.getKey(), Tensor.of(u, p.shape()).to(p.dtype()));
        }
        if (!moved) return new Step(0, 1, Double.POSITIVE_INFINITY);
        params.forEach((name, p) -> WeightEma.write(p, before.get(name)));   // measure at θ, not θ + u
        SoftmaxStepRadius rho = SoftmaxStepRadius.measure(params, direction, logits);
        double r = rho.normalisedStep();
        double scale = !Double.isFinite(r) ? 0 : r > maxNormalisedStep ? maxNormalisedStep / r : 1;
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            double[] b = before.get(e.getKey()), a = after.get(e.getKey());
            if (scale == 0) {
                a = b;                                  // not b + 0·u: u may hold NaN or ±∞
            } else if (scale != 1) {
                for (int i = 0; i < a.length; i++) a[i] = b[i] + scale * (a[i] - b[i]);
            }
            WeightEma.write(e.getValue(), a);
        }
        return new Step(r, scale, rho.radius());
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
