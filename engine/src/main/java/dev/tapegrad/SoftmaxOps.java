package dev.tapegrad;

import static dev.tapegrad.check.Samples.*;

import dev.tapegrad.kernels.SoftmaxKernels;
import java.util.Arrays;

/**
 * Softmax, log-softmax and cross-entropy with logits along an axis, each computed by one fused kernel per
 * row ({@link SoftmaxKernels}) and recorded as one op.
 *
 * <p>The VJP of each is itself a fused, recorded op (x̄ in one pass per row), declared too, whose own rules
 * are written with ordinary differentiable ops, so second and higher derivatives work. The JVPs reuse these
 * fused ops: softmax's Jacobian diag(s) − ssᵀ is symmetric (its JVP is its VJP applied to ẋ), and the
 * derivative of cross-entropy in each row is one vector w (VJP ḡ·w, JVP Σ w ⊙ ż).
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

    static final OpDef SOFTMAX = OpDef.of("softmax",
                    "sᵢ = exp(xᵢ)/Σⱼ exp(xⱼ) along an axis; VJP s·(ḡ − Σ ḡ·s), JVP s·(ẋ − Σ s·ẋ) (a symmetric Jacobian)")
            .example(one(1, range(-4, 4)), xs -> xs.get(0).softmax(-1))
            .example("axis0", one(2, range(-4, 4)), xs -> xs.get(0).softmax(0));

    /**
     * sᵢ = exp(xᵢ)/Σⱼ exp(xⱼ) along the axis. Its Jacobian diag(s) − ssᵀ is symmetric, so both rules are the
     * one fused op v ↦ s·(v − Σ v·s): VJP on ḡ, JVP on ẋ.
     */
    static Tensor softmax(Tensor x, int axis) {
        Checks.requireFloating("softmax", x);
        int[] axes = Shapes.axes("softmax", new int[] {axis}, x.shape);
        Tensor out = forward(false, x, axes[0]);
        return SOFTMAX.record(out, x, new Tensor[] {out}, g -> backward(false, out, g, axes[0]), t -> backward(false, out, t, axes[0]));
    }

    static final OpDef LOG_SOFTMAX = OpDef.of("logSoftmax",
                    "xᵢ − log Σⱼ exp(xⱼ) along an axis; VJP ḡ − s·Σ ḡ, JVP ẋ − Σ s·ẋ (s = softmax = e^out)")
            .example(one(1, range(-4, 4)), xs -> xs.get(0).logSoftmax(0))
            .example("last", one(1, range(-4, 4)), xs -> xs.get(0).logSoftmax(-1));

    /**
     * xᵢ − log Σⱼ exp(xⱼ) along the axis, with Jacobian I − 1sᵀ (s = e^out): VJP ḡ − s·Σ ḡ (one fused op),
     * JVP ẋ − Σ s·ẋ.
     */
    static Tensor logSoftmax(Tensor x, int axis) {
        Checks.requireFloating("logSoftmax", x);
        int[] axes = Shapes.axes("logSoftmax", new int[] {axis}, x.shape);
        Tensor out = forward(true, x, axes[0]);
        return LOG_SOFTMAX.record(out, x, new Tensor[] {out}, g -> backward(true, out, g, axes[0]),
                t -> t.sub(t.mul(out.exp()).sum(axes, true)));
    }

    /** softmax or log-softmax of x along the axis, one fused pass per row (no tape). */
    private static Tensor forward(boolean log, Tensor x, int axis) {
        Block b = Block.of(x, axis);
        Tensor out = Tensor.allocate(x.dtype(), x.shape);
        SoftmaxKernels.softmax(x.dtype(), log, b.data(), b.offset(), b.outer(), b.n(), b.inner(), out.data());
        return out;
    }

    static final OpDef SOFTMAX_BACKWARD = OpDef.of("softmaxBackward",
            "internal: softmax's VJP y·(g − Σ g·y) from its output y, as one fused op (bilinear in y and g)");
    static final OpDef LOG_SOFTMAX_BACKWARD = OpDef.of("logSoftmaxBackward",
            "internal: log-softmax's VJP g − e^y·Σ g from its output y, as one fused op");

    /**
     * The input gradient of softmax (x̄ = y·(g − Σ g·y)) or log-softmax (x̄ = g − e^y·Σ g) from the output y
     * and its gradient g, sums along the axis, as one recorded op of (y, g). Its rules, with d = Σ g·y:
     * <ul>
     *   <li>softmax: VJP (of h) ȳ = h·(g − d) − g·Σ h·y and ḡ = y·(h − Σ h·y) (the same op again);
     *       JVP ẏ·(g − d) − y·Σ g·ẏ + y·(ġ − Σ ġ·y);</li>
     *   <li>log-softmax, with p = e^y: VJP ȳ = −h·p·Σ g and ḡ = h − Σ h·p; JVP −ẏ·p·Σ g + ġ − p·Σ ġ.</li>
     * </ul>
     */
    static Tensor backward(boolean log, Tensor y, Tensor g, int axis) {
        Block by = Block.of(y, axis), bg = Block.of(g, axis);
        Tensor out = Tensor.allocate(y.dtype(), y.shape);
        SoftmaxKernels.softmaxBackward(y.dtype(), log, by.data(), by.offset(), bg.data(), bg.offset(), by.outer(), by.n(),
                by.inner(), out.data());
        int[] axes = {axis};
        Tensor[] inputs = {y, g};
        if (log) {
            return LOG_SOFTMAX_BACKWARD.record(out, inputs, inputs, h -> {
                Tensor p = y.exp();
                return new Tensor[] {
                    y.requiresGrad ? h.mul(p).mul(g.sum(axes, true)).neg() : null,
                    g.requiresGrad ? h.sub(h.mul(p).sum(axes, true)) : null};
            }, t -> JvpRule.sum(
                    t[0] == null ? null : t[0].mul(y.exp()).mul(g.sum(axes, true)).neg(),
                    t[1] == null ? null : backward(true, y, t[1], axis)));
        }
        return SOFTMAX_BACKWARD.record(out, inputs, inputs, h -> new Tensor[] {
            y.requiresGrad ? h.mul(g.sub(g.mul(y).sum(axes, true))).sub(g.mul(h.mul(y).sum(axes, true))) : null,
            g.requiresGrad ? backward(false, y, h, axis) : null
        }, t -> JvpRule.sum(
                t[0] == null ? null : t[0].mul(g.sub(g.mul(y).sum(axes, true))).sub(y.mul(g.mul(t[0]).sum(axes, true))),
                t[1] == null ? null : backward(false, y, t[1], axis)));
    }

    // ---------------------------------------------------------------- cross-entropy

    static final OpDef CROSS_ENTROPY = OpDef.of("crossEntropy",
                    "ℓ = (1 − ε)(lse − z_t) + (ε/n)Σⱼ(lse − zⱼ) per row of logits z (0 on ignored rows); ∂ℓ/∂z = softmax(z) − (1 − ε)·onehot(t) − ε/n")
            .example(one(1, range(-4, 4)), xs -> {
                int[] s = xs.get(0).shape();
                int[] rows = Arrays.copyOf(s, s.length - 1);
                return xs.get(0).crossEntropy(indices(s[s.length - 1], rows).reshape(rows));
            })
            .example("axis0-ignore-smoothing", one(2, range(-4, 4)), xs -> {
                int[] s = xs.get(0).shape();
                int[] labels = indices(s[0], Arrays.copyOfRange(s, 1, s.length)).toIntArray();
                for (int i = 1; i < labels.length; i += 3) labels[i] = -1; // every third row ignored
                return xs.get(0).crossEntropy(Tensor.of(labels, Arrays.copyOfRange(s, 1, s.length)), 0, -1, 0.1);
            });

    /**
     * Per-row cross-entropy of logits z along the axis with class-index targets t: with lse = log Σⱼ e^(zⱼ),
     * ℓ = (1 − ε)·(lse − z_t) + (ε/n)·Σⱼ (lse − zⱼ), and ℓ = 0 where t equals {@code ignoreIndex}. One pass per
     * row, without materialising log-softmax or a one-hot. With w = softmax(z) − (1 − ε)·onehot(t) − ε/n per
     * row (0 on ignored rows), the VJP is z̄ = ḡ·w, one more fused pass, and the JVP Σ w ⊙ ż along the axis
     * (w is that same fused op with ḡ = 1).
     */
    static Tensor crossEntropy(Tensor z, Tensor target, int axisIn, int ignoreIndex, double eps) {
        String name = "crossEntropy";
        Checks.requireFloating(name, z);
        int[] axes = Shapes.axes(name, new int[] {axisIn}, z.shape);
        int axis = axes[0];
        int n = z.shape[axis];
        int[] rowShape = new int[z.shape.length - 1];
        for (int a = 0, k = 0; a < z.shape.length; a++) if (a != axis) rowShape[k++] = z.shape[a];
        if (target.dtype() != DType.INT32 || !Arrays.equals(target.shape, rowShape)) {
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
        return CROSS_ENTROPY.record(loss, z, new Tensor[] {z},
                g -> crossEntropyBackward(z, g, axis, labels, ignoreIndex, eps, lse),
                t -> crossEntropyBackward(z, Tensor.ones(z.dtype(), rowShape), axis, labels, ignoreIndex, eps, lse)
                        .mul(t).sum(axes, false));
    }

    static final OpDef CROSS_ENTROPY_BACKWARD = OpDef.of("crossEntropyBackward",
            "internal: cross-entropy's VJP ḡ·(softmax(z) − (1 − ε)·onehot(t) − ε/n) as one fused op (linear in ḡ)");

    /**
     * z̄ = ḡ·(softmax(z) − (1 − ε)·onehot(t) − ε/n) per row (0 on ignored rows), as one recorded op of (z, ḡ),
     * from the forward's saved log Σ e^z. With p = softmax(z), k the not-ignored mask and softmaxBackward
     * v ↦ p·(v − Σ v·p) (softmax's symmetric Jacobian):
     * <ul>
     *   <li>VJP (of h): z-part softmaxBackward(k·ḡ·h), ḡ-part k·(Σ h·p − (1 − ε)·h_t − (ε/n)·Σ h);</li>
     *   <li>JVP: softmaxBackward(k·ḡ·ż) + this op of (z, ġ) (it is linear in ḡ).</li>
     * </ul>
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
        // k·ḡ as a column along the axis: the not-ignored rows' upstream gradient
        java.util.function.Supplier<Tensor> keptG = () -> g.mul(keepMask(labels, ignore, g.shape, z.dtype())).unsqueeze(axis);
        Tensor[] inputs = {z, g};
        return CROSS_ENTROPY_BACKWARD.record(out, inputs, inputs, h -> {
            int n = z.shape[axis];
            Tensor p = z.softmax(axis);
            Tensor zBar = z.requiresGrad ? backward(false, p, h.mul(keptG.get()), axis) : null;
            Tensor gBar = null;
            if (g.requiresGrad) {
                int[] safe = labels.clone();
                for (int r = 0; r < labels.length; r++) if (labels[r] == ignore) safe[r] = 0;
                Tensor t = Tensor.of(safe, g.shape).reshape(g.shape).unsqueeze(axis); // reshape: a 0-dim g too
                Tensor picked = h.gather(axis, t).squeeze(axis).mul(1 - eps);
                gBar = h.mul(p).sum(axis).sub(picked).sub(h.sum(axis).mul(eps / n)).mul(keepMask(labels, ignore, g.shape, z.dtype()));
            }
            return new Tensor[] {zBar, gBar};
        }, t -> JvpRule.sum(
                t[0] == null ? null : backward(false, z.softmax(axis), t[0].mul(keptG.get()), axis),
                t[1] == null ? null : crossEntropyBackward(z, t[1], axis, labels, ignore, eps, lse)));
    }

    /** 1 on the rows whose label is not {@code ignore}, 0 on the others, in the rows' shape. */
    private static Tensor keepMask(int[] labels, int ignore, int[] rowShape, DType dtype) {
        double[] keep = new double[labels.length];
        for (int r = 0; r < labels.length; r++) keep[r] = labels[r] == ignore ? 0 : 1;
        return Tensor.of(keep, rowShape).reshape(rowShape).to(dtype); // reshape: a 0-dim row shape too
    }
}
