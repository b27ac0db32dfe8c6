package dev.tapegrad.kernels;

/**
 * Reductions over the middle axis of a contiguous {@code [outer, length, inner]} block: for every
 * (o, i), {@code out[o*inner + i] = reduce_k src[offset + (o*length + k)*inner + i]}.
 * Any single-axis reduction of a contiguous tensor has this form without copying; several axes are first
 * moved together.
 */
public final class Reductions {
    private Reductions() {}

    /**
     * out[o*inner + i] = op over k of src[offset + (o*length + k)*inner + i]; the identity when length is 0.
     * Float and double arrays use SIMD kernels (vectors along the run when inner is 1, along the inner axis
     * otherwise), summing in the array's own precision with several accumulators; MAX and MIN propagate NaN.
     */
    public static void reduce(ReduceOp op, Object src, int offset, int outer, int length, int inner, Object out) {
        if (src instanceof float[] s && out instanceof float[] o) {
            FloatKernels.reduce(op, s, offset, outer, length, inner, o);
        } else if (src instanceof double[] s && out instanceof double[] o) {
            DoubleKernels.reduce(op, s, offset, outer, length, inner, o);
        } else {
            ReferenceKernels.reduce(op, src, offset, outer, length, inner, out);
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
