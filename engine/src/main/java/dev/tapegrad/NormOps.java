package dev.tapegrad;

import dev.tapegrad.kernels.NormKernels;

/**
 * Layer norm and RMS norm over the last axis, each one fused kernel forward and one backward (instead of
 * the six to nine full passes, allocations and tape nodes of the composed form).
 *
 * <p>With n the last axis' size, μ the row mean (0 for RMS norm), r = 1/√(mean((x − μ)²) + ε) and
 * x̂ = (x − μ)·r, the output is y = x̂·w + b. The rule, with ĝ = ḡ·w:
 * x̄ = r·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) (RMS norm: without mean(ĝ)), w̄ = Σ_rows ḡ·x̂, b̄ = Σ_rows ḡ.
 *
 * <p>A plain backward runs the fused backward kernel with the μ and r saved by the forward. When the
 * backward itself is recorded (a gradient of a gradient), the same formulas are written with
 * differentiable ops of x instead, so that higher derivatives are exact.
 */
final class NormOps {
    private NormOps() {}

    /** (x − μ)/√(σ² + ε)·w + b over the last axis; w and b ([n]) may be null. */
    static Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, double eps) {
        return norm("layerNorm", true, x, weight, bias, eps);
    }

    /** x/√(mean(x²) + ε)·w over the last axis; w ([n]) may be null. */
    static Tensor rmsNorm(Tensor x, Tensor weight, double eps) {
        return norm("rmsNorm", false, x, weight, null, eps);
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

    private static Tensor norm(String name, boolean centre, Tensor x, Tensor w, Tensor b, double eps) {
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

        Tensor[] all = {x, w, b};
        Tensor[] in = java.util.Arrays.stream(all).filter(java.util.Objects::nonNull).toArray(Tensor[]::new);
        Tensor[] saved = w == null ? new Tensor[] {x} : new Tensor[] {x, w};
        return Tape.record(name, out, in, saved, g -> {
            boolean higher = Tape.isRecording() && g.requiresGrad;
            for (Tensor t : in) higher |= Tape.isRecording() && t.requiresGrad;
            Tensor[] grads = higher ? composed(centre, x, w, b, eps, g) : fused(centre, rows, n, xc, w, b, mean, rstd, g);
            Tensor[] result = new Tensor[in.length];
            for (int i = 0, k = 0; i < all.length; i++) if (all[i] != null) result[k++] = grads[i];
            return result;
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
        int[] last = {x.shape.length - 1};
        int n = x.shape[last[0]], rows = x.numel() / n;
        Tensor xc = centre ? x.sub(x.mean(last, true)) : x;
        Tensor r = xc.square().mean(last, true).add(eps).rsqrt();
        Tensor xhat = xc.mul(r);
        Tensor gh = w == null ? g : g.mul(w);
        Tensor inner = gh.sub(xhat.mul(gh.mul(xhat).mean(last, true)));
        if (centre) inner = inner.sub(gh.mean(last, true));
        Tensor dw = w == null ? null : g.mul(xhat).reshape(rows, n).sum(new int[] {0});
        Tensor db = b == null ? null : g.reshape(rows, n).sum(new int[] {0});
        return new Tensor[] {inner.mul(r), dw, db};
    }
}
