package dev.tapegrad.optim;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The projection of AdamP and SGDP (Heo, Chun, Oh, Han, Yun, Kim, Uh, Ha, "AdamP: Slowing Down the Slowdown
 * for Momentum Optimizers on Scale-invariant Weights", ICLR 2021; reference {@code clovaai/AdamP}), followed by
 * their decoupled weight decay. For a parameter with at least two dimensions, viewed first per channel
 * (rows = {@code shape[0]}) and then as one row (the whole layer):
 * <pre>
 *   cos_r = | ⟨g_r/max(‖g_r‖, ε), θ_r/max(‖θ_r‖, ε)⟩ |           (torch's cosine_similarity, raw gradient g)
 *   if max_r cos_r &lt; δ/√(row length):                          (the weight looks scale-invariant)
 *       θ̂_r = θ_r/(‖θ_r‖ + ε);   u_r ← u_r − θ̂_r·⟨θ̂_r, u_r⟩      (remove the radial component)
 *       ratio = wdRatio, and the later views are not tried
 *   u ← u + wd·ratio·c·θ     (if wd &gt; 0; c = 1 for AdamP, c = 1/(1 − momentum) for SGDP)
 * </pre>
 * With the learning-rate scaling after it this is the reference's θ ← θ·(1 − lr·wd·ratio·c) − lr·u.
 * In SGDP without Nesterov the reference's direction <em>is</em> the momentum buffer, and its in-place
 * projection therefore also projects the buffer that the next step builds on; this is reproduced (the
 * projected direction is written back to {@link SgdpMomentum}'s buffer), and it changes the trajectory
 * from the third step on in the reference run of the tests.
 * One-dimensional parameters (biases, gains) are never projected (ratio 1). The absolute value of the
 * cosine is in the code but missing from eq. (11) of the paper (clovaai/AdamP#6: "a mistake" in the paper).
 * With a zero parameter or a zero gradient the cosine is 0, so the test passes and the projection (which
 * is then a no-op for θ = 0) and wdRatio apply, as in the reference. The cosine uses the raw gradient
 * {@link Slot#grad()}, as the reference reads {@code p.grad}.
 *
 * @param optimizer name used in messages ({@code adamp} or {@code sgdp})
 * @param sgdp      SGDP's variant: decay divided by (1 − momentum), and without Nesterov the projected
 *                  direction replaces the momentum buffer
 */
public record RadialProjection(String optimizer, boolean sgdp) implements Transform {

    @Override
    public String name() {
        return "projection";
    }

    @Override
    public Set<String> stateKeys() {
        return Set.of("momentum.buf");
    }

    @Override
    public Map<String, Double> defaults() {
        return Map.of("eps", 1e-8, "delta", 0.1, "wdRatio", 0.1, "weightDecay", 0.0);
    }

    @Override
    public void validate(HyperParams h) {
        h.requireNonNegative(optimizer, "eps");
        h.requireNonNegative(optimizer, "delta");
        h.requireNonNegative(optimizer, "wdRatio");
        h.requireNonNegative(optimizer, "weightDecay");
    }

    @Override
    public void apply(List<Slot> slots, StepContext ctx) {
        HyperParams h = ctx.hyper();
        double eps = h.get("eps"), delta = h.get("delta"), wdRatio = h.get("wdRatio"), wd = h.get("weightDecay");
        double c = sgdp ? 1 / (1 - h.get("momentum")) : 1;
        boolean projectBuffer = sgdp && !h.flag("nesterov");
        for (Slot s : slots) {
            int[] shape = s.shape();
            double ratio = 1;
            if (shape.length > 1 && s.size() > 0) {
                for (int rows : new int[] {shape[0], 1}) {
                    if (looksScaleInvariant(s.grad(), s.param(), rows, delta, eps)) {
                        project(s.param(), s.update(), rows, eps);
                        if (projectBuffer) System.arraycopy(s.update(), 0, s.buffer("momentum.buf"), 0, s.size());
                        ratio = wdRatio;
                        break;
                    }
                }
            }
            if (wd > 0) {
                double[] u = s.update(), p = s.param();
                double k = wd * ratio * c;
                for (int i = 0; i < u.length; i++) u[i] += k * p[i];
            }
        }
    }

    /** max over rows of |cosine(g_r, θ_r)| &lt; δ/√(row length), the array seen as {@code rows} equal rows. */
    static boolean looksScaleInvariant(double[] g, double[] p, int rows, double delta, double eps) {
        int cols = p.length / rows;
        double maxCos = 0;
        for (int r = 0; r < rows; r++) {
            int from = r * cols, to = from + cols;
            double gn = Math.max(VectorNorms.norm(g, from, to), eps), pn = Math.max(VectorNorms.norm(p, from, to), eps);
            double dot = 0;
            for (int i = from; i < to; i++) dot += (g[i] / gn) * (p[i] / pn);
            maxCos = Math.max(maxCos, Math.abs(dot)); // a NaN propagates and fails the test, as in torch
        }
        return maxCos < delta / Math.sqrt(cols);
    }

    /** u_r ← u_r − θ̂_r⟨θ̂_r, u_r⟩ with θ̂_r = θ_r/(‖θ_r‖ + ε), per row. */
    static void project(double[] p, double[] u, int rows, double eps) {
        int cols = p.length / rows;
        for (int r = 0; r < rows; r++) {
            int from = r * cols, to = from + cols;
            double scale = VectorNorms.norm(p, from, to) + eps;
            double dot = 0;
            for (int i = from; i < to; i++) dot += (p[i] / scale) * u[i];
            for (int i = from; i < to; i++) u[i] -= (p[i] / scale) * dot;
        }
    }
}
