package dev.tapegrad.optim;

import java.util.List;
import java.util.Map;

/**
 * Adaptive gradient clipping (Brock, De, Smith and Simonyan, "High-Performance Large-Scale Image Recognition
 * Without Normalization", ICML 2021): each unit's update is clipped relative to the size of its weights,
 * <pre>
 *   limit = agcClip · max(‖θ_i‖, agcEps)
 *   u_i ← u_i · limit / max(‖u_i‖, 1e-6)   if ‖u_i‖ &gt; limit, else unchanged
 * </pre>
 * so small updates are never touched and a zero-initialised unit may still move (by the agcEps floor).
 *
 * <p><b>Units and layout.</b> tapegrad's linear weights are stored (out, in), like PyTorch's, so a unit is one
 * <em>output row</em>: for a tensor of rank ≥ 2 the norms are taken over all axes but the first (index i of
 * axis 0), which also gives per-output-filter norms for (out, in, kh, kw) convolution kernels; a tensor of
 * rank ≤ 1 (bias, gain, scalar) is a single unit. This matches pytorch_optimizer's {@code agc}; optax's
 * {@code adaptive_grad_clip} reduces axis 0 instead because JAX kernels are (in, out), so the same W and G
 * give different numbers in the two libraries. The paper does not clip the final classifier layer: put it in
 * a group whose agcClip is large, or leave AGC out of its chain.
 *
 * @param defaultClip the default λ (hyper-parameter {@code agcClip}); the eps floor is {@code agcEps}, 1e-3
 */
public record AdaptiveGradClip(double defaultClip) implements Transform {

    @Override
    public String name() {
        return "adaptiveGradClip";
    }

    @Override
    public Map<String, Double> defaults() {
        return Map.of("agcClip", defaultClip, "agcEps", 1e-3);
    }

    @Override
    public void validate(HyperParams h) {
        h.requireOpen(name(), "agcClip", 0, Double.POSITIVE_INFINITY);
        h.requireNonNegative(name(), "agcEps");
    }

    @Override
    public void apply(List<Slot> slots, StepContext ctx) {
        double clip = ctx.hyper().get("agcClip"), eps = ctx.hyper().get("agcEps");
        for (Slot s : slots) {
            int[] shape = s.shape();
            int units = shape.length <= 1 ? 1 : shape[0];
            if (units == 0) continue;
            int width = s.size() / units;
            double[] u = s.update(), p = s.param();
            for (int i = 0, from = 0; i < units; i++, from += width) {
                double limit = clip * Math.max(VectorNorms.norm(p, from, from + width), eps);
                double norm = VectorNorms.norm(u, from, from + width);
                if (!(norm > limit)) continue;
                double scale = limit / Math.max(norm, 1e-6);
                for (int j = from; j < from + width; j++) u[j] *= scale;
            }
        }
    }
}
