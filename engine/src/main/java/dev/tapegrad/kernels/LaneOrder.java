package dev.tapegrad.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The sum and the product of the lanes of a vector, added (multiplied) in one fixed order, so that the result is
 * the same bits whether the code runs interpreted or compiled by the JIT.
 *
 * <p><b>Why.</b> {@code v.reduceLanes(VectorOperators.ADD)} (and {@code MUL}) leaves the order of the lanes
 * unspecified for floating point, and in practice the JIT's compiled reduction and the interpreter's fallback
 * combine them differently (on x86 with JDK 25, a reduction of a vector accumulated in a loop differs in the last
 * bit about half the time once the loop is compiled). Floating-point addition is not associative, so a kernel
 * would give other bits before and after it is compiled, and "same seed, same bits" would depend on JIT timing.
 * Lane-wise IEEE operations ({@code add}, {@code mul}, {@code fma}) and reading one lane are exact, so a
 * reduction built only from them is a fixed function of the lane values.
 *
 * <p><b>The order.</b> A pairwise tree: with L lanes v₀ … v_{L−1} (L a power of two), lane i is combined with
 * lane i + L/2 for i &lt; L/2, and the same is repeated on those L/2 results until one is left. For 8 lanes:
 * <pre>
 *   ((v₀ + v₄) + (v₂ + v₆)) + ((v₁ + v₅) + (v₃ + v₇))
 * </pre>
 * Widths up to 16 lanes are written out as lane reads and scalar operations: compiled, this is as fast as
 * {@code reduceLanes} or faster (the independent pairs run in parallel). Wider vectors (possible with SVE) fold
 * the vector onto itself, {@code v.add(v.slice(h))}: the same order, but slower, since the JIT compiles
 * {@code slice} to several shuffles.
 *
 * <p>{@code MAX} and {@code MIN} need no such helper: they are commutative and associative (NaN when any lane
 * is NaN, −0 below +0), so {@code reduceLanes(VectorOperators.MAX)} has one result in any order.
 */
final class LaneOrder {
    private LaneOrder() {}

    /** Σ of the lanes of v in the pairwise order of the class comment. */
    static float sum(FloatVector v) {
        return switch (v.length()) {
            case 1 -> v.lane(0);
            case 2 -> v.lane(0) + v.lane(1);
            case 4 -> (v.lane(0) + v.lane(2)) + (v.lane(1) + v.lane(3));
            case 8 -> ((v.lane(0) + v.lane(4)) + (v.lane(2) + v.lane(6)))
                    + ((v.lane(1) + v.lane(5)) + (v.lane(3) + v.lane(7)));
            case 16 -> (((v.lane(0) + v.lane(8)) + (v.lane(4) + v.lane(12))) + ((v.lane(2) + v.lane(10)) + (v.lane(6) + v.lane(14))))
                    + (((v.lane(1) + v.lane(9)) + (v.lane(5) + v.lane(13))) + ((v.lane(3) + v.lane(11)) + (v.lane(7) + v.lane(15))));
            default -> fold(v, VectorOperators.ADD);
        };
    }

    /** Π of the lanes of v in the pairwise order of the class comment. */
    static float product(FloatVector v) {
        return switch (v.length()) {
            case 1 -> v.lane(0);
            case 2 -> v.lane(0) * v.lane(1);
            case 4 -> (v.lane(0) * v.lane(2)) * (v.lane(1) * v.lane(3));
            case 8 -> ((v.lane(0) * v.lane(4)) * (v.lane(2) * v.lane(6)))
                    * ((v.lane(1) * v.lane(5)) * (v.lane(3) * v.lane(7)));
            case 16 -> (((v.lane(0) * v.lane(8)) * (v.lane(4) * v.lane(12))) * ((v.lane(2) * v.lane(10)) * (v.lane(6) * v.lane(14))))
                    * (((v.lane(1) * v.lane(9)) * (v.lane(5) * v.lane(13))) * ((v.lane(3) * v.lane(11)) * (v.lane(7) * v.lane(15))));
            default -> fold(v, VectorOperators.MUL);
        };
    }

    /** Σ of the lanes of v in the pairwise order of the class comment. */
    static double sum(DoubleVector v) {
        return switch (v.length()) {
            case 1 -> v.lane(0);
            case 2 -> v.lane(0) + v.lane(1);
            case 4 -> (v.lane(0) + v.lane(2)) + (v.lane(1) + v.lane(3));
            case 8 -> ((v.lane(0) + v.lane(4)) + (v.lane(2) + v.lane(6)))
                    + ((v.lane(1) + v.lane(5)) + (v.lane(3) + v.lane(7)));
            default -> fold(v, VectorOperators.ADD);
        };
    }

    /** Π of the lanes of v in the pairwise order of the class comment. */
    static double product(DoubleVector v) {
        return switch (v.length()) {
            case 1 -> v.lane(0);
            case 2 -> v.lane(0) * v.lane(1);
            case 4 -> (v.lane(0) * v.lane(2)) * (v.lane(1) * v.lane(3));
            case 8 -> ((v.lane(0) * v.lane(4)) * (v.lane(2) * v.lane(6)))
                    * ((v.lane(1) * v.lane(5)) * (v.lane(3) * v.lane(7)));
            default -> fold(v, VectorOperators.MUL);
        };
    }

    /**
     * The pairwise tree for any width: lane i of {@code v.slice(h)} is lane i + h of v (zero past the end), so
     * each step combines lane i with lane i + h for the lanes still in use, i &lt; h.
     */
    static float fold(FloatVector v, VectorOperators.Binary op) {
        for (int h = v.length() / 2; h > 0; h /= 2) v = v.lanewise(op, v.slice(h));
        return v.lane(0);
    }

    /** {@link #fold(FloatVector, VectorOperators.Binary)} for doubles. */
    static double fold(DoubleVector v, VectorOperators.Binary op) {
        for (int h = v.length() / 2; h > 0; h /= 2) v = v.lanewise(op, v.slice(h));
        return v.lane(0);
    }
}
