package dev.tapegrad.optim;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A transform with some hyper-parameters re-defaulted and others fixed (partial application, like passing
 * arguments to an optax transform factory), so one rule serves several optimizers without a copy:
 * LAMB uses {@link ScaleByAdam} with ε defaulting to 1e-6 and AMSGrad fixed off, RMSprop uses
 * {@link SgdMomentum} with dampening and Nesterov fixed at 0.
 *
 * <p>The wrapped transform keeps its {@linkplain #name() name}, hence its state keys. Its hyper-parameters
 * are {@code inner.defaults()} with {@code overrides} replacing values, minus the {@code fixed} keys; at each
 * step it sees the chain's values with {@code fixed} laid over them (so a fixed {@code eps} shadows another
 * transform's {@code eps} in the same chain). Range errors are prefixed with {@code label}.
 *
 * @param label    the optimizer this configuration belongs to (prefixes error messages)
 * @param inner    the transform being configured
 * @param overrides new default values for hyper-parameters the user may still set
 * @param fixed    values the user cannot set; they are hidden from {@link #defaults()}
 */
public record Configured(String label, Transform inner, Map<String, Double> overrides, Map<String, Double> fixed)
        implements Transform {

    /** Checks that every re-defaulted or fixed key is one the inner transform reads, and not both. */
    public Configured {
        overrides = Map.copyOf(overrides);
        fixed = Map.copyOf(fixed);
        Map<String, Double> own = inner.defaults();
        for (String k : overrides.keySet()) {
            if (!own.containsKey(k) || fixed.containsKey(k)) {
                throw new IllegalArgumentException(label + ": cannot re-default '" + k + "' of " + inner.name()
                        + " (its hyper-parameters: " + own.keySet() + ", fixed: " + fixed.keySet() + ")");
            }
        }
        for (String k : fixed.keySet()) {
            if (!own.containsKey(k)) {
                throw new IllegalArgumentException(label + ": cannot fix '" + k + "', " + inner.name()
                        + " does not read it (its hyper-parameters: " + own.keySet() + ")");
            }
        }
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public Set<String> stateKeys() {
        return inner.stateKeys();
    }

    @Override
    public Map<String, Double> defaults() {
        Map<String, Double> d = new LinkedHashMap<>(inner.defaults());
        d.putAll(overrides);
        d.keySet().removeAll(fixed.keySet());
        return d;
    }

    @Override
    public void validate(HyperParams hyper) {
        try {
            inner.validate(withFixed(hyper));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(label + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void apply(List<Slot> slots, StepContext ctx) {
        inner.apply(slots, new StepContext(ctx.gen(), ctx.count(), withFixed(ctx.hyper()), ctx.scalars()));
    }

    private HyperParams withFixed(HyperParams hyper) {
        if (fixed.isEmpty()) return hyper;
        Map<String, Double> v = new HashMap<>(hyper.asMap());
        v.putAll(fixed);
        return new HyperParams(v);
    }
}
