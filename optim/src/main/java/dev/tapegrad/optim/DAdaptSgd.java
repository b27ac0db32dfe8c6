package dev.tapegrad.optim;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * D-Adaptation for SGD (Defazio and Mishchenko, "Learning-Rate-Free Learning by D-Adaptation", ICML 2023),
 * as in {@code facebookresearch/dadaptation} {@code DAdaptSGD} (version 3): SGD in dual-averaging form whose
 * step grows with a lower bound d on the distance to the solution. Group state: step count k, estimate d
 * (starting at d0), weighted numerator, and ‖g₀‖; per parameter: the gradient sum s and the start x₀.
 * <pre>
 *   k = 0:  ‖g₀‖ = ‖g‖ over the group's raw gradients (without weight decay, as the reference)
 *   dlr = d·lr/‖g₀‖
 *   num ← num + dlr·⟨g, s⟩;   s ← s + dlr·g               (g includes coupled L2, applied before in the chain)
 *   d̂ = 2·num/‖s‖;   d ← max(d, min(d̂, d·growthRate))     (only when lr &gt; 0)
 *   z = x₀ − s;   θ ← (1 − c)·θ + c·z,  c = 1 − momentum   (momentum as primal averaging)
 *   k ← k + 1
 * </pre>
 * <b>Zero gradients.</b> The reference divides by ‖g₀‖ and raises {@code ZeroDivisionError} when the first
 * gradient is zero (or the lr is 0 at k = 0). Here such a step is <em>skipped</em>: the parameters do not move
 * and no state changes (k stays 0, so ‖g₀‖ is measured again at the next step). Likewise a step with ‖s‖ = 0
 * is skipped, as in the reference. With several parameter groups each group adapts its own d (the reference
 * shares one estimate and requires all non-zero group lrs to be equal).
 */
public record DAdaptSgd() implements Transform {

    @Override
    public String name() {
        return "dadaptsgd";
    }

    @Override
    public Set<String> stateKeys() {
        return Set.of("dadaptsgd.x0", "dadaptsgd.s");
    }

    @Override
    public Map<String, Double> defaults() {
        return Map.of("lr", 1.0, "momentum", 0.0, "d0", 1e-6, "growthRate", Double.POSITIVE_INFINITY);
    }

    @Override
    public void validate(HyperParams h) {
        h.requireNonNegative("dadaptsgd", "lr");
        h.requireClosedOpen("dadaptsgd", "momentum", 0, 1);
        h.requireOpen("dadaptsgd", "d0", 0, Double.POSITIVE_INFINITY);
        h.requireClosed("dadaptsgd", "growthRate", 1, Double.POSITIVE_INFINITY);
    }

    @Override
    public void apply(List<Slot> slots, StepContext ctx) {
        HyperParams h = ctx.hyper();
        double lr = h.get("lr"), c = 1 - h.get("momentum");
        double k = ctx.scalar("dadaptsgd.k", 0), d = ctx.scalar("dadaptsgd.d", h.get("d0"));
        double g0 = ctx.scalar("dadaptsgd.g0norm", 0);
        if (k == 0) {
            double sq = 0;
            if (lr > 0) for (Slot s : slots) for (double g : s.grad()) sq += g * g;
            g0 = Math.sqrt(sq);
            if (g0 == 0) {
                DAdaptAdam.skip(slots);
                return;
            }
        }
        double dlr = d * lr / g0;
        double num = ctx.scalar("dadaptsgd.numerator", 0), skSq = 0;
        for (Slot s : slots) {
            double[] u = s.update();
            if (!s.hasBuffer("dadaptsgd.x0")) System.arraycopy(s.param(), 0, s.buffer("dadaptsgd.x0"), 0, s.size());
            double[] sum = s.buffer("dadaptsgd.s");
            double dot = 0, sq = 0;
            for (int i = 0; i < u.length; i++) dot += u[i] * sum[i];
            num += dlr * dot;
            for (int i = 0; i < u.length; i++) {
                sum[i] += dlr * u[i];
                sq += sum[i] * sum[i];
            }
            skSq += sq;
        }
        if (skSq == 0) {
            DAdaptAdam.skip(slots);
            return;
        }
        if (lr > 0) d = Math.max(d, Math.min(2 * num / Math.sqrt(skSq), d * h.get("growthRate")));
        ctx.setScalar("dadaptsgd.g0norm", g0);
        ctx.setScalar("dadaptsgd.numerator", num);
        ctx.setScalar("dadaptsgd.d", d);
        ctx.setScalar("dadaptsgd.k", k + 1);
        for (Slot s : slots) {
            double[] u = s.update(), p = s.param(), x0 = s.buffer("dadaptsgd.x0"), sum = s.buffer("dadaptsgd.s");
            for (int i = 0; i < u.length; i++) u[i] = p[i] * (1 - c) + c * (x0[i] - sum[i]) - p[i];
        }
    }
}
