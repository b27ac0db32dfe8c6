// GENERATED from SoftmaxFloat.java by TwinTemplateTest (engine tests). Do not edit.
package dev.tapegrad.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fused row kernels of the softmax family for double arrays: softmax and log-softmax forward and backward,
 * and cross-entropy with class-index targets forward and backward, each one kernel per row.
 *
 * <p>Every kernel works on a contiguous block {@code [outer, n, inner]} (n = the softmax axis): row (o, i)
 * is {@code n} elements at stride {@code inner}. Rows with {@code inner == 1} are processed in place with
 * vectors; other rows are gathered into a per-thread buffer, processed by the same vector code and
 * scattered back. Outputs are contiguous blocks of the same layout starting at index 0 (per-row results:
 * {@code [outer, inner]}). Rows are split over {@link ParallelPool} when the block is large; every row is
 * computed the same way on any thread, so results do not depend on the thread count.
 *
 * <p>Rows are shifted by their maximum m first; an infinite m is replaced by 0 (as {@code maxShift} in the
 * engine), so a row of all −∞ gives NaN and a row with +∞ gives NaN, as the composed ops do.
 *
 * <p>The double version, SoftmaxDouble, is generated from this file by TwinTemplateTest (engine tests).
 */
final class SoftmaxDouble {
    private SoftmaxDouble() {}

    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Blocks with fewer elements than this run on the calling thread. */
    static final int PARALLEL_MIN = 1 << 15;

    /** Per-thread row buffers for rows with inner &gt; 1 (inputs, output), grown on demand. */
    private static final ThreadLocal<double[][]> BUFFERS = ThreadLocal.withInitial(() -> new double[3][0]);

    private static double[] buffer(int which, int size) {
        double[][] b = BUFFERS.get();
        if (b[which].length < size) b[which] = new double[size];
        return b[which];
    }

    /** Work on rows {@code from..to-1}. */
    private interface RowRange {
        void run(int from, int to);
    }

    /** Runs {@code body} over rows 0..rows−1, split into contiguous ranges over the pool when the block is large. */
    private static void forRows(int rows, int n, RowRange body) {
        int parts = (long) rows * n < PARALLEL_MIN ? 1 : Math.min(ParallelPool.threads(), rows);
        if (parts <= 1) {
            body.run(0, rows);
            return;
        }
        ParallelPool.forEach(parts, p -> body.run((int) ((long) rows * p / parts), (int) ((long) rows * (p + 1) / parts)));
    }

    /** Position of row r's first element in a block [outer, n, inner] starting at {@code off}. */
    private static int rowAt(int off, int r, int n, int inner) {
        int o = r / inner;
        return off + o * n * inner + (r - o * inner);
    }

    private static void gather(double[] src, int at, int stride, double[] dst, int n) {
        for (int k = 0; k < n; k++) dst[k] = src[at + k * stride];
    }

    private static void scatter(double[] src, double[] dst, int at, int stride, int n) {
        for (int k = 0; k < n; k++) dst[at + k * stride] = src[k];
    }

    // ---------------------------------------------------------------- softmax and log-softmax

    /**
     * Along each row: softmax sₖ = e^(xₖ−m)/Σⱼ e^(xⱼ−m), or, with {@code log}, log-softmax
     * (xₖ − m) − log Σⱼ e^(xⱼ−m).
     */
    static void softmax(boolean log, double[] x, int xOff, int outer, int n, int inner, double[] out) {
        forRows(outer * inner, n, (from, to) -> {
            for (int r = from; r < to; r++) {
                int xi = rowAt(xOff, r, n, inner), oi = rowAt(0, r, n, inner);
                if (inner == 1) {
                    softmaxRow(log, x, xi, out, oi, n);
                } else {
                    double[] bx = buffer(0, n), bo = buffer(2, n);
                    gather(x, xi, inner, bx, n);
                    softmaxRow(log, bx, 0, bo, 0, n);
                    scatter(bo, out, oi, inner, n);
                }
            }
        });
    }

    /**
     * Backward of {@link #softmax} from its output y and the output's gradient g, along each row:
     * x̄ = y·(g − Σ g·y) for softmax, x̄ = g − e^y·Σ g for log-softmax.
     */
    static void softmaxBackward(boolean log, double[] y, int yOff, double[] g, int gOff, int outer, int n, int inner,
                                double[] out) {
        forRows(outer * inner, n, (from, to) -> {
            for (int r = from; r < to; r++) {
                int yi = rowAt(yOff, r, n, inner), gi = rowAt(gOff, r, n, inner), oi = rowAt(0, r, n, inner);
                if (inner == 1) {
                    backwardRow(log, y, yi, g, gi, out, oi, n);
                } else {
                    double[] by = buffer(0, n), bg = buffer(1, n), bo = buffer(2, n);
                    gather(y, yi, inner, by, n);
                    gather(g, gi, inner, bg, n);
                    backwardRow(log, by, 0, bg, 0, bo, 0, n);
                    scatter(bo, out, oi, inner, n);
                }
            }
        });
    }

    /** The row's maximum (NaN if it holds one), 0 when infinite. */
    private static double shift(double[] x, int xi, int n) {
        DoubleVector acc = DoubleVector.broadcast(S, Double.NEGATIVE_INFINITY);
        int j = 0;
        for (; j < S.loopBound(n); j += L) acc = acc.max(DoubleVector.fromArray(S, x, xi + j));
        double m = acc.reduceLanes(VectorOperators.MAX);
        for (; j < n; j++) m = Math.max(m, x[xi + j]);
        return Double.isInfinite(m) ? 0.0 : m;
    }

    /** Σ e^(xⱼ − m) over the row; with {@code store}, each term is also written to out. */
    private static double sumExp(double[] x, int xi, double m, double[] out, int oi, int n, boolean store) {
        DoubleVector acc = DoubleVector.zero(S);
        int j = 0;
        for (; j < S.loopBound(n); j += L) {
            DoubleVector e = DoubleVector.fromArray(S, x, xi + j).sub(m).lanewise(VectorOperators.EXP);
            if (store) e.intoArray(out, oi + j);
            acc = acc.add(e);
        }
        if (j < n) {
            VectorMask<Double> k = S.indexInRange(j, n);
            DoubleVector e = DoubleVector.fromArray(S, x, xi + j, k).sub(m).lanewise(VectorOperators.EXP);
            if (store) e.intoArray(out, oi + j, k);
            acc = acc.add(DoubleVector.zero(S).blend(e, k));
        }
        return LaneOrder.sum(acc);
    }

    private static void softmaxRow(boolean log, double[] x, int xi, double[] out, int oi, int n) {
        double m = shift(x, xi, n);
        double sum = sumExp(x, xi, m, out, oi, n, !log);
        if (log) {
            double logSum = (double) Math.log(sum);
            int j = 0;
            for (; j < S.loopBound(n); j += L) DoubleVector.fromArray(S, x, xi + j).sub(m).sub(logSum).intoArray(out, oi + j);
            for (; j < n; j++) out[oi + j] = x[xi + j] - m - logSum;
        } else {
            int j = 0;
            for (; j < S.loopBound(n); j += L) DoubleVector.fromArray(S, out, oi + j).div(sum).intoArray(out, oi + j);
            for (; j < n; j++) out[oi + j] = out[oi + j] / sum;
        }
    }

    private static void backwardRow(boolean log, double[] y, int yi, double[] g, int gi, double[] out, int oi, int n) {
        // the row reduction: Σ g (log-softmax) or Σ g·y (softmax)
        DoubleVector acc = DoubleVector.zero(S);
        int j = 0;
        for (; j < S.loopBound(n); j += L) {
            DoubleVector gv = DoubleVector.fromArray(S, g, gi + j);
            acc = log ? acc.add(gv) : gv.fma(DoubleVector.fromArray(S, y, yi + j), acc);
        }
        double d = LaneOrder.sum(acc);
        for (int k = j; k < n; k++) d += log ? g[gi + k] : g[gi + k] * y[yi + k];
        for (j = 0; j < S.loopBound(n); j += L) {
            DoubleVector gv = DoubleVector.fromArray(S, g, gi + j), yv = DoubleVector.fromArray(S, y, yi + j);
            DoubleVector r = log ? yv.lanewise(VectorOperators.EXP).mul(-d).add(gv) : yv.mul(gv.sub(d));
            r.intoArray(out, oi + j);
        }
        for (; j < n; j++) {
            double gv = g[gi + j], yv = y[yi + j];
            out[oi + j] = log ? gv - (double) Math.exp(yv) * d : yv * (gv - d);
        }
    }

    // ---------------------------------------------------------------- cross-entropy with class indices

    /**
     * Per row with target class t (row r's label {@code target[r]}): lse = m + log Σⱼ e^(zⱼ−m) (written to
     * {@code lse[r]}) and ℓ = lse − (1 − ε)·z_t − (ε/n)·Σⱼ zⱼ (= (1 − ε)·(−log p_t) + (ε/n)·Σⱼ −log pⱼ) written
     * to {@code loss[r]}; a row whose label is {@code ignore} gets ℓ = 0. Labels are valid (checked by the caller).
     */
    static void crossEntropy(double[] z, int zOff, int outer, int n, int inner, int[] target, int ignore, double eps,
                             double[] loss, double[] lse) {
        forRows(outer * inner, n, (from, to) -> {
            for (int r = from; r < to; r++) {
                int t = target[r];
                if (t == ignore) {
                    loss[r] = 0.0;
                    lse[r] = 0.0;
                    continue;
                }
                int zi = rowAt(zOff, r, n, inner);
                double[] row = z;
                if (inner != 1) {
                    row = buffer(0, n);
                    gather(z, zi, inner, row, n);
                    zi = 0;
                }
                double m = shift(row, zi, n);
                double l = m + (double) Math.log(sumExp(row, zi, m, null, 0, n, false));
                lse[r] = l;
                double ce = l - (double) (1 - eps) * row[zi + t];
                if (eps != 0) ce -= (double) (eps / n) * sum(row, zi, n);
                loss[r] = ce;
            }
        });
    }

    /**
     * Backward of {@link #crossEntropy} from its saved {@code lse} and the per-row gradient g:
     * z̄ⱼ = g·(e^(zⱼ − lse) − ε/n − (1 − ε)·[j = t]), and 0 on ignored rows.
     */
    static void crossEntropyBackward(double[] z, int zOff, int outer, int n, int inner, int[] target, int ignore,
                                     double eps, double[] lse, double[] g, int gOff, int gStride, double[] out) {
        forRows(outer * inner, n, (from, to) -> {
            for (int r = from; r < to; r++) {
                int t = target[r], oi = rowAt(0, r, n, inner);
                if (t == ignore) {
                    if (inner == 1) java.util.Arrays.fill(out, oi, oi + n, 0.0);
                    else for (int k = 0; k < n; k++) out[oi + k * inner] = 0.0;
                    continue;
                }
                int zi = rowAt(zOff, r, n, inner);
                double gr = g[gOff + r * gStride];
                if (inner == 1) {
                    crossEntropyRow(z, zi, lse[r], gr, t, eps, out, oi, n);
                } else {
                    double[] bz = buffer(0, n), bo = buffer(2, n);
                    gather(z, zi, inner, bz, n);
                    crossEntropyRow(bz, 0, lse[r], gr, t, eps, bo, 0, n);
                    scatter(bo, out, oi, inner, n);
                }
            }
        });
    }

    /**
     * One row of z̄ = g·w with w = e^(z − lse) − ε/n − (1 − ε)·[j = t]. w is formed first and then scaled, so
     * every g gives g times the same rounded w (the JVP contracts that w, computed with g = 1, with the
     * tangent: both derivative rules then use one w).
     */
    private static void crossEntropyRow(double[] z, int zi, double lse, double g, int t, double eps, double[] out, int oi, int n) {
        double uniform = (double) (eps / n);
        int j = 0;
        for (; j < S.loopBound(n); j += L) {
            DoubleVector.fromArray(S, z, zi + j).sub(lse).lanewise(VectorOperators.EXP).sub(uniform).intoArray(out, oi + j);
        }
        for (; j < n; j++) out[oi + j] = (double) Math.exp(z[zi + j] - lse) - uniform;
        out[oi + t] -= (double) (1 - eps);
        if (g == 1) return;
        for (j = 0; j < S.loopBound(n); j += L) DoubleVector.fromArray(S, out, oi + j).mul(g).intoArray(out, oi + j);
        for (; j < n; j++) out[oi + j] *= g;
    }

    private static double sum(double[] x, int xi, int n) {
        DoubleVector acc = DoubleVector.zero(S);
        int j = 0;
        for (; j < S.loopBound(n); j += L) acc = acc.add(DoubleVector.fromArray(S, x, xi + j));
        double s = LaneOrder.sum(acc);
        for (; j < n; j++) s += x[xi + j];
        return s;
    }
}
