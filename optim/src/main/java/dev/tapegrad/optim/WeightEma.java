package dev.tapegrad.optim;

import dev.tapegrad.Autograd;
import dev.tapegrad.DType;
import dev.tapegrad.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An exponential moving average of the parameters ("EMA of weights", Polyak averaging with exponential
 * forgetting), kept beside the optimizer rather than in its chain because it averages θ, not updates:
 * <pre>
 *   shadow ← decay·shadow + (1 − decay)·θ      (after each optimizer step; shadow starts as a copy of θ)
 * </pre>
 * Evaluate with the averaged weights through {@link #applied()}, which swaps the shadow into the
 * parameters and back, or copy it into a separate model with {@link #copyTo}. Like torch's
 * {@code AveragedModel(get_ema_multi_avg_fn(decay))}; optax's {@code ema} averages updates instead.
 *
 * <pre>{@code
 * WeightEma ema = new WeightEma(params, 0.999);
 * for (...) { opt.zeroGrad(); loss.backward(); opt.step(); ema.update(); }
 * try (var eval = ema.applied()) { evaluate(model); }   // parameters are restored on close
 * }</pre>
 *
 * <p>The shadow is in double precision whatever the parameters' dtype, and its state ({@link #stateDict()}, in
 * the {@link OptimizerState} format, so {@link OptimizerState#save} writes it atomically) restores exactly.
 */
public final class WeightEma {
    private final Map<String, Tensor> params;
    private final Map<String, double[]> shadow = new LinkedHashMap<>();
    private final double decay;
    private long count;

    /**
     * Starts an average of {@code params} (by stable name) with the given decay in [0, 1]; the shadow is a
     * copy of their current values.
     */
    public WeightEma(Map<String, Tensor> params, double decay) {
        if (!(decay >= 0 && decay <= 1)) throw new IllegalArgumentException("weightEma: decay must be in [0, 1], got " + decay);
        if (params.isEmpty()) throw new IllegalArgumentException("weightEma: no parameters given");
        this.params = new LinkedHashMap<>(params);
        this.decay = decay;
        this.params.forEach((name, t) -> {
            if (!t.dtype().isFloating() || !t.isDense()) {
                throw new IllegalArgumentException("weightEma: parameter '" + name + "' must be a dense float32 or float64 tensor (got "
                        + t.dtype() + ", dense " + t.isDense() + ")");
            }
            shadow.put(name, t.toDoubleArray());
        });
    }

    /** The decay. */
    public double decay() {
        return decay;
    }

    /** How many times {@link #update()} has run. */
    public long count() {
        return count;
    }

    /** shadow ← decay·shadow + (1 − decay)·θ for every parameter. */
    public void update() {
        params.forEach((name, t) -> {
            double[] s = shadow.get(name), p = t.toDoubleArray();
            for (int i = 0; i < s.length; i++) s[i] = decay * s[i] + (1 - decay) * p[i];
        });
        count++;
    }

    /** A copy of one parameter's average. */
    public double[] shadow(String name) {
        double[] s = shadow.get(name);
        if (s == null) throw new IllegalArgumentException("weightEma: no parameter '" + name + "' (known: " + shadow.keySet() + ")");
        return s.clone();
    }

    /**
     * Writes the averages into other tensors with the same names and shapes (e.g. an evaluation copy of the
     * model); names not averaged here are refused.
     */
    public void copyTo(Map<String, Tensor> targets) {
        targets.forEach((name, t) -> {
            double[] s = shadow(name);
            if (!java.util.Arrays.equals(t.shape(), params.get(name).shape())) {
                throw new IllegalArgumentException("weightEma: '" + name + "' has shape " + java.util.Arrays.toString(t.shape())
                        + ", the average " + java.util.Arrays.toString(params.get(name).shape()));
            }
            write(t, s);
        });
    }

    /** Swaps the averages into the parameters until {@link Applied#close()} puts the training values back. */
    public Applied applied() {
        Map<String, double[]> saved = new LinkedHashMap<>();
        params.forEach((name, t) -> saved.put(name, t.toDoubleArray()));
        params.forEach((name, t) -> write(t, shadow.get(name)));
        return new Applied(saved);
    }

    /** The parameters hold the averages while this is open; {@link #close()} restores the trained values exactly. */
    public final class Applied implements AutoCloseable {
        private Map<String, double[]> saved;

        private Applied(Map<String, double[]> saved) {
            this.saved = saved;
        }

        /** Restores the parameters' trained values (idempotent). */
        @Override
        public void close() {
            if (saved == null) return;
            saved.forEach((name, v) -> write(params.get(name), v));
            saved = null;
        }
    }

    /** The average's state: decay, count and every shadow by name (rule {@code weightEma}). */
    public OptimizerState stateDict() {
        List<OptimizerState.SlotState> slots = new ArrayList<>();
        shadow.forEach((name, s) -> slots.add(new OptimizerState.SlotState(name, params.get(name).shape(), count,
                Map.of("ema.shadow", s.clone()))));
        Map<String, Double> scalars = new TreeMap<>(Map.of("ema.decay", decay));
        return new OptimizerState("weightEma", count, new long[0], List.of(new OptimizerState.GroupState("ema", scalars, slots)));
    }

    /** Restores a state taken from an average with the same decay, parameter names and shapes. */
    public void loadStateDict(OptimizerState state) {
        List<String> problems = new ArrayList<>();
        if (!state.rule().equals("weightEma")) problems.add("rule: saved " + state.rule() + ", expected weightEma");
        if (state.groups().size() != 1) {
            problems.add("groups: saved " + state.groups().size() + ", expected 1");
        } else {
            OptimizerState.GroupState g = state.groups().get(0);
            Double savedDecay = g.scalars().get("ema.decay");
            if (savedDecay == null || savedDecay != decay) problems.add("decay: saved " + savedDecay + ", this average " + decay);
            List<String> names = g.slots().stream().map(OptimizerState.SlotState::name).toList();
            if (!names.equals(List.copyOf(shadow.keySet()))) {
                problems.add("parameters: saved " + names + ", this average " + shadow.keySet());
            } else {
                for (OptimizerState.SlotState s : g.slots()) {
                    double[] v = s.buffers().get("ema.shadow");
                    if (!s.buffers().keySet().equals(java.util.Set.of("ema.shadow"))) {
                        problems.add(s.name() + ": saved buffers " + s.buffers().keySet() + ", expected exactly [ema.shadow]");
                    } else if (!java.util.Arrays.equals(s.shape(), params.get(s.name()).shape()) || v.length != shadow.get(s.name()).length) {
                        problems.add(s.name() + ": saved shape " + java.util.Arrays.toString(s.shape()) + " does not fit "
                                + java.util.Arrays.toString(params.get(s.name()).shape()));
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("weightEma state does not fit:\n  - " + String.join("\n  - ", problems));
        }
        for (OptimizerState.SlotState s : state.groups().get(0).slots()) {
            double[] v = s.buffers().get("ema.shadow");
            System.arraycopy(v, 0, shadow.get(s.name()), 0, v.length);
        }
        count = state.count();
    }

    /** Writes values into a tensor's own storage (float32: rounded) and tells the engine it changed. */
    private static void write(Tensor t, double[] values) {
        try (var scope = Autograd.noGrad()) {
            if (t.dtype() == DType.FLOAT64) {
                System.arraycopy(values, 0, t.doubleData(), 0, values.length);
            } else {
                float[] f = t.floatData();
                for (int i = 0; i < f.length; i++) f[i] = (float) values[i];
            }
            t.markModified();
        }
    }
}
