package dev.tapegrad.optim;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The SPAM step, Spike-Aware Adam with Momentum Reset (Huang, Zhu, Jin, Liu, Wang, Liu, "SPAM: Spike-Aware
 * Adam with Momentum Reset for Stable LLM Training", ICLR 2025), as in the authors' {@code SPAM-Optimizer}
 * ({@code galore_torch/SPAM.py}). With T the group's step count before this step (0 on the first step),
 * N = warmupSteps, Δ = deltaT, A = gradAccuSteps, θ_s = threshold:
 * <pre>
 *   if (T+1) mod Δ = 0:  m ← 0, v ← 0           (momentum reset; the bias-correction step t is NOT reset)
 *   if θ_s ≠ 0 and T+1 ≥ A and (T+1) mod Δ ≥ A:  (no clipping in the A steps after the start or a reset)
 *       where g² &gt; θ_s·v:  g ← sign(g)·√(θ_s·v)   (v is v_{t−1}, not bias-corrected)
 *   m ← β₁m + (1−β₁)g      v ← β₂v + (1−β₂)g²
 *   θ ← θ − lr·√(1−β₂ᵗ)/(1−β₁ᵗ) · scale · m/(√v + ε)     (ε before the bias correction)
 *   θ ← θ − lr·wd·θ                                       (decoupled decay AFTER the update, not warmed up)
 *   scale = 1 − D(k),  D(k) = 0.99·(1 + cos(πk/(N+1)))/2 for k &lt; N, else 0
 * </pre>
 * k counts the steps since the last reset: it starts at N+1 (no warm-up at the very start), becomes 0 on a
 * reset step and grows by one per step, so each reset is followed by an N-step cosine warm-up of the step
 * from 0.01 to 1. The reference evaluates D with a torch {@code CosineAnnealingLR(T_max = N+1)} through the
 * deprecated {@code step(epoch)} path; this is its closed form. T and k are group scalars
 * ({@code spam.totalStep}, {@code spam.currentStep}), saved with the optimizer; the reference keeps them per
 * optimizer, which is the same when every group steps every time.
 *
 * <p>Only dense momentum is implemented: the reference's optional random sparse momentum (a per-group
 * {@code density} with masks resampled at each reset) is <b>not</b>. Bias correction is always on (the
 * reference's default {@code correct_bias=True}). Just after a reset v = (1−β₂)g², so g²/v ≈ 1/(1−β₂) = 1000
 * for β₂ = 0.999: a threshold below that clips almost every coordinate once clipping is allowed again.
 */
public record ScaleBySpam() implements Transform {

    @Override
    public String name() {
        return "spam";
    }

    @Override
    public Set<String> stateKeys() {
        return Set.of("spam.m", "spam.v");
    }

    @Override
    public Map<String, Double> defaults() {
        return Map.of("lr", 1e-3, "beta1", 0.9, "beta2", 0.999, "eps", 1e-6, "weightDecay", 0.0,
                "warmupSteps", 150.0, "threshold", 5000.0, "deltaT", 500.0, "gradAccuSteps", 20.0);
    }

    @Override
    public void validate(HyperParams h) {
        h.requireNonNegative("spam", "lr");
        h.requireClosedOpen("spam", "beta1", 0, 1);
        h.requireClosedOpen("spam", "beta2", 0, 1);
        h.requireNonNegative("spam", "eps");
        h.requireNonNegative("spam", "weightDecay");
        h.requireNonNegative("spam", "threshold");
        requireCount(h, "warmupSteps", 0);
        requireCount(h, "deltaT", 1);
        requireCount(h, "gradAccuSteps", 0);
    }

    private static void requireCount(HyperParams h, String name, long min) {
        h.requireClosed("spam", name, min, Long.MAX_VALUE);
        if (h.get(name) != Math.rint(h.get(name))) {
            throw new IllegalArgumentException("spam: " + name + " must be a whole number of steps, got " + h.get(name));
        }
    }

    /** The warm-up drop D(k) = 0.99·(1 + cos(πk/(N+1)))/2 for k &lt; N, else 0; the step is scaled by 1 − D(k). */
    static double warmupDrop(double k, double n) {
        return k >= n ? 0 : 0.99 * (1 + Math.cos(Math.PI * k / (n + 1))) / 2;
    }

    @Override
    public void apply(List<Slot> slots, StepContext ctx) {
        HyperParams h = ctx.hyper();
        double lr = h.get("lr"), b1 = h.get("beta1"), b2 = h.get("beta2"), eps = h.get("eps"), wd = h.get("weightDecay");
        double threshold = h.get("threshold"), warmup = h.get("warmupSteps");
        long deltaT = (long) h.get("deltaT"), accu = (long) h.get("gradAccuSteps");
        long total = (long) ctx.scalar("spam.totalStep", 0);
        double current = ctx.scalar("spam.currentStep", warmup + 1);
        double scale = 1 - warmupDrop(current, warmup);
        boolean reset = (total + 1) % deltaT == 0;
        boolean clip = threshold != 0 && total + 1 >= accu && (total + 1) % deltaT >= accu;
        for (Slot s : slots) {
            double[] u = s.update(), p = s.param(), m = s.buffer("spam.m"), v = s.buffer("spam.v");
            if (reset) {
                Arrays.fill(m, 0);
                Arrays.fill(v, 0);
            }
            long t = s.step();
            double stepSize = lr * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
            for (int i = 0; i < u.length; i++) {
                double g = u[i];
                if (clip && g * g > threshold * v[i]) g = Math.signum(g) * Math.sqrt(threshold * v[i]);
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double theta = p[i] + -stepSize * (m[i] / (Math.sqrt(v[i]) + eps) * scale);
                if (wd > 0) theta += -lr * wd * theta;
                u[i] = theta - p[i];
            }
        }
        total++;
        current = (total + 1) % deltaT == 0 ? 0 : current + 1;
        ctx.setScalar("spam.totalStep", total);
        ctx.setScalar("spam.currentStep", current);
    }
}
