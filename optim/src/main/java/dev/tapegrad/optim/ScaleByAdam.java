package dev.tapegrad.optim;

import static dev.tapegrad.optim.Lanes.S;

import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.incubator.vector.DoubleVector;

/**
 * Adam's scaling (Kingma and Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015), in PyTorch's
 * arrangement:
 * <pre>
 *   m ← β₁m + (1−β₁)g        v ← β₂v + (1−β₂)g²
 *   u ← (m / (1−β₁ᵗ)) / (√v / √(1−β₂ᵗ) + ε)
 * </pre>
 * ε is added after the bias correction of √v (as in {@code torch.optim.Adam}; AdaBound and SPAM put it
 * before). With {@code amsgrad} (Reddi et al., "On the Convergence of Adam and Beyond", ICLR 2018) the
 * denominator uses the running maximum of the <em>raw</em> v, taken before bias correction, as PyTorch
 * does; optax takes the maximum of the bias-corrected v̂ instead, and the two differ from the second step on.
 */
public record ScaleByAdam() implements Transform {

    @Override
    public String name() {
        return "adam";
    }

    @Override
    public Set<String> stateKeys() {
        return Set.of("adam.m", "adam.v", "adam.vmax");
    }

    @Override
    public Map<String, Double> defaults() {
        return Map.of("beta1", 0.9, "beta2", 0.999, "eps", 1e-8, "amsgrad", 0.0);
    }

    @Override
    public void validate(HyperParams h) {
        h.requireClosedOpen("adam", "beta1", 0, 1);
        h.requireClosedOpen("adam", "beta2", 0, 1);
        h.requireNonNegative("adam", "eps");
    }

    @Override
    public void apply(List<Slot> slots, StepContext ctx) {
        HyperParams h = ctx.hyper();
        double b1 = h.get("beta1"), b2 = h.get("beta2"), eps = h.get("eps");
        boolean amsgrad = h.flag("amsgrad");
        for (Slot s : slots) {
            double[] u = s.update(), m = s.buffer("adam.m"), v = s.buffer("adam.v");
            double[] vmax = amsgrad ? s.buffer("adam.vmax") : v;
            double bc1 = 1 - Math.pow(b1, s.step());
            double sqrtBc2 = Math.sqrt(1 - Math.pow(b2, s.step()));
            kernel(u, m, v, vmax, b1, b2, eps, bc1, sqrtBc2, amsgrad);
        }
    }

    /** The step over whole arrays with the Vector API, bit for bit {@link #reference} (see {@link Lanes}). */
    static void kernel(double[] u, double[] m, double[] v, double[] vmax, double b1, double b2, double eps,
                       double bc1, double sqrtBc2, boolean amsgrad) {
        double c1 = 1 - b1, c2 = 1 - b2;
        int i = 0;
        for (int end = S.loopBound(u.length); i < end; i += S.length()) {
            DoubleVector g = DoubleVector.fromArray(S, u, i);
            DoubleVector mi = DoubleVector.fromArray(S, m, i).mul(b1).add(g.mul(c1));
            DoubleVector vi = DoubleVector.fromArray(S, v, i).mul(b2).add(g.mul(c2).mul(g));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            // without AMSGrad vmax is v itself and max(v, v) = v, so the maximum is taken unconditionally
            DoubleVector vHat = DoubleVector.fromArray(S, vmax, i).max(vi);
            vHat.intoArray(vmax, i);
            mi.div(bc1).div(vHat.sqrt().div(sqrtBc2).add(eps)).intoArray(u, i);
        }
        reference(u, m, v, vmax, b1, b2, eps, bc1, sqrtBc2, amsgrad, i, u.length);
    }

    /** The step's definition over {@code [from, to)}: vmax is v itself without AMSGrad. */
    static void reference(double[] u, double[] m, double[] v, double[] vmax, double b1, double b2, double eps,
                          double bc1, double sqrtBc2, boolean amsgrad, int from, int to) {
        for (int i = from; i < to; i++) {
            double g = u[i];
            m[i] = b1 * m[i] + (1 - b1) * g;
            v[i] = b2 * v[i] + (1 - b2) * g * g;
            if (amsgrad) vmax[i] = Math.max(vmax[i], v[i]);
            u[i] = (m[i] / bc1) / (Math.sqrt(vmax[i]) / sqrtBc2 + eps);
        }
    }
}
