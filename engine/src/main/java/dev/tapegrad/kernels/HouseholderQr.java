package dev.tapegrad.kernels;

/**
 * Reduced QR factorisation A = Q·R of an m×n matrix with m ≥ n (Q m×n with orthonormal columns, R n×n upper
 * triangular with a non-negative diagonal), by Householder reflections.
 *
 * <p>Step j reflects column j of the working matrix below row j onto a multiple of the unit vector:
 * with x = R[j:, j] and α = −sign(x₀)·‖x‖, the reflector H = I − 2vvᵀ/(vᵀv), v = x − α·e₁, maps x to α·e₁
 * (choosing α opposite to x₀ avoids cancellation). After n steps R = H_{n−1}···H₀·A is upper triangular and
 * Q = H₀···H_{n−1} restricted to its first n columns. Finally each row i of R with R[i][i] &lt; 0 and column
 * i of Q are negated, so that the diagonal of R is non-negative: for a full-rank A this makes the
 * factorisation unique (LAPACK, and so PyTorch, leave the signs as the reflections produce them).
 */
public final class HouseholderQr {
    private HouseholderQr() {}

    /**
     * Factors the m×n row-major matrix at {@code a[aOff ..]} (m ≥ n), writing Q (m×n) to {@code q[qOff ..]}
     * and R (n×n) to {@code r[rOff ..]}.
     */
    public static void factor(double[] a, int aOff, int m, int n, double[] q, int qOff, double[] r, int rOff) {
        if (m < n) throw new IllegalArgumentException("HouseholderQr needs m >= n, got " + m + "x" + n);
        double[] w = new double[m * n];
        System.arraycopy(a, aOff, w, 0, m * n);
        double[][] reflectors = new double[n][]; // v of step j (length m − j), or null when H_j = I
        for (int j = 0; j < n; j++) {
            double norm = 0.0;
            for (int i = j; i < m; i++) norm = Math.hypot(norm, w[i * n + j]);
            if (norm == 0.0) continue;
            double x0 = w[j * n + j];
            double alpha = x0 >= 0 ? -norm : norm;
            double[] v = new double[m - j];
            for (int i = j; i < m; i++) v[i - j] = w[i * n + j];
            v[0] -= alpha;
            double vv = 0.0;
            for (double e : v) vv += e * e;
            if (vv == 0.0) continue;
            reflectors[j] = v;
            applyReflector(v, vv, w, j, m, n, j);
        }
        // Q = H₀···H_{n−1}·E with E the first n columns of the identity, applied from the last reflector on.
        double[] qw = new double[m * n];
        for (int i = 0; i < n; i++) qw[i * n + i] = 1.0;
        for (int j = n - 1; j >= 0; j--) {
            double[] v = reflectors[j];
            if (v == null) continue;
            double vv = 0.0;
            for (double e : v) vv += e * e;
            applyReflector(v, vv, qw, j, m, n, 0);
        }
        for (int i = 0; i < n; i++) {
            boolean flip = w[i * n + i] < 0;
            for (int c = 0; c < n; c++) r[rOff + i * n + c] = c < i ? 0.0 : (flip ? -w[i * n + c] : w[i * n + c]);
            for (int row = 0; row < m; row++) q[qOff + row * n + i] = flip ? -qw[row * n + i] : qw[row * n + i];
        }
    }

    /** M[j:, from:] ← (I − 2vvᵀ/vv)·M[j:, from:] for the m×n row-major matrix M. */
    private static void applyReflector(double[] v, double vv, double[] mat, int j, int m, int n, int from) {
        for (int c = from; c < n; c++) {
            double dot = 0.0;
            for (int i = j; i < m; i++) dot += v[i - j] * mat[i * n + c];
            double f = 2.0 * dot / vv;
            for (int i = j; i < m; i++) mat[i * n + c] -= f * v[i - j];
        }
    }
}
