// GENERATED from FloatKernels.java by KernelTemplateTest (engine tests). Do not edit.
package dev.tapegrad.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD kernels for double arrays (Vector API, {@code SPECIES_PREFERRED}).
 *
 * <p>The double version of this class is generated from FloatKernels.java, the hand-written template, by
 * replacing the element type ({@code KernelTemplateTest} in the tests; it also checks that the two stay in
 * step). Edit FloatKernels.java only, then regenerate. The same generator also writes, inside this file,
 * one loop method per elementwise, comparison and reduction op from the op table above the generated part.
 *
 * <p>Each kernel computes in double and rounds as double arithmetic does; the scalar definitions in
 * {@link ReferenceKernels} compute in double and round once, so results agree exactly for + − × ÷, min,
 * max, comparisons and copies, to a few ulps for transcendental functions, and up to reordering for sums.
 * Rows that are neither contiguous nor broadcast (stride other than 0 or 1) use the scalar definitions.
 */
final class DoubleKernels {
    private DoubleKernels() {}

    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Ints with as many lanes as {@link #S}, for boolean masks stored as 0/1. */
    private static final VectorSpecies<Integer> MASK_INTS = VectorSpecies.of(int.class, VectorShape.forBitSize(L * 32));

    // ---------------------------------------------------------------- elementwise

    /** out[i] = op(x[i]). */
    static void unary(UnaryOp op, Strided x, double[] out) {
        double[] xs = (double[]) x.data();
        Rows rows = new Rows(x.shape(), x);
        for (int r = 0, o = 0, n = rows.length; r < rows.count; r++, o += n, rows.advance()) {
            int xi = rows.start[0], sx = rows.inner[0];
            if (sx != 1) {
                for (int j = 0; j < n; j++) out[o + j] = (double) op.apply(xs[xi + j * sx]);
                continue;
            }
            unaryRow(op, xs, xi, out, o, n);
        }
    }

    /** out[i] = op(a[i], b[i]) for a and b already broadcast to one shape. */
    static void binary(BinaryOp op, Strided a, Strided b, double[] out) {
        double[] as = (double[]) a.data(), bs = (double[]) b.data();
        Rows rows = new Rows(a.shape(), a, b);
        for (int r = 0, o = 0, n = rows.length; r < rows.count; r++, o += n, rows.advance()) {
            int ai = rows.start[0], sa = rows.inner[0], bi = rows.start[1], sb = rows.inner[1];
            binaryRow(op, as, ai, sa, bs, bi, sb, out, o, n);
        }
    }

    /**
     * out[i] = a[i] + value·b[i]·c[i] for a, b, c already broadcast to one shape, in one pass: rows whose
     * operands all have stride 0 or 1 run as vectors with one fma per element (b·c + a when value is 1,
     * (value·b)·c + a otherwise); other rows use the same formula per element.
     */
    static void addcmul(Strided a, Strided b, Strided c, double value, double[] out) {
        double[] as = (double[]) a.data(), bs = (double[]) b.data(), cs = (double[]) c.data();
        double v = (double) value;
        Rows rows = new Rows(a.shape(), a, b, c);
        for (int r = 0, o = 0, n = rows.length; r < rows.count; r++, o += n, rows.advance()) {
            int ai = rows.start[0], sa = rows.inner[0], bi = rows.start[1], sb = rows.inner[1];
            int ci = rows.start[2], sc = rows.inner[2];
            int j = 0;
            if (unitOrZero(sa) && unitOrZero(sb) && unitOrZero(sc)) {
                DoubleVector a0 = DoubleVector.broadcast(S, as[ai]), b0 = DoubleVector.broadcast(S, bs[bi]);
                DoubleVector c0 = DoubleVector.broadcast(S, cs[ci]);
                for (int end = S.loopBound(n); j < end; j += L) {
                    DoubleVector va = sa == 0 ? a0 : DoubleVector.fromArray(S, as, ai + j);
                    DoubleVector vb = sb == 0 ? b0 : DoubleVector.fromArray(S, bs, bi + j);
                    DoubleVector vc = sc == 0 ? c0 : DoubleVector.fromArray(S, cs, ci + j);
                    (v == 1.0 ? vb : vb.mul(v)).fma(vc, va).intoArray(out, o + j);
                }
            }
            for (; j < n; j++) {
                double vb = bs[bi + j * sb];
                out[o + j] = Math.fma(v == 1.0 ? vb : vb * v, cs[ci + j * sc], as[ai + j * sa]);
            }
        }
    }

    /** out[i] = op(a[i], b[i]) ? 1 : 0. */
    static void compare(CompareOp op, Strided a, Strided b, int[] out) {
        double[] as = (double[]) a.data(), bs = (double[]) b.data();
        Rows rows = new Rows(a.shape(), a, b);
        for (int r = 0, o = 0, n = rows.length; r < rows.count; r++, o += n, rows.advance()) {
            compareRow(op, as, rows.start[0], rows.inner[0], bs, rows.start[1], rows.inner[1], out, o, n);
        }
    }

    /** out[i] = mask[i] != 0 ? a[i] : b[i]. */
    static void where(Strided mask, Strided a, Strided b, double[] out) {
        int[] ms = (int[]) mask.data();
        double[] as = (double[]) a.data(), bs = (double[]) b.data();
        Rows rows = new Rows(a.shape(), mask, a, b);
        for (int r = 0, o = 0, n = rows.length; r < rows.count; r++, o += n, rows.advance()) {
            int mi = rows.start[0], sm = rows.inner[0], ai = rows.start[1], sa = rows.inner[1];
            int bi = rows.start[2], sb = rows.inner[2];
            if (sm != 1 || !unitOrZero(sa) || !unitOrZero(sb)) {
                for (int j = 0; j < n; j++) out[o + j] = ms[mi + j * sm] != 0 ? as[ai + j * sa] : bs[bi + j * sb];
                continue;
            }
            DoubleVector a0 = DoubleVector.broadcast(S, as[ai]), b0 = DoubleVector.broadcast(S, bs[bi]);
            int j = 0;
            for (; j < S.loopBound(n); j += L) {
                DoubleVector va = sa == 0 ? a0 : DoubleVector.fromArray(S, as, ai + j);
                DoubleVector vb = sb == 0 ? b0 : DoubleVector.fromArray(S, bs, bi + j);
                VectorMask<Double> pick = IntVector.fromArray(MASK_INTS, ms, mi + j).compare(VectorOperators.NE, 0).cast(S);
                vb.blend(va, pick).intoArray(out, o + j);
            }
            if (j < n) {
                VectorMask<Double> m = S.indexInRange(j, n);
                DoubleVector va = sa == 0 ? a0 : DoubleVector.fromArray(S, as, ai + j, m);
                DoubleVector vb = sb == 0 ? b0 : DoubleVector.fromArray(S, bs, bi + j, m);
                VectorMask<Double> pick = IntVector.fromArray(MASK_INTS, ms, mi + j, m.cast(MASK_INTS))
                        .compare(VectorOperators.NE, 0).cast(S);
                vb.blend(va, pick).intoArray(out, o + j, m);
            }
        }
    }

    /** out[i] = lo if x[i] &lt; lo, hi if x[i] &gt; hi, else x[i] (NaN stays NaN). */
    static void clamp(Strided x, double lo, double hi, double[] out) {
        double[] xs = (double[]) x.data();
        double low = (double) lo, high = (double) hi;
        Rows rows = new Rows(x.shape(), x);
        for (int r = 0, o = 0, n = rows.length; r < rows.count; r++, o += n, rows.advance()) {
            int xi = rows.start[0], sx = rows.inner[0];
            if (sx != 1) {
                for (int j = 0; j < n; j++) {
                    double v = xs[xi + j * sx];
                    out[o + j] = v < low ? low : v > high ? high : v;
                }
                continue;
            }
            int j = 0;
            for (; j < S.loopBound(n); j += L) {
                DoubleVector v = DoubleVector.fromArray(S, xs, xi + j);
                v.blend(low, v.lt(low)).blend(high, v.compare(VectorOperators.GT, high)).intoArray(out, o + j);
            }
            if (j < n) {
                VectorMask<Double> m = S.indexInRange(j, n);
                DoubleVector v = DoubleVector.fromArray(S, xs, xi + j, m);
                v.blend(low, v.lt(low)).blend(high, v.compare(VectorOperators.GT, high)).intoArray(out, o + j, m);
            }
        }
    }

    /** Copies a strided layout to (or, with {@code scatter}, from) a contiguous array {@code flat}. */
    static void copy(Strided x, double[] flat, boolean scatter) {
        double[] xs = (double[]) x.data();
        Rows rows = new Rows(x.shape(), x);
        for (int r = 0, o = 0, n = rows.length; r < rows.count; r++, o += n, rows.advance()) {
            int xi = rows.start[0], sx = rows.inner[0];
            if (sx == 1) {
                if (scatter) System.arraycopy(flat, o, xs, xi, n);
                else System.arraycopy(xs, xi, flat, o, n);
            } else if (scatter) {
                for (int j = 0; j < n; j++) xs[xi + j * sx] = flat[o + j];
            } else {
                for (int j = 0; j < n; j++) flat[o + j] = xs[xi + j * sx];
            }
        }
    }

    private static boolean unitOrZero(int stride) {
        return stride == 0 || stride == 1;
    }

    // ---- compositions used by the unary row kernels; they follow the scalar definitions in UnaryOp

    /** signum: ±1, with ±0 and NaN kept. */
    private static DoubleVector sign(DoubleVector x) {
        return x.blend(1.0, x.compare(VectorOperators.GT, 0.0)).blend(-1.0, x.lt(0.0));
    }

    private static DoubleVector reciprocal(DoubleVector x) {
        return DoubleVector.broadcast(S, 1.0).div(x);
    }

    /** x where x &gt; 0, else 0 (NaN gives 0, as in the scalar definition). */
    private static DoubleVector relu(DoubleVector x) {
        return DoubleVector.zero(S).blend(x, x.compare(VectorOperators.GT, 0.0));
    }

    /** With e = e^-|x|: σ(x) = 1/(1+e) for x ≥ 0 and e/(1+e) below; neither overflows. */
    private static DoubleVector sigmoid(DoubleVector x) {
        DoubleVector e = x.abs().neg().lanewise(VectorOperators.EXP);
        DoubleVector s = reciprocal(e.add(1.0));
        return s.blend(e.mul(s), x.lt(0.0));
    }

    /** log1p(e^-|x|). */
    private static DoubleVector softplusOfMinusAbs(DoubleVector x) {
        return x.abs().neg().lanewise(VectorOperators.EXP).lanewise(VectorOperators.LOG1P);
    }

    /**
     * erf(x) from the Chebyshev tables in {@link ErfTables}: x·P(2x²−1) for |x| ≤ 1, 1 − e^(−x²)/|x|·Q(1/|x|)
     * with the sign of x up to XMAX, ±1 beyond; NaN stays NaN. Tested to within a few ulps of the scalar
     * definition.
     */
    static DoubleVector erf(DoubleVector x) {
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        DoubleVector ax = x.abs();
        DoubleVector small = x.mul(chebyshev(ErfTables.DOUBLE_SMALL, x.mul(x).mul(2.0).sub(1.0)));
        DoubleVector w = ax.max(1.0).min(ErfTables.DOUBLE_XMAX); // NaN passes through max and min
        DoubleVector v = one.div(w);
        DoubleVector u = v.mul(ErfTables.DOUBLE_LARGE_SCALE).add(ErfTables.DOUBLE_LARGE_SHIFT);
        DoubleVector erfc = w.mul(w).neg().lanewise(VectorOperators.EXP).mul(v).mul(chebyshev(ErfTables.DOUBLE_LARGE, u));
        DoubleVector large = one.sub(erfc).blend(one, ax.compare(VectorOperators.GE, ErfTables.DOUBLE_XMAX));
        large = large.blend(large.neg(), x.lt(0.0));
        return large.blend(small, ax.compare(VectorOperators.LE, 1.0));
    }

    /** Σ c_j T_j(u) by Clenshaw's recurrence b_j = c_j + 2u·b_{j+1} − b_{j+2}. */
    private static DoubleVector chebyshev(double[] c, DoubleVector u) {
        DoubleVector u2 = u.add(u), b1 = DoubleVector.zero(S), b2 = b1;
        for (int j = c.length - 1; j >= 1; j--) {
            DoubleVector b0 = u2.fma(b1, b2.neg()).add((double) c[j]);
            b2 = b1;
            b1 = b0;
        }
        return u.fma(b1, b2.neg()).add((double) c[0]);
    }

    // ---------------------------------------------------------------- reductions

    /** out[o*inner + i] = op over k of src[offset + (o*length + k)*inner + i]. */
    static void reduce(ReduceOp op, double[] src, int offset, int outer, int length, int inner, double[] out) {
        for (int o = 0; o < outer; o++) {
            int base = offset + o * length * inner;
            if (inner == 1) out[o] = reduceRun(op, src, base, length);
            else reduceColumns(op, src, base, length, inner, out, o * inner);
        }
    }

    // ---------------------------------------------------------------- one loop method per op

    // Each op gets its own small loop method, generated by KernelTemplateTest (engine tests) from the table below:
    // the JIT then compiles every loop with one op's code only. (A loop shared by all ops, whether it
    // switches on the op or calls a function object, is compiled with every op that has run through it;
    // past the JIT's inlining budget it keeps vectors boxed on the heap and runs about ten times slower.)
    // Table rows: `unary OP: expression of v`, `binary OP` and `compare OP: expression of a and b`,
    // `reduce OP: combining method, reduction of the lanes of v` (LaneOrder for sums and products, whose
    // reduceLanes order is unspecified). Edit the table, then regenerate.
    //
    // unary NEG: v.neg()
    // unary ABS: v.abs()
    // unary SIGN: sign(v)
    // unary EXP: v.lanewise(VectorOperators.EXP)
    // unary EXPM1: v.lanewise(VectorOperators.EXPM1)
    // unary LOG: v.lanewise(VectorOperators.LOG)
    // unary LOG1P: v.lanewise(VectorOperators.LOG1P)
    // unary SQRT: v.sqrt()
    // unary RSQRT: reciprocal(v.sqrt())
    // unary SQUARE: v.mul(v)
    // unary RECIPROCAL: reciprocal(v)
    // unary SIN: v.lanewise(VectorOperators.SIN)
    // unary COS: v.lanewise(VectorOperators.COS)
    // unary TANH: v.lanewise(VectorOperators.TANH)
    // unary SIGMOID: sigmoid(v)
    // unary LOG_SIGMOID: v.min(0.0).sub(softplusOfMinusAbs(v))
    // unary RELU: relu(v)
    // unary SOFTPLUS: v.max(0.0).add(softplusOfMinusAbs(v))
    // unary ERF: erf(v)
    // binary ADD: a.add(b)
    // binary SUB: a.sub(b)
    // binary MUL: a.mul(b)
    // binary DIV: a.div(b)
    // binary POW: a.lanewise(VectorOperators.POW, b)
    // binary MAXIMUM: a.max(b)
    // binary MINIMUM: a.min(b)
    // compare EQ: a.eq(b)
    // compare NE: a.compare(VectorOperators.NE, b)
    // compare LT: a.lt(b)
    // compare LE: a.compare(VectorOperators.LE, b)
    // compare GT: a.compare(VectorOperators.GT, b)
    // compare GE: a.compare(VectorOperators.GE, b)
    // reduce SUM: add, LaneOrder.sum(v)
    // reduce PROD: mul, LaneOrder.product(v)
    // reduce MAX: max, v.reduceLanes(VectorOperators.MAX)
    // reduce MIN: min, v.reduceLanes(VectorOperators.MIN)

    // BEGIN GENERATED loops

    /** out[o + j] = op(x[xi + j]) for j &lt; n, x contiguous. */
    private static void unaryRow(UnaryOp op, double[] x, int xi, double[] out, int o, int n) {
        switch (op) {
            case NEG -> negRow(x, xi, out, o, n);
            case ABS -> absRow(x, xi, out, o, n);
            case SIGN -> signRow(x, xi, out, o, n);
            case EXP -> expRow(x, xi, out, o, n);
            case EXPM1 -> expm1Row(x, xi, out, o, n);
            case LOG -> logRow(x, xi, out, o, n);
            case LOG1P -> log1pRow(x, xi, out, o, n);
            case SQRT -> sqrtRow(x, xi, out, o, n);
            case RSQRT -> rsqrtRow(x, xi, out, o, n);
            case SQUARE -> squareRow(x, xi, out, o, n);
            case RECIPROCAL -> reciprocalRow(x, xi, out, o, n);
            case SIN -> sinRow(x, xi, out, o, n);
            case COS -> cosRow(x, xi, out, o, n);
            case TANH -> tanhRow(x, xi, out, o, n);
            case SIGMOID -> sigmoidRow(x, xi, out, o, n);
            case LOG_SIGMOID -> logSigmoidRow(x, xi, out, o, n);
            case RELU -> reluRow(x, xi, out, o, n);
            case SOFTPLUS -> softplusRow(x, xi, out, o, n);
            case ERF -> erfRow(x, xi, out, o, n);
        }
    }

    /** out[o + j] = op(a[ai + j*sa], b[bi + j*sb]) for j &lt; n; vectorised when sa, sb ∈ {0, 1} and not both 0. */
    private static void binaryRow(BinaryOp op, double[] a, int ai, int sa, double[] b, int bi, int sb, double[] out, int o, int n) {
        switch (op) {
            case ADD -> addRow(a, ai, sa, b, bi, sb, out, o, n);
            case SUB -> subRow(a, ai, sa, b, bi, sb, out, o, n);
            case MUL -> mulRow(a, ai, sa, b, bi, sb, out, o, n);
            case DIV -> divRow(a, ai, sa, b, bi, sb, out, o, n);
            case POW -> powRow(a, ai, sa, b, bi, sb, out, o, n);
            case MAXIMUM -> maximumRow(a, ai, sa, b, bi, sb, out, o, n);
            case MINIMUM -> minimumRow(a, ai, sa, b, bi, sb, out, o, n);
        }
    }

    /** out[o + j] = op(a[ai + j*sa], b[bi + j*sb]) ? 1 : 0 for j &lt; n; vectorised as {@link #binaryRow}. */
    private static void compareRow(CompareOp op, double[] a, int ai, int sa, double[] b, int bi, int sb, int[] out, int o, int n) {
        switch (op) {
            case EQ -> eqTest(a, ai, sa, b, bi, sb, out, o, n);
            case NE -> neTest(a, ai, sa, b, bi, sb, out, o, n);
            case LT -> ltTest(a, ai, sa, b, bi, sb, out, o, n);
            case LE -> leTest(a, ai, sa, b, bi, sb, out, o, n);
            case GT -> gtTest(a, ai, sa, b, bi, sb, out, o, n);
            case GE -> geTest(a, ai, sa, b, bi, sb, out, o, n);
        }
    }

    /** op over src[at .. at+length-1]. */
    private static double reduceRun(ReduceOp op, double[] src, int at, int length) {
        return switch (op) {
            case SUM -> sumRun(src, at, length);
            case PROD -> prodRun(src, at, length);
            case MAX -> maxRun(src, at, length);
            case MIN -> minRun(src, at, length);
        };
    }

    /** out[outAt + i] = op over k of src[at + k*inner + i], for i &lt; inner. */
    private static void reduceColumns(ReduceOp op, double[] src, int at, int length, int inner, double[] out, int outAt) {
        switch (op) {
            case SUM -> sumColumns(src, at, length, inner, out, outAt);
            case PROD -> prodColumns(src, at, length, inner, out, outAt);
            case MAX -> maxColumns(src, at, length, inner, out, outAt);
            case MIN -> minColumns(src, at, length, inner, out, outAt);
        }
    }

    /** NEG: whole vectors, then one masked vector for the tail. */
    private static void negRow(double[] x, int xi, double[] out, int o, int n) {
        int j = 0;
        for (; j < S.loopBound(n); j += L) {
            DoubleVector v = DoubleVector.fromArray(S, x, xi + j);
            v.neg().intoArray(out, o + j);
        }
        if (j < n) {
            VectorMask<Double> m = S.indexInRange(j, n);
            DoubleVector v = DoubleVector.fromArray(S, x, xi + j, m);
            v.neg().intoArray(out, o + j, m);
        }
    }

    /** ABS: whole vectors, then one masked vector for the tail. */
    private static void absRow(double[] x, int xi, double[] out, int o, int n) {
        int j = 0;
        for (; j < S.loopBound(n); j += L) {
            DoubleVector v = DoubleVector.fromArray(S, x, xi + j);
            v.abs().intoArray(out, o + j);
        }
        if (j < n) {
            VectorMask<Double> m = S.indexInRange(j, n);
            DoubleVector v = DoubleVector.fromArray(S, x, xi + j, m);
            v.abs().intoArray(out, o + j, m);
        }
    }

    /** SIGN: whole vectors, then one masked vector for the tail. */
    private static void signRow(double[] x, int xi, double[] out, int o, int n) {
        int j = 0;
        for (; j < S.loopBound(n); j += L) {
            DoubleVector v = DoubleVector.fromArray(S, x, xi + j);
            sign(v).intoArray(out, o + j);
        }
        if (j < n) {
            VectorMask<Double> m = S.indexInRange(j, n);
            DoubleVector v = DoubleVector.fromArray(S, x, xi + j, m);
            sign(v).intoArray(out, o + j, m);
        }
    }

    /** EXP: whole vectors, then one masked vector for the tail. */
    private static void expRow(double[] x, int xi, double[] out, int o, int n) {
        int j = 0;
        for (; j < S.loopBound(n); j += L) {
            DoubleVector v = DoubleVector.fromArray(S, x, xi + j);
            v.lanewise(VectorOperators.EXP).intoArray(out, o + j);
        }
        if (j < n) {
            VectorMask<Double> m = S.indexInRange(j, n);
            DoubleVector v = DoubleVector.fromArray(S, x, xi + j, m);
            v.lanewise(VectorOperators.EXP).intoArray(out, o + j, m);
        }
    }

    /** EXPM1: whole vectors, then one masked vector for the tail. */
    private static void expm1Row(double[] x, int xi, double[] out, int o, int n) {
        int j = 0;
        for (; j < S.loopBound(n); j += L) {
            DoubleVector v = DoubleVector.fromArray(S, x, xi + j);
            v.lanewise(VectorOperators.EXPM1).intoArray(out, o + j);
        }
        if (j < n) {
            VectorMask<Double> m = S.indexInRange(j, n);
            DoubleVector v = DoubleVector.fromArray(S, x, xi + j, m);
            v.lanewise(VectorOperators.EXPM1).intoArray(out, o + j, m);
        }
    }

    /** LOG: whole vectors, then one masked vector for the tail. */
    private static void logRow(double[] x, int xi, double[] out, int o, int n) {
        int j = 0;
        for (; j < S.loopBound(n); j += L) {
            DoubleVector v = DoubleVector.fromArray(S, x, xi + j);
            v.lanewise(VectorOperators.LOG).intoArray(out, o + j);
        }
        if (j < n) {
            VectorMask<Double> m = S.indexInRange(j, n);
            DoubleVector v = DoubleVector.fromArray(S, x, xi + j, m);
            v.lanewise(VectorOperators.LOG).intoArray(out, o + j, m);
        }
    }

    /** LOG1P: whole vectors, then one masked vector for the tail. */
    private static void log1pRow(double[] x, int xi, double[] out, int o, int n) {
        int j = 0;
        for (; j < S.loopBound(n); j += L) {
            DoubleVector v = DoubleVector.fromArray(S, x, xi + j);
            v.lanewise(VectorOperators.LOG1P).intoArray(out, o + j);
        }
        if (j < n) {
            VectorMask<Double> m = S.indexInRange(j, n);
            DoubleVector v = DoubleVector.fromArray(S, x, xi + j, m);
            v.lanewise(VectorOperators.LOG1P).intoArray(out, o + j, m);
        }
    }

    /** SQRT: whole vectors, then one masked vector for the tail. */
    private static void sqrtRow(double[] x, int xi, double[] out, int o, int n) {
        int j = 0;
        for (; j < S.loopBound(n); j += L) {
            DoubleVector v = DoubleVector.fromArray(S, x, xi + j);
            v.sqrt().intoArray(out, o + j);
        }
        if (j < n) {
            VectorMask<Double> m = S.indexInRange(j, n);
            DoubleVector v = DoubleVector.fromArray(S, x, xi + j, m);
            v.sqrt().intoArray(out, o + j, m);
        }
    }

    /** RSQRT: whole vectors, then one masked vector for the tail. */
    private static void rsqrtRow(double[] x, int xi, double[] out, int o, int n) {
        int j = 0;
        for (; j < S.loopBound(n); j += L) {
            DoubleVector v = DoubleVector.fromArray(S, x, xi + j);
            reciprocal(v.sqrt()).intoArray(out, o + j);
        }
        if (j < n) {
            VectorMask<Double> m = S.indexInRange(j, n);
            DoubleVector v = DoubleVector.fromArray(S, x, xi + j, m);
            reciprocal(v.sqrt()).intoArray(out, o + j, m);
        }
    }

    /** SQUARE: whole vectors, then one masked vector for the tail. */
    private static void squareRow(double[] x, int xi, double[] out, int o, int n) {
        int j = 0;
        for (; j < S.loopBound(n); j += L) {
            DoubleVector v = DoubleVector.fromArray(S, x, xi + j);
            v.mul(v).intoArray(out, o + j);
        }
        if (j < n) {
            VectorMask<Double> m = S.indexInRange(j, n);
            DoubleVector v = DoubleVector.fromArray(S, x, xi + j, m);
            v.mul(v).intoArray(out, o + j, m);
        }
    }

    /** RECIPROCAL: whole vectors, then one masked vector for the tail. */
    private static void reciprocalRow(double[] x, int xi, double[] out, int o, int n) {
        int j = 0;
        for (; j < S.loopBound(n); j += L) {
            DoubleVector v = DoubleVector.fromArray(S, x, xi + j);
            reciprocal(v).intoArray(out, o + j);
        }
        if (j < n) {
            VectorMask<Double> m = S.indexInRange(j, n);
            DoubleVector v = DoubleVector.fromArray(S, x, xi + j, m);
            reciprocal(v).intoArray(out, o + j, m);
        }
    }

    /** SIN: whole vectors, then one masked vector for the tail. */
    private static void sinRow(double[] x, int xi, double[] out, int o, int n) {
        int j = 0;
        for (; j < S.loopBound(n); j += L) {
            DoubleVector v = DoubleVector.fromArray(S, x, xi + j);
            v.lanewise(VectorOperators.SIN).intoArray(out, o + j);
        }
        if (j < n) {
            VectorMask<Double> m = S.indexInRange(j, n);
            DoubleVector v = DoubleVector.fromArray(S, x, xi + j, m);
            v.lanewise(VectorOperators.SIN).intoArray(out, o + j, m);
        }
    }

    /** COS: whole vectors, then one masked vector for the tail. */
    private static void cosRow(double[] x, int xi, double[] out, int o, int n) {
        int j = 0;
        for (; j < S.loopBound(n); j += L) {
            DoubleVector v = DoubleVector.fromArray(S, x, xi + j);
            v.lanewise(VectorOperators.COS).intoArray(out, o + j);
        }
        if (j < n) {
            VectorMask<Double> m = S.indexInRange(j, n);
            DoubleVector v = DoubleVector.fromArray(S, x, xi + j, m);
            v.lanewise(VectorOperators.COS).intoArray(out, o + j, m);
        }
    }

    /** TANH: whole vectors, then one masked vector for the tail. */
    private static void tanhRow(double[] x, int xi, double[] out, int o, int n) {
        int j = 0;
        for (; j < S.loopBound(n); j += L) {
            DoubleVector v = DoubleVector.fromArray(S, x, xi + j);
            v.lanewise(VectorOperators.TANH).intoArray(out, o + j);
        }
        if (j < n) {
            VectorMask<Double> m = S.indexInRange(j, n);
            DoubleVector v = DoubleVector.fromArray(S, x, xi + j, m);
            v.lanewise(VectorOperators.TANH).intoArray(out, o + j, m);
        }
    }

    /** SIGMOID: whole vectors, then one masked vector for the tail. */
    private static void sigmoidRow(double[] x, int xi, double[] out, int o, int n) {
        int j = 0;
        for (; j < S.loopBound(n); j += L) {
            DoubleVector v = DoubleVector.fromArray(S, x, xi + j);
            sigmoid(v).intoArray(out, o + j);
        }
        if (j < n) {
            VectorMask<Double> m = S.indexInRange(j, n);
            DoubleVector v = DoubleVector.fromArray(S, x, xi + j, m);
            sigmoid(v).intoArray(out, o + j, m);
        }
    }

    /** LOG_SIGMOID: whole vectors, then one masked vector for the tail. */
    private static void logSigmoidRow(double[] x, int xi, double[] out, int o, int n) {
        int j = 0;
        for (; j < S.loopBound(n); j += L) {
            DoubleVector v = DoubleVector.fromArray(S, x, xi + j);
            v.min(0.0).sub(softplusOfMinusAbs(v)).intoArray(out, o + j);
        }
        if (j < n) {
            VectorMask<Double> m = S.indexInRange(j, n);
            DoubleVector v = DoubleVector.fromArray(S, x, xi + j, m);
            v.min(0.0).sub(softplusOfMinusAbs(v)).intoArray(out, o + j, m);
        }
    }

    /** RELU: whole vectors, then one masked vector for the tail. */
    private static void reluRow(double[] x, int xi, double[] out, int o, int n) {
        int j = 0;
        for (; j < S.loopBound(n); j += L) {
            DoubleVector v = DoubleVector.fromArray(S, x, xi + j);
            relu(v).intoArray(out, o + j);
        }
        if (j < n) {
            VectorMask<Double> m = S.indexInRange(j, n);
            DoubleVector v = DoubleVector.fromArray(S, x, xi + j, m);
            relu(v).intoArray(out, o + j, m);
        }
    }

    /** SOFTPLUS: whole vectors, then one masked vector for the tail. */
    private static void softplusRow(double[] x, int xi, double[] out, int o, int n) {
        int j = 0;
        for (; j < S.loopBound(n); j += L) {
            DoubleVector v = DoubleVector.fromArray(S, x, xi + j);
            v.max(0.0).add(softplusOfMinusAbs(v)).intoArray(out, o + j);
        }
        if (j < n) {
            VectorMask<Double> m = S.indexInRange(j, n);
            DoubleVector v = DoubleVector.fromArray(S, x, xi + j, m);
            v.max(0.0).add(softplusOfMinusAbs(v)).intoArray(out, o + j, m);
        }
    }

    /** ERF: whole vectors, then one masked vector for the tail. */
    private static void erfRow(double[] x, int xi, double[] out, int o, int n) {
        int j = 0;
        for (; j < S.loopBound(n); j += L) {
            DoubleVector v = DoubleVector.fromArray(S, x, xi + j);
            erf(v).intoArray(out, o + j);
        }
        if (j < n) {
            VectorMask<Double> m = S.indexInRange(j, n);
            DoubleVector v = DoubleVector.fromArray(S, x, xi + j, m);
            erf(v).intoArray(out, o + j, m);
        }
    }

    /** ADD: a vector loop for each layout (both rows, a row and a scalar, a scalar and a row), the rest scalar. */
    private static void addRow(double[] as, int ai, int sa, double[] bs, int bi, int sb, double[] out, int o, int n) {
        int j = 0, end = S.loopBound(n);
        if (sa == 1 && sb == 1) {
            for (; j < end; j += L) {
                DoubleVector a = DoubleVector.fromArray(S, as, ai + j), b = DoubleVector.fromArray(S, bs, bi + j);
                a.add(b).intoArray(out, o + j);
            }
        } else if (sa == 1 && sb == 0) {
            DoubleVector b = DoubleVector.broadcast(S, bs[bi]);
            for (; j < end; j += L) {
                DoubleVector a = DoubleVector.fromArray(S, as, ai + j);
                a.add(b).intoArray(out, o + j);
            }
        } else if (sa == 0 && sb == 1) {
            DoubleVector a = DoubleVector.broadcast(S, as[ai]);
            for (; j < end; j += L) {
                DoubleVector b = DoubleVector.fromArray(S, bs, bi + j);
                a.add(b).intoArray(out, o + j);
            }
        }
        for (; j < n; j++) out[o + j] = (double) BinaryOp.ADD.apply(as[ai + j * sa], bs[bi + j * sb]);
    }

    /** SUB: a vector loop for each layout (both rows, a row and a scalar, a scalar and a row), the rest scalar. */
    private static void subRow(double[] as, int ai, int sa, double[] bs, int bi, int sb, double[] out, int o, int n) {
        int j = 0, end = S.loopBound(n);
        if (sa == 1 && sb == 1) {
            for (; j < end; j += L) {
                DoubleVector a = DoubleVector.fromArray(S, as, ai + j), b = DoubleVector.fromArray(S, bs, bi + j);
                a.sub(b).intoArray(out, o + j);
            }
        } else if (sa == 1 && sb == 0) {
            DoubleVector b = DoubleVector.broadcast(S, bs[bi]);
            for (; j < end; j += L) {
                DoubleVector a = DoubleVector.fromArray(S, as, ai + j);
                a.sub(b).intoArray(out, o + j);
            }
        } else if (sa == 0 && sb == 1) {
            DoubleVector a = DoubleVector.broadcast(S, as[ai]);
            for (; j < end; j += L) {
                DoubleVector b = DoubleVector.fromArray(S, bs, bi + j);
                a.sub(b).intoArray(out, o + j);
            }
        }
        for (; j < n; j++) out[o + j] = (double) BinaryOp.SUB.apply(as[ai + j * sa], bs[bi + j * sb]);
    }

    /** MUL: a vector loop for each layout (both rows, a row and a scalar, a scalar and a row), the rest scalar. */
    private static void mulRow(double[] as, int ai, int sa, double[] bs, int bi, int sb, double[] out, int o, int n) {
        int j = 0, end = S.loopBound(n);
        if (sa == 1 && sb == 1) {
            for (; j < end; j += L) {
                DoubleVector a = DoubleVector.fromArray(S, as, ai + j), b = DoubleVector.fromArray(S, bs, bi + j);
                a.mul(b).intoArray(out, o + j);
            }
        } else if (sa == 1 && sb == 0) {
            DoubleVector b = DoubleVector.broadcast(S, bs[bi]);
            for (; j < end; j += L) {
                DoubleVector a = DoubleVector.fromArray(S, as, ai + j);
                a.mul(b).intoArray(out, o + j);
            }
        } else if (sa == 0 && sb == 1) {
            DoubleVector a = DoubleVector.broadcast(S, as[ai]);
            for (; j < end; j += L) {
                DoubleVector b = DoubleVector.fromArray(S, bs, bi + j);
                a.mul(b).intoArray(out, o + j);
            }
        }
        for (; j < n; j++) out[o + j] = (double) BinaryOp.MUL.apply(as[ai + j * sa], bs[bi + j * sb]);
    }

    /** DIV: a vector loop for each layout (both rows, a row and a scalar, a scalar and a row), the rest scalar. */
    private static void divRow(double[] as, int ai, int sa, double[] bs, int bi, int sb, double[] out, int o, int n) {
        int j = 0, end = S.loopBound(n);
        if (sa == 1 && sb == 1) {
            for (; j < end; j += L) {
                DoubleVector a = DoubleVector.fromArray(S, as, ai + j), b = DoubleVector.fromArray(S, bs, bi + j);
                a.div(b).intoArray(out, o + j);
            }
        } else if (sa == 1 && sb == 0) {
            DoubleVector b = DoubleVector.broadcast(S, bs[bi]);
            for (; j < end; j += L) {
                DoubleVector a = DoubleVector.fromArray(S, as, ai + j);
                a.div(b).intoArray(out, o + j);
            }
        } else if (sa == 0 && sb == 1) {
            DoubleVector a = DoubleVector.broadcast(S, as[ai]);
            for (; j < end; j += L) {
                DoubleVector b = DoubleVector.fromArray(S, bs, bi + j);
                a.div(b).intoArray(out, o + j);
            }
        }
        for (; j < n; j++) out[o + j] = (double) BinaryOp.DIV.apply(as[ai + j * sa], bs[bi + j * sb]);
    }

    /** POW: a vector loop for each layout (both rows, a row and a scalar, a scalar and a row), the rest scalar. */
    private static void powRow(double[] as, int ai, int sa, double[] bs, int bi, int sb, double[] out, int o, int n) {
        int j = 0, end = S.loopBound(n);
        if (sa == 1 && sb == 1) {
            for (; j < end; j += L) {
                DoubleVector a = DoubleVector.fromArray(S, as, ai + j), b = DoubleVector.fromArray(S, bs, bi + j);
                a.lanewise(VectorOperators.POW, b).intoArray(out, o + j);
            }
        } else if (sa == 1 && sb == 0) {
            DoubleVector b = DoubleVector.broadcast(S, bs[bi]);
            for (; j < end; j += L) {
                DoubleVector a = DoubleVector.fromArray(S, as, ai + j);
                a.lanewise(VectorOperators.POW, b).intoArray(out, o + j);
            }
        } else if (sa == 0 && sb == 1) {
            DoubleVector a = DoubleVector.broadcast(S, as[ai]);
            for (; j < end; j += L) {
                DoubleVector b = DoubleVector.fromArray(S, bs, bi + j);
                a.lanewise(VectorOperators.POW, b).intoArray(out, o + j);
            }
        }
        for (; j < n; j++) out[o + j] = (double) BinaryOp.POW.apply(as[ai + j * sa], bs[bi + j * sb]);
    }

    /** MAXIMUM: a vector loop for each layout (both rows, a row and a scalar, a scalar and a row), the rest scalar. */
    private static void maximumRow(double[] as, int ai, int sa, double[] bs, int bi, int sb, double[] out, int o, int n) {
        int j = 0, end = S.loopBound(n);
        if (sa == 1 && sb == 1) {
            for (; j < end; j += L) {
                DoubleVector a = DoubleVector.fromArray(S, as, ai + j), b = DoubleVector.fromArray(S, bs, bi + j);
                a.max(b).intoArray(out, o + j);
            }
        } else if (sa == 1 && sb == 0) {
            DoubleVector b = DoubleVector.broadcast(S, bs[bi]);
            for (; j < end; j += L) {
                DoubleVector a = DoubleVector.fromArray(S, as, ai + j);
                a.max(b).intoArray(out, o + j);
            }
        } else if (sa == 0 && sb == 1) {
            DoubleVector a = DoubleVector.broadcast(S, as[ai]);
            for (; j < end; j += L) {
                DoubleVector b = DoubleVector.fromArray(S, bs, bi + j);
                a.max(b).intoArray(out, o + j);
            }
        }
        for (; j < n; j++) out[o + j] = (double) BinaryOp.MAXIMUM.apply(as[ai + j * sa], bs[bi + j * sb]);
    }

    /** MINIMUM: a vector loop for each layout (both rows, a row and a scalar, a scalar and a row), the rest scalar. */
    private static void minimumRow(double[] as, int ai, int sa, double[] bs, int bi, int sb, double[] out, int o, int n) {
        int j = 0, end = S.loopBound(n);
        if (sa == 1 && sb == 1) {
            for (; j < end; j += L) {
                DoubleVector a = DoubleVector.fromArray(S, as, ai + j), b = DoubleVector.fromArray(S, bs, bi + j);
                a.min(b).intoArray(out, o + j);
            }
        } else if (sa == 1 && sb == 0) {
            DoubleVector b = DoubleVector.broadcast(S, bs[bi]);
            for (; j < end; j += L) {
                DoubleVector a = DoubleVector.fromArray(S, as, ai + j);
                a.min(b).intoArray(out, o + j);
            }
        } else if (sa == 0 && sb == 1) {
            DoubleVector a = DoubleVector.broadcast(S, as[ai]);
            for (; j < end; j += L) {
                DoubleVector b = DoubleVector.fromArray(S, bs, bi + j);
                a.min(b).intoArray(out, o + j);
            }
        }
        for (; j < n; j++) out[o + j] = (double) BinaryOp.MINIMUM.apply(as[ai + j * sa], bs[bi + j * sb]);
    }

    /** EQ: a vector loop for each layout (both rows, a row and a scalar, a scalar and a row), the rest scalar. */
    private static void eqTest(double[] as, int ai, int sa, double[] bs, int bi, int sb, int[] out, int o, int n) {
        int j = 0, end = S.loopBound(n);
        if (sa == 1 && sb == 1) {
            for (; j < end; j += L) {
                DoubleVector a = DoubleVector.fromArray(S, as, ai + j), b = DoubleVector.fromArray(S, bs, bi + j);
                IntVector.zero(MASK_INTS).blend(1, a.eq(b).cast(MASK_INTS)).intoArray(out, o + j);
            }
        } else if (sa == 1 && sb == 0) {
            DoubleVector b = DoubleVector.broadcast(S, bs[bi]);
            for (; j < end; j += L) {
                DoubleVector a = DoubleVector.fromArray(S, as, ai + j);
                IntVector.zero(MASK_INTS).blend(1, a.eq(b).cast(MASK_INTS)).intoArray(out, o + j);
            }
        } else if (sa == 0 && sb == 1) {
            DoubleVector a = DoubleVector.broadcast(S, as[ai]);
            for (; j < end; j += L) {
                DoubleVector b = DoubleVector.fromArray(S, bs, bi + j);
                IntVector.zero(MASK_INTS).blend(1, a.eq(b).cast(MASK_INTS)).intoArray(out, o + j);
            }
        }
        for (; j < n; j++) out[o + j] = CompareOp.EQ.test(as[ai + j * sa], bs[bi + j * sb]) ? 1 : 0;
    }

    /** NE: a vector loop for each layout (both rows, a row and a scalar, a scalar and a row), the rest scalar. */
    private static void neTest(double[] as, int ai, int sa, double[] bs, int bi, int sb, int[] out, int o, int n) {
        int j = 0, end = S.loopBound(n);
        if (sa == 1 && sb == 1) {
            for (; j < end; j += L) {
                DoubleVector a = DoubleVector.fromArray(S, as, ai + j), b = DoubleVector.fromArray(S, bs, bi + j);
                IntVector.zero(MASK_INTS).blend(1, a.compare(VectorOperators.NE, b).cast(MASK_INTS)).intoArray(out, o + j);
            }
        } else if (sa == 1 && sb == 0) {
            DoubleVector b = DoubleVector.broadcast(S, bs[bi]);
            for (; j < end; j += L) {
                DoubleVector a = DoubleVector.fromArray(S, as, ai + j);
                IntVector.zero(MASK_INTS).blend(1, a.compare(VectorOperators.NE, b).cast(MASK_INTS)).intoArray(out, o + j);
            }
        } else if (sa == 0 && sb == 1) {
            DoubleVector a = DoubleVector.broadcast(S, as[ai]);
            for (; j < end; j += L) {
                DoubleVector b = DoubleVector.fromArray(S, bs, bi + j);
                IntVector.zero(MASK_INTS).blend(1, a.compare(VectorOperators.NE, b).cast(MASK_INTS)).intoArray(out, o + j);
            }
        }
        for (; j < n; j++) out[o + j] = CompareOp.NE.test(as[ai + j * sa], bs[bi + j * sb]) ? 1 : 0;
    }

    /** LT: a vector loop for each layout (both rows, a row and a scalar, a scalar and a row), the rest scalar. */
    private static void ltTest(double[] as, int ai, int sa, double[] bs, int bi, int sb, int[] out, int o, int n) {
        int j = 0, end = S.loopBound(n);
        if (sa == 1 && sb == 1) {
            for (; j < end; j += L) {
                DoubleVector a = DoubleVector.fromArray(S, as, ai + j), b = DoubleVector.fromArray(S, bs, bi + j);
                IntVector.zero(MASK_INTS).blend(1, a.lt(b).cast(MASK_INTS)).intoArray(out, o + j);
            }
        } else if (sa == 1 && sb == 0) {
            DoubleVector b = DoubleVector.broadcast(S, bs[bi]);
            for (; j < end; j += L) {
                DoubleVector a = DoubleVector.fromArray(S, as, ai + j);
                IntVector.zero(MASK_INTS).blend(1, a.lt(b).cast(MASK_INTS)).intoArray(out, o + j);
            }
        } else if (sa == 0 && sb == 1) {
            DoubleVector a = DoubleVector.broadcast(S, as[ai]);
            for (; j < end; j += L) {
                DoubleVector b = DoubleVector.fromArray(S, bs, bi + j);
                IntVector.zero(MASK_INTS).blend(1, a.lt(b).cast(MASK_INTS)).intoArray(out, o + j);
            }
        }
        for (; j < n; j++) out[o + j] = CompareOp.LT.test(as[ai + j * sa], bs[bi + j * sb]) ? 1 : 0;
    }

    /** LE: a vector loop for each layout (both rows, a row and a scalar, a scalar and a row), the rest scalar. */
    private static void leTest(double[] as, int ai, int sa, double[] bs, int bi, int sb, int[] out, int o, int n) {
        int j = 0, end = S.loopBound(n);
        if (sa == 1 && sb == 1) {
            for (; j < end; j += L) {
                DoubleVector a = DoubleVector.fromArray(S, as, ai + j), b = DoubleVector.fromArray(S, bs, bi + j);
                IntVector.zero(MASK_INTS).blend(1, a.compare(VectorOperators.LE, b).cast(MASK_INTS)).intoArray(out, o + j);
            }
        } else if (sa == 1 && sb == 0) {
            DoubleVector b = DoubleVector.broadcast(S, bs[bi]);
            for (; j < end; j += L) {
                DoubleVector a = DoubleVector.fromArray(S, as, ai + j);
                IntVector.zero(MASK_INTS).blend(1, a.compare(VectorOperators.LE, b).cast(MASK_INTS)).intoArray(out, o + j);
            }
        } else if (sa == 0 && sb == 1) {
            DoubleVector a = DoubleVector.broadcast(S, as[ai]);
            for (; j < end; j += L) {
                DoubleVector b = DoubleVector.fromArray(S, bs, bi + j);
                IntVector.zero(MASK_INTS).blend(1, a.compare(VectorOperators.LE, b).cast(MASK_INTS)).intoArray(out, o + j);
            }
        }
        for (; j < n; j++) out[o + j] = CompareOp.LE.test(as[ai + j * sa], bs[bi + j * sb]) ? 1 : 0;
    }

    /** GT: a vector loop for each layout (both rows, a row and a scalar, a scalar and a row), the rest scalar. */
    private static void gtTest(double[] as, int ai, int sa, double[] bs, int bi, int sb, int[] out, int o, int n) {
        int j = 0, end = S.loopBound(n);
        if (sa == 1 && sb == 1) {
            for (; j < end; j += L) {
                DoubleVector a = DoubleVector.fromArray(S, as, ai + j), b = DoubleVector.fromArray(S, bs, bi + j);
                IntVector.zero(MASK_INTS).blend(1, a.compare(VectorOperators.GT, b).cast(MASK_INTS)).intoArray(out, o + j);
            }
        } else if (sa == 1 && sb == 0) {
            DoubleVector b = DoubleVector.broadcast(S, bs[bi]);
            for (; j < end; j += L) {
                DoubleVector a = DoubleVector.fromArray(S, as, ai + j);
                IntVector.zero(MASK_INTS).blend(1, a.compare(VectorOperators.GT, b).cast(MASK_INTS)).intoArray(out, o + j);
            }
        } else if (sa == 0 && sb == 1) {
            DoubleVector a = DoubleVector.broadcast(S, as[ai]);
            for (; j < end; j += L) {
                DoubleVector b = DoubleVector.fromArray(S, bs, bi + j);
                IntVector.zero(MASK_INTS).blend(1, a.compare(VectorOperators.GT, b).cast(MASK_INTS)).intoArray(out, o + j);
            }
        }
        for (; j < n; j++) out[o + j] = CompareOp.GT.test(as[ai + j * sa], bs[bi + j * sb]) ? 1 : 0;
    }

    /** GE: a vector loop for each layout (both rows, a row and a scalar, a scalar and a row), the rest scalar. */
    private static void geTest(double[] as, int ai, int sa, double[] bs, int bi, int sb, int[] out, int o, int n) {
        int j = 0, end = S.loopBound(n);
        if (sa == 1 && sb == 1) {
            for (; j < end; j += L) {
                DoubleVector a = DoubleVector.fromArray(S, as, ai + j), b = DoubleVector.fromArray(S, bs, bi + j);
                IntVector.zero(MASK_INTS).blend(1, a.compare(VectorOperators.GE, b).cast(MASK_INTS)).intoArray(out, o + j);
            }
        } else if (sa == 1 && sb == 0) {
            DoubleVector b = DoubleVector.broadcast(S, bs[bi]);
            for (; j < end; j += L) {
                DoubleVector a = DoubleVector.fromArray(S, as, ai + j);
                IntVector.zero(MASK_INTS).blend(1, a.compare(VectorOperators.GE, b).cast(MASK_INTS)).intoArray(out, o + j);
            }
        } else if (sa == 0 && sb == 1) {
            DoubleVector a = DoubleVector.broadcast(S, as[ai]);
            for (; j < end; j += L) {
                DoubleVector b = DoubleVector.fromArray(S, bs, bi + j);
                IntVector.zero(MASK_INTS).blend(1, a.compare(VectorOperators.GE, b).cast(MASK_INTS)).intoArray(out, o + j);
            }
        }
        for (; j < n; j++) out[o + j] = CompareOp.GE.test(as[ai + j * sa], bs[bi + j * sb]) ? 1 : 0;
    }

    /** SUM over src[at .. at+length-1], with four independent vector accumulators. */
    private static double sumRun(double[] src, int at, int length) {
        DoubleVector identity = DoubleVector.broadcast(S, (double) ReduceOp.SUM.identity());
        DoubleVector acc0 = identity, acc1 = identity, acc2 = identity, acc3 = identity;
        int k = 0;
        for (; k + 4 * L <= length; k += 4 * L) {
            acc0 = acc0.add(DoubleVector.fromArray(S, src, at + k));
            acc1 = acc1.add(DoubleVector.fromArray(S, src, at + k + L));
            acc2 = acc2.add(DoubleVector.fromArray(S, src, at + k + 2 * L));
            acc3 = acc3.add(DoubleVector.fromArray(S, src, at + k + 3 * L));
        }
        for (; k < length; k += L) {
            VectorMask<Double> m = S.indexInRange(k, length);
            acc0 = acc0.add(identity.blend(DoubleVector.fromArray(S, src, at + k, m), m));
        }
        DoubleVector v = acc0.add(acc1).add(acc2.add(acc3));
        return LaneOrder.sum(v);
    }

    /** SUM down each column: vectors run along the inner axis, each lane reduces its own column. */
    private static void sumColumns(double[] src, int at, int length, int inner, double[] out, int outAt) {
        DoubleVector identity = DoubleVector.broadcast(S, (double) ReduceOp.SUM.identity());
        for (int i = 0; i < inner; i += L) {
            VectorMask<Double> m = S.indexInRange(i, inner);
            DoubleVector acc = identity;
            for (int k = 0; k < length; k++) acc = acc.add(DoubleVector.fromArray(S, src, at + k * inner + i, m));
            acc.intoArray(out, outAt + i, m);
        }
    }

    /** PROD over src[at .. at+length-1], with four independent vector accumulators. */
    private static double prodRun(double[] src, int at, int length) {
        DoubleVector identity = DoubleVector.broadcast(S, (double) ReduceOp.PROD.identity());
        DoubleVector acc0 = identity, acc1 = identity, acc2 = identity, acc3 = identity;
        int k = 0;
        for (; k + 4 * L <= length; k += 4 * L) {
            acc0 = acc0.mul(DoubleVector.fromArray(S, src, at + k));
            acc1 = acc1.mul(DoubleVector.fromArray(S, src, at + k + L));
            acc2 = acc2.mul(DoubleVector.fromArray(S, src, at + k + 2 * L));
            acc3 = acc3.mul(DoubleVector.fromArray(S, src, at + k + 3 * L));
        }
        for (; k < length; k += L) {
            VectorMask<Double> m = S.indexInRange(k, length);
            acc0 = acc0.mul(identity.blend(DoubleVector.fromArray(S, src, at + k, m), m));
        }
        DoubleVector v = acc0.mul(acc1).mul(acc2.mul(acc3));
        return LaneOrder.product(v);
    }

    /** PROD down each column: vectors run along the inner axis, each lane reduces its own column. */
    private static void prodColumns(double[] src, int at, int length, int inner, double[] out, int outAt) {
        DoubleVector identity = DoubleVector.broadcast(S, (double) ReduceOp.PROD.identity());
        for (int i = 0; i < inner; i += L) {
            VectorMask<Double> m = S.indexInRange(i, inner);
            DoubleVector acc = identity;
            for (int k = 0; k < length; k++) acc = acc.mul(DoubleVector.fromArray(S, src, at + k * inner + i, m));
            acc.intoArray(out, outAt + i, m);
        }
    }

    /** MAX over src[at .. at+length-1], with four independent vector accumulators. */
    private static double maxRun(double[] src, int at, int length) {
        DoubleVector identity = DoubleVector.broadcast(S, (double) ReduceOp.MAX.identity());
        DoubleVector acc0 = identity, acc1 = identity, acc2 = identity, acc3 = identity;
        int k = 0;
        for (; k + 4 * L <= length; k += 4 * L) {
            acc0 = acc0.max(DoubleVector.fromArray(S, src, at + k));
            acc1 = acc1.max(DoubleVector.fromArray(S, src, at + k + L));
            acc2 = acc2.max(DoubleVector.fromArray(S, src, at + k + 2 * L));
            acc3 = acc3.max(DoubleVector.fromArray(S, src, at + k + 3 * L));
        }
        for (; k < length; k += L) {
            VectorMask<Double> m = S.indexInRange(k, length);
            acc0 = acc0.max(identity.blend(DoubleVector.fromArray(S, src, at + k, m), m));
        }
        DoubleVector v = acc0.max(acc1).max(acc2.max(acc3));
        return v.reduceLanes(VectorOperators.MAX);
    }

    /** MAX down each column: vectors run along the inner axis, each lane reduces its own column. */
    private static void maxColumns(double[] src, int at, int length, int inner, double[] out, int outAt) {
        DoubleVector identity = DoubleVector.broadcast(S, (double) ReduceOp.MAX.identity());
        for (int i = 0; i < inner; i += L) {
            VectorMask<Double> m = S.indexInRange(i, inner);
            DoubleVector acc = identity;
            for (int k = 0; k < length; k++) acc = acc.max(DoubleVector.fromArray(S, src, at + k * inner + i, m));
            acc.intoArray(out, outAt + i, m);
        }
    }

    /** MIN over src[at .. at+length-1], with four independent vector accumulators. */
    private static double minRun(double[] src, int at, int length) {
        DoubleVector identity = DoubleVector.broadcast(S, (double) ReduceOp.MIN.identity());
        DoubleVector acc0 = identity, acc1 = identity, acc2 = identity, acc3 = identity;
        int k = 0;
        for (; k + 4 * L <= length; k += 4 * L) {
            acc0 = acc0.min(DoubleVector.fromArray(S, src, at + k));
            acc1 = acc1.min(DoubleVector.fromArray(S, src, at + k + L));
            acc2 = acc2.min(DoubleVector.fromArray(S, src, at + k + 2 * L));
            acc3 = acc3.min(DoubleVector.fromArray(S, src, at + k + 3 * L));
        }
        for (; k < length; k += L) {
            VectorMask<Double> m = S.indexInRange(k, length);
            acc0 = acc0.min(identity.blend(DoubleVector.fromArray(S, src, at + k, m), m));
        }
        DoubleVector v = acc0.min(acc1).min(acc2.min(acc3));
        return v.reduceLanes(VectorOperators.MIN);
    }

    /** MIN down each column: vectors run along the inner axis, each lane reduces its own column. */
    private static void minColumns(double[] src, int at, int length, int inner, double[] out, int outAt) {
        DoubleVector identity = DoubleVector.broadcast(S, (double) ReduceOp.MIN.identity());
        for (int i = 0; i < inner; i += L) {
            VectorMask<Double> m = S.indexInRange(i, inner);
            DoubleVector acc = identity;
            for (int k = 0; k < length; k++) acc = acc.min(DoubleVector.fromArray(S, src, at + k * inner + i, m));
            acc.intoArray(out, outAt + i, m);
        }
    }
    // END GENERATED loops

}
