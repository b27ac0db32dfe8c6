package dev.tapegrad;

/**
 * The argument checks every op shares, so that the same mistake gets the same message whichever op it reaches:
 * each names the op, the dtypes and the shapes involved, and says how to fix it. (Axis checks are
 * {@link Shapes#axis} and {@link Shapes#axes}; shape agreement is {@link Shapes#broadcast}.)
 */
final class Checks {
    private Checks() {}

    /** Fails unless {@code t} holds float32 or float64 values (differentiable ops work on floating dtypes only). */
    static void requireFloating(String op, Tensor t) {
        if (!t.dtype().isFloating()) {
            throw new IllegalArgumentException(op + ": expected a float32 or float64 tensor, got " + t.dtype()
                    + " " + Shapes.str(t.shape) + "; convert it with to(DType.FLOAT32)");
        }
    }

    /** Fails unless {@code a} and {@code b} have the same dtype (tapegrad never converts implicitly). */
    static void requireSameDType(String op, Tensor a, Tensor b) {
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(op + ": dtype mismatch, " + a.dtype() + " " + Shapes.str(a.shape) + " vs "
                    + b.dtype() + " " + Shapes.str(b.shape) + "; convert one with to(DType)");
        }
    }
}
