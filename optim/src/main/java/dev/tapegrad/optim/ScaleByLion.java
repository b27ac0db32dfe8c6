package dev.tapegrad.optim;

import static dev.tapegrad.optim.Lanes.S;

import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.incubator.vector.DoubleVector;

/**
 * Lion's scaling (Chen et al., "Symbolic Discovery of Optimization Algorithms", NeurIPS 2023), as the
 * authors' {@code lion_pytorch.py}:
 * <pre>
 *   u ← sign(β₁m + (1−β₁)g)
 *   m ← β₂m + (1−β₂)g
 * </pre>
 * The direction interpolates with β₁ but the state is tracked with β₂ (defaults 0.9 and 0.99). Every
 * coordinate moves by exactly ±lr (or 0 where the interpolation is 0, sign(0) = 0), so Lion wants a learning
 * rate 3–10× smaller than AdamW's and a correspondingly larger decoupled weight decay.
 */
public record ScaleByLion() implements Transform {

    @Override
    public String name() {
        return "lion";
    }

    @Override
    public Set<String> stateKeys() {
        return Set.of("lion.m");
    }

    @Override
    public Map<String, Double> defaults() {
        return Map.of("beta1", 0.9, "beta2", 0.99);
    }

    @Override
    public void validate(HyperParams h) {
        h.requireClosed(name(), "beta1", 0, 1);
        h.requireClosed(name(), "beta2", 0, 1);
    }

    @Override
    public void apply(List<Slot> slots, StepContext ctx) {
        double b1 = ctx.hyper().get("beta1"), b2 = ctx.hyper().get("beta2");
        for (Slot s : slots) {
            double[] u = s.update(), m = s.buffer("lion.m");
            kernel(u, m, b1, b2);
        }
    }

    /** The step over whole arrays with the Vector API, bit for bit {@link #reference} (see {@link Lanes}). */
    static void kernel(double[] u, double[] m, double b1, double b2) {
        double c1 = 1 - b1, c2 = 1 - b2;
        int i = 0;
        for (int end = S.loopBound(u.length); i < end; i += S.length()) {
            DoubleVector g = DoubleVector.fromArray(S, u, i), mi = DoubleVector.fromArray(S, m, i);
            Lanes.signum(mi.mul(b1).add(g.mul(c1))).intoArray(u, i);
            mi.mul(b2).add(g.mul(c2)).intoArray(m, i);
        }
        reference(u, m, b1, b2, i, u.length);
    }

    /** The step's definition over {@code [from, to)}. */
    static void reference(double[] u, double[] m, double b1, double b2, int from, int to) {
        for (int i = from; i < to; i++) {
            double g = u[i];
            u[i] = Math.signum(b1 * m[i] + (1 - b1) * g);
            m[i] = b2 * m[i] + (1 - b2) * g;
        }
    }
}
