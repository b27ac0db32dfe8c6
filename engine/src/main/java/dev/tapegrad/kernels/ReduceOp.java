package dev.tapegrad.kernels;

/** Reductions of a run of values to one value. */
public enum ReduceOp {
    SUM, PROD, MAX, MIN;

    /** The value of the reduction over no elements. */
    public double identity() {
        return switch (this) {
            case SUM -> 0.0;
            case PROD -> 1.0;
            case MAX -> Double.NEGATIVE_INFINITY;
            case MIN -> Double.POSITIVE_INFINITY;
        };
    }

    /** Combines an accumulator with one more value (NaN propagates through MAX and MIN). */
    public double combine(double acc, double x) {
        return switch (this) {
            case SUM -> acc + x;
            case PROD -> acc * x;
            case MAX -> Double.isNaN(acc) || Double.isNaN(x) ? Double.NaN : Math.max(acc, x);
            case MIN -> Double.isNaN(acc) || Double.isNaN(x) ? Double.NaN : Math.min(acc, x);
        };
    }
}
