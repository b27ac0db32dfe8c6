package dev.tapegrad.optim;

import static dev.tapegrad.optim.Lanes.S;

import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;

/**
 * RAdam's scaling (Liu et al., "On the Variance of the Adaptive Learning Rate and Beyond", ICLR 2020), as
 * {@code torch.optim.RAdam}:
 * <pre>
 *   m ← β₁m + (1−β₁)g        v ← β₂v + (1−β₂)g²        m̂ = m / (1−β₁ᵗ)
 *   ρ∞ = 2/(1−β₂) − 1         ρ_t = ρ∞ − 2tβ₂ᵗ/(1−β₂ᵗ)
 *   if ρ_t &gt; 5:  r = √((ρ_t−4)(ρ_t−2)ρ∞ / ((ρ∞−4)(ρ∞−2)ρ_t)),  u ← m̂ · r · √(1−β₂ᵗ) / (√v + ε)
 *   else:        u ← m̂        (an un-normalised momentum-SGD step)
 * </pre>
 * Choices: the threshold is ρ_t &gt; 5 (torch, optax; the paper says 4). ε is added to √v <em>before</em> the
 * bias correction, as torch's RAdam does (unlike its Adam, which adds ε to √v/√(1−β₂ᵗ)). With β₂ ≤ 0.6,
 * ρ∞ ≤ 4 and the step is never rectified.
 */
public record ScaleByRadam() implements Transform {

    @Override
    public String name() {
        return "radam";
    }

    @Override
    public Set<String> stateKeys() {
        return Set.of("radam.m", "radam.v");
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
        double rhoInf = 2 / (1 - b2) - 1;
        for (Slot s : slots) {
            long t = s.step();
            double bc1 = 1 - Math.pow(b1, t), b2t = Math.pow(b2, t), bc2 = 1 - b2t;
            double rho = rhoInf - 2 * t * b2t / bc2;
            boolean rectify = rho > 5;
            double scale = rectify
                    ? Math.sqrt((rho - 4) * (rho - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rho)) * Math.sqrt(bc2)
                    : 0;
            double[] u = s.update(), m = s.buffer("radam.m"), v = s.buffer("radam.v");
            kernel(u, m, v, b1, b2, eps, bc1, rectify, scale);
        }
    }

    /** The step over whole arrays with the Vector API, bit for bit {@link #reference} (see {@link Lanes}). */
    static void kernel(double[] u, double[] m, double[] v, double b1, double b2, double eps, double bc1,
                       boolean rectify, double scale) {
        double c1 = 1 - b1, c2 = 1 - b2;
        VectorMask<Double> rectified = Lanes.when(rectify);
        int i = 0;
        for (int end = S.loopBound(u.length); i < end; i += S.length()) {
            DoubleVector g = DoubleVector.fromArray(S, u, i);
            DoubleVector mi = DoubleVector.fromArray(S, m, i).mul(b1).add(g.mul(c1));
            DoubleVector vi = DoubleVector.fromArray(S, v, i).mul(b2).add(g.mul(c2).mul(g));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            DoubleVector mHat = mi.div(bc1);
            mHat.blend(mHat.mul(scale).div(vi.sqrt().add(eps)), rectified).intoArray(u, i);
        }
        reference(u, m, v, b1, b2, eps, bc1, rectify, scale, i, u.length);
    }

    /** The step's definition over {@code [from, to)}. */
    static void reference(double[] u, double[] m, double[] v, double b1, double b2, double eps, double bc1,
                          boolean rectify, double scale, int from, int to) {
        for (int i = from; i < to; i++) {
            double g = u[i];
            m[i] = b1 * m[i] + (1 - b1) * g;
            v[i] = b2 * v[i] + (1 - b2) * g * g;
            double mHat = m[i] / bc1;
            u[i] = rectify ? mHat * scale / (Math.sqrt(v[i]) + eps) : mHat;
        }
    }
}
