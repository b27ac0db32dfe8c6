package dev.tapegrad;

import static dev.tapegrad.check.Samples.*;

import dev.tapegrad.kernels.ArrayElements;
import dev.tapegrad.kernels.BinaryOp;
import dev.tapegrad.kernels.Elementwise;
import dev.tapegrad.kernels.ReduceOp;
import dev.tapegrad.kernels.Reductions;
import dev.tapegrad.kernels.UnaryOp;
import java.util.function.Supplier;

/**
 * Reductions over any set of axes, with or without keeping them as size-1 axes, each declared next to its
 * derivative rules.
 *
 * <p>The rules come in two shapes. sum, sumToSize and cumsum are linear, so the JVP is the same op applied to
 * the tangent and the VJP its adjoint (broadcasting ḡ back, or a running sum the other way). The others
 * (prod, max/min, logsumexp, norm) have, within each reduced group, one row of weights wᵢ = ∂out/∂xᵢ:
 * the VJP is ḡ·w and the JVP Σ w ⊙ ẋ ({@link #recordWeighted}). mean, var and std are composed of these.
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

    static final OpDef SUM = OpDef.of("sum", "Σ over the axes (all by default); VJP copies ḡ to every summed element, JVP Σ ẋ")
            .example(one(ANY), xs -> xs.get(0).sum())
            .example("axes", one(ANY), xs -> xs.get(0).sum(someAxes(xs.get(0))))
            .example("axes-keepdim", one(ANY), xs -> xs.get(0).sum(someAxes(xs.get(0)), true));

    /** Σ over the axes. Linear: VJP ḡ broadcast back to x's shape, JVP the same sum of ẋ. */
    static Tensor sum(Tensor x, int[] axesIn, boolean keepDim) {
        Checks.requireFloating("sum", x);
        int[] axes = Shapes.axes("sum", axesIn, x.shape);
        Tensor out = finish(reduceRaw(ReduceOp.SUM, x, axes), x.shape, axes, keepDim);
        return SUM.record(out, x, new Tensor[0], g -> expandBack(g, x.shape, axes), t -> sum(t, axes, keepDim));
    }

    static final OpDef MEAN = OpDef.composite("mean", "Σ/N over the axes (all by default): sum, then a division by N")
            .example(one(ANY), xs -> xs.get(0).mean())
            .example("axes-keepdim", one(ANY), xs -> xs.get(0).mean(someAxes(xs.get(0)), true));

    /** Σ/N over the axes. */
    static Tensor mean(Tensor x, int[] axesIn, boolean keepDim) {
        Checks.requireFloating("mean", x);
        int[] axes = Shapes.axes("mean", axesIn, x.shape);
        int n = 1;
        for (int a : axes) n *= x.shape[a];
        if (n == 0) throw new IllegalArgumentException("mean: reducing over an empty axis of shape " + Shapes.str(x.shape));
        return sum(x, axes, keepDim).div(n);
    }

    static final OpDef SUM_TO_SIZE = OpDef.of("sumToSize",
                    "sums g down to a shape it broadcasts from (the adjoint of broadcasting); VJP expand ḡ, JVP sumToSize(ġ)")
            .example(one(1, ANY), xs -> {
                int[] s = xs.get(0).shape();
                for (int a = 0; a < s.length; a += 2) s[a] = 1;
                return xs.get(0).sumToSize(s);
            });

    /**
     * Sums g down to {@code shape}, the inverse of broadcasting: leading extra axes and axes where
     * {@code shape} has size 1 are summed. Linear, and the adjoint of {@link Tensor#expand}: VJP expands ḡ
     * back to g's shape, JVP sums the tangent down the same way.
     */
    static Tensor sumToSize(Tensor g, int[] shape) {
        if (java.util.Arrays.equals(g.shape, shape)) return g;
        Checks.requireFloating("sumToSize", g);
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
        int[] target = shape.clone();
        Tensor summed = reduceRaw(ReduceOp.SUM, g, java.util.Arrays.copyOf(axes, k)); // g's rank, summed axes of size 1
        Tensor out = summed.view(target, Shapes.contiguousStrides(target), 0);
        return SUM_TO_SIZE.record(out, g, new Tensor[0], h -> h.expand(g.shape), t -> sumToSize(t, target));
    }

    /**
     * Records a reduction whose derivative within each reduced group is a row of weights wᵢ = ∂out/∂xᵢ (a
     * tensor of x's shape, built when a rule runs, with differentiable ops): VJP ḡ·w with ḡ broadcast over
     * its group, JVP Σ w ⊙ ẋ over the same axes. prod, max/min, logsumexp and norm are all of this form.
     */
    private static Tensor recordWeighted(OpDef def, Tensor x, Tensor out, int[] axes, boolean keepDim, Tensor[] saved,
                                         Supplier<Tensor> weights) {
        int[] kept = keptShape(x.shape, axes);
        return def.record(out, x, saved, g -> g.reshape(kept).mul(weights.get()),
                t -> t.mul(weights.get()).sum(axes, keepDim));
    }

    static final OpDef PROD = OpDef.of("prod", "∏ over the axes; ∂/∂xᵢ = ∏_{j≠i} x_j (exact at zeros too)")
            .example(one(NONZERO), xs -> xs.get(0).prod())
            .example("axes", one(NONZERO), xs -> xs.get(0).prod(someAxes(xs.get(0))));

    /**
     * ∏ over the axes (1 over no elements). The weight of xᵢ is ∏_{j≠i} x_j: out/xᵢ where xᵢ ≠ 0, and where
     * xᵢ = 0 the product of the others, computed explicitly (the product of the non-zero entries when xᵢ is
     * the only zero of its group, else 0).
     *
     * <p>Second derivatives are exact, zeros included: at a zero entry with exactly one other zero xₖ in its
     * group the weight is written as P·xₖ (P = product of the non-zero entries), whose derivative in xₖ is
     * the true mixed partial P. Third and higher derivatives are exact except between three or more zero
     * entries of one group, where they are reported as 0.
     */
    static Tensor prod(Tensor x, int[] axesIn, boolean keepDim) {
        Checks.requireFloating("prod", x);
        int[] axes = Shapes.axes("prod", axesIn, x.shape);
        Tensor out = finish(reduceRaw(ReduceOp.PROD, x, axes), x.shape, axes, keepDim);
        return recordWeighted(PROD, x, out, axes, keepDim, new Tensor[] {x, out}, () -> productOfOthers(x, out, axes));
    }

    /** ∏_{j≠i} x_j for every entry xᵢ of each group, from the product {@code out} of the group. */
    private static Tensor productOfOthers(Tensor x, Tensor out, int[] axes) {
        Tensor isZero = x.eq(0.0);
        Tensor nonZero = Tensor.where(isZero, x.constant(1.0), x); // zeros replaced by 1
        Tensor others = out.reshape(keptShape(x.shape, axes)).div(nonZero); // out/xᵢ, right wherever xᵢ ≠ 0
        Tensor zeroF = isZero.to(x.dtype());
        Tensor zeros = zeroF.sum(axes, true);                       // how many zeros each group has
        if (zeros.sum().item() == 0) return others;
        Tensor p = prod(nonZero, axes, true);                       // product of the non-zero entries
        Tensor onlyZero = zeros.eq(1.0).to(x.dtype());
        Tensor twoZeros = zeros.eq(2.0).to(x.dtype());
        Tensor otherZero = x.mul(zeroF).sum(axes, true).sub(x);     // value 0, derivative 1 in the other zero
        return Tensor.where(isZero, p.mul(onlyZero.add(twoZeros.mul(otherZero))), others);
    }

    static final OpDef MAX = OpDef.of("max", "largest element over the axes; ∂/∂xᵢ = [xᵢ = max]/#ties (ties share)")
            .example(one(ANY), xs -> xs.get(0).max())
            .example("axes", one(ANY), xs -> xs.get(0).max(someAxes(xs.get(0))));

    /** Largest element over the axes; the gradient is shared evenly among the entries equal to it (ties). */
    static Tensor max(Tensor x, int[] axes, boolean keepDim) {
        return extremum(MAX, ReduceOp.MAX, x, axes, keepDim);
    }

    static final OpDef MIN = OpDef.of("min", "smallest element over the axes; ∂/∂xᵢ = [xᵢ = min]/#ties (ties share)")
            .example("axes-keepdim", one(ANY), xs -> xs.get(0).min(someAxes(xs.get(0)), true))
            .example(one(ANY), xs -> xs.get(0).min());

    /** Smallest element over the axes; the gradient is shared evenly among ties. */
    static Tensor min(Tensor x, int[] axes, boolean keepDim) {
        return extremum(MIN, ReduceOp.MIN, x, axes, keepDim);
    }

    /**
     * max or min over the axes, with weights [xᵢ = out]/#{j : x_j = out}; the mask is a constant, so the
     * second derivative is 0, as it is almost everywhere. A group containing NaN has out = NaN and a NaN
     * gradient.
     */
    private static Tensor extremum(OpDef def, ReduceOp op, Tensor x, int[] axesIn, boolean keepDim) {
        Checks.requireFloating(def.name(), x);
        int[] axes = Shapes.axes(def.name(), axesIn, x.shape);
        requireNonEmpty(def.name(), x, axes);
        Tensor kept = reduceRaw(op, x, axes);
        Tensor out = finish(kept, x.shape, axes, keepDim);
        return recordWeighted(def, x, out, axes, keepDim, new Tensor[] {x}, () -> {
            Tensor hit = x.eq(kept).to(x.dtype());
            return hit.div(hit.sum(axes, true));
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

    static final OpDef VAR = OpDef.composite("var", "Σ(x − mean)²/(N − correction) over the axes, from sub, square and sum")
            .example(one(1, ANY).filter(xs -> xs.get(0).numel() > 1), xs -> xs.get(0).var())
            .example("axes-correction", one(ANY), xs -> xs.get(0).var(someAxes(xs.get(0)), 0, true));

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

    static final OpDef STD = OpDef.composite("std", "√var = ‖x − mean‖₂/√(N − correction), from sub and norm")
            .example(one(1, ANY).filter(xs -> xs.get(0).numel() > 1), xs -> xs.get(0).std())
            // σ > 0 away from constant rows
            .example("axes-correction", one(NONZERO), xs -> xs.get(0).std(someAxes(xs.get(0)), 0, false).add(xs.get(0).sum().mul(0.0)));

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

    static final OpDef LOGSUMEXP = OpDef.of("logsumexp", "log Σ exp(x) over the axes, overflow-free; ∂/∂xᵢ = softmax(x)ᵢ")
            .example(one(ANY), xs -> xs.get(0).logsumexp(someAxes(xs.get(0))))
            .example("keepdim", one(ANY), xs -> xs.get(0).logsumexp(someAxes(xs.get(0)), true));

    /**
     * log Σ exp(x) over the axes, computed as m + log Σ exp(x − m) with m the (constant) maximum, so large
     * logits do not overflow. A group of all −∞ gives −∞ (and an empty group −∞); a +∞ entry gives +∞.
     * The weights are exp(x − out) = softmax(x), written with differentiable ops (Hessian diag(s) − ssᵀ).
     * For a group of all −∞ the gradient is 0 (softmax is undefined there); a +∞ or NaN entry gives NaN.
     */
    static Tensor logsumexp(Tensor x, int[] axesIn, boolean keepDim) {
        Checks.requireFloating("logsumexp", x);
        int[] axes = Shapes.axes("logsumexp", axesIn, x.shape);
        int[] kept = keptShape(x.shape, axes);
        Tensor shift = maxShift(x, axes);
        Tensor e = UnaryOps.compute("logsumexp", UnaryOp.EXP, BinaryOps.compute("logsumexp", BinaryOp.SUB, x, shift));
        Tensor logSum = UnaryOps.compute("logsumexp", UnaryOp.LOG, reduceRaw(ReduceOp.SUM, e, axes));
        Tensor out = finish(BinaryOps.compute("logsumexp", BinaryOp.ADD, logSum, shift), x.shape, axes, keepDim);
        return recordWeighted(LOGSUMEXP, x, out, axes, keepDim, new Tensor[] {x, out}, () -> {
            Tensor outK = out.reshape(kept);
            // exp(x − out) is 0 in an all −∞ group when out is replaced there by +∞ (instead of NaN).
            Tensor safe = Tensor.where(outK.eq(Double.NEGATIVE_INFINITY), x.constant(Double.POSITIVE_INFINITY), outK);
            return x.sub(safe).exp();
        });
    }

    static final OpDef NORM = OpDef.of("norm", "p-norm (Σ|x|ᵖ)^(1/p) over the axes, max|x| for p = ∞; ∂/∂xᵢ = sign(xᵢ)|xᵢ|^(p−1)/‖x‖^(p−1)")
            .example("p2", one(NONZERO), xs -> xs.get(0).norm(2))
            .example("p1-axes", one(NONZERO), xs -> xs.get(0).norm(1, someAxes(xs.get(0)), true))
            .example("p3", one(NONZERO), xs -> xs.get(0).norm(3))
            .example("inf", one(ANY), xs -> xs.get(0).norm(Double.POSITIVE_INFINITY));

    /**
     * The p-norm over the axes: (Σ|x|ᵖ)^(1/p) for p &gt; 0, max|x| for p = +∞, min|x| for p = −∞.
     *
     * <p>p = 1 is Σ|x| and p = ±∞ are max/min of |x| (composites; ties share the gradient). Other p are one
     * primitive computed as s·(Σ(|x|/s)ᵖ)^(1/p) with s = max|x|, so neither huge nor tiny entries overflow or
     * underflow. Its weights are sign(x)·|x|^(p−1)/out^(p−1) (VJP ḡ times them, JVP their dot product with
     * ẋ), with both powers masked so that entries equal to 0 get weight 0: at the zero vector the gradient is
     * 0 (a subgradient) rather than NaN, and for p &lt; 1, where the true derivative at a zero entry is
     * unbounded, it is also reported as 0. Second derivatives are exact except at the zero vector and, for
     * p &lt; 2 (p ≠ 1), at zero entries, where the true value is unbounded and 0 is reported.
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
        return recordWeighted(NORM, x, out, axes, keepDim, new Tensor[] {x, out}, () -> {
            Tensor one = x.constant(1.0);
            Tensor outK = out.reshape(kept);
            Tensor absX = Tensor.where(x.eq(0.0), one, x.abs());      // |x| with zeros replaced by 1 ...
            Tensor safeOut = Tensor.where(outK.eq(0.0), one, outK);    // ... and out; sign(x) zeroes those entries
            // sign(x)|x|^(p−1) is just x for p = 2, written so that its derivative at 0 is 1, not 0.
            Tensor signedPow = p == 2.0 ? x : x.sign().mul(absX.pow(p - 1));
            return signedPow.div(safeOut.pow(p - 1));
        });
    }

    static final OpDef CUMSUM = OpDef.of("cumsum", "running sum along an axis; VJP the running sum of ḡ backwards, JVP cumsum(ẋ)")
            .example(one(1, ANY), xs -> xs.get(0).cumsum(-1));

    /**
     * Running sum along an axis: out_k = Σ_{j≤k} x_j, or Σ_{j≥k} x_j with {@code reverse}. Linear: the VJP is
     * the running sum of ḡ in the opposite direction, the JVP the running sum of ẋ in the same one.
     */
    static Tensor cumsum(Tensor x, int axis, boolean reverse) {
        Checks.requireFloating("cumsum", x);
        int[] axes = Shapes.axes("cumsum", new int[] {axis}, x.shape);
        Tensor src = x.isContiguous() ? x : ViewOps.contiguousRaw(x);
        Block b = block(src, axes); // contiguous with one axis: no copy, same layout as the output
        Tensor out = Tensor.allocate(x.dtype(), x.shape);
        Reductions.cumsum(reverse, src.data(), src.offset, b.outer(), b.length(), b.inner(), out.data());
        return CUMSUM.record(out, x, new Tensor[0], g -> cumsum(g, axes[0], !reverse), t -> cumsum(t, axes[0], reverse));
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
