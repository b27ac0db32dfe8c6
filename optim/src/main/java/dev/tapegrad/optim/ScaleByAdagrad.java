package dev.tapegrad.optim;

import static dev.tapegrad.optim.Lanes.S;

import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.incubator.vector.DoubleVector;

/**
 * Adagrad's scaling (Duchi, Hazan and Singer, "Adaptive Subgradient Methods for Online Learning and
 * Stochastic Optimization", JMLR 2011), as {@code torch.optim.Adagrad}:
 * <pre>
 *   s ← s + g²          (s starts at initialAccumulator)
 *   u ← g / (√s + ε)
 * </pre>
 * ε is added outside the square root (torch, default 1e-10); optax's {@code scale_by_rss} puts it inside
 * and starts the sum at 0.1.
 */
public record ScaleByAdagrad() implements Transform {

    @Override
    public String name() {
        return "adagrad";
    }

    @Override
    public Set<String> stateKeys() {
        return Set.of("adagrad.sum");
    }

    @Override
    public Map<String, Double> defaults() {
        return Map.of("eps", 1e-10, "initialAccumulator", 0.0);
    }

    @Override
    public void validate(HyperParams h) {
        h.requireNonNegative(name(), "eps");
        h.requireNonNegative(name(), "initialAccumulator");
    }

    /** The accumulator is created with the initialAccumulator value in force on the parameter's first step. */
    @Override
    public void apply(List<Slot> slots, StepContext ctx) {
        double eps = ctx.hyper().get("eps"), init = ctx.hyper().get("initialAccumulator");
        for (Slot s : slots) {
            double[] u = s.update(), sum = s.buffer("adagrad.sum", init);
            kernel(u, sum, eps);
        }
    }

    /** The step over whole arrays with the Vector API, bit for bit {@link #reference} (see {@link Lanes}). */
    static void kernel(double[] u, double[] sum, double eps) {
        int i = 0;
        for (int end = S.loopBound(u.length); i < end; i += S.length()) {
            DoubleVector g = DoubleVector.fromArray(S, u, i);
            DoubleVector si = DoubleVector.fromArray(S, sum, i).add(g.mul(g));
            si.intoArray(sum, i);
            g.div(si.sqrt().add(eps)).intoArray(u, i);
        }
        reference(u, sum, eps, i, u.length);
    }

    /** The step's definition over {@code [from, to)}. */
    static void reference(double[] u, double[] sum, double eps, int from, int to) {
        for (int i = from; i < to; i++) {
            sum[i] += u[i] * u[i];
            u[i] = u[i] / (Math.sqrt(sum[i]) + eps);
        }
    }
}
