package dev.tapegrad.optim;

import static dev.tapegrad.optim.Lanes.S;

import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.incubator.vector.DoubleVector;

/**
 * Adamax's scaling (Kingma and Ba, "Adam", ICLR 2015, §7.1: Adam with the infinity norm), as
 * {@code torch.optim.Adamax}:
 * <pre>
 *   m ← β₁m + (1−β₁)g
 *   n ← max(β₂n, |g| + ε)
 *   u ← (m / (1−β₁ᵗ)) / n
 * </pre>
 * ε is inside the maximum (torch); optax's {@code scale_by_adamax} adds it after the maximum
 * ({@code m̂ / (n + ε)} with {@code n = max(β₂n, |g|)}).
 */
public record ScaleByAdamax() implements Transform {

    @Override
    public String name() {
        return "adamax";
    }

    @Override
    public Set<String> stateKeys() {
        return Set.of("adamax.m", "adamax.inf");
    }

    @Override
    public Map<String, Double> defaults() {
        return Map.of("beta1", 0.9, "beta2", 0.999, "eps", 1e-8);
    }

    @Override
    public void validate(HyperParams h) {
        h.requireClosedOpen(name(), "beta1", 0, 1);
        h.requireClosedOpen(name(), "beta2", 0, 1);
        h.requireNonNegative(name(), "eps");
    }

    @Override
    public void apply(List<Slot> slots, StepContext ctx) {
        HyperParams h = ctx.hyper();
        double b1 = h.get("beta1"), b2 = h.get("beta2"), eps = h.get("eps");
        for (Slot s : slots) {
            double[] u = s.update(), m = s.buffer("adamax.m"), n = s.buffer("adamax.inf");
            double bc1 = 1 - Math.pow(b1, s.step());
            kernel(u, m, n, b1, b2, eps, bc1);
        }
    }

    /** The step over whole arrays with the Vector API, bit for bit {@link #reference} (see {@link Lanes}). */
    static void kernel(double[] u, double[] m, double[] n, double b1, double b2, double eps, double bc1) {
        double c1 = 1 - b1;
        int i = 0;
        for (int end = S.loopBound(u.length); i < end; i += S.length()) {
            DoubleVector g = DoubleVector.fromArray(S, u, i);
            DoubleVector mi = DoubleVector.fromArray(S, m, i).mul(b1).add(g.mul(c1));
            DoubleVector ni = DoubleVector.fromArray(S, n, i).mul(b2).max(g.abs().add(eps));
            mi.intoArray(m, i);
            ni.intoArray(n, i);
            mi.div(bc1).div(ni).intoArray(u, i);
        }
        reference(u, m, n, b1, b2, eps, bc1, i, u.length);
    }

    /** The step's definition over {@code [from, to)}. */
    static void reference(double[] u, double[] m, double[] n, double b1, double b2, double eps, double bc1,
                          int from, int to) {
        for (int i = from; i < to; i++) {
            double g = u[i];
            m[i] = b1 * m[i] + (1 - b1) * g;
            n[i] = Math.max(b2 * n[i], Math.abs(g) + eps);
            u[i] = (m[i] / bc1) / n[i];
        }
    }
}
