package dev.tapegrad;

import dev.tapegrad.kernels.SoftmaxKernels;

/**
 * Softmax, log-softmax and cross-entropy with logits along an axis, each computed by one fused kernel per
 * row ({@link SoftmaxKernels}) and recorded as one op.
 *
 * <p>The backward of each is itself a fused, recorded op (x̄ in one pass per row) whose own rule is written
 * with ordinary differentiable ops, so second and higher derivatives work.
 *
 * <p>Rows are shifted by their (constant) maximum first: with z = x − max(x), every exp(z) lies in [0, 1]
 * and their sum in [1, n], so logits like ±1e4 give finite values and gradients. A row of all −∞, or one
 * containing +∞ or NaN, has no defined softmax and gives NaN (as in PyTorch).
 */
final class SoftmaxOps {
    private SoftmaxOps() {}

    /** A tensor's elements as a contiguous block [outer, n, inner] around one axis: the data starts at {@code offset}. */
    private record Block(Object data, int offset, int outer, int n, int inner) {
        static Block of(Tensor x, int axis) {
            Tensor c = x.isContiguous() ? x : ViewOps.contiguousRaw(x);
            int outer = 1, inner = 1;
            for (int a = 0; a < axis; a++) outer *= x.shape[a];
            for (int a = axis + 1; a < x.shape.length; a++) inner *= x.shape[a];
            return new Block(c.storage.data(), c.offset, outer, x.shape[axis], inner);
        }
    }

    private static int axis(String name, Tensor x, int axis) {
        Checks.requireFloating(name, x);
        return Shapes.axes(name, new int[] {axis}, x.shape)[0];
    }

    /** sᵢ = exp(xᵢ)/Σⱼ exp(xⱼ) along the axis. Rule: s·(ḡ − Σ ḡ·s), one fused op. */
    static Tensor softmax(Tensor x, int axis) {
        return forward("softmax", false, x, axis);
    }

    /** xᵢ − log Σⱼ exp(xⱼ) along the axis. Rule: ḡ − exp(out)·Σ ḡ, one fused op. */
    static Tensor logSoftmax(Tensor x, int axis) {
        return forward("logSoftmax", true, x, axis);
    }

    private static Tensor forward(String name, boolean log, Tensor x, int axisIn) {
        int axis = axis(name, x, axisIn);
        Block b = Block.of(x, axis);
        Tensor out = Tensor.allocate(x.dtype(), x.shape);
        SoftmaxKernels.softmax(x.dtype(), log, b.data(), b.offset(), b.outer(), b.n(), b.inner(), out.data());
        return Tape.record(name, out, x, new Tensor[] {out}, g -> new Tensor[] {backward(log, out, g, axis)});
    }

    /**
     * The input gradient of softmax (x̄ = y·(g − Σ g·y)) or log-softmax (x̄ = g − e^y·Σ g) from the output y
     * and its gradient g, sums along the axis, as one recorded op of (y, g). Its rule, with h the gradient
     * of x̄ and d = Σ g·y: for softmax ȳ = h·(g − d) − g·Σ h·y and ḡ = y·(h − Σ h·y) (the same op again);
     * for log-softmax, with p = e^y, ȳ = −h·p·Σ g and ḡ = h − Σ h·p.
     */
    static Tensor backward(boolean log, Tensor y, Tensor g, int axis) {
        String name = log ? "logSoftmaxBackward" : "softmaxBackward";
        Block by = Block.of(y, axis), bg = Block.of(g, axis);
        Tensor out = Tensor.allocate(y.dtype(), y.shape);
        SoftmaxKernels.softmaxBackward(y.dtype(), log, by.data(), by.offset(), bg.data(), bg.offset(), by.outer(), by.n(),
                by.inner(), out.data());
        int[] axes = {axis};
        return Tape.record(name, out, new Tensor[] {y, g}, new Tensor[] {y, g}, h -> {
            if (log) {
                Tensor p = y.exp();
                return new Tensor[] {
                    y.requiresGrad ? h.mul(p).mul(g.sum(axes, true)).neg() : null,
                    g.requiresGrad ? h.sub(h.mul(p).sum(axes, true)) : null};
            }
            return new Tensor[] {
                y.requiresGrad ? h.mul(g.sub(g.mul(y).sum(axes, true))).sub(g.mul(h.mul(y).sum(axes, true))) : null,
                g.requiresGrad ? backward(false, y, h, axis) : null};
        });
    }

    // ---------------------------------------------------------------- cross-entropy

    /**
     * Per-row cross-entropy of logits z along the axis with class-index targets t: with lse = log Σⱼ e^(zⱼ),
     * ℓ = (1 − ε)·(lse − z_t) + (ε/n)·Σⱼ (lse − zⱼ), and ℓ = 0 where t equals {@code ignoreIndex}. One pass per
     * row; the rule is one more (z̄ = ḡ·(softmax(z) − (1 − ε)·onehot(t) − ε/n), 0 on ignored rows), without
     * materialising log-softmax or a one-hot.
     */
    static Tensor crossEntropy(Tensor z, Tensor target, int axisIn, int ignoreIndex, double eps) {
        String name = "crossEntropy";
        int axis = axis(name, z, axisIn);
        int n = z.shape[axis];
        int[] rowShape = new int[z.shape.length - 1];
        for (int a = 0, k = 0; a < z.shape.length; a++) if (a != axis) rowShape[k++] = z.shape[a];
        if (target.dtype() != DType.INT32 || !java.util.Arrays.equals(target.shape, rowShape)) {
            throw new IllegalArgumentException(name + ": target must be int32 of shape " + Shapes.str(rowShape)
                    + " (logits " + Shapes.str(z.shape) + " without axis " + axis + "), got " + target.dtype() + " "
                    + Shapes.str(target.shape));
        }
        if (!(eps >= 0 && eps <= 1)) throw new IllegalArgumentException(name + ": labelSmoothing must be in [0, 1], got " + eps);
        int[] labels = target.toIntArray();
        for (int r = 0; r < labels.length; r++) {
            if (labels[r] != ignoreIndex && (labels[r] < 0 || labels[r] >= n)) {
                throw new IndexOutOfBoundsException(name + ": target label " + labels[r] + " at flat position " + r
                        + " is out of range for " + n + " classes (logits " + Shapes.str(z.shape) + ", ignore index "
                        + ignoreIndex + ")");
            }
        }
        Block b = Block.of(z, axis);
        Tensor loss = Tensor.allocate(z.dtype(), rowShape);
        Object lse = Tensor.allocate(z.dtype(), rowShape).data();
        SoftmaxKernels.crossEntropy(z.dtype(), b.data(), b.offset(), b.outer(), n, b.inner(), labels, ignoreIndex, eps, loss.data(), lse);
        return Tape.record(name, loss, z, new Tensor[] {z},
                g -> new Tensor[] {crossEntropyBackward(z, g, axis, labels, ignoreIndex, eps, lse)});
    }

    /**
     * z̄ = ḡ·(softmax(z) − (1 − ε)·onehot(t) − ε/n) per row (0 on ignored rows), as one recorded op of (z, ḡ),
     * from the forward's saved log Σ e^z. Its rule, with h the gradient of z̄, p = softmax(z) and k the
     * not-ignored mask: z̄-part = p·(k·ḡ·h − Σ k·ḡ·h·p) (the softmax backward op) and
     * ḡ-part = k·(Σ h·p − (1 − ε)·h_t − (ε/n)·Σ h).
     */
    private static Tensor crossEntropyBackward(Tensor z, Tensor g, int axis, int[] labels, int ignore, double eps,
                                               Object lse) {
        Block b = Block.of(z, axis);
        Tensor gc = g.isContiguous() ? g : ViewOps.contiguousRaw(g);
        boolean broadcast = true;
        for (int s : g.strides) broadcast &= s == 0;
        if (broadcast && g.numel() > 0) gc = g; // one value for every row
        Tensor out = Tensor.allocate(z.dtype(), z.shape);
        SoftmaxKernels.crossEntropyBackward(z.dtype(), b.data(), b.offset(), b.outer(), b.n(), b.inner(), labels, ignore, eps, lse,
                gc.storage.data(), gc.offset, broadcast ? 0 : 1, out.data());
        return Tape.record("crossEntropyBackward", out, new Tensor[] {z, g}, new Tensor[] {z, g}, h -> {
            int n = z.shape[axis];
            int[] safe = labels.clone();
            double[] keep = new double[labels.length];
            for (int r = 0; r < labels.length; r++) {
                keep[r] = labels[r] == ignore ? 0 : 1;
                if (labels[r] == ignore) safe[r] = 0;
            }
            Tensor k = Tensor.of(keep, g.shape).reshape(g.shape).to(z.dtype()); // reshape: a 0-dim g too
            Tensor t = Tensor.of(safe, g.shape).reshape(g.shape).unsqueeze(axis);
            Tensor p = z.softmax(axis);
            Tensor zBar = z.requiresGrad ? backward(false, p, h.mul(g.mul(k).unsqueeze(axis)), axis) : null;
            Tensor gBar = null;
            if (g.requiresGrad) {
                Tensor picked = h.gather(axis, t).squeeze(axis).mul(1 - eps);
                gBar = h.mul(p).sum(axis).sub(picked).sub(h.sum(axis).mul(eps / n)).mul(k);
            }
            return new Tensor[] {zBar, gBar};
        });
    }
}
