// GENERATED from NormFloat.java by TwinTemplateTest (engine tests). Do not edit.
package dev.tapegrad.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fused layer-norm and RMS-norm kernels over the rows of a contiguous double matrix [rows, n].
 *
 * <p>With μ the row mean (0 for RMS norm, {@code centre = false}), x̂ = (x − μ)·r where
 * r = 1/√(mean((x − μ)²) + ε):
 * <ul>
 *   <li>forward: y = x̂·w + b, saving μ and r per row (two passes over a row for the statistics, one for y);</li>
 *   <li>backward: with ĝ = ḡ·w, x̄ = r·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) (RMS: without the mean(ĝ) term),
 *       w̄ = Σ_rows ḡ·x̂ and b̄ = Σ_rows ḡ (one pass for the row sums and the parameter terms, one for x̄).</li>
 * </ul>
 *
 * <p>The double version, NormDouble.java, is generated from this file ({@code TwinTemplateTest}); edit this
 * file only, then regenerate.
 *
 * <p><b>Threads.</b> Rows are cut into chunks whose size depends only on n; chunks run on
 * {@link ParallelPool}, each with its own partial w̄ and b̄, summed afterwards in chunk order, so results do
 * not depend on the number of threads.
 */
final class NormDouble {
    private NormDouble() {}

    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Elements per chunk of rows (work smaller than one chunk stays on the calling thread). */
    static final int CHUNK_ELEMENTS = 1 << 14;

    /** Rows per chunk for rows of length n. */
    static int chunkRows(int n) {
        return Math.max(1, CHUNK_ELEMENTS / Math.max(n, 1));
    }

    /** w when given, else n ones (or zeros for a missing bias). */
    private static double[] orConstant(double[] a, int n, double value) {
        if (a != null) return a;
        double[] c = new double[n];
        java.util.Arrays.fill(c, value);
        return c;
    }

    // ---------------------------------------------------------------- forward

    /**
     * out[i][j] = x̂[i][j]·w[j] + b[j] with x[i][j] at {@code x[xOff + i*n + j]}; stores μ (when
     * {@code centre}) and r of each row in {@code mean} and {@code rstd}. w or b may be null (1 and 0).
     */
    static void forward(boolean centre, int rows, int n, double[] x, int xOff, double[] w, double[] b, double eps,
                        double[] out, double[] mean, double[] rstd) {
        double[] ws = orConstant(w, n, 1.0), bs = orConstant(b, n, 0.0);
        int per = chunkRows(n);
        ParallelPool.forEach((rows + per - 1) / per, c -> {
            for (int i = c * per, end = Math.min(rows, i + per); i < end; i++) {
                forwardRow(centre, n, x, xOff + i * n, ws, bs, eps, out, i * n, mean, rstd, i);
            }
        });
    }

    private static void forwardRow(boolean centre, int n, double[] x, int xi, double[] w, double[] b, double eps,
                                   double[] out, int o, double[] mean, double[] rstd, int row) {
        double mu = 0.0;
        if (centre) {
            DoubleVector acc = DoubleVector.zero(S);
            int j = 0;
            for (; j <= n - L; j += L) acc = acc.add(DoubleVector.fromArray(S, x, xi + j));
            double s = LaneOrder.sum(acc);
            for (; j < n; j++) s += x[xi + j];
            mu = s / n;
        }
        DoubleVector acc = DoubleVector.zero(S);
        int j = 0;
        for (; j <= n - L; j += L) {
            DoubleVector d = DoubleVector.fromArray(S, x, xi + j).sub(mu);
            acc = d.fma(d, acc);
        }
        double ss = LaneOrder.sum(acc);
        for (; j < n; j++) ss += (x[xi + j] - mu) * (x[xi + j] - mu);
        double r = (double) (1.0 / Math.sqrt(ss / n + eps));
        if (mean != null) mean[row] = mu;
        rstd[row] = r;
        j = 0;
        for (; j <= n - L; j += L) {
            DoubleVector xh = DoubleVector.fromArray(S, x, xi + j).sub(mu).mul(r);
            xh.fma(DoubleVector.fromArray(S, w, j), DoubleVector.fromArray(S, b, j)).intoArray(out, o + j);
        }
        for (; j < n; j++) out[o + j] = (x[xi + j] - mu) * r * w[j] + b[j];
    }

    // ---------------------------------------------------------------- backward

    /**
     * dx = x̄ of every row (see the class comment), with ḡ[i][j] at {@code g[gOff + i*n + j]}; μ and r as
     * saved by {@link #forward} ({@code mean} is ignored unless {@code centre}). When {@code dw} (and
     * {@code db}) are non-null they receive w̄ = Σᵢ ḡ·x̂ (and b̄ = Σᵢ ḡ), overwriting them.
     */
    static void backward(boolean centre, int rows, int n, double[] x, int xOff, double[] g, int gOff, double[] w,
                         double[] mean, double[] rstd, double[] dx, double[] dw, double[] db) {
        double[] ws = orConstant(w, n, 1.0);
        int per = chunkRows(n), chunks = (rows + per - 1) / per;
        boolean params = dw != null;
        // one partial w̄ and b̄ per chunk (written directly when there is a single chunk)
        double[] pw = params ? (chunks <= 1 ? dw : new double[chunks * n]) : null;
        double[] pb = params && db != null ? (chunks <= 1 ? db : new double[chunks * n]) : null;
        if (params && chunks <= 1) {
            java.util.Arrays.fill(dw, 0, n, 0.0);
            if (db != null) java.util.Arrays.fill(db, 0, n, 0.0);
        }
        ParallelPool.forEach(chunks, c -> {
            for (int i = c * per, end = Math.min(rows, i + per); i < end; i++) {
                backwardRow(centre, n, x, xOff + i * n, g, gOff + i * n, ws, centre ? mean[i] : 0.0, rstd[i],
                        dx, i * n, pw, pb, chunks <= 1 ? 0 : c * n);
            }
        });
        if (params && chunks > 1) {
            for (int c = 0; c < chunks; c++) {
                for (int j = 0; j < n; j++) {
                    dw[j] = c == 0 ? pw[j] : dw[j] + pw[c * n + j];
                    if (pb != null) db[j] = c == 0 ? pb[j] : db[j] + pb[c * n + j];
                }
            }
        }
    }

    private static void backwardRow(boolean centre, int n, double[] x, int xi, double[] g, int gi, double[] w,
                                    double mu, double r, double[] dx, int o, double[] pw, double[] pb, int p) {
        DoubleVector acc1 = DoubleVector.zero(S), acc2 = DoubleVector.zero(S);
        int j = 0;
        for (; j <= n - L; j += L) {
            DoubleVector gv = DoubleVector.fromArray(S, g, gi + j);
            DoubleVector xh = DoubleVector.fromArray(S, x, xi + j).sub(mu).mul(r);
            DoubleVector gh = gv.mul(DoubleVector.fromArray(S, w, j));
            acc1 = acc1.add(gh);
            acc2 = gh.fma(xh, acc2);
            if (pw != null) gv.fma(xh, DoubleVector.fromArray(S, pw, p + j)).intoArray(pw, p + j);
            if (pb != null) gv.add(DoubleVector.fromArray(S, pb, p + j)).intoArray(pb, p + j);
        }
        double s1 = LaneOrder.sum(acc1), s2 = LaneOrder.sum(acc2);
        for (; j < n; j++) {
            double xh = (x[xi + j] - mu) * r, gh = g[gi + j] * w[j];
            s1 += gh;
            s2 += gh * xh;
            if (pw != null) pw[p + j] += g[gi + j] * xh;
            if (pb != null) pb[p + j] += g[gi + j];
        }
        double m1 = centre ? s1 / n : 0.0, m2 = s2 / n;
        j = 0;
        for (; j <= n - L; j += L) {
            DoubleVector xh = DoubleVector.fromArray(S, x, xi + j).sub(mu).mul(r);
            DoubleVector gh = DoubleVector.fromArray(S, g, gi + j).mul(DoubleVector.fromArray(S, w, j));
            gh.sub(m1).sub(xh.mul(m2)).mul(r).intoArray(dx, o + j);
        }
        for (; j < n; j++) {
            double xh = (x[xi + j] - mu) * r;
            dx[o + j] = (g[gi + j] * w[j] - m1 - xh * m2) * r;
        }
    }

    // ---------------------------------------------------------------- scalar references

    /** The definition of {@link #forward}, one element at a time with sums in double. */
    static void forwardScalar(boolean centre, int rows, int n, double[] x, int xOff, double[] w, double[] b, double eps,
                              double[] out, double[] mean, double[] rstd) {
        for (int i = 0; i < rows; i++) {
            int xi = xOff + i * n;
            double mu = 0;
            if (centre) {
                for (int j = 0; j < n; j++) mu += x[xi + j];
                mu /= n;
            }
            double ss = 0;
            for (int j = 0; j < n; j++) ss += (x[xi + j] - mu) * (x[xi + j] - mu);
            double r = 1.0 / Math.sqrt(ss / n + eps);
            if (mean != null) mean[i] = (double) mu;
            rstd[i] = (double) r;
            for (int j = 0; j < n; j++) {
                out[i * n + j] = (double) ((x[xi + j] - mu) * r * (w == null ? 1 : w[j]) + (b == null ? 0 : b[j]));
            }
        }
    }

    /** The definition of {@link #backward}, one element at a time with sums in double. */
    static void backwardScalar(boolean centre, int rows, int n, double[] x, int xOff, double[] g, int gOff, double[] w,
                               double[] mean, double[] rstd, double[] dx, double[] dw, double[] db) {
        double[] sw = new double[n], sb = new double[n];
        for (int i = 0; i < rows; i++) {
            int xi = xOff + i * n, gi = gOff + i * n;
            double mu = centre ? mean[i] : 0, r = rstd[i], s1 = 0, s2 = 0;
            for (int j = 0; j < n; j++) {
                double xh = (x[xi + j] - mu) * r, gh = g[gi + j] * (w == null ? 1 : w[j]);
                s1 += gh;
                s2 += gh * xh;
                sw[j] += g[gi + j] * xh;
                sb[j] += g[gi + j];
            }
            double m1 = centre ? s1 / n : 0, m2 = s2 / n;
            for (int j = 0; j < n; j++) {
                double xh = (x[xi + j] - mu) * r;
                dx[i * n + j] = (double) ((g[gi + j] * (w == null ? 1 : w[j]) - m1 - xh * m2) * r);
            }
        }
        for (int j = 0; j < n; j++) {
            if (dw != null) dw[j] = (double) sw[j];
            if (db != null) db[j] = (double) sb[j];
        }
    }
}
