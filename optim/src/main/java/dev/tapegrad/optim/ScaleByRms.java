package dev.tapegrad.optim;

import static dev.tapegrad.optim.Lanes.S;

import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.incubator.vector.DoubleVector;

/**
 * RMSprop's scaling (Tieleman and Hinton, Coursera lecture 6.5, 2012), as {@code torch.optim.RMSprop}:
 * <pre>
 *   v ← αv + (1−α)g²
 *   u ← g / (√v + ε)                    (plain)
 *   m ← αm + (1−α)g,  u ← g / (√(v − m²) + ε)   (centered, Graves 2013: divides by a variance estimate)
 * </pre>
 * ε is added outside the square root (torch, default 1e-8, α = 0.99); optax's {@code rmsprop} puts ε
 * inside ({@code eps_in_sqrt=True}) with decay 0.9, so the two differ from the first step. RMSprop's
 * The centered variance is floored at 0 against rounding (torch would take √ of a tiny negative number and
 * give NaN). RMSprop's momentum is a following {@link SgdMomentum} with zero dampening.
 */
public record ScaleByRms() implements Transform {

    @Override
    public String name() {
        return "rmsprop";
    }

    @Override
    public Set<String> stateKeys() {
        return Set.of("rmsprop.v", "rmsprop.m");
    }

    @Override
    public Map<String, Double> defaults() {
        return Map.of("alpha", 0.99, "eps", 1e-8, "centered", 0.0);
    }

    @Override
    public void validate(HyperParams h) {
        h.requireClosed(name(), "alpha", 0, 1);
        h.requireNonNegative(name(), "eps");
    }

    @Override
    public void apply(List<Slot> slots, StepContext ctx) {
        HyperParams h = ctx.hyper();
        double alpha = h.get("alpha"), eps = h.get("eps");
        boolean centered = h.flag("centered");
        for (Slot s : slots) {
            double[] u = s.update(), v = s.buffer("rmsprop.v");
            double[] m = centered ? s.buffer("rmsprop.m") : null;
            kernel(u, v, m, alpha, eps, centered);
        }
    }

    /** The step over whole arrays with the Vector API, bit for bit {@link #reference} (see {@link Lanes}). */
    static void kernel(double[] u, double[] v, double[] m, double alpha, double eps, boolean centered) {
        double c = 1 - alpha;
        int i = 0;
        for (int end = S.loopBound(u.length); i < end; i += S.length()) {
            DoubleVector g = DoubleVector.fromArray(S, u, i);
            DoubleVector var = DoubleVector.fromArray(S, v, i).mul(alpha).add(g.mul(c).mul(g));
            var.intoArray(v, i);
            if (centered) { // loop-invariant (m is null otherwise): the JIT unswitches the loop
                DoubleVector mi = DoubleVector.fromArray(S, m, i).mul(alpha).add(g.mul(c));
                mi.intoArray(m, i);
                var = var.sub(mi.mul(mi)).max(0.0);
            }
            g.div(var.sqrt().add(eps)).intoArray(u, i);
        }
        reference(u, v, m, alpha, eps, centered, i, u.length);
    }

    /** The step's definition over {@code [from, to)}; m is only used (and may be null unless) centered. */
    static void reference(double[] u, double[] v, double[] m, double alpha, double eps, boolean centered,
                          int from, int to) {
        for (int i = from; i < to; i++) {
            double g = u[i];
            v[i] = alpha * v[i] + (1 - alpha) * g * g;
            double var = v[i];
            if (centered) {
                m[i] = alpha * m[i] + (1 - alpha) * g;
                var = Math.max(var - m[i] * m[i], 0); // rounding could make it negative (torch: NaN)
            }
            u[i] = g / (Math.sqrt(var) + eps);
        }
    }
}
