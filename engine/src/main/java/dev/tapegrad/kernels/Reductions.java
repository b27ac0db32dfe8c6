package dev.tapegrad.kernels;

import dev.tapegrad.DType;

/**
 * Reductions over the middle axis of a contiguous {@code [outer, length, inner]} block: for every
 * (o, i), {@code out[o*inner + i] = reduce_k src[offset + (o*length + k)*inner + i]}.
 * Any single-axis reduction of a contiguous tensor has this form without copying; several axes are first
 * moved together.
 */
public final class Reductions {
    private Reductions() {}

    /**
     * out[o*inner + i] = op over k of src[offset + (o*length + k)*inner + i]; the identity when length is 0;
     * src and out are arrays of {@code dtype}. Float32 and float64 use SIMD kernels (vectors along the run when
     * inner is 1, along the inner axis otherwise), summing in the array's own precision with several
     * accumulators; MAX and MIN propagate NaN. Int arrays use the scalar definition. One dispatch on the dtype,
     * with every {@link DType} listed (see {@link Elementwise}).
     */
    public static void reduce(DType dtype, ReduceOp op, Object src, int offset, int outer, int length, int inner, Object out) {
        switch (dtype) {
            case FLOAT32 -> FloatKernels.reduce(op, (float[]) src, offset, outer, length, inner, (float[]) out);
            case FLOAT64 -> DoubleKernels.reduce(op, (double[]) src, offset, outer, length, inner, (double[]) out);
            case INT32, BOOL -> ReferenceKernels.reduce(op, src, offset, outer, length, inner, out);
            case null -> throw Elementwise.noDType("reduce");
        }
    }

    /** Index (0..length-1) of the first maximum (or minimum) along the middle axis; NaN counts as largest. */
    public static void argReduce(boolean max, Object src, int offset, int outer, int length, int inner, int[] out) {
        ReferenceKernels.argReduce(max, src, offset, outer, length, inner, out);
    }

    /** Inclusive (or, with {@code reverse}, right-to-left) cumulative sum along the middle axis. */
    public static void cumsum(boolean reverse, Object src, int offset, int outer, int length, int inner, Object out) {
        ReferenceKernels.cumsum(reverse, src, offset, outer, length, inner, out);
    }
}
