package dev.tapegrad;

import dev.tapegrad.kernels.ArrayElements;
import dev.tapegrad.kernels.BinaryOp;
import dev.tapegrad.kernels.Elementwise;
import dev.tapegrad.kernels.ReduceOp;
import dev.tapegrad.kernels.Reductions;
import dev.tapegrad.kernels.UnaryOp;

/**
 * Reductions over any set of axes, with or without keeping them as size-1 axes, each next to its rule.
 *
 * <p>Kernels reduce the middle axis of a contiguous {@code [outer, length, inner]} block. A single axis of
 * a contiguous tensor is already in that form; otherwise the reduced axes are moved to the end and made
 * contiguous first.
 */
final class ReduceOps {
    private ReduceOps() {}

    /** Shape of the result with the reduced axes kept as size 1. */
    static int[] keptShape(int[] shape, int[] axes) {
        int[] kept = shape.clone();
        for (int a : axes) kept[a] = 1;
        return kept;
    }

    /** Shape of the result with the reduced axes removed. */
    static int[] droppedShape(int[] shape, int[] axes) {
        int[] out = new int[shape.length - axes.length];
        int k = 0;
        outer:
        for (int i = 0; i < shape.length; i++) {
            for (int a : axes) if (a == i) continue outer;
            out[k++] = shape[i];
        }
        return out;
    }

    /**
     * Views x as a contiguous {@code [outer, length, inner]} block whose middle axis runs over the reduced
     * axes, copying only when needed. Returns the (possibly new) tensor and the three sizes.
     */
    record Block(Tensor data, int outer, int length, int inner) {}

    static Block block(Tensor x, int[] axes) {
        int rank = x.shape.length;
        int length = 1;
        for (int a : axes) length *= x.shape[a];
        if (axes.length == 1 && x.isContiguous()) {
            int a = axes[0], outer = 1, inner = 1;
            for (int i = 0; i < a; i++) outer *= x.shape[i];
            for (int i = a + 1; i < rank; i++) inner *= x.shape[i];
            return new Block(x, outer, length, inner);
        }
        int[] order = new int[rank];
        int k = 0;
        boolean[] reduced = new boolean[rank];
        for (int a : axes) reduced[a] = true;
        for (int i = 0; i < rank; i++) if (!reduced[i]) order[k++] = i;
        for (int a : axes) order[k++] = a;
        int[] shape = new int[rank], strides = new int[rank];
        for (int i = 0; i < rank; i++) {
            shape[i] = x.shape[order[i]];
            strides[i] = x.strides[order[i]];
        }
        Tensor moved = ViewOps.contiguousRaw(x.view(shape, strides, x.offset));
        int outer = length == 0 ? x.numel() : x.numel() / Math.max(length, 1);
        if (length == 0) {
            outer = 1;
            for (int i = 0; i < rank; i++) if (!reduced[i]) outer *= x.shape[i];
        }
        return new Block(moved, outer, length, 1);
    }

    /** op over the axes, with the reduced axes kept as size 1 (no tape). */
    static Tensor reduceRaw(ReduceOp op, Tensor x, int[] axes) {
        Block b = block(x, axes);
        Tensor out = Tensor.allocate(x.dtype(), keptShape(x.shape, axes));
        Reductions.reduce(x.dtype(), op, b.data().data(), b.data().offset, b.outer(), b.length(), b.inner(), out.data());
        return out;
    }

    /** Reshapes a kept-shape result to the dropped shape unless keepDim (no tape). */
    static Tensor finish(Tensor kept, int[] xShape, int[] axes, boolean keepDim) {
        if (keepDim) return kept;
        int[] s = droppedShape(xShape, axes);
        return kept.view(s, Shapes.contiguousStrides(s), 0);
    }

    /** Brings a gradient of the reduced shape back to x's shape: unsqueeze reduced axes, then expand. */
    static Tensor expandBack(Tensor g, int[] xShape, int[] axes) {
        return g.reshape(keptShape(xShape, axes)).expand(xShape);
    }

    /** Σ over the axes; the rule copies ḡ to every summed element. */
    static Tensor sum(Tensor x, int[] axesIn, boolean keepDim) {
        Checks.requireFloating("sum", x);
        int[] axes = Shapes.axes("sum", axesIn, x.shape);
        Tensor out = finish(reduceRaw(ReduceOp.SUM, x, axes), x.shape, axes, keepDim);
        return Tape.record("sum", out, x, new Tensor[0], g -> new Tensor[] {expandBack(g, x.shape, axes)});
    }

    /** Σ/N over the axes. */
    static Tensor mean(Tensor x, int[] axesIn, boolean keepDim) {
        Checks.requireFloating("mean", x);
        int[] axes = Shapes.axes("mean", axesIn, x.shape);
        int n = 1;
        for (int a : axes) n *= x.shape[a];
        if (n == 0) throw new IllegalArgumentException("mean: reducing over an empty axis of shape " + Shapes.str(x.shape));
        return sum(x, axes, keepDim).div(n);
    }

    /**
     * Sums g down to {@code shape}, the inverse of broadcasting: leading extra axes and axes where
     * {@code shape} has size 1 are summed.
     */
    static Tensor sumToSize(Tensor g, int[] shape) {
        if (java.util.Arrays.equals(g.shape, shape)) return g;
        int lead = g.shape.length - shape.length;
        if (lead < 0) {
            throw new IllegalArgumentException("sumToSize: cannot sum " + Shapes.str(g.shape) + " to the larger rank "
                    + Shapes.str(shape));
        }
        int[] axes = new int[g.shape.length];
        int k = 0;
        for (int i = 0; i < g.shape.length; i++) {
            if (i < lead) axes[k++] = i;
            else if (shape[i - lead] == 1 && g.shape[i] != 1) axes[k++] = i;
            else if (shape[i - lead] != g.shape[i]) {
                throw new IllegalArgumentException("sumToSize: " + Shapes.str(g.shape) + " does not broadcast from "
                        + Shapes.str(shape));
            }
        }
        Tensor summed = k == 0 ? g : g.sum(java.util.Arrays.copyOf(axes, k), true);
        return summed.reshape(shape);
    }

    /**
     * ∏ over the axes (1 over no elements). The rule is ḡ·∏_{j≠i} x_j: out/xᵢ where xᵢ ≠ 0, and where
     * xᵢ = 0 the product of the others, computed explicitly (the product of the non-zero entries when xᵢ is
     * the only zero of its group, else 0).
     *
     * <p>Second derivatives are exact, zeros included: at a zero entry with exactly one other zero xₖ in its
     * group the gradient is written as P·xₖ (P = product of the non-zero entries), whose derivative in xₖ is
     * the true mixed partial P. Third and higher derivatives are exact except between three or more zero
     * entries of one group, where they are reported as 0.
     */
    static Tensor prod(Tensor x, int[] axesIn, boolean keepDim) {
        Checks.requireFloating("prod", x);
        int[] axes = Shapes.axes("prod", axesIn, x.shape);
        int[] kept = keptShape(x.shape, axes);
        Tensor out = finish(reduceRaw(ReduceOp.PROD, x, axes), x.shape, axes, keepDim);
        return Tape.record("prod", out, x, new Tensor[] {x, out}, g -> {
            Tensor isZero = x.eq(0.0);
            Tensor nonZero = Tensor.where(isZero, x.constant(1.0), x); // zeros replaced by 1
            Tensor others = out.reshape(kept).div(nonZero);            // out/xᵢ, right wherever xᵢ ≠ 0
            Tensor zeroF = isZero.to(x.dtype());
            Tensor zeros = zeroF.sum(axes, true);                       // how many zeros each group has
            if (zeros.sum().item() > 0) {
                Tensor p = prod(nonZero, axes, true);                   // product of the non-zero entries
                Tensor onlyZero = zeros.eq(1.0).to(x.dtype());
                Tensor twoZeros = zeros.eq(2.0).to(x.dtype());
                Tensor otherZero = x.mul(zeroF).sum(axes, true).sub(x); // value 0, derivative 1 in the other zero
                others = Tensor.where(isZero, p.mul(onlyZero.add(twoZeros.mul(otherZero))), others);
            }
            return new Tensor[] {g.reshape(kept).mul(others)};
        });
    }

    /** Largest element over the axes; the gradient is shared evenly among the entries equal to it (ties). */
    static Tensor max(Tensor x, int[] axes, boolean keepDim) {
        return extremum("max", ReduceOp.MAX, x, axes, keepDim);
    }

    /** Smallest element over the axes; the gradient is shared evenly among ties. */
    static Tensor min(Tensor x, int[] axes, boolean keepDim) {
        return extremum("min", ReduceOp.MIN, x, axes, keepDim);
    }

    /**
     * max or min over the axes. Rule: ḡ·[xᵢ = out]/#{j : x_j = out}; the mask is a constant, so the second
     * derivative is 0, as it is almost everywhere. A group containing NaN has out = NaN and a NaN gradient.
     */
    private static Tensor extremum(String name, ReduceOp op, Tensor x, int[] axesIn, boolean keepDim) {
        Checks.requireFloating(name, x);
        int[] axes = Shapes.axes(name, axesIn, x.shape);
        requireNonEmpty(name, x, axes);
        Tensor kept = reduceRaw(op, x, axes);
        Tensor out = finish(kept, x.shape, axes, keepDim);
        return Tape.record(name, out, x, new Tensor[] {x}, g -> {
            Tensor hit = x.eq(kept).to(x.dtype());
            return new Tensor[] {g.reshape(kept.shape).mul(hit.div(hit.sum(axes, true)))};
        });
    }

    /**
     * Index (int32) of the first largest ({@code max}) or smallest element along one axis; NaN counts as
     * the extreme value. Not differentiable. Accepts float32, float64 and int32.
     */
    static Tensor argReduce(Tensor x, int axis, boolean keepDim, boolean max) {
        String name = max ? "argmax" : "argmin";
        if (x.dtype() == DType.BOOL) {
            throw new IllegalArgumentException(name + ": expected a float32, float64 or int32 tensor, got bool "
                    + Shapes.str(x.shape) + "; convert it with to(DType.INT32)");
        }
        int[] axes = Shapes.axes(name, new int[] {axis}, x.shape);
        requireNonEmpty(name, x, axes);
        Block b = block(x, axes);
        Tensor kept = Tensor.allocate(DType.INT32, keptShape(x.shape, axes));
        Reductions.argReduce(max, b.data().data(), b.data().offset, b.outer(), b.length(), b.inner(),
                (int[]) kept.data());
        return finish(kept, x.shape, axes, keepDim);
    }

    /** x − mean(x) over the axes, and the divisor max(0, N − correction) of var. */
    private record Centered(Tensor d, int[] axes, double divisor) {}

    private static Centered centered(String name, Tensor x, int[] axesIn, int correction) {
        Checks.requireFloating(name, x);
        int[] axes = Shapes.axes(name, axesIn, x.shape);
        requireNonEmpty(name, x, axes);
        int n = 1;
        for (int a : axes) n *= x.shape[a];
        return new Centered(x.sub(x.mean(axes, true)), axes, Math.max(0, (double) n - correction));
    }

    /**
     * Σ(x − mean)²/(N − correction) over the axes (correction 1 is Bessel's, 0 the population variance),
     * computed in two passes, as a composite of differentiable ops (gradient 2(x − mean)/(N − correction)).
     * Like PyTorch the divisor is max(0, N − correction): when N ≤ correction the result is +∞, or NaN
     * when all entries are equal (0/0); it is never negative.
     */
    static Tensor var(Tensor x, int[] axesIn, int correction, boolean keepDim) {
        Centered c = centered("var", x, axesIn, correction);
        return c.d().square().sum(c.axes(), keepDim).div(c.divisor());
    }

    /**
     * √var = ‖x − mean‖₂/√(N − correction), built on {@link #norm} so that at zero variance (all entries
     * equal) the gradient is 0, a subgradient, where PyTorch gives NaN. N ≤ correction behaves as in
     * {@link #var}.
     */
    static Tensor std(Tensor x, int[] axesIn, int correction, boolean keepDim) {
        Centered c = centered("std", x, axesIn, correction);
        return norm(c.d(), 2.0, c.axes(), keepDim).div(Math.sqrt(c.divisor()));
    }

    /**
     * The maximum over the axes (kept as size 1) with infinite values replaced by 0, as a constant: the
     * shift that keeps exp(x − shift) in range. Rows of all −∞ (or containing +∞) are not shifted, so
     * their exponentials stay exact (0 or +∞) instead of becoming NaN from ∞ − ∞.
     */
    static Tensor maxShift(Tensor x, int[] axes) {
        Tensor m = reduceRaw(ReduceOp.MAX, x, axes);
        Object d = m.data();
        for (int i = 0; i < m.numel(); i++) if (Double.isInfinite(ArrayElements.get(d, i))) ArrayElements.set(d, i, 0.0);
        return m;
    }

    /**
     * log Σ exp(x) over the axes, computed as m + log Σ exp(x − m) with m the (constant) maximum, so large
     * logits do not overflow. A group of all −∞ gives −∞ (and an empty group −∞); a +∞ entry gives +∞.
     * Rule: ḡ·exp(x − out) = ḡ·softmax(x), written with differentiable ops (Hessian diag(s) − ssᵀ). For a
     * group of all −∞ the gradient is 0 (softmax is undefined there); a +∞ or NaN entry gives NaN.
     */
    static Tensor logsumexp(Tensor x, int[] axesIn, boolean keepDim) {
        Checks.requireFloating("logsumexp", x);
        int[] axes = Shapes.axes("logsumexp", axesIn, x.shape);
        int[] kept = keptShape(x.shape, axes);
        Tensor shift = maxShift(x, axes);
        Tensor e = UnaryOps.compute("logsumexp", UnaryOp.EXP, BinaryOps.compute("logsumexp", BinaryOp.SUB, x, shift));
        Tensor logSum = UnaryOps.compute("logsumexp", UnaryOp.LOG, reduceRaw(ReduceOp.SUM, e, axes));
        Tensor out = finish(BinaryOps.compute("logsumexp", BinaryOp.ADD, logSum, shift), x.shape, axes, keepDim);
        return Tape.record("logsumexp", out, x, new Tensor[] {x, out}, g -> {
            Tensor outK = out.reshape(kept);
            // exp(x − out) is 0 in an all −∞ group when out is replaced there by +∞ (instead of NaN).
            Tensor safe = Tensor.where(outK.eq(Double.NEGATIVE_INFINITY), x.constant(Double.POSITIVE_INFINITY), outK);
            return new Tensor[] {g.reshape(kept).mul(x.sub(safe).exp())};
        });
    }

    /**
     * The p-norm over the axes: (Σ|x|ᵖ)^(1/p) for p &gt; 0, max|x| for p = +∞, min|x| for p = −∞.
     *
     * <p>p = 1 is Σ|x| and p = ±∞ are max/min of |x| (composites; ties share the gradient). Other p are one
     * primitive computed as s·(Σ(|x|/s)ᵖ)^(1/p) with s = max|x|, so neither huge nor tiny entries overflow or
     * underflow; its rule is ḡ·sign(x)·|x|^(p−1)/out^(p−1) with both powers masked so that entries equal to
     * 0 get gradient 0: at the zero vector the gradient is 0 (a subgradient) rather than NaN, and for p &lt; 1,
     * where the true derivative at a zero entry is unbounded, it is also reported as 0. Second derivatives
     * are exact except at the zero vector and, for p &lt; 2 (p ≠ 1), at zero entries, where the true value is
     * unbounded and 0 is reported.
     */
    static Tensor norm(Tensor x, double p, int[] axesIn, boolean keepDim) {
        Checks.requireFloating("norm", x);
        if (!(p > 0) && p != Double.NEGATIVE_INFINITY) {
            throw new IllegalArgumentException("norm: p must be positive or ±infinity, got " + p + " (shape "
                    + Shapes.str(x.shape) + ")");
        }
        int[] axes = Shapes.axes("norm", axesIn, x.shape);
        if (Double.isInfinite(p)) {
            requireNonEmpty("norm", x, axes);
            return p > 0 ? x.abs().max(axes, keepDim) : x.abs().min(axes, keepDim);
        }
        if (p == 1.0) return x.abs().sum(axes, keepDim);
        int[] kept = keptShape(x.shape, axes);
        Tensor abs = UnaryOps.compute("norm", UnaryOp.ABS, x);
        Tensor scale = Tensor.allocate(x.dtype(), kept);
        boolean single = x.dtype() == DType.FLOAT32;
        Elementwise.clamp(x.dtype(), reduceRaw(ReduceOp.MAX, abs, axes).strided(), single ? Float.MIN_NORMAL : Double.MIN_NORMAL,
                single ? Float.MAX_VALUE : Double.MAX_VALUE, scale.data());
        Tensor powered = BinaryOps.compute("norm", BinaryOp.POW,
                BinaryOps.compute("norm", BinaryOp.DIV, abs, scale), x.constant(p));
        Tensor root = BinaryOps.compute("norm", BinaryOp.POW, reduceRaw(ReduceOp.SUM, powered, axes), x.constant(1 / p));
        Tensor out = finish(BinaryOps.compute("norm", BinaryOp.MUL, root, scale), x.shape, axes, keepDim);
        return Tape.record("norm", out, x, new Tensor[] {x, out}, g -> {
            Tensor one = x.constant(1.0);
            Tensor outK = out.reshape(kept);
            Tensor absX = Tensor.where(x.eq(0.0), one, x.abs());      // |x| with zeros replaced by 1 ...
            Tensor safeOut = Tensor.where(outK.eq(0.0), one, outK);    // ... and out; sign(x) zeroes those entries
            // sign(x)|x|^(p−1) is just x for p = 2, written so that its derivative at 0 is 1, not 0.
            Tensor signedPow = p == 2.0 ? x : x.sign().mul(absX.pow(p - 1));
            Tensor ratio = signedPow.div(safeOut.pow(p - 1));
            return new Tensor[] {g.reshape(kept).mul(ratio)};
        });
    }

    /**
     * Running sum along an axis: out_k = Σ_{j≤k} x_j, or Σ_{j≥k} x_j with {@code reverse}. Rule: the
     * running sum of ḡ in the opposite direction (itself differentiable).
     */
    static Tensor cumsum(Tensor x, int axis, boolean reverse) {
        Checks.requireFloating("cumsum", x);
        int[] axes = Shapes.axes("cumsum", new int[] {axis}, x.shape);
        Tensor src = x.isContiguous() ? x : ViewOps.contiguousRaw(x);
        Block b = block(src, axes); // contiguous with one axis: no copy, same layout as the output
        Tensor out = Tensor.allocate(x.dtype(), x.shape);
        Reductions.cumsum(reverse, src.data(), src.offset, b.outer(), b.length(), b.inner(), out.data());
        return Tape.record("cumsum", out, x, new Tensor[0], g -> new Tensor[] {cumsum(g, axes[0], !reverse)});
    }

    /** Fails when an op without an identity element (max, argmax, var, ...) would reduce over no elements. */
    private static void requireNonEmpty(String op, Tensor x, int[] axes) {
        for (int a : axes) {
            if (x.shape[a] == 0) {
                throw new IllegalArgumentException(op + ": cannot reduce over axis " + a + " of size 0 (shape "
                        + Shapes.str(x.shape) + ")");
            }
        }
    }
}
