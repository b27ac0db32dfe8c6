package dev.tapegrad.kernels;

/**
 * Reductions over the middle axis of a contiguous {@code [outer, length, inner]} block: for every
 * (o, i), {@code out[o*inner + i] = reduce_k src[offset + (o*length + k)*inner + i]}.
 * Any single-axis reduction of a contiguous tensor has this form without copying; several axes are first
 * moved together.
 */
public final class Reductions {
    private Reductions() {}

    public static void reduce(ReduceOp op, Object src, int offset, int outer, int length, int inner, Object out) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double acc = op.identity();
                for (int k = 0; k < length; k++) {
                    acc = op.combine(acc, Arrays1.get(src, offset + (o * length + k) * inner + i));
                }
                Arrays1.set(out, o * inner + i, acc);
            }
        }
    }

    /** Index (0..length-1) of the first maximum (or minimum) along the middle axis; NaN counts as largest. */
    public static void argReduce(boolean max, Object src, int offset, int outer, int length, int inner, int[] out) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int best = 0;
                double bestValue = Arrays1.get(src, offset + o * length * inner + i);
                for (int k = 1; k < length && !Double.isNaN(bestValue); k++) {
                    double v = Arrays1.get(src, offset + (o * length + k) * inner + i);
                    if (Double.isNaN(v) || (max ? v > bestValue : v < bestValue)) {
                        best = k;
                        bestValue = v;
                    }
                }
                out[o * inner + i] = best;
            }
        }
    }

    /** Inclusive (or, with {@code reverse}, right-to-left) cumulative sum along the middle axis. */
    public static void cumsum(boolean reverse, Object src, int offset, int outer, int length, int inner, Object out) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double acc = 0;
                for (int step = 0; step < length; step++) {
                    int k = reverse ? length - 1 - step : step;
                    int at = (o * length + k) * inner + i;
                    acc += Arrays1.get(src, offset + at);
                    Arrays1.set(out, at, acc);
                }
            }
        }
    }
}
