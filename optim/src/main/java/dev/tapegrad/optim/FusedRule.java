package dev.tapegrad.optim;

import java.util.List;

/**
 * An update rule that moves the parameters itself, in one pass over each parameter's arrays, instead of
 * producing an update that the optimizer adds afterwards. A chain like AdamW = (scale by Adam, add decayed
 * weights, scale by −lr) walks each parameter four times (three transforms and θ ← θ + u); a fused rule
 * reads g, m, v and θ once and writes m, v and θ once, which matters because these loops are memory-bound.
 *
 * <p>Contract: {@link #step} reads each slot's input gradient from {@link Slot#update()} (like every
 * transform), updates its state buffers and writes the new values into {@link Slot#param()}. When a fused
 * rule is an optimizer's whole rule, {@link Optimizer#step()} calls {@code step} and does <em>not</em> add
 * the update afterwards. Used as a part of a {@link Chain}, it falls back to {@link #apply}, which expresses
 * the same step as an update u = θ' − θ; there the optimizer's θ + u equals θ' up to one rounding.
 */
public interface FusedRule extends Transform {

    /** Moves every slot's parameter by one step of the rule: θ ← θ' (state buffers updated as well). */
    void step(List<Slot> slots, StepContext ctx);

    /**
     * The same step as an ordinary transform: runs {@link #step}, then sets u ← θ' − θ and puts θ back,
     * so that the rule composes with others (e.g. gradient clipping before it) at the cost of a copy.
     */
    @Override
    default void apply(List<Slot> slots, StepContext ctx) {
        List<double[]> before = slots.stream().map(s -> s.param().clone()).toList();
        step(slots, ctx);
        for (int k = 0; k < slots.size(); k++) {
            double[] p = slots.get(k).param(), u = slots.get(k).update(), p0 = before.get(k);
            for (int i = 0; i < p.length; i++) {
                u[i] = p[i] - p0[i];
                p[i] = p0[i];
            }
        }
    }
}
