package dev.tapegrad.optim;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Gradient accumulation over micro-batches (optax's {@code MultiSteps}): every optimizer step adds the
 * incoming update to a per-parameter sum; on every {@code every}-th step the inner rule is applied once to
 * the mean of the accumulated updates and the sum is cleared, and on the other steps the update is zero
 * (the parameters do not move). With every = k this trains like the inner rule on k times larger batches,
 * in k times as many {@link Optimizer#step()} calls.
 *
 * <pre>
 *   a ← a + u;   c ← c + 1
 *   if c = k:  u ← inner(a / k);  a ← 0;  c ← 0        else: u ← 0
 * </pre>
 *
 * <p>The inner rule sees the mean through {@link Slot#update()} and {@link Slot#grad()}, and its own step
 * count: {@link Slot#step()} is the parameter's number of <em>inner</em> updates (so Adam's bias correction
 * counts accumulated steps), and {@link StepContext#count()} the group's. Hyper-parameters, including
 * schedules, are still evaluated on the optimizer's count of micro-steps. All of the wrapper's own state
 * is saved with the optimizer: the micro-step counter {@code multiSteps.micro} and inner counters
 * {@code multiSteps.updates}, {@code multiSteps.step:<name>} (group scalars) and the sums
 * {@code multiSteps.sum} (per-parameter buffers). optax keeps a running mean instead of the sum (the same up
 * to rounding). A parameter without a gradient on the k-th micro-step is not updated in that window; its
 * partial sum carries over to the next one.
 *
 * @param inner the rule applied to the mean (e.g. {@code Optimizers.adamW()})
 * @param every k ≥ 1, the number of micro-steps per update
 */
public record MultiSteps(Transform inner, int every) implements Transform {

    /** Checks that {@code every} ≥ 1. */
    public MultiSteps {
        if (every < 1) throw new IllegalArgumentException("multiSteps: every must be >= 1, got " + every);
    }

    /**
     * {@code multiSteps(k, <inner signature>)}, e.g. {@code multiSteps(4, adam[l2, adam, scaleByLr])}, so that
     * saved state records the inner rule and k and is refused by a different wrapper. (State keys use the fixed
     * prefix {@code multiSteps.}.)
     */
    @Override
    public String name() {
        return "multiSteps(" + every + ", " + Optimizer.signature(inner) + ")";
    }

    @Override
    public Set<String> stateKeys() {
        Set<String> all = new TreeSet<>(inner.stateKeys());
        all.add("multiSteps.sum");
        return all;
    }

    @Override
    public Map<String, Double> defaults() {
        return inner.defaults();
    }

    @Override
    public void validate(HyperParams hyper) {
        inner.validate(hyper);
    }

    @Override
    public void apply(List<Slot> slots, StepContext ctx) {
        for (Slot s : slots) {
            double[] u = s.update(), sum = s.buffer("multiSteps.sum");
            for (int i = 0; i < u.length; i++) {
                sum[i] += u[i];
                u[i] = 0;
            }
        }
        double micro = ctx.scalar("multiSteps.micro", 0) + 1;
        if (micro < every) {
            ctx.setScalar("multiSteps.micro", micro);
            return;
        }
        ctx.setScalar("multiSteps.micro", 0);
        long[] outerSteps = new long[slots.size()];
        for (int j = 0; j < slots.size(); j++) {
            Slot s = slots.get(j);
            double[] u = s.update(), g = s.grad(), sum = s.buffer("multiSteps.sum");
            for (int i = 0; i < u.length; i++) {
                u[i] = sum[i] / every;
                g[i] = u[i];
                sum[i] = 0;
            }
            String key = "multiSteps.step:" + s.name();
            long innerStep = (long) ctx.scalar(key, 0) + 1;
            ctx.setScalar(key, innerStep);
            outerSteps[j] = s.step();
            s.setStep(innerStep);
        }
        long updates = (long) ctx.scalar("multiSteps.updates", 0);
        ctx.setScalar("multiSteps.updates", updates + 1);
        try {
            inner.apply(slots, new StepContext(ctx.gen(), updates, ctx.hyper(), ctx.scalars()));
        } finally {
            for (int j = 0; j < slots.size(); j++) slots.get(j).setStep(outerSteps[j]);
        }
    }
}
