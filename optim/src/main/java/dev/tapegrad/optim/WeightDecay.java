package dev.tapegrad.optim;

import java.util.List;
import java.util.Map;

/**
 * Weight decay as a term added to the update: u ← u + wd·θ.
 *
 * <p>Where it sits in a chain decides what it is. <b>Coupled</b> (L2 regularisation, PyTorch's
 * {@code weight_decay} in SGD and Adam): first in the chain, so the adaptive scaling sees g + wd·θ.
 * <b>Decoupled</b> (AdamW, Loshchilov and Hutter, "Decoupled Weight Decay Regularization", ICLR 2019):
 * after the adaptive scaling and before {@link ScaleByLearningRate}, so the parameter shrinks by lr·wd·θ
 * whatever the gradient statistics (optax's {@code add_decayed_weights}).
 *
 * @param key          state/name of this transform in its chain ({@code "l2"} or {@code "decoupledDecay"})
 * @param defaultDecay the default weight decay
 */
public record WeightDecay(String key, double defaultDecay) implements Transform {

    /** L2 regularisation added to the gradient (place first in a chain). */
    public static WeightDecay coupled(double defaultDecay) {
        return new WeightDecay("l2", defaultDecay);
    }

    /** AdamW-style decoupled decay (place right before the learning-rate scaling). */
    public static WeightDecay decoupled(double defaultDecay) {
        return new WeightDecay("decoupledDecay", defaultDecay);
    }

    @Override
    public String name() {
        return key;
    }

    @Override
    public Map<String, Double> defaults() {
        return Map.of("weightDecay", defaultDecay);
    }

    @Override
    public void validate(HyperParams h) {
        h.requireNonNegative(key, "weightDecay");
    }

    @Override
    public void apply(List<Slot> slots, StepContext ctx) {
        double wd = ctx.hyper().get("weightDecay");
        if (wd == 0) return;
        for (Slot s : slots) {
            Lanes.addScaled(s.update(), wd, s.param()); // u[i] += wd * p[i]
        }
    }

}
