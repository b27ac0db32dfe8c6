package dev.tapegrad.optim;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * D-Adaptation for Adam (Defazio and Mishchenko, "Learning-Rate-Free Learning by D-Adaptation", ICML 2023),
 * as in {@code facebookresearch/dadaptation} {@code DAdaptAdam} (version 3, layer scale 1). Group state: step
 * count k, estimate d (starting at d0) and the weighted numerator; per parameter: m, v and the weighted
 * gradient sum s. With b = √β₂:
 * <pre>
 *   dlr = d·lr·(biasCorrection ? √(1−β₂^(k+1))/(1−β₁^(k+1)) : 1)
 *   g ← g + wd·θ                                   (coupled L2, unless decouple)
 *   acc = Σ dlr·⟨g, s/(√v + ε)⟩                    (v of the previous step)
 *   m ← β₁m + dlr(1−β₁)g     v ← β₂v + (1−β₂)g²    s ← b·s + dlr(1−b)g
 *   num ← b·num + (1−b)·acc
 *   d̂ = num/((1−b)·‖s‖₁);   d ← max(d, min(d̂, d·growthRate))
 *   θ ← θ − wd·dlr·θ  (decouple)  ;  θ ← θ − m/(√v + ε)          (m already carries dlr)
 *   k ← k + 1
 * </pre>
 * Bias correction is off by default (as in the reference). <b>Zero gradients:</b> when ‖s‖₁ = 0 (every gradient so
 * far was zero) the step is skipped as in the reference: parameters unchanged, k, d and num unchanged (m, v, s
 * have been updated, and stay zero). A group with lr = 0 is skipped entirely, as the reference skips zero-lr
 * groups. Each parameter group adapts its own d (the reference shares one across groups).
 */
public record DAdaptAdam() implements Transform {

    @Override
    public String name() {
        return "dadaptadam";
    }

    @Override
    public Set<String> stateKeys() {
        return Set.of("dadaptadam.m", "dadaptadam.v", "dadaptadam.s");
    }

    @Override
    public Map<String, Double> defaults() {
        return Map.of("lr", 1.0, "beta1", 0.9, "beta2", 0.999, "eps", 1e-8, "weightDecay", 0.0, "d0", 1e-6,
                "growthRate", Double.POSITIVE_INFINITY, "decouple", 0.0, "biasCorrection", 0.0);
    }

    @Override
    public void validate(HyperParams h) {
        h.requireNonNegative("dadaptadam", "lr");
        h.requireClosedOpen("dadaptadam", "beta1", 0, 1);
        h.requireClosedOpen("dadaptadam", "beta2", 0, 1);
        h.requireNonNegative("dadaptadam", "eps");
        h.requireNonNegative("dadaptadam", "weightDecay");
        h.requireOpen("dadaptadam", "d0", 0, Double.POSITIVE_INFINITY);
        h.requireClosed("dadaptadam", "growthRate", 1, Double.POSITIVE_INFINITY);
    }

    /** A step that changes nothing: zero updates. */
    static void skip(List<Slot> slots) {
        for (Slot s : slots) Arrays.fill(s.update(), 0.0);
    }

    @Override
    public void apply(List<Slot> slots, StepContext ctx) {
        HyperParams h = ctx.hyper();
        double lr = h.get("lr"), b1 = h.get("beta1"), b2 = h.get("beta2"), eps = h.get("eps"), wd = h.get("weightDecay");
        boolean decouple = h.flag("decouple");
        if (lr == 0) {
            skip(slots);
            return;
        }
        double k = ctx.scalar("dadaptadam.k", 0), d = ctx.scalar("dadaptadam.d", h.get("d0"));
        double bc = h.flag("biasCorrection") ? Math.sqrt(1 - Math.pow(b2, k + 1)) / (1 - Math.pow(b1, k + 1)) : 1;
        double dlr = d * lr * bc, sqrtB2 = Math.sqrt(b2);
        double acc = 0, skL1 = 0;
        for (Slot s : slots) {
            double[] u = s.update(), p = s.param();
            double[] m = s.buffer("dadaptadam.m"), v = s.buffer("dadaptadam.v"), sum = s.buffer("dadaptadam.s");
            double dot = 0, l1 = 0;
            for (int i = 0; i < u.length; i++) {
                double g = !decouple && wd != 0 ? u[i] + wd * p[i] : u[i];
                dot += g * (sum[i] / (Math.sqrt(v[i]) + eps));
                m[i] = m[i] * b1 + dlr * (1 - b1) * g;
                v[i] = v[i] * b2 + (1 - b2) * g * g;
                sum[i] = sum[i] * sqrtB2 + dlr * (1 - sqrtB2) * g;
                l1 += Math.abs(sum[i]);
            }
            acc += dlr * dot;
            skL1 += l1;
        }
        double num = sqrtB2 * ctx.scalar("dadaptadam.numerator", 0) + (1 - sqrtB2) * acc;
        if (skL1 == 0) {
            skip(slots);
            return;
        }
        d = Math.max(d, Math.min(num / ((1 - sqrtB2) * skL1), d * h.get("growthRate")));
        ctx.setScalar("dadaptadam.numerator", num);
        ctx.setScalar("dadaptadam.d", d);
        ctx.setScalar("dadaptadam.k", k + 1);
        for (Slot s : slots) {
            double[] u = s.update(), p = s.param(), m = s.buffer("dadaptadam.m"), v = s.buffer("dadaptadam.v");
            for (int i = 0; i < u.length; i++) {
                double theta = decouple && wd != 0 ? p[i] + -wd * dlr * p[i] : p[i];
                theta -= m[i] / (Math.sqrt(v[i]) + eps);
                u[i] = theta - p[i];
            }
        }
    }
}
