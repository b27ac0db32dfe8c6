package dev.tapegrad;

import static dev.tapegrad.check.Samples.*;

import dev.tapegrad.kernels.NormKernels;

/**
 * Layer norm and RMS norm over the last axis, each one fused kernel forward and one backward (instead of
 * the six to nine full passes, allocations and tape nodes of the composed form).
 *
 * <p>With n the last axis' size, μ the row mean (0 for RMS norm), r = 1/√(mean((x − μ)²) + ε) and
 * x̂ = (x − μ)·r, the output is y = x̂·w + b. Per row, x̂'s Jacobian is symmetric,
 * J = r·(I − 11ᵀ/n − x̂x̂ᵀ/n) (RMS norm: without 11ᵀ/n), so J·v = r·(v − mean(v) − x̂·mean(v·x̂)) serves
 * both rules:
 * <ul>
 *   <li>VJP: x̄ = J·(ḡ·w), w̄ = Σ_rows ḡ·x̂, b̄ = Σ_rows ḡ;</li>
 *   <li>JVP: ẏ = (J·ẋ)·w + x̂·ẇ + ḃ.</li>
 * </ul>
 *
 * <p>When the result is not itself recorded, J·v runs in the fused backward kernel with the μ and r saved
 * by the forward. When it is (a gradient of a gradient, or a tangent that is differentiated), the same
 * formulas are written with differentiable ops of x instead, so that higher derivatives are exact.
 */
final class NormOps {
    private NormOps() {}

    // ε = 0.1 keeps near-constant rows well conditioned for finite differences
    static final OpDef LAYER_NORM = OpDef.of("layerNorm",
                    "(x − μ)/√(σ² + ε)·w + b over the last axis; x̄ = J·(ḡw), ẏ = (J·ẋ)w + x̂ẇ + ḃ with J = r(I − 11ᵀ/n − x̂x̂ᵀ/n)")
            .example(normInputs(2), xs -> xs.get(0).layerNorm(xs.get(1), xs.get(2), 0.1))
            .example("plain", normInputs(0), xs -> xs.get(0).layerNorm(null, null, 0.1))
            .example("transposed-input", shaped(s -> java.util.List.of(new int[] {s.get(0) + 1, s.get(1)}, new int[] {s.get(0) + 1}), 2, ANY),
                    xs -> xs.get(0).t().layerNorm(xs.get(1), null, 0.1));

    /** (x − μ)/√(σ² + ε)·w + b over the last axis; w and b ([n]) may be null. */
    static Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, double eps) {
        return norm(LAYER_NORM, true, x, weight, bias, eps);
    }

    static final OpDef RMS_NORM = OpDef.of("rmsNorm",
                    "x/√(mean(x²) + ε)·w over the last axis; x̄ = J·(ḡw), ẏ = (J·ẋ)w + x̂ẇ with J = r(I − x̂x̂ᵀ/n)")
            .example(normInputs(1), xs -> xs.get(0).rmsNorm(xs.get(1), 0.1))
            .example("plain", normInputs(0), xs -> xs.get(0).rmsNorm(null, 0.1));

    /** x/√(mean(x²) + ε)·w over the last axis; w ([n]) may be null. */
    static Tensor rmsNorm(Tensor x, Tensor weight, double eps) {
        return norm(RMS_NORM, false, x, weight, null, eps);
    }

    private static void requireParam(String name, String what, Tensor p, Tensor x) {
        if (p == null) return;
        int n = x.shape[x.shape.length - 1];
        if (p.shape.length != 1 || p.shape[0] != n || p.dtype() != x.dtype()) {
            throw new IllegalArgumentException(name + ": " + what + " must be a " + x.dtype() + " vector of shape ["
                    + n + "] (the last axis of x " + Shapes.str(x.shape) + "), got " + p.dtype() + " "
                    + Shapes.str(p.shape));
        }
    }

    /** t itself when contiguous (its data then starts at its offset), else a contiguous copy. */
    private static Tensor rowMajor(Tensor t) {
        return t.isContiguous() ? t : ViewOps.contiguousRaw(t);
    }

    /** A parameter vector as an array indexed from 0, or null. */
    private static Object vector(Tensor p) {
        if (p == null) return null;
        return p.isContiguous() && p.offset == 0 ? p.data() : ViewOps.contiguousRaw(p).data();
    }

    private static Tensor norm(OpDef def, boolean centre, Tensor x, Tensor w, Tensor b, double eps) {
        String name = def.name();
        Checks.requireFloating(name, x);
        if (x.shape.length == 0) throw new IllegalArgumentException(name + ": needs at least one axis, got a scalar");
        int n = x.shape[x.shape.length - 1];
        if (n == 0) throw new IllegalArgumentException(name + ": the last axis of " + Shapes.str(x.shape) + " is empty");
        requireParam(name, "weight", w, x);
        requireParam(name, "bias", b, x);
        if (!(eps >= 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException(name + ": eps must be finite and non-negative, got " + eps);
        }
        int rows = x.numel() / n;
        int[] rowShape = x.shape.clone();
        rowShape[rowShape.length - 1] = 1;
        Tensor xc = rowMajor(x);
        Tensor out = Tensor.allocate(x.dtype(), x.shape);
        Tensor mean = centre ? Tensor.allocate(x.dtype(), rowShape) : null;
        Tensor rstd = Tensor.allocate(x.dtype(), rowShape);
        NormKernels.forward(xc.dtype(), centre, rows, n, xc.data(), xc.offset, vector(w), vector(b), eps, out.data(),
                mean == null ? null : mean.data(), rstd.data());

        // x, w, b in this order, without the absent ones: the rules see only the inputs that exist
        Tensor[] all = {x, w, b};
        Tensor[] in = java.util.Arrays.stream(all).filter(java.util.Objects::nonNull).toArray(Tensor[]::new);
        Tensor[] saved = w == null ? new Tensor[] {x} : new Tensor[] {x, w};
        return def.record(out, in, saved, g -> {
            Tensor[] grads = ForwardMode.needsDifferentiableOps(g, x, w, b) ? composed(centre, x, w, b, eps, g) : fused(centre, rows, n, xc, w, b, mean, rstd, g);
            Tensor[] result = new Tensor[in.length];
            for (int i = 0, k = 0; i < all.length; i++) if (all[i] != null) result[k++] = grads[i];
            return result;
        }, t -> {
            Tensor[] tangent = new Tensor[3]; // ẋ, ẇ, ḃ (null when absent or without a tangent)
            for (int i = 0, k = 0; i < all.length; i++) if (all[i] != null) tangent[i] = t[k++];
            Tensor tx = tangent[0], tw = tangent[1], tb = tangent[2];
            Tensor jx, xhat;
            if (ForwardMode.needsDifferentiableOps(x, w, b, tx, tw, tb)) {
                Normalised z = Normalised.of(centre, x, eps);
                jx = tx == null ? null : z.jacobianTimes(centre, tx);
                xhat = z.xhat();
            } else {
                jx = tx == null ? null : fused(centre, rows, n, xc, null, null, mean, rstd, tx)[0];
                xhat = tw == null ? null : (centre ? x.sub(mean) : x).mul(rstd);
            }
            return JvpRule.sum(jx == null || w == null ? jx : jx.mul(w), tw == null ? null : xhat.mul(tw), tb);
        });
    }

    /** x̄, w̄ and b̄ (the last two null when there is no w, b) from the fused kernel, without a tape. */
    private static Tensor[] fused(boolean centre, int rows, int n, Tensor xc, Tensor w, Tensor b, Tensor mean,
                                  Tensor rstd, Tensor g) {
        Tensor gc = rowMajor(g);
        Tensor dx = Tensor.allocate(xc.dtype(), xc.shape);
        boolean params = w != null || b != null;
        Tensor dw = params ? Tensor.allocate(xc.dtype(), new int[] {n}) : null;
        Tensor db = b != null ? Tensor.allocate(xc.dtype(), new int[] {n}) : null;
        NormKernels.backward(xc.dtype(), centre, rows, n, xc.data(), xc.offset, gc.data(), gc.offset, vector(w),
                mean == null ? null : mean.data(), rstd.data(), dx.data(), params ? dw.data() : null,
                db == null ? null : db.data());
        return new Tensor[] {dx, w == null ? null : dw, db};
    }

    /** The same x̄, w̄, b̄ written with differentiable ops of x, w and ḡ (for gradients of gradients). */
    private static Tensor[] composed(boolean centre, Tensor x, Tensor w, Tensor b, double eps, Tensor g) {
        int n = x.shape[x.shape.length - 1];
        Normalised z = Normalised.of(centre, x, eps);
        Tensor dx = z.jacobianTimes(centre, w == null ? g : g.mul(w));
        Tensor dw = w == null ? null : g.mul(z.xhat()).sumToSize(n);
        Tensor db = b == null ? null : g.sumToSize(n);
        return new Tensor[] {dx, dw, db};
    }

    /** x̂ = (x − μ)·r and r = 1/√(mean((x − μ)²) + ε) per row (μ = 0 for RMS norm), as differentiable ops of x. */
    private record Normalised(Tensor xhat, Tensor r) {
        static Normalised of(boolean centre, Tensor x, double eps) {
            int[] last = {x.shape.length - 1};
            Tensor xc = centre ? x.sub(x.mean(last, true)) : x;
            Tensor r = xc.square().mean(last, true).add(eps).rsqrt();
            return new Normalised(xc.mul(r), r);
        }

        /** J·v = r·(v − mean(v) − x̂·mean(v·x̂)) per row (RMS norm: without mean(v)); J is symmetric. */
        Tensor jacobianTimes(boolean centre, Tensor v) {
            int[] last = {xhat.shape.length - 1};
            Tensor inner = v.sub(xhat.mul(v.mul(xhat).mean(last, true)));
            if (centre) inner = inner.sub(v.mean(last, true));
            return inner.mul(r);
        }
    }
}
