package dev.tapegrad;

import dev.tapegrad.kernels.BinaryOp;
import dev.tapegrad.kernels.ReduceOp;
import dev.tapegrad.kernels.UnaryOp;

/**
 * Softmax and log-softmax along an axis, each a primitive whose rule is written with differentiable ops
 * on its own output, so that second derivatives work.
 *
 * <p>Both shift the logits by their (constant) maximum along the axis first: with z = x − max(x), every
 * exp(z) lies in [0, 1] and their sum in [1, n], so logits like ±1e4 give finite values and gradients.
 * A row of all −∞, or one containing +∞ or NaN, has no defined softmax and gives NaN (as in PyTorch).
 */
final class SoftmaxOps {
    private SoftmaxOps() {}

    /** z = x − max(x) and Σ exp(z) (kept as size 1) along one axis, without a tape. */
    private record Shifted(Tensor z, Tensor exp, Tensor sum) {}

    private static Shifted shifted(String name, Tensor x, int[] axes) {
        Tensor z = BinaryOps.compute(name, BinaryOp.SUB, x, ReduceOps.maxShift(x, axes));
        Tensor e = UnaryOps.compute(name, UnaryOp.EXP, z);
        return new Shifted(z, e, ReduceOps.reduceRaw(ReduceOp.SUM, e, axes));
    }

    /** sᵢ = exp(xᵢ)/Σⱼ exp(xⱼ) along the axis. Rule: s·(ḡ − Σ ḡ·s). */
    static Tensor softmax(Tensor x, int axis) {
        UnaryOps.requireFloating("softmax", x);
        int[] axes = ReduceOps.axes("softmax", x, new int[] {axis});
        Shifted s = shifted("softmax", x, axes);
        Tensor out = BinaryOps.compute("softmax", BinaryOp.DIV, s.exp(), s.sum());
        return Tape.record("softmax", out, x, new Tensor[] {out},
                g -> new Tensor[] {out.mul(g.sub(g.mul(out).sum(axes, true)))});
    }

    /** xᵢ − log Σⱼ exp(xⱼ) along the axis. Rule: ḡ − softmax·Σ ḡ, with softmax = exp(out). */
    static Tensor logSoftmax(Tensor x, int axis) {
        UnaryOps.requireFloating("logSoftmax", x);
        int[] axes = ReduceOps.axes("logSoftmax", x, new int[] {axis});
        Shifted s = shifted("logSoftmax", x, axes);
        Tensor out = BinaryOps.compute("logSoftmax", BinaryOp.SUB, s.z(),
                UnaryOps.compute("logSoftmax", UnaryOp.LOG, s.sum()));
        return Tape.record("logSoftmax", out, x, new Tensor[] {out},
                g -> new Tensor[] {g.sub(out.exp().mul(g.sum(axes, true)))});
    }
}
