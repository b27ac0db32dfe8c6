package dev.tapegrad;

import dev.tapegrad.kernels.ReduceOp;
import dev.tapegrad.kernels.Reductions;

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
        Reductions.reduce(op, b.data().data(), b.data().offset, b.outer(), b.length(), b.inner(), out.data());
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
        UnaryOps.requireFloating("sum", x);
        int[] axes = Shapes.axes("sum", axesIn, x.shape.length);
        Tensor out = finish(reduceRaw(ReduceOp.SUM, x, axes), x.shape, axes, keepDim);
        return Tape.record("sum", out, x, new Tensor[0], g -> new Tensor[] {expandBack(g, x.shape, axes)});
    }

    /** Σ/N over the axes. */
    static Tensor mean(Tensor x, int[] axesIn, boolean keepDim) {
        UnaryOps.requireFloating("mean", x);
        int[] axes = Shapes.axes("mean", axesIn, x.shape.length);
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

    // The remaining reductions (prod, max, min, argmax/argmin, var, std, logsumexp, norm, cumsum) follow.

    static Tensor prod(Tensor x, int[] axes, boolean keepDim) {
        throw new UnsupportedOperationException("prod");
    }

    static Tensor max(Tensor x, int[] axes, boolean keepDim) {
        throw new UnsupportedOperationException("max");
    }

    static Tensor min(Tensor x, int[] axes, boolean keepDim) {
        throw new UnsupportedOperationException("min");
    }

    static Tensor argReduce(Tensor x, int axis, boolean keepDim, boolean max) {
        throw new UnsupportedOperationException("argReduce");
    }

    static Tensor var(Tensor x, int[] axes, int correction, boolean keepDim) {
        throw new UnsupportedOperationException("var");
    }

    static Tensor std(Tensor x, int[] axes, int correction, boolean keepDim) {
        throw new UnsupportedOperationException("std");
    }

    static Tensor logsumexp(Tensor x, int[] axes, boolean keepDim) {
        throw new UnsupportedOperationException("logsumexp");
    }

    static Tensor norm(Tensor x, double p, int[] axes, boolean keepDim) {
        throw new UnsupportedOperationException("norm");
    }

    static Tensor cumsum(Tensor x, int axis, boolean reverse) {
        throw new UnsupportedOperationException("cumsum");
    }
}
