package dev.tapegrad.kernels;

/**
 * The plain scalar definition of every kernel: one element at a time, any element type, arithmetic in
 * double precision and one rounding to the output type. Slow but obviously right: the fast kernels are
 * tested against these, and fall back to them for layouts or type mixes they do not cover.
 */
public final class ReferenceKernels {
    private ReferenceKernels() {}

    /** out[i] = op(x[i]) over the row-major order of x. */
    public static void unary(UnaryOp op, Strided x, Object out) {
        int n = x.size();
        StridedIndex it = new StridedIndex(x.shape(), x.strides(), x.offset());
        for (int i = 0; i < n; i++) {
            ArrayElements.set(out, i, op.apply(ArrayElements.get(x.data(), it.next())));
        }
    }

    /** out[i] = op(a[i], b[i]). */
    public static void binary(BinaryOp op, Strided a, Strided b, Object out) {
        int n = a.size();
        StridedIndex ia = new StridedIndex(a.shape(), a.strides(), a.offset());
        StridedIndex ib = new StridedIndex(b.shape(), b.strides(), b.offset());
        for (int i = 0; i < n; i++) {
            ArrayElements.set(out, i, op.apply(ArrayElements.get(a.data(), ia.next()), ArrayElements.get(b.data(), ib.next())));
        }
    }

    /** out[i] = op(a[i], b[i]) ? 1 : 0. */
    public static void compare(CompareOp op, Strided a, Strided b, int[] out) {
        int n = a.size();
        StridedIndex ia = new StridedIndex(a.shape(), a.strides(), a.offset());
        StridedIndex ib = new StridedIndex(b.shape(), b.strides(), b.offset());
        for (int i = 0; i < n; i++) {
            out[i] = op.test(ArrayElements.get(a.data(), ia.next()), ArrayElements.get(b.data(), ib.next())) ? 1 : 0;
        }
    }

    /** out[i] = mask[i] != 0 ? a[i] : b[i]. */
    public static void where(Strided mask, Strided a, Strided b, Object out) {
        int n = a.size();
        int[] m = (int[]) mask.data();
        StridedIndex im = new StridedIndex(mask.shape(), mask.strides(), mask.offset());
        StridedIndex ia = new StridedIndex(a.shape(), a.strides(), a.offset());
        StridedIndex ib = new StridedIndex(b.shape(), b.strides(), b.offset());
        for (int i = 0; i < n; i++) {
            int ai = ia.next(), bi = ib.next();
            boolean pick = m[im.next()] != 0;
            ArrayElements.set(out, i, pick ? ArrayElements.get(a.data(), ai) : ArrayElements.get(b.data(), bi));
        }
    }

    /** out[i] = a[i] + value·b[i]·c[i], computed in double and rounded once to the output type. */
    public static void addcmul(Strided a, Strided b, Strided c, double value, Object out) {
        int n = a.size();
        StridedIndex ia = new StridedIndex(a.shape(), a.strides(), a.offset());
        StridedIndex ib = new StridedIndex(b.shape(), b.strides(), b.offset());
        StridedIndex ic = new StridedIndex(c.shape(), c.strides(), c.offset());
        for (int i = 0; i < n; i++) {
            double av = ArrayElements.get(a.data(), ia.next()), bv = ArrayElements.get(b.data(), ib.next());
            ArrayElements.set(out, i, av + value * bv * ArrayElements.get(c.data(), ic.next()));
        }
    }

    /** out[i] = lo if x[i] &lt; lo, hi if x[i] &gt; hi, else x[i] (so NaN stays NaN). */
    public static void clamp(Strided x, double lo, double hi, Object out) {
        int n = x.size();
        StridedIndex it = new StridedIndex(x.shape(), x.strides(), x.offset());
        for (int i = 0; i < n; i++) {
            double v = ArrayElements.get(x.data(), it.next());
            ArrayElements.set(out, i, v < lo ? lo : v > hi ? hi : v);
        }
    }

    /** out[i] = x[i], converting the element type (float to int truncates toward zero). */
    public static void copy(Strided x, Object out) {
        int n = x.size();
        StridedIndex it = new StridedIndex(x.shape(), x.strides(), x.offset());
        for (int i = 0; i < n; i++) {
            ArrayElements.set(out, i, ArrayElements.get(x.data(), it.next()));
        }
    }

    /** dst[i] = src[i] for the row-major order of dst, converting the element type. */
    public static void scatterInto(Object src, Strided dst) {
        int n = dst.size();
        StridedIndex it = new StridedIndex(dst.shape(), dst.strides(), dst.offset());
        for (int i = 0; i < n; i++) {
            ArrayElements.set(dst.data(), it.next(), ArrayElements.get(src, i));
        }
    }

    /** out[o*inner + i] = op over k of src[offset + (o*length + k)*inner + i], accumulated in double. */
    public static void reduce(ReduceOp op, Object src, int offset, int outer, int length, int inner, Object out) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double acc = op.identity();
                for (int k = 0; k < length; k++) {
                    acc = op.combine(acc, ArrayElements.get(src, offset + (o * length + k) * inner + i));
                }
                ArrayElements.set(out, o * inner + i, acc);
            }
        }
    }

    /**
     * out[o*inner + i] = the first k maximising (or minimising) src[offset + (o*length + k)*inner + i];
     * a NaN counts as larger and smaller than everything, so the first NaN wins. A zero length gives 0.
     */
    public static void argReduce(boolean max, Object src, int offset, int outer, int length, int inner, int[] out) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int best = 0;
                double bestValue = length == 0 ? 0 : ArrayElements.get(src, offset + o * length * inner + i);
                for (int k = 1; k < length && !Double.isNaN(bestValue); k++) {
                    double v = ArrayElements.get(src, offset + (o * length + k) * inner + i);
                    if (Double.isNaN(v) || (max ? v > bestValue : v < bestValue)) {
                        best = k;
                        bestValue = v;
                    }
                }
                out[o * inner + i] = best;
            }
        }
    }

    /**
     * out[(o*length + k)*inner + i] = Σ_{j ≤ k} src[offset + (o*length + j)*inner + i] (or Σ_{j ≥ k} with
     * {@code reverse}), accumulated in double.
     */
    public static void cumsum(boolean reverse, Object src, int offset, int outer, int length, int inner, Object out) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double acc = 0;
                for (int step = 0; step < length; step++) {
                    int k = reverse ? length - 1 - step : step;
                    int at = (o * length + k) * inner + i;
                    acc += ArrayElements.get(src, offset + at);
                    ArrayElements.set(out, at, acc);
                }
            }
        }
    }

    /**
     * C[i][j] = Σ_p A[i][p]·B[p][j] (+ C[i][j] when accumulating), with A[i][p] at
     * {@code a[aOff + i*aRow + p*aCol]}, B[p][j] at {@code b[bOff + p*bRow + j*bCol]} and C[i][j] at
     * {@code c[cOff + i*ldc + j]}; the sum runs in double.
     */
    public static void gemm(int m, int n, int k,
                            Object a, int aOff, int aRow, int aCol,
                            Object b, int bOff, int bRow, int bCol,
                            Object c, int cOff, int ldc, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double acc = accumulate ? ArrayElements.get(c, cOff + i * ldc + j) : 0.0;
                for (int p = 0; p < k; p++) {
                    acc += ArrayElements.get(a, aOff + i * aRow + p * aCol) * ArrayElements.get(b, bOff + p * bRow + j * bCol);
                }
                ArrayElements.set(c, cOff + i * ldc + j, acc);
            }
        }
    }
}
