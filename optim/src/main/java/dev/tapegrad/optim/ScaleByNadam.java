package dev.tapegrad.optim;

import static dev.tapegrad.optim.Lanes.S;

import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.incubator.vector.DoubleVector;

/**
 * NAdam's scaling (Dozat, "Incorporating Nesterov Momentum into Adam", ICLR 2016 workshop), as
 * {@code torch.optim.NAdam} (2.x) with its momentum schedule μ_t = β₁(1 − ½·0.96^(t·ψ)), ψ = momentumDecay:
 * <pre>
 *   m ← β₁m + (1−β₁)g        v ← β₂v + (1−β₂)g²        Π_t = μ₁μ₂…μ_t
 *   d = √(v / (1−β₂ᵗ)) + ε
 *   u ← (1−μ_t)/(1−Π_t) · g/d  +  μ_{t+1}/(1−Π_t·μ_{t+1}) · m/d
 * </pre>
 * Choices: ε is added after the bias-corrected square root, like torch; optax's {@code nadam} uses Adam's
 * constant-β₁ Nesterov form without the μ schedule. The product Π_t is state (with a scheduled β₁ or ψ it
 * depends on the whole history): it is kept per parameter as a group scalar {@code nadam.muProduct:<name>},
 * so it is saved and restored exactly. torch ≤ 1.13 multiplied μ_t in twice when forming Π_{t+1}
 * ({@code mu_product * mu * mu_next}); torch 2.x, and this class, use Π_t·μ_{t+1}.
 */
public record ScaleByNadam() implements Transform {

    @Override
    public String name() {
        return "nadam";
    }

    @Override
    public Set<String> stateKeys() {
        return Set.of("nadam.m", "nadam.v");
    }

    @Override
    public Map<String, Double> defaults() {
        return Map.of("beta1", 0.9, "beta2", 0.999, "eps", 1e-8, "momentumDecay", 4e-3);
    }

    @Override
    public void validate(HyperParams h) {
        h.requireClosedOpen(name(), "beta1", 0, 1);
        h.requireClosedOpen(name(), "beta2", 0, 1);
        h.requireNonNegative(name(), "eps");
        h.requireNonNegative(name(), "momentumDecay");
    }

    @Override
    public void apply(List<Slot> slots, StepContext ctx) {
        HyperParams h = ctx.hyper();
        double b1 = h.get("beta1"), b2 = h.get("beta2"), eps = h.get("eps"), psi = h.get("momentumDecay");
        for (Slot s : slots) {
            long t = s.step();
            double mu = b1 * (1 - 0.5 * Math.pow(0.96, t * psi));
            double muNext = b1 * (1 - 0.5 * Math.pow(0.96, (t + 1) * psi));
            String key = "nadam.muProduct:" + s.name();
            double product = ctx.scalar(key, 1.0) * mu;
            ctx.setScalar(key, product);
            double gradCoef = (1 - mu) / (1 - product);
            double momentCoef = muNext / (1 - product * muNext);
            double bc2 = 1 - Math.pow(b2, t);
            double[] u = s.update(), m = s.buffer("nadam.m"), v = s.buffer("nadam.v");
            kernel(u, m, v, b1, b2, eps, bc2, gradCoef, momentCoef);
        }
    }

    /** The step over whole arrays with the Vector API, bit for bit {@link #reference} (see {@link Lanes}). */
    static void kernel(double[] u, double[] m, double[] v, double b1, double b2, double eps, double bc2,
                       double gradCoef, double momentCoef) {
        double c1 = 1 - b1, c2 = 1 - b2;
        int i = 0;
        for (int end = S.loopBound(u.length); i < end; i += S.length()) {
            DoubleVector g = DoubleVector.fromArray(S, u, i);
            DoubleVector mi = DoubleVector.fromArray(S, m, i).mul(b1).add(g.mul(c1));
            DoubleVector vi = DoubleVector.fromArray(S, v, i).mul(b2).add(g.mul(c2).mul(g));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            DoubleVector d = vi.div(bc2).sqrt().add(eps);
            g.div(d).mul(gradCoef).add(mi.div(d).mul(momentCoef)).intoArray(u, i);
        }
        reference(u, m, v, b1, b2, eps, bc2, gradCoef, momentCoef, i, u.length);
    }

    /** The step's definition over {@code [from, to)}. */
    static void reference(double[] u, double[] m, double[] v, double b1, double b2, double eps, double bc2,
                          double gradCoef, double momentCoef, int from, int to) {
        for (int i = from; i < to; i++) {
            double g = u[i];
            m[i] = b1 * m[i] + (1 - b1) * g;
            v[i] = b2 * v[i] + (1 - b2) * g * g;
            double d = Math.sqrt(v[i] / bc2) + eps;
            u[i] = gradCoef * (g / d) + momentCoef * (m[i] / d);
        }
    }
}
