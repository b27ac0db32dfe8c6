package dev.tapegrad.optim;

import static dev.tapegrad.optim.Lanes.S;

import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;

/**
 * The AdaBelief step (Zhuang, Tang, Ding, Tatikonda, Dvornek, Papademetris, Duncan, "AdaBelief Optimizer:
 * Adapting Stepsizes by the Belief in Observed Gradients", NeurIPS 2020), as in the authors'
 * {@code adabelief_pytorch} 0.2.1 (defaults of versions ≥ 0.1.0). Adam with the EMA of (g − m)², the
 * "belief", in place of the EMA of g²:
 * <pre>
 *   weightDecouple:  θ ← θ·(1 − lr·wd)   (fixedDecay: θ ← θ·(1 − wd))       else  g ← g + wd·θ  (coupled L2)
 *   m ← β₁m + (1−β₁)g
 *   s ← β₂s + (1−β₂)(g − m)²  + ε             (uses the new m; ε is added <em>into the state</em> every step)
 *   amsgrad: ŝ ← max(ŝ, s)                    (over s including its ε)
 *   not rectify:  θ ← θ − lr/(1−β₁ᵗ) · m / (√ŝ/√(1−β₂ᵗ) + ε)          (ε a second time, outside the root)
 *   rectify (RAdam's rule):  ρ∞ = 2/(1−β₂) − 1,  ρ = ρ∞ − 2tβ₂ᵗ/(1−β₂ᵗ)
 *       ρ ≥ 5:   θ ← θ − lr·r·m/(√s + ε),  r = √((1−β₂ᵗ)(ρ−4)(ρ−2)ρ∞ / ((ρ∞−4)(ρ∞−2)ρ)) / (1−β₁ᵗ)
 *       ρ &lt; 5:  degeneratedToSgd: θ ← θ − lr·m/(1−β₁ᵗ);  otherwise no step (the decay still applies)
 * </pre>
 * As in the reference, the rectified branch divides by √s, not √ŝ: with rectify on, amsgrad only maintains ŝ.
 * Because ε accumulates into s, three zero gradients with ε = 10⁻³ leave s = 0.002997001, not 0. The
 * reference caches (ρ, r) in a 10-slot table keyed by t mod 10 that is shared by groups; here they are
 * recomputed every step, so scheduled or per-group β₂ are always used correctly. The transform produces
 * the whole step (learning rate and decay included), since where the decay goes depends on the flags.
 */
public record ScaleByAdaBelief() implements Transform {

    @Override
    public String name() {
        return "adabelief";
    }

    @Override
    public Set<String> stateKeys() {
        return Set.of("adabelief.m", "adabelief.s", "adabelief.smax");
    }

    @Override
    public Map<String, Double> defaults() {
        return Map.of("lr", 1e-3, "beta1", 0.9, "beta2", 0.999, "eps", 1e-16, "weightDecay", 0.0, "amsgrad", 0.0,
                "weightDecouple", 1.0, "fixedDecay", 0.0, "rectify", 1.0, "degeneratedToSgd", 1.0);
    }

    @Override
    public void validate(HyperParams h) {
        h.requireNonNegative("adabelief", "lr");
        h.requireClosedOpen("adabelief", "beta1", 0, 1);
        h.requireClosedOpen("adabelief", "beta2", 0, 1);
        h.requireNonNegative("adabelief", "eps");
        h.requireNonNegative("adabelief", "weightDecay");
    }

    @Override
    public void apply(List<Slot> slots, StepContext ctx) {
        HyperParams h = ctx.hyper();
        double lr = h.get("lr"), b1 = h.get("beta1"), b2 = h.get("beta2"), eps = h.get("eps"), wd = h.get("weightDecay");
        boolean ams = h.flag("amsgrad"), decouple = h.flag("weightDecouple"), rectify = h.flag("rectify");
        double shrink = !decouple ? 0 : h.flag("fixedDecay") ? wd : lr * wd;
        double l2 = decouple ? 0 : wd;
        for (Slot s : slots) {
            double[] u = s.update(), p = s.param();
            double[] m = s.buffer("adabelief.m"), var = s.buffer("adabelief.s");
            double[] vmax = ams ? s.buffer("adabelief.smax") : var;
            long t = s.step();
            double bc1 = 1 - Math.pow(b1, t), b2t = Math.pow(b2, t), bc2 = 1 - b2t;
            // Rectification terms; rho ≥ 5 takes the adaptive step, else factor > 0 is the SGD fallback.
            double rhoInf = 2 / (1 - b2) - 1, rho = rhoInf - 2.0 * t * b2t / bc2;
            double factor = rho >= 5
                    ? Math.sqrt(bc2 * (rho - 4) / (rhoInf - 4) * (rho - 2) / rho * rhoInf / (rhoInf - 2)) / bc1
                    : h.flag("degeneratedToSgd") ? 1.0 / bc1 : -1;
            kernel(u, p, m, var, vmax, b1, b2, eps, lr, l2, shrink, decouple, ams, rectify, rho, factor, bc1, bc2);
        }
    }

    /**
     * The step over whole arrays with the Vector API, bit for bit {@link #reference} (see {@link Lanes}).
     * The reference's three-way branch is per parameter, so it becomes masks: the step term is
     * k·m / denominator (the denominator skipped in the SGD fallback) with k = −lr/(1−β₁ᵗ) or −factor·lr,
     * and it is added to θ only where the reference adds it (adding a zero would turn θ = −0 into +0).
     */
    static void kernel(double[] u, double[] p, double[] m, double[] var, double[] vmax, double b1, double b2,
                       double eps, double lr, double l2, double shrink, boolean decouple, boolean ams,
                       boolean rectify, double rho, double factor, double bc1, double bc2) {
        double c1 = 1 - b1, c2 = 1 - b2, keep = 1.0 - shrink, sqrtBc2 = Math.sqrt(bc2);
        double k = !rectify ? -(lr / bc1) : -(factor * lr);
        VectorMask<Double> decoupled = Lanes.when(decouple), coupled = Lanes.when(l2 != 0);
        VectorMask<Double> plain = Lanes.when(!rectify), divided = Lanes.when(!rectify || rho >= 5);
        VectorMask<Double> stepping = Lanes.when(!rectify || rho >= 5 || factor > 0);
        int i = 0;
        for (int end = S.loopBound(u.length); i < end; i += S.length()) {
            DoubleVector pi = DoubleVector.fromArray(S, p, i);
            DoubleVector theta = pi.mul(keep, decoupled);
            DoubleVector g = DoubleVector.fromArray(S, u, i).add(pi.mul(l2), coupled);
            DoubleVector mi = DoubleVector.fromArray(S, m, i).mul(b1).add(g.mul(c1));
            DoubleVector r = g.sub(mi);
            DoubleVector si = DoubleVector.fromArray(S, var, i).mul(b2).add(r.mul(c2).mul(r)).add(eps);
            mi.intoArray(m, i);
            si.intoArray(var, i);
            // without AMSGrad vmax is var itself and max(s, s) = s, so the maximum is taken unconditionally
            DoubleVector sHat = DoubleVector.fromArray(S, vmax, i).max(si);
            sHat.intoArray(vmax, i);
            DoubleVector denominator = sHat.blend(si, plain.not()).sqrt().div(sqrtBc2, plain).add(eps);
            theta = theta.add(mi.mul(k).div(denominator, divided), stepping);
            theta.sub(pi).intoArray(u, i);
        }
        reference(u, p, m, var, vmax, b1, b2, eps, lr, l2, shrink, decouple, ams, rectify, rho, factor, bc1, bc2,
                i, u.length);
    }

    /** The step's definition over {@code [from, to)}: vmax is var itself without AMSGrad. */
    static void reference(double[] u, double[] p, double[] m, double[] var, double[] vmax, double b1, double b2,
                          double eps, double lr, double l2, double shrink, boolean decouple, boolean ams,
                          boolean rectify, double rho, double factor, double bc1, double bc2, int from, int to) {
        for (int i = from; i < to; i++) {
            double theta = decouple ? p[i] * (1.0 - shrink) : p[i];
            double g = l2 != 0 ? u[i] + l2 * p[i] : u[i];
            m[i] = b1 * m[i] + (1 - b1) * g;
            double r = g - m[i];
            var[i] = b2 * var[i] + (1 - b2) * r * r;
            var[i] += eps;
            if (ams) vmax[i] = Math.max(vmax[i], var[i]);
            if (!rectify) {
                theta += -(lr / bc1) * m[i] / (Math.sqrt(vmax[i]) / Math.sqrt(bc2) + eps);
            } else if (rho >= 5) {
                theta += -(factor * lr) * m[i] / (Math.sqrt(var[i]) + eps);
            } else if (factor > 0) {
                theta += -(factor * lr) * m[i];
            }
            u[i] = theta - p[i];
        }
    }
}
