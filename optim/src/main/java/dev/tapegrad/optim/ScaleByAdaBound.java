package dev.tapegrad.optim;

import static dev.tapegrad.optim.Lanes.S;

import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.incubator.vector.DoubleVector;

/**
 * The AdaBound / AMSBound step (Luo, Xiong, Liu, Sun, "Adaptive Gradient Methods with Dynamic Bound of
 * Learning Rate", ICLR 2019), as in the authors' {@code Luolc/AdaBound} {@code AdaBound} class: Adam whose
 * per-coordinate step size is clipped into bounds that both converge to a final SGD rate.
 * <pre>
 *   m ← β₁m + (1−β₁)g        v ← β₂v + (1−β₂)g²        (AMSBound: v̂ ← max(v̂, v), used below instead of v)
 *   α  = lr·√(1−β₂ᵗ)/(1−β₁ᵗ)
 *   η* = finalLr·lr/lr_max                        (lr_max: the largest lr this group has used, see below)
 *   lower = η*·(1 − 1/(γt + 1))     upper = η*·(1 + 1/(γt))
 *   u = −clamp(α/(√v + ε), lower, upper) ⊙ m
 * </pre>
 * ε is added to √v <em>before</em> the bias correction, which is folded into α (unlike torch Adam's
 * √v/√(1−β₂ᵗ) + ε); the first step therefore differs from Adam's in the 11th digit. The AMSBound maximum is
 * taken over the raw v. At t = 1 the bounds are η*·(1 − 1/1.001) ≈ 10⁻⁴ and 1001·η* = 100.1 (defaults), so with
 * α/√v ≈ 10·lr/|g| the lower bound already binds when |g| &gt; 10⁵·lr. This transform produces the whole step,
 * learning rate included, because lr sits inside the clamp; the reference's coupled L2 decay is a
 * {@link WeightDecay#coupled} placed before it.
 *
 * <p><b>finalLr under a schedule.</b> The reference rescales the bound target by {@code lr/base_lr}, with
 * {@code base_lr} the lr at construction, so that a torch scheduler moves the bounds with the lr (and it
 * re-captures {@code base_lr} from the current lr on resume). A schedule here is a pure function that does
 * not expose a nominal lr, so the ratio uses lr_max, the largest lr the group has stepped with, kept as group
 * state ({@code adabound.maxLr}) and therefore saved and restored exactly. With a constant lr, η* = finalLr
 * bit for bit as in the reference; with a schedule that starts at its peak (step, cosine, exponential decay)
 * η* = finalLr·lr_t/lr₀, again as the reference; during a warm-up ramp η* stays at finalLr instead of ramping
 * with lr. With lr = 0 the step is zero (the reference divides by zero when its base lr is 0). γ must be in
 * (0, 1): the reference accepts γ = 0 and then divides by zero.
 *
 * @param amsboundDefault whether the {@code amsbound} option defaults to on (the AMSBound alias)
 */
public record ScaleByAdaBound(boolean amsboundDefault) implements Transform {

    @Override
    public String name() {
        return "adabound";
    }

    @Override
    public Set<String> stateKeys() {
        return Set.of("adabound.m", "adabound.v", "adabound.vmax");
    }

    private String label() {
        return amsboundDefault ? "amsbound" : "adabound";
    }

    @Override
    public Map<String, Double> defaults() {
        return Map.of("lr", 1e-3, "beta1", 0.9, "beta2", 0.999, "finalLr", 0.1, "gamma", 1e-3, "eps", 1e-8,
                "amsbound", amsboundDefault ? 1.0 : 0.0);
    }

    @Override
    public void validate(HyperParams h) {
        h.requireNonNegative(label(), "lr");
        h.requireClosedOpen(label(), "beta1", 0, 1);
        h.requireClosedOpen(label(), "beta2", 0, 1);
        h.requireNonNegative(label(), "finalLr");
        h.requireOpen(label(), "gamma", 0, 1);
        h.requireNonNegative(label(), "eps");
    }

    @Override
    public void apply(List<Slot> slots, StepContext ctx) {
        HyperParams h = ctx.hyper();
        double lr = h.get("lr"), b1 = h.get("beta1"), b2 = h.get("beta2"), gamma = h.get("gamma"), eps = h.get("eps");
        boolean ams = h.flag("amsbound");
        double maxLr = Math.max(ctx.scalar("adabound.maxLr", 0.0), lr);
        ctx.setScalar("adabound.maxLr", maxLr);
        double finalLr = lr == 0 ? 0 : h.get("finalLr") * lr / maxLr;
        for (Slot s : slots) {
            double[] u = s.update(), m = s.buffer("adabound.m"), v = s.buffer("adabound.v");
            double[] vmax = ams ? s.buffer("adabound.vmax") : v;
            long t = s.step();
            double alpha = lr * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
            double lower = finalLr * (1 - 1 / (gamma * t + 1));
            double upper = finalLr * (1 + 1 / (gamma * t));
            kernel(u, m, v, vmax, b1, b2, eps, alpha, lower, upper, ams);
        }
    }

    /** The step over whole arrays with the Vector API, bit for bit {@link #reference} (see {@link Lanes}). */
    static void kernel(double[] u, double[] m, double[] v, double[] vmax, double b1, double b2, double eps,
                       double alpha, double lower, double upper, boolean ams) {
        double c1 = 1 - b1, c2 = 1 - b2;
        DoubleVector alphaLanes = DoubleVector.broadcast(S, alpha);
        int i = 0;
        for (int end = S.loopBound(u.length); i < end; i += S.length()) {
            DoubleVector g = DoubleVector.fromArray(S, u, i);
            DoubleVector mi = DoubleVector.fromArray(S, m, i).mul(b1).add(g.mul(c1));
            DoubleVector vi = DoubleVector.fromArray(S, v, i).mul(b2).add(g.mul(c2).mul(g));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            // without AMSBound vmax is v itself and max(v, v) = v, so the maximum is taken unconditionally
            DoubleVector vHat = DoubleVector.fromArray(S, vmax, i).max(vi);
            vHat.intoArray(vmax, i);
            DoubleVector rate = alphaLanes.div(vHat.sqrt().add(eps)).max(lower).min(upper);
            rate.mul(mi).neg().intoArray(u, i);
        }
        reference(u, m, v, vmax, b1, b2, eps, alpha, lower, upper, ams, i, u.length);
    }

    /** The step's definition over {@code [from, to)}: vmax is v itself without AMSBound. */
    static void reference(double[] u, double[] m, double[] v, double[] vmax, double b1, double b2, double eps,
                          double alpha, double lower, double upper, boolean ams, int from, int to) {
        for (int i = from; i < to; i++) {
            double g = u[i];
            m[i] = b1 * m[i] + (1 - b1) * g;
            v[i] = b2 * v[i] + (1 - b2) * g * g;
            if (ams) vmax[i] = Math.max(vmax[i], v[i]);
            double rate = Math.min(Math.max(alpha / (Math.sqrt(vmax[i]) + eps), lower), upper);
            u[i] = -(rate * m[i]);
        }
    }
}
