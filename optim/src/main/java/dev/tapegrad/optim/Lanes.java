package dev.tapegrad.optim;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * What the Vector API kernels of the transforms share. Every kernel has the same shape:
 * <pre>
 *   int i = 0;
 *   for (int end = S.loopBound(n); i &lt; end; i += S.length()) { ...whole vectors... }
 *   reference(..., i, n);          // the tail, by the scalar definition
 * </pre>
 * where {@code reference} is the transform's scalar loop over {@code [from, to)}, kept as the documented
 * definition. Each lane performs the same IEEE operations in the same order as the reference: no fused
 * multiply-add, no reassociation; loop-invariant factors such as {@code 1 − β} are computed once, which
 * gives the same value. Exact correspondences used: {@code Math.sqrt} ↔ {@code sqrt()},
 * {@code Math.max/min} ↔ {@code max/min} (NaN if either is NaN, +0 above −0), {@code Math.abs} ↔
 * {@code abs()}, unary minus ↔ {@code neg()}, a loop-invariant {@code cond ? a : b} ↔ a blend or masked
 * operation under {@link #when(boolean)}, and {@code Math.signum} ↔ {@link #signum}. The skeleton is
 * written out in each kernel rather than behind a functional interface: one lambda call site shared by
 * every transform would be megamorphic and the vectors would be boxed.
 */
final class Lanes {
    private Lanes() {}

    /** The species of every kernel (the widest the CPU supports). */
    static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;

    /** All lanes set when {@code condition} holds, none otherwise (a loop-invariant branch as a mask). */
    static VectorMask<Double> when(boolean condition) {
        return S.maskAll(condition);
    }

    /** Lane-wise {@link Math#signum}: 1 for x &gt; 0, −1 for x &lt; 0, x itself for ±0 and NaN. */
    static DoubleVector signum(DoubleVector x) {
        return x.blend(1.0, x.compare(VectorOperators.GT, 0.0)).blend(-1.0, x.compare(VectorOperators.LT, 0.0));
    }

    /** x ← k·x (element by element, {@code x[i] * k}). */
    static void scale(double[] x, double k) {
        int i = 0;
        for (int end = S.loopBound(x.length); i < end; i += S.length()) {
            DoubleVector.fromArray(S, x, i).mul(k).intoArray(x, i);
        }
        for (; i < x.length; i++) x[i] *= k;
    }

    /** x ← x / d (element by element, a true division, not a multiplication by 1/d). */
    static void divide(double[] x, double d) {
        int i = 0;
        for (int end = S.loopBound(x.length); i < end; i += S.length()) {
            DoubleVector.fromArray(S, x, i).div(d).intoArray(x, i);
        }
        for (; i < x.length; i++) x[i] /= d;
    }

    /** x ← x + k·y (element by element, {@code x[i] + k * y[i]}). */
    static void addScaled(double[] x, double k, double[] y) {
        int i = 0;
        for (int end = S.loopBound(x.length); i < end; i += S.length()) {
            DoubleVector.fromArray(S, x, i).add(DoubleVector.fromArray(S, y, i).mul(k)).intoArray(x, i);
        }
        for (; i < x.length; i++) x[i] += k * y[i];
    }

    /** x ← x + y (element by element). */
    static void add(double[] x, double[] y) {
        int i = 0;
        for (int end = S.loopBound(x.length); i < end; i += S.length()) {
            DoubleVector.fromArray(S, x, i).add(DoubleVector.fromArray(S, y, i)).intoArray(x, i);
        }
        for (; i < x.length; i++) x[i] += y[i];
    }
}
