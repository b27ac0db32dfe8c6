package dev.tapegrad.kernels;

/** Elementwise comparisons; each produces a boolean mask (0 or 1). */
public enum CompareOp {
    EQ, NE, LT, LE, GT, GE;

    /** The scalar definition. Comparisons with NaN are false, except {@code NE}. */
    public boolean test(double a, double b) {
        return switch (this) {
            case EQ -> a == b;
            case NE -> a != b;
            case LT -> a < b;
            case LE -> a <= b;
            case GT -> a > b;
            case GE -> a >= b;
        };
    }
}
