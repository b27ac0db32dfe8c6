package dev.tapegrad.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD kernels for float arrays (Vector API, {@code SPECIES_PREFERRED}).
 *
 * <p>The double version of this class is generated from FloatKernels.java, the hand-written template, by
 * replacing the element type ({@code KernelTemplateTest} in the tests; it also checks that the two stay in
 * step). Edit FloatKernels.java only, then regenerate. The same generator also writes, inside this file,
 * one loop method per elementwise, comparison and reduction op from the op table above the generated part.
 *
 * <p>Each kernel computes in float and rounds as float arithmetic does; the scalar definitions in
 * {@link ReferenceKernels} compute in double and round once, so results agree exactly for + − × ÷, min,
 * max, comparisons and copies, to a few ulps for transcendental functions, and up to reordering for sums.
 * Rows that are neither contiguous nor broadcast (stride other than 0 or 1) use the scalar definitions.
 */
final class FloatKernels {
    private FloatKernels() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Ints with as many lanes as {@link #S}, for boolean masks stored as 0/1. */
    private static final VectorSpecies<Integer> MASK_INTS = VectorSpecies.of(int.class, VectorShape.forBitSize(L * 32));

    // ---------------------------------------------------------------- elementwise

    /** out[i] = op(x[i]). */
    static void unary(UnaryOp op, Strided x, float[] out) {
        float[] xs = (float[]) x.data();
        Rows rows = new Rows(x.shape(), x);
        for (int r = 0, o = 0, n = rows.length; r < rows.count; r++, o += n, rows.advance()) {
            int xi = rows.start[0], sx = rows.inner[0];
            if (sx != 1) {
                for (int j = 0; j < n; j++) out[o + j] = (float) op.apply(xs[xi + j * sx]);
                continue;
            }
            unaryRow(op, xs, xi, out, o, n);
        }
    }

    /** out[i] = op(a[i], b[i]) for a and b already broadcast to one shape. */
    static void binary(BinaryOp op, Strided a, Strided b, float[] out) {
        float[] as = (float[]) a.data(), bs = (float[]) b.data();
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
    static void addcmul(Strided a, Strided b, Strided c, double value, float[] out) {
        float[] as = (float[]) a.data(), bs = (float[]) b.data(), cs = (float[]) c.data();
        float v = (float) value;
        Rows rows = new Rows(a.shape(), a, b, c);
        for (int r = 0, o = 0, n = rows.length; r < rows.count; r++, o += n, rows.advance()) {
            int ai = rows.start[0], sa = rows.inner[0], bi = rows.start[1], sb = rows.inner[1];
            int ci = rows.start[2], sc = rows.inner[2];
            int j = 0;
            if (unitOrZero(sa) && unitOrZero(sb) && unitOrZero(sc)) {
                FloatVector a0 = FloatVector.broadcast(S, as[ai]), b0 = FloatVector.broadcast(S, bs[bi]);
                FloatVector c0 = FloatVector.broadcast(S, cs[ci]);
                for (int end = S.loopBound(n); j < end; j += L) {
                    FloatVector va = sa == 0 ? a0 : FloatVector.fromArray(S, as, ai + j);
                    FloatVector vb = sb == 0 ? b0 : FloatVector.fromArray(S, bs, bi + j);
                    FloatVector vc = sc == 0 ? c0 : FloatVector.fromArray(S, cs, ci + j);
                    (v == 1.0f ? vb : vb.mul(v)).fma(vc, va).intoArray(out, o + j);
                }
            }
            for (; j < n; j++) {
                float vb = bs[bi + j * sb];
                out[o + j] = Math.fma(v == 1.0f ? vb : vb * v, cs[ci + j * sc], as[ai + j * sa]);
            }
        }
    }

    /** out[i] = op(a[i], b[i]) ? 1 : 0. */
    static void compare(CompareOp op, Strided a, Strided b, int[] out) {
        float[] as = (float[]) a.data(), bs = (float[]) b.data();
        Rows rows = new Rows(a.shape(), a, b);
        for (int r = 0, o = 0, n = rows.length; r < rows.count; r++, o += n, rows.advance()) {
            compareRow(op, as, rows.start[0], rows.inner[0], bs, rows.start[1], rows.inner[1], out, o, n);
        }
    }

    /** out[i] = mask[i] != 0 ? a[i] : b[i]. */
    static void where(Strided mask, Strided a, Strided b, float[] out) {
        int[] ms = (int[]) mask.data();
        float[] as = (float[]) a.data(), bs = (float[]) b.data();
        Rows rows = new Rows(a.shape(), mask, a, b);
        for (int r = 0, o = 0, n = rows.length; r < rows.count; r++, o += n, rows.advance()) {
            int mi = rows.start[0], sm = rows.inner[0], ai = rows.start[1], sa = rows.inner[1];
            int bi = rows.start[2], sb = rows.inner[2];
            if (sm != 1 || !unitOrZero(sa) || !unitOrZero(sb)) {
                for (int j = 0; j < n; j++) out[o + j] = ms[mi + j * sm] != 0 ? as[ai + j * sa] : bs[bi + j * sb];
                continue;
            }
            FloatVector a0 = FloatVector.broadcast(S, as[ai]), b0 = FloatVector.broadcast(S, bs[bi]);
            int j = 0;
            for (; j < S.loopBound(n); j += L) {
                FloatVector va = sa == 0 ? a0 : FloatVector.fromArray(S, as, ai + j);
                FloatVector vb = sb == 0 ? b0 : FloatVector.fromArray(S, bs, bi + j);
                VectorMask<Float> pick = IntVector.fromArray(MASK_INTS, ms, mi + j).compare(VectorOperators.NE, 0).cast(S);
                vb.blend(va, pick).intoArray(out, o + j);
            }
            if (j < n) {
                VectorMask<Float> m = S.indexInRange(j, n);
                FloatVector va = sa == 0 ? a0 : FloatVector.fromArray(S, as, ai + j, m);
                FloatVector vb = sb == 0 ? b0 : FloatVector.fromArray(S, bs, bi + j, m);
                VectorMask<Float> pick = IntVector.fromArray(MASK_INTS, ms, mi + j, m.cast(MASK_INTS))
                        .compare(VectorOperators.NE, 0).cast(S);
                vb.blend(va, pick).intoArray(out, o + j, m);
            }
        }
    }

    /** out[i] = lo if x[i] &lt; lo, hi if x[i] &gt; hi, else x[i] (NaN stays NaN). */
    static void clamp(Strided x, double lo, double hi, float[] out) {
        float[] xs = (float[]) x.data();
        float low = (float) lo, high = (float) hi;
        Rows rows = new Rows(x.shape(), x);
        for (int r = 0, o = 0, n = rows.length; r < rows.count; r++, o += n, rows.advance()) {
            int xi = rows.start[0], sx = rows.inner[0];
            if (sx != 1) {
                for (int j = 0; j < n; j++) {
                    float v = xs[xi + j * sx];
                    out[o + j] = v < low ? low : v > high ? high : v;
                }
                continue;
            }
            int j = 0;
            for (; j < S.loopBound(n); j += L) {
                FloatVector v = FloatVector.fromArray(S, xs, xi + j);
                v.blend(low, v.lt(low)).blend(high, v.compare(VectorOperators.GT, high)).intoArray(out, o + j);
            }
            if (j < n) {
                VectorMask<Float> m = S.indexInRange(j, n);
                FloatVector v = FloatVector.fromArray(S, xs, xi + j, m);
                v.blend(low, v.lt(low)).blend(high, v.compare(VectorOperators.GT, high)).intoArray(out, o + j, m);
            }
        }
    }

    /** Copies a strided layout to (or, with {@code scatter}, from) a contiguous array {@code flat}. */
    static void copy(Strided x, float[] flat, boolean scatter) {
        float[] xs = (float[]) x.data();
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
    private static FloatVector sign(FloatVector x) {
        return x.blend(1.0f, x.compare(VectorOperators.GT, 0.0f)).blend(-1.0f, x.lt(0.0f));
    }

    private static FloatVector reciprocal(FloatVector x) {
        return FloatVector.broadcast(S, 1.0f).div(x);
    }

    /** x where x &gt; 0, else 0 (NaN gives 0, as in the scalar definition). */
    private static FloatVector relu(FloatVector x) {
        return FloatVector.zero(S).blend(x, x.compare(VectorOperators.GT, 0.0f));
    }

    /** With e = e^-|x|: σ(x) = 1/(1+e) for x ≥ 0 and e/(1+e) below; neither overflows. */
    private static FloatVector sigmoid(FloatVector x) {
        FloatVector e = x.abs().neg().lanewise(VectorOperators.EXP);
        FloatVector s = reciprocal(e.add(1.0f));
        return s.blend(e.mul(s), x.lt(0.0f));
    }

    /** log1p(e^-|x|). */
    private static FloatVector softplusOfMinusAbs(FloatVector x) {
        return x.abs().neg().lanewise(VectorOperators.EXP).lanewise(VectorOperators.LOG1P);
    }

    /**
     * erf(x) from the Chebyshev tables in {@link ErfTables}: x·P(2x²−1) for |x| ≤ 1, 1 − e^(−x²)/|x|·Q(1/|x|)
     * with the sign of x up to XMAX, ±1 beyond; NaN stays NaN. Tested to within a few ulps of the scalar
     * definition.
     */
    static FloatVector erf(FloatVector x) {
        FloatVector one = FloatVector.broadcast(S, 1.0f);
        FloatVector ax = x.abs();
        FloatVector small = x.mul(chebyshev(ErfTables.FLOAT_SMALL, x.mul(x).mul(2.0f).sub(1.0f)));
        FloatVector w = ax.max(1.0f).min(ErfTables.FLOAT_XMAX); // NaN passes through max and min
        FloatVector v = one.div(w);
        FloatVector u = v.mul(ErfTables.FLOAT_LARGE_SCALE).add(ErfTables.FLOAT_LARGE_SHIFT);
        FloatVector erfc = w.mul(w).neg().lanewise(VectorOperators.EXP).mul(v).mul(chebyshev(ErfTables.FLOAT_LARGE, u));
        FloatVector large = one.sub(erfc).blend(one, ax.compare(VectorOperators.GE, ErfTables.FLOAT_XMAX));
        large = large.blend(large.neg(), x.lt(0.0f));
        return large.blend(small, ax.compare(VectorOperators.LE, 1.0f));
    }

    /** Σ c_j T_j(u) by Clenshaw's recurrence b_j = c_j + 2u·b_{j+1} − b_{j+2}. */
    private static FloatVector chebyshev(double[] c, FloatVector u) {
        FloatVector u2 = u.add(u), b1 = FloatVector.zero(S), b2 = b1;
        for (int j = c.length - 1; j >= 1; j--) {
            FloatVector b0 = u2.fma(b1, b2.neg()).add((float) c[j]);
            b2 = b1;
            b1 = b0;
        }
        return u.fma(b1, b2.neg()).add((float) c[0]);
    }

    // ---------------------------------------------------------------- reductions

    /** out[o*inner + i] = op over k of src[offset + (o*length + k)*inner + i]. */
    static void reduce(ReduceOp op, float[] src, int offset, int outer, int length, int inner, float[] out) {
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
    // unary LOG_SIGMOID: v.min(0.0f).sub(softplusOfMinusAbs(v))
    // unary RELU: relu(v)
    // unary SOFTPLUS: v.max(0.0f).add(softplusOfMinusAbs(v))
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
    private static void unaryRow(UnaryOp op, float[] x, int xi, float[] out, int o, int n) {
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
    private static void binaryRow(BinaryOp op, float[] a, int ai, int sa, float[] b, int bi, int sb, float[] out, int o, int n) {
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
    private static void compareRow(CompareOp op, float[] a, int ai, int sa, float[] b, int bi, int sb, int[] out, int o, int n) {
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
    private static float reduceRun(ReduceOp op, float[] src, int at, int length) {
        return switch (op) {
            case SUM -> sumRun(src, at, length);
            case PROD -> prodRun(src, at, length);
            case MAX -> maxRun(src, at, length);
            case MIN -> minRun(src, at, length);
        };
    }

    /** out[outAt + i] = op over k of src[at + k*inner + i], for i &lt; inner. */
    private static void reduceColumns(ReduceOp op, float[] src, int at, int length, int inner, float[] out, int outAt) {
        switch (op) {
            case SUM -> sumColumns(src, at, length, inner, out, outAt);
            case PROD -> prodColumns(src, at, length, inner, out, outAt);
            case MAX -> maxColumns(src, at, length, inner, out, outAt);
            case MIN -> minColumns(src, at, length, inner, out, outAt);
        }
    }

    /** NEG: whole vectors, then one masked vector for the tail. */
    private static void negRow(float[] x, int xi, float[] out, int o, int n) {
        int j = 0;
        for (; j < S.loopBound(n); j += L) {
            FloatVector v = FloatVector.fromArray(S, x, xi + j);
            v.neg().intoArray(out, o + j);
        }
        if (j < n) {
            VectorMask<Float> m = S.indexInRange(j, n);
            FloatVector v = FloatVector.fromArray(S, x, xi + j, m);
            v.neg().intoArray(out, o + j, m);
        }
    }

    /** ABS: whole vectors, then one masked vector for the tail. */
    private static void absRow(float[] x, int xi, float[] out, int o, int n) {
        int j = 0;
        for (; j < S.loopBound(n); j += L) {
            FloatVector v = FloatVector.fromArray(S, x, xi + j);
            v.abs().intoArray(out, o + j);
        }
        if (j < n) {
            VectorMask<Float> m = S.indexInRange(j, n);
            FloatVector v = FloatVector.fromArray(S, x, xi + j, m);
            v.abs().intoArray(out, o + j, m);
        }
    }

    /** SIGN: whole vectors, then one masked vector for the tail. */
    private static void signRow(float[] x, int xi, float[] out, int o, int n) {
        int j = 0;
        for (; j < S.loopBound(n); j += L) {
            FloatVector v = FloatVector.fromArray(S, x, xi + j);
            sign(v).intoArray(out, o + j);
        }
        if (j < n) {
            VectorMask<Float> m = S.indexInRange(j, n);
            FloatVector v = FloatVector.fromArray(S, x, xi + j, m);
            sign(v).intoArray(out, o + j, m);
        }
    }

    /** EXP: whole vectors, then one masked vector for the tail. */
    private static void expRow(float[] x, int xi, float[] out, int o, int n) {
        int j = 0;
        for (; j < S.loopBound(n); j += L) {
            FloatVector v = FloatVector.fromArray(S, x, xi + j);
            v.lanewise(VectorOperators.EXP).intoArray(out, o + j);
        }
        if (j < n) {
            VectorMask<Float> m = S.indexInRange(j, n);
            FloatVector v = FloatVector.fromArray(S, x, xi + j, m);
            v.lanewise(VectorOperators.EXP).intoArray(out, o + j, m);
        }
    }

    /** EXPM1: whole vectors, then one masked vector for the tail. */
    private static void expm1Row(float[] x, int xi, float[] out, int o, int n) {
        int j = 0;
        for (; j < S.loopBound(n); j += L) {
            FloatVector v = FloatVector.fromArray(S, x, xi + j);
            v.lanewise(VectorOperators.EXPM1).intoArray(out, o + j);
        }
        if (j < n) {
            VectorMask<Float> m = S.indexInRange(j, n);
            FloatVector v = FloatVector.fromArray(S, x, xi + j, m);
            v.lanewise(VectorOperators.EXPM1).intoArray(out, o + j, m);
        }
    }

    /** LOG: whole vectors, then one masked vector for the tail. */
    private static void logRow(float[] x, int xi, float[] out, int o, int n) {
        int j = 0;
        for (; j < S.loopBound(n); j += L) {
            FloatVector v = FloatVector.fromArray(S, x, xi + j);
            v.lanewise(VectorOperators.LOG).intoArray(out, o + j);
        }
        if (j < n) {
            VectorMask<Float> m = S.indexInRange(j, n);
            FloatVector v = FloatVector.fromArray(S, x, xi + j, m);
            v.lanewise(VectorOperators.LOG).intoArray(out, o + j, m);
        }
    }

    /** LOG1P: whole vectors, then one masked vector for the tail. */
    private static void log1pRow(float[] x, int xi, float[] out, int o, int n) {
        int j = 0;
        for (; j < S.loopBound(n); j += L) {
            FloatVector v = FloatVector.fromArray(S, x, xi + j);
            v.lanewise(VectorOperators.LOG1P).intoArray(out, o + j);
        }
        if (j < n) {
            VectorMask<Float> m = S.indexInRange(j, n);
            FloatVector v = FloatVector.fromArray(S, x, xi + j, m);
            v.lanewise(VectorOperators.LOG1P).intoArray(out, o + j, m);
        }
    }

    /** SQRT: whole vectors, then one masked vector for the tail. */
    private static void sqrtRow(float[] x, int xi, float[] out, int o, int n) {
        int j = 0;
        for (; j < S.loopBound(n); j += L) {
            FloatVector v = FloatVector.fromArray(S, x, xi + j);
            v.sqrt().intoArray(out, o + j);
        }
        if (j < n) {
            VectorMask<Float> m = S.indexInRange(j, n);
            FloatVector v = FloatVector.fromArray(S, x, xi + j, m);
            v.sqrt().intoArray(out, o + j, m);
        }
    }

    /** RSQRT: whole vectors, then one masked vector for the tail. */
    private static void rsqrtRow(float[] x, int xi, float[] out, int o, int n) {
        int j = 0;
        for (; j < S.loopBound(n); j += L) {
            FloatVector v = FloatVector.fromArray(S, x, xi + j);
            reciprocal(v.sqrt()).intoArray(out, o + j);
        }
        if (j < n) {
            VectorMask<Float> m = S.indexInRange(j, n);
            FloatVector v = FloatVector.fromArray(S, x, xi + j, m);
            reciprocal(v.sqrt()).intoArray(out, o + j, m);
        }
    }

    /** SQUARE: whole vectors, then one masked vector for the tail. */
    private static void squareRow(float[] x, int xi, float[] out, int o, int n) {
        int j = 0;
        for (; j < S.loopBound(n); j += L) {
            FloatVector v = FloatVector.fromArray(S, x, xi + j);
            v.mul(v).intoArray(out, o + j);
        }
        if (j < n) {
            VectorMask<Float> m = S.indexInRange(j, n);
            FloatVector v = FloatVector.fromArray(S, x, xi + j, m);
            v.mul(v).intoArray(out, o + j, m);
        }
    }

    /** RECIPROCAL: whole vectors, then one masked vector for the tail. */
    private static void reciprocalRow(float[] x, int xi, float[] out, int o, int n) {
        int j = 0;
        for (; j < S.loopBound(n); j += L) {
            FloatVector v = FloatVector.fromArray(S, x, xi + j);
            reciprocal(v).intoArray(out, o + j);
        }
        if (j < n) {
            VectorMask<Float> m = S.indexInRange(j, n);
            FloatVector v = FloatVector.fromArray(S, x, xi + j, m);
            reciprocal(v).intoArray(out, o + j, m);
        }
    }

    /** SIN: whole vectors, then one masked vector for the tail. */
    private static void sinRow(float[] x, int xi, float[] out, int o, int n) {
        int j = 0;
        for (; j < S.loopBound(n); j += L) {
            FloatVector v = FloatVector.fromArray(S, x, xi + j);
            v.lanewise(VectorOperators.SIN).intoArray(out, o + j);
        }
        if (j < n) {
            VectorMask<Float> m = S.indexInRange(j, n);
            FloatVector v = FloatVector.fromArray(S, x, xi + j, m);
            v.lanewise(VectorOperators.SIN).intoArray(out, o + j, m);
        }
    }

    /** COS: whole vectors, then one masked vector for the tail. */
    private static void cosRow(float[] x, int xi, float[] out, int o, int n) {
        int j = 0;
        for (; j < S.loopBound(n); j += L) {
            FloatVector v = FloatVector.fromArray(S, x, xi + j);
            v.lanewise(VectorOperators.COS).intoArray(out, o + j);
        }
        if (j < n) {
            VectorMask<Float> m = S.indexInRange(j, n);
            FloatVector v = FloatVector.fromArray(S, x, xi + j, m);
            v.lanewise(VectorOperators.COS).intoArray(out, o + j, m);
        }
    }

    /** TANH: whole vectors, then one masked vector for the tail. */
    private static void tanhRow(float[] x, int xi, float[] out, int o, int n) {
        int j = 0;
        for (; j < S.loopBound(n); j += L) {
            FloatVector v = FloatVector.fromArray(S, x, xi + j);
            v.lanewise(VectorOperators.TANH).intoArray(out, o + j);
        }
        if (j < n) {
            VectorMask<Float> m = S.indexInRange(j, n);
            FloatVector v = FloatVector.fromArray(S, x, xi + j, m);
            v.lanewise(VectorOperators.TANH).intoArray(out, o + j, m);
        }
    }

    /** SIGMOID: whole vectors, then one masked vector for the tail. */
    private static void sigmoidRow(float[] x, int xi, float[] out, int o, int n) {
        int j = 0;
        for (; j < S.loopBound(n); j += L) {
            FloatVector v = FloatVector.fromArray(S, x, xi + j);
            sigmoid(v).intoArray(out, o + j);
        }
        if (j < n) {
            VectorMask<Float> m = S.indexInRange(j, n);
            FloatVector v = FloatVector.fromArray(S, x, xi + j, m);
            sigmoid(v).intoArray(out, o + j, m);
        }
    }

    /** LOG_SIGMOID: whole vectors, then one masked vector for the tail. */
    private static void logSigmoidRow(float[] x, int xi, float[] out, int o, int n) {
        int j = 0;
        for (; j < S.loopBound(n); j += L) {
            FloatVector v = FloatVector.fromArray(S, x, xi + j);
            v.min(0.0f).sub(softplusOfMinusAbs(v)).intoArray(out, o + j);
        }
        if (j < n) {
            VectorMask<Float> m = S.indexInRange(j, n);
            FloatVector v = FloatVector.fromArray(S, x, xi + j, m);
            v.min(0.0f).sub(softplusOfMinusAbs(v)).intoArray(out, o + j, m);
        }
    }

    /** RELU: whole vectors, then one masked vector for the tail. */
    private static void reluRow(float[] x, int xi, float[] out, int o, int n) {
        int j = 0;
        for (; j < S.loopBound(n); j += L) {
            FloatVector v = FloatVector.fromArray(S, x, xi + j);
            relu(v).intoArray(out, o + j);
        }
        if (j < n) {
            VectorMask<Float> m = S.indexInRange(j, n);
            FloatVector v = FloatVector.fromArray(S, x, xi + j, m);
            relu(v).intoArray(out, o + j, m);
        }
    }

    /** SOFTPLUS: whole vectors, then one masked vector for the tail. */
    private static void softplusRow(float[] x, int xi, float[] out, int o, int n) {
        int j = 0;
        for (; j < S.loopBound(n); j += L) {
            FloatVector v = FloatVector.fromArray(S, x, xi + j);
            v.max(0.0f).add(softplusOfMinusAbs(v)).intoArray(out, o + j);
        }
        if (j < n) {
            VectorMask<Float> m = S.indexInRange(j, n);
            FloatVector v = FloatVector.fromArray(S, x, xi + j, m);
            v.max(0.0f).add(softplusOfMinusAbs(v)).intoArray(out, o + j, m);
        }
    }

    /** ERF: whole vectors, then one masked vector for the tail. */
    private static void erfRow(float[] x, int xi, float[] out, int o, int n) {
        int j = 0;
        for (; j < S.loopBound(n); j += L) {
            FloatVector v = FloatVector.fromArray(S, x, xi + j);
            erf(v).intoArray(out, o + j);
        }
        if (j < n) {
            VectorMask<Float> m = S.indexInRange(j, n);
            FloatVector v = FloatVector.fromArray(S, x, xi + j, m);
            erf(v).intoArray(out, o + j, m);
        }
    }

    /** ADD: a vector loop for each layout (both rows, a row and a scalar, a scalar and a row), the rest scalar. */
    private static void addRow(float[] as, int ai, int sa, float[] bs, int bi, int sb, float[] out, int o, int n) {
        int j = 0, end = S.loopBound(n);
        if (sa == 1 && sb == 1) {
            for (; j < end; j += L) {
                FloatVector a = FloatVector.fromArray(S, as, ai + j), b = FloatVector.fromArray(S, bs, bi + j);
                a.add(b).intoArray(out, o + j);
            }
        } else if (sa == 1 && sb == 0) {
            FloatVector b = FloatVector.broadcast(S, bs[bi]);
            for (; j < end; j += L) {
                FloatVector a = FloatVector.fromArray(S, as, ai + j);
                a.add(b).intoArray(out, o + j);
            }
        } else if (sa == 0 && sb == 1) {
            FloatVector a = FloatVector.broadcast(S, as[ai]);
            for (; j < end; j += L) {
                FloatVector b = FloatVector.fromArray(S, bs, bi + j);
                a.add(b).intoArray(out, o + j);
            }
        }
        for (; j < n; j++) out[o + j] = (float) BinaryOp.ADD.apply(as[ai + j * sa], bs[bi + j * sb]);
    }

    /** SUB: a vector loop for each layout (both rows, a row and a scalar, a scalar and a row), the rest scalar. */
    private static void subRow(float[] as, int ai, int sa, float[] bs, int bi, int sb, float[] out, int o, int n) {
        int j = 0, end = S.loopBound(n);
        if (sa == 1 && sb == 1) {
            for (; j < end; j += L) {
                FloatVector a = FloatVector.fromArray(S, as, ai + j), b = FloatVector.fromArray(S, bs, bi + j);
                a.sub(b).intoArray(out, o + j);
            }
        } else if (sa == 1 && sb == 0) {
            FloatVector b = FloatVector.broadcast(S, bs[bi]);
            for (; j < end; j += L) {
                FloatVector a = FloatVector.fromArray(S, as, ai + j);
                a.sub(b).intoArray(out, o + j);
            }
        } else if (sa == 0 && sb == 1) {
            FloatVector a = FloatVector.broadcast(S, as[ai]);
            for (; j < end; j += L) {
                FloatVector b = FloatVector.fromArray(S, bs, bi + j);
                a.sub(b).intoArray(out, o + j);
            }
        }
        for (; j < n; j++) out[o + j] = (float) BinaryOp.SUB.apply(as[ai + j * sa], bs[bi + j * sb]);
    }

    /** MUL: a vector loop for each layout (both rows, a row and a scalar, a scalar and a row), the rest scalar. */
    private static void mulRow(float[] as, int ai, int sa, float[] bs, int bi, int sb, float[] out, int o, int n) {
        int j = 0, end = S.loopBound(n);
        if (sa == 1 && sb == 1) {
            for (; j < end; j += L) {
                FloatVector a = FloatVector.fromArray(S, as, ai + j), b = FloatVector.fromArray(S, bs, bi + j);
                a.mul(b).intoArray(out, o + j);
            }
        } else if (sa == 1 && sb == 0) {
            FloatVector b = FloatVector.broadcast(S, bs[bi]);
            for (; j < end; j += L) {
                FloatVector a = FloatVector.fromArray(S, as, ai + j);
                a.mul(b).intoArray(out, o + j);
            }
        } else if (sa == 0 && sb == 1) {
            FloatVector a = FloatVector.broadcast(S, as[ai]);
            for (; j < end; j += L) {
                FloatVector b = FloatVector.fromArray(S, bs, bi + j);
                a.mul(b).intoArray(out, o + j);
            }
        }
        for (; j < n; j++) out[o + j] = (float) BinaryOp.MUL.apply(as[ai + j * sa], bs[bi + j * sb]);
    }

    /** DIV: a vector loop for each layout (both rows, a row and a scalar, a scalar and a row), the rest scalar. */
    private static void divRow(float[] as, int ai, int sa, float[] bs, int bi, int sb, float[] out, int o, int n) {
        int j = 0, end = S.loopBound(n);
        if (sa == 1 && sb == 1) {
            for (; j < end; j += L) {
                FloatVector a = FloatVector.fromArray(S, as, ai + j), b = FloatVector.fromArray(S, bs, bi + j);
                a.div(b).intoArray(out, o + j);
            }
        } else if (sa == 1 && sb == 0) {
            FloatVector b = FloatVector.broadcast(S, bs[bi]);
            for (; j < end; j += L) {
                FloatVector a = FloatVector.fromArray(S, as, ai + j);
                a.div(b).intoArray(out, o + j);
            }
        } else if (sa == 0 && sb == 1) {
            FloatVector a = FloatVector.broadcast(S, as[ai]);
            for (; j < end; j += L) {
                FloatVector b = FloatVector.fromArray(S, bs, bi + j);
                a.div(b).intoArray(out, o + j);
            }
        }
        for (; j < n; j++) out[o + j] = (float) BinaryOp.DIV.apply(as[ai + j * sa], bs[bi + j * sb]);
    }

    /** POW: a vector loop for each layout (both rows, a row and a scalar, a scalar and a row), the rest scalar. */
    private static void powRow(float[] as, int ai, int sa, float[] bs, int bi, int sb, float[] out, int o, int n) {
        int j = 0, end = S.loopBound(n);
        if (sa == 1 && sb == 1) {
            for (; j < end; j += L) {
                FloatVector a = FloatVector.fromArray(S, as, ai + j), b = FloatVector.fromArray(S, bs, bi + j);
                a.lanewise(VectorOperators.POW, b).intoArray(out, o + j);
            }
        } else if (sa == 1 && sb == 0) {
            FloatVector b = FloatVector.broadcast(S, bs[bi]);
            for (; j < end; j += L) {
                FloatVector a = FloatVector.fromArray(S, as, ai + j);
                a.lanewise(VectorOperators.POW, b).intoArray(out, o + j);
            }
        } else if (sa == 0 && sb == 1) {
            FloatVector a = FloatVector.broadcast(S, as[ai]);
            for (; j < end; j += L) {
                FloatVector b = FloatVector.fromArray(S, bs, bi + j);
                a.lanewise(VectorOperators.POW, b).intoArray(out, o + j);
            }
        }
        for (; j < n; j++) out[o + j] = (float) BinaryOp.POW.apply(as[ai + j * sa], bs[bi + j * sb]);
    }

    /** MAXIMUM: a vector loop for each layout (both rows, a row and a scalar, a scalar and a row), the rest scalar. */
    private static void maximumRow(float[] as, int ai, int sa, float[] bs, int bi, int sb, float[] out, int o, int n) {
        int j = 0, end = S.loopBound(n);
        if (sa == 1 && sb == 1) {
            for (; j < end; j += L) {
                FloatVector a = FloatVector.fromArray(S, as, ai + j), b = FloatVector.fromArray(S, bs, bi + j);
                a.max(b).intoArray(out, o + j);
            }
        } else if (sa == 1 && sb == 0) {
            FloatVector b = FloatVector.broadcast(S, bs[bi]);
            for (; j < end; j += L) {
                FloatVector a = FloatVector.fromArray(S, as, ai + j);
                a.max(b).intoArray(out, o + j);
            }
        } else if (sa == 0 && sb == 1) {
            FloatVector a = FloatVector.broadcast(S, as[ai]);
            for (; j < end; j += L) {
                FloatVector b = FloatVector.fromArray(S, bs, bi + j);
                a.max(b).intoArray(out, o + j);
            }
        }
        for (; j < n; j++) out[o + j] = (float) BinaryOp.MAXIMUM.apply(as[ai + j * sa], bs[bi + j * sb]);
    }

    /** MINIMUM: a vector loop for each layout (both rows, a row and a scalar, a scalar and a row), the rest scalar. */
    private static void minimumRow(float[] as, int ai, int sa, float[] bs, int bi, int sb, float[] out, int o, int n) {
        int j = 0, end = S.loopBound(n);
        if (sa == 1 && sb == 1) {
            for (; j < end; j += L) {
                FloatVector a = FloatVector.fromArray(S, as, ai + j), b = FloatVector.fromArray(S, bs, bi + j);
                a.min(b).intoArray(out, o + j);
            }
        } else if (sa == 1 && sb == 0) {
            FloatVector b = FloatVector.broadcast(S, bs[bi]);
            for (; j < end; j += L) {
                FloatVector a = FloatVector.fromArray(S, as, ai + j);
                a.min(b).intoArray(out, o + j);
            }
        } else if (sa == 0 && sb == 1) {
            FloatVector a = FloatVector.broadcast(S, as[ai]);
            for (; j < end; j += L) {
                FloatVector b = FloatVector.fromArray(S, bs, bi + j);
                a.min(b).intoArray(out, o + j);
            }
        }
        for (; j < n; j++) out[o + j] = (float) BinaryOp.MINIMUM.apply(as[ai + j * sa], bs[bi + j * sb]);
    }

    /** EQ: a vector loop for each layout (both rows, a row and a scalar, a scalar and a row), the rest scalar. */
    private static void eqTest(float[] as, int ai, int sa, float[] bs, int bi, int sb, int[] out, int o, int n) {
        int j = 0, end = S.loopBound(n);
        if (sa == 1 && sb == 1) {
            for (; j < end; j += L) {
                FloatVector a = FloatVector.fromArray(S, as, ai + j), b = FloatVector.fromArray(S, bs, bi + j);
                IntVector.zero(MASK_INTS).blend(1, a.eq(b).cast(MASK_INTS)).intoArray(out, o + j);
            }
        } else if (sa == 1 && sb == 0) {
            FloatVector b = FloatVector.broadcast(S, bs[bi]);
            for (; j < end; j += L) {
                FloatVector a = FloatVector.fromArray(S, as, ai + j);
                IntVector.zero(MASK_INTS).blend(1, a.eq(b).cast(MASK_INTS)).intoArray(out, o + j);
            }
        } else if (sa == 0 && sb == 1) {
            FloatVector a = FloatVector.broadcast(S, as[ai]);
            for (; j < end; j += L) {
                FloatVector b = FloatVector.fromArray(S, bs, bi + j);
                IntVector.zero(MASK_INTS).blend(1, a.eq(b).cast(MASK_INTS)).intoArray(out, o + j);
            }
        }
        for (; j < n; j++) out[o + j] = CompareOp.EQ.test(as[ai + j * sa], bs[bi + j * sb]) ? 1 : 0;
    }

    /** NE: a vector loop for each layout (both rows, a row and a scalar, a scalar and a row), the rest scalar. */
    private static void neTest(float[] as, int ai, int sa, float[] bs, int bi, int sb, int[] out, int o, int n) {
        int j = 0, end = S.loopBound(n);
        if (sa == 1 && sb == 1) {
            for (; j < end; j += L) {
                FloatVector a = FloatVector.fromArray(S, as, ai + j), b = FloatVector.fromArray(S, bs, bi + j);
                IntVector.zero(MASK_INTS).blend(1, a.compare(VectorOperators.NE, b).cast(MASK_INTS)).intoArray(out, o + j);
            }
        } else if (sa == 1 && sb == 0) {
            FloatVector b = FloatVector.broadcast(S, bs[bi]);
            for (; j < end; j += L) {
                FloatVector a = FloatVector.fromArray(S, as, ai + j);
                IntVector.zero(MASK_INTS).blend(1, a.compare(VectorOperators.NE, b).cast(MASK_INTS)).intoArray(out, o + j);
            }
        } else if (sa == 0 && sb == 1) {
            FloatVector a = FloatVector.broadcast(S, as[ai]);
            for (; j < end; j += L) {
                FloatVector b = FloatVector.fromArray(S, bs, bi + j);
                IntVector.zero(MASK_INTS).blend(1, a.compare(VectorOperators.NE, b).cast(MASK_INTS)).intoArray(out, o + j);
            }
        }
        for (; j < n; j++) out[o + j] = CompareOp.NE.test(as[ai + j * sa], bs[bi + j * sb]) ? 1 : 0;
    }

    /** LT: a vector loop for each layout (both rows, a row and a scalar, a scalar and a row), the rest scalar. */
    private static void ltTest(float[] as, int ai, int sa, float[] bs, int bi, int sb, int[] out, int o, int n) {
        int j = 0, end = S.loopBound(n);
        if (sa == 1 && sb == 1) {
            for (; j < end; j += L) {
                FloatVector a = FloatVector.fromArray(S, as, ai + j), b = FloatVector.fromArray(S, bs, bi + j);
                IntVector.zero(MASK_INTS).blend(1, a.lt(b).cast(MASK_INTS)).intoArray(out, o + j);
            }
        } else if (sa == 1 && sb == 0) {
            FloatVector b = FloatVector.broadcast(S, bs[bi]);
            for (; j < end; j += L) {
                FloatVector a = FloatVector.fromArray(S, as, ai + j);
                IntVector.zero(MASK_INTS).blend(1, a.lt(b).cast(MASK_INTS)).intoArray(out, o + j);
            }
        } else if (sa == 0 && sb == 1) {
            FloatVector a = FloatVector.broadcast(S, as[ai]);
            for (; j < end; j += L) {
                FloatVector b = FloatVector.fromArray(S, bs, bi + j);
                IntVector.zero(MASK_INTS).blend(1, a.lt(b).cast(MASK_INTS)).intoArray(out, o + j);
            }
        }
        for (; j < n; j++) out[o + j] = CompareOp.LT.test(as[ai + j * sa], bs[bi + j * sb]) ? 1 : 0;
    }

    /** LE: a vector loop for each layout (both rows, a row and a scalar, a scalar and a row), the rest scalar. */
    private static void leTest(float[] as, int ai, int sa, float[] bs, int bi, int sb, int[] out, int o, int n) {
        int j = 0, end = S.loopBound(n);
        if (sa == 1 && sb == 1) {
            for (; j < end; j += L) {
                FloatVector a = FloatVector.fromArray(S, as, ai + j), b = FloatVector.fromArray(S, bs, bi + j);
                IntVector.zero(MASK_INTS).blend(1, a.compare(VectorOperators.LE, b).cast(MASK_INTS)).intoArray(out, o + j);
            }
        } else if (sa == 1 && sb == 0) {
            FloatVector b = FloatVector.broadcast(S, bs[bi]);
            for (; j < end; j += L) {
                FloatVector a = FloatVector.fromArray(S, as, ai + j);
                IntVector.zero(MASK_INTS).blend(1, a.compare(VectorOperators.LE, b).cast(MASK_INTS)).intoArray(out, o + j);
            }
        } else if (sa == 0 && sb == 1) {
            FloatVector a = FloatVector.broadcast(S, as[ai]);
            for (; j < end; j += L) {
                FloatVector b = FloatVector.fromArray(S, bs, bi + j);
                IntVector.zero(MASK_INTS).blend(1, a.compare(VectorOperators.LE, b).cast(MASK_INTS)).intoArray(out, o + j);
            }
        }
        for (; j < n; j++) out[o + j] = CompareOp.LE.test(as[ai + j * sa], bs[bi + j * sb]) ? 1 : 0;
    }

    /** GT: a vector loop for each layout (both rows, a row and a scalar, a scalar and a row), the rest scalar. */
    private static void gtTest(float[] as, int ai, int sa, float[] bs, int bi, int sb, int[] out, int o, int n) {
        int j = 0, end = S.loopBound(n);
        if (sa == 1 && sb == 1) {
            for (; j < end; j += L) {
                FloatVector a = FloatVector.fromArray(S, as, ai + j), b = FloatVector.fromArray(S, bs, bi + j);
                IntVector.zero(MASK_INTS).blend(1, a.compare(VectorOperators.GT, b).cast(MASK_INTS)).intoArray(out, o + j);
            }
        } else if (sa == 1 && sb == 0) {
            FloatVector b = FloatVector.broadcast(S, bs[bi]);
            for (; j < end; j += L) {
                FloatVector a = FloatVector.fromArray(S, as, ai + j);
                IntVector.zero(MASK_INTS).blend(1, a.compare(VectorOperators.GT, b).cast(MASK_INTS)).intoArray(out, o + j);
            }
        } else if (sa == 0 && sb == 1) {
            FloatVector a = FloatVector.broadcast(S, as[ai]);
            for (; j < end; j += L) {
                FloatVector b = FloatVector.fromArray(S, bs, bi + j);
                IntVector.zero(MASK_INTS).blend(1, a.compare(VectorOperators.GT, b).cast(MASK_INTS)).intoArray(out, o + j);
            }
        }
        for (; j < n; j++) out[o + j] = CompareOp.GT.test(as[ai + j * sa], bs[bi + j * sb]) ? 1 : 0;
    }

    /** GE: a vector loop for each layout (both rows, a row and a scalar, a scalar and a row), the rest scalar. */
    private static void geTest(float[] as, int ai, int sa, float[] bs, int bi, int sb, int[] out, int o, int n) {
        int j = 0, end = S.loopBound(n);
        if (sa == 1 && sb == 1) {
            for (; j < end; j += L) {
                FloatVector a = FloatVector.fromArray(S, as, ai + j), b = FloatVector.fromArray(S, bs, bi + j);
                IntVector.zero(MASK_INTS).blend(1, a.compare(VectorOperators.GE, b).cast(MASK_INTS)).intoArray(out, o + j);
            }
        } else if (sa == 1 && sb == 0) {
            FloatVector b = FloatVector.broadcast(S, bs[bi]);
            for (; j < end; j += L) {
                FloatVector a = FloatVector.fromArray(S, as, ai + j);
                IntVector.zero(MASK_INTS).blend(1, a.compare(VectorOperators.GE, b).cast(MASK_INTS)).intoArray(out, o + j);
            }
        } else if (sa == 0 && sb == 1) {
            FloatVector a = FloatVector.broadcast(S, as[ai]);
            for (; j < end; j += L) {
                FloatVector b = FloatVector.fromArray(S, bs, bi + j);
                IntVector.zero(MASK_INTS).blend(1, a.compare(VectorOperators.GE, b).cast(MASK_INTS)).intoArray(out, o + j);
            }
        }
        for (; j < n; j++) out[o + j] = CompareOp.GE.test(as[ai + j * sa], bs[bi + j * sb]) ? 1 : 0;
    }

    /** SUM over src[at .. at+length-1], with four independent vector accumulators. */
    private static float sumRun(float[] src, int at, int length) {
        FloatVector identity = FloatVector.broadcast(S, (float) ReduceOp.SUM.identity());
        FloatVector acc0 = identity, acc1 = identity, acc2 = identity, acc3 = identity;
        int k = 0;
        for (; k + 4 * L <= length; k += 4 * L) {
            acc0 = acc0.add(FloatVector.fromArray(S, src, at + k));
            acc1 = acc1.add(FloatVector.fromArray(S, src, at + k + L));
            acc2 = acc2.add(FloatVector.fromArray(S, src, at + k + 2 * L));
            acc3 = acc3.add(FloatVector.fromArray(S, src, at + k + 3 * L));
        }
        for (; k < length; k += L) {
            VectorMask<Float> m = S.indexInRange(k, length);
            acc0 = acc0.add(identity.blend(FloatVector.fromArray(S, src, at + k, m), m));
        }
        FloatVector v = acc0.add(acc1).add(acc2.add(acc3));
        return LaneOrder.sum(v);
    }

    /** SUM down each column: vectors run along the inner axis, each lane reduces its own column. */
    private static void sumColumns(float[] src, int at, int length, int inner, float[] out, int outAt) {
        FloatVector identity = FloatVector.broadcast(S, (float) ReduceOp.SUM.identity());
        for (int i = 0; i < inner; i += L) {
            VectorMask<Float> m = S.indexInRange(i, inner);
            FloatVector acc = identity;
            for (int k = 0; k < length; k++) acc = acc.add(FloatVector.fromArray(S, src, at + k * inner + i, m));
            acc.intoArray(out, outAt + i, m);
        }
    }

    /** PROD over src[at .. at+length-1], with four independent vector accumulators. */
    private static float prodRun(float[] src, int at, int length) {
        FloatVector identity = FloatVector.broadcast(S, (float) ReduceOp.PROD.identity());
        FloatVector acc0 = identity, acc1 = identity, acc2 = identity, acc3 = identity;
        int k = 0;
        for (; k + 4 * L <= length; k += 4 * L) {
            acc0 = acc0.mul(FloatVector.fromArray(S, src, at + k));
            acc1 = acc1.mul(FloatVector.fromArray(S, src, at + k + L));
            acc2 = acc2.mul(FloatVector.fromArray(S, src, at + k + 2 * L));
            acc3 = acc3.mul(FloatVector.fromArray(S, src, at + k + 3 * L));
        }
        for (; k < length; k += L) {
            VectorMask<Float> m = S.indexInRange(k, length);
            acc0 = acc0.mul(identity.blend(FloatVector.fromArray(S, src, at + k, m), m));
        }
        FloatVector v = acc0.mul(acc1).mul(acc2.mul(acc3));
        return LaneOrder.product(v);
    }

    /** PROD down each column: vectors run along the inner axis, each lane reduces its own column. */
    private static void prodColumns(float[] src, int at, int length, int inner, float[] out, int outAt) {
        FloatVector identity = FloatVector.broadcast(S, (float) ReduceOp.PROD.identity());
        for (int i = 0; i < inner; i += L) {
            VectorMask<Float> m = S.indexInRange(i, inner);
            FloatVector acc = identity;
            for (int k = 0; k < length; k++) acc = acc.mul(FloatVector.fromArray(S, src, at + k * inner + i, m));
            acc.intoArray(out, outAt + i, m);
        }
    }

    /** MAX over src[at .. at+length-1], with four independent vector accumulators. */
    private static float maxRun(float[] src, int at, int length) {
        FloatVector identity = FloatVector.broadcast(S, (float) ReduceOp.MAX.identity());
        FloatVector acc0 = identity, acc1 = identity, acc2 = identity, acc3 = identity;
        int k = 0;
        for (; k + 4 * L <= length; k += 4 * L) {
            acc0 = acc0.max(FloatVector.fromArray(S, src, at + k));
            acc1 = acc1.max(FloatVector.fromArray(S, src, at + k + L));
            acc2 = acc2.max(FloatVector.fromArray(S, src, at + k + 2 * L));
            acc3 = acc3.max(FloatVector.fromArray(S, src, at + k + 3 * L));
        }
        for (; k < length; k += L) {
            VectorMask<Float> m = S.indexInRange(k, length);
            acc0 = acc0.max(identity.blend(FloatVector.fromArray(S, src, at + k, m), m));
        }
        FloatVector v = acc0.max(acc1).max(acc2.max(acc3));
        return v.reduceLanes(VectorOperators.MAX);
    }

    /** MAX down each column: vectors run along the inner axis, each lane reduces its own column. */
    private static void maxColumns(float[] src, int at, int length, int inner, float[] out, int outAt) {
        FloatVector identity = FloatVector.broadcast(S, (float) ReduceOp.MAX.identity());
        for (int i = 0; i < inner; i += L) {
            VectorMask<Float> m = S.indexInRange(i, inner);
            FloatVector acc = identity;
            for (int k = 0; k < length; k++) acc = acc.max(FloatVector.fromArray(S, src, at + k * inner + i, m));
            acc.intoArray(out, outAt + i, m);
        }
    }

    /** MIN over src[at .. at+length-1], with four independent vector accumulators. */
    private static float minRun(float[] src, int at, int length) {
        FloatVector identity = FloatVector.broadcast(S, (float) ReduceOp.MIN.identity());
        FloatVector acc0 = identity, acc1 = identity, acc2 = identity, acc3 = identity;
        int k = 0;
        for (; k + 4 * L <= length; k += 4 * L) {
            acc0 = acc0.min(FloatVector.fromArray(S, src, at + k));
            acc1 = acc1.min(FloatVector.fromArray(S, src, at + k + L));
            acc2 = acc2.min(FloatVector.fromArray(S, src, at + k + 2 * L));
            acc3 = acc3.min(FloatVector.fromArray(S, src, at + k + 3 * L));
        }
        for (; k < length; k += L) {
            VectorMask<Float> m = S.indexInRange(k, length);
            acc0 = acc0.min(identity.blend(FloatVector.fromArray(S, src, at + k, m), m));
        }
        FloatVector v = acc0.min(acc1).min(acc2.min(acc3));
        return v.reduceLanes(VectorOperators.MIN);
    }

    /** MIN down each column: vectors run along the inner axis, each lane reduces its own column. */
    private static void minColumns(float[] src, int at, int length, int inner, float[] out, int outAt) {
        FloatVector identity = FloatVector.broadcast(S, (float) ReduceOp.MIN.identity());
        for (int i = 0; i < inner; i += L) {
            VectorMask<Float> m = S.indexInRange(i, inner);
            FloatVector acc = identity;
            for (int k = 0; k < length; k++) acc = acc.min(FloatVector.fromArray(S, src, at + k * inner + i, m));
            acc.intoArray(out, outAt + i, m);
        }
    }
    // END GENERATED loops

}
