package dev.tapegrad.kernels;

/**
 * Eigendecomposition A = V·diag(λ)·Vᵀ of a real symmetric n×n matrix: Householder reduction to tridiagonal
 * form, then the implicit symmetric QR iteration with Wilkinson shifts. About 9·n³ flops with the vectors.
 *
 * <p><b>Tridiagonalisation.</b> Step k reflects column k below the diagonal, x = A[k+1:, k], onto α·e₁ with
 * H = I − β·v·vᵀ, v = x − α·e₁, α = −sign(x₀)·‖x‖, β = 2/(vᵀv), applied from both sides to the trailing block:
 * with p = β·A₂₂·v, K = β·(pᵀv)/2 and q = p − K·v, H·A₂₂·H = A₂₂ − v·qᵀ − q·vᵀ. After n − 2 steps
 * T = Qᵀ·A·Q is tridiagonal (diagonal d, off-diagonal e) with Q = H₀·H₁···H_{n−3}.
 *
 * <p><b>QR iteration.</b> On each unreduced block d[lo..hi] of T, one implicit QR step with the Wilkinson shift
 * μ (the eigenvalue of the trailing 2×2 block closer to d[hi]) chases a bulge down the band with plane rotations
 * J = [[c, s], [−s, c]] on rows and columns (k, k+1): the first is chosen from the shifted first column
 * (d[lo] − μ, e[lo]), each next one zeroes the bulge below e[k−1]. The rotations are accumulated, V ← V·Jᵀ.
 * An off-diagonal element is set to zero once |e[i]| ≤ ε·(|d[i]| + |d[i+1]|) (or below ε²·‖A‖_F), which
 * splits the problem; convergence is cubic near the end, about two steps per eigenvalue.
 *
 * <p>{@link #tridiagonal} runs the QR iteration alone on a given tridiagonal matrix (Lanczos's T in
 * {@code dev.tapegrad.curvature} uses it); {@link #decompose} runs it after the reduction.
 *
 * <p>Output conventions: eigenvalues ascending; each eigenvector normalised so that its largest-magnitude
 * component (the first one on ties) is positive. Only the lower triangle of A is read (it is mirrored), as
 * LAPACK's and PyTorch's {@code eigh} do by default. Deterministic: the same input gives the same bits.
 */
public final class SymmetricEigen {
    private SymmetricEigen() {}

    /** QR steps per eigenvalue after which the iteration is declared not to converge (far beyond need). */
    static final int MAX_STEPS_PER_VALUE = 60;

    /**
     * Decomposes the matrix at {@code a[aOff ..]}, writing λ (ascending) to {@code values[vOff ..]} and the
     * eigenvectors as the columns of the n×n row-major block {@code vectors[eOff ..]}.
     *
     * @throws ArithmeticException if the input has a non-finite element or the iteration does not converge
     */
    public static void decompose(double[] a, int aOff, int n, double[] values, int vOff, double[] vectors, int eOff) {
        double[] w = new double[n * n];
        double norm = 0.0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double x = a[aOff + i * n + j];
                if (!Double.isFinite(x)) throw new ArithmeticException("non-finite element " + x + " at (" + i + ", " + j + ")");
                w[i * n + j] = x;
                w[j * n + i] = x;
                norm = Math.hypot(norm, x);
            }
        }
        // z[k] is column k of V (an eigenvector once done), stored contiguously so rotations run along rows.
        double[][] z = new double[n][n];
        for (int k = 0; k < n; k++) z[k][k] = 1.0;
        tridiagonalise(w, n, z);
        double[] d = new double[n], e = new double[Math.max(n - 1, 0)];
        for (int i = 0; i < n; i++) d[i] = w[i * n + i];
        for (int i = 0; i + 1 < n; i++) e[i] = w[i * n + i + 1];
        diagonalise(d, e, z, 0x1p-104 * norm);
        sortAscending(d, z);
        for (int k = 0; k < n; k++) {
            values[vOff + k] = d[k];
            for (int i = 0; i < n; i++) vectors[eOff + i * n + k] = z[k][i];
        }
        Signs.normaliseColumns(vectors, eOff, n, n);
    }

    /**
     * Diagonalises the symmetric tridiagonal T with diagonal {@code d} (length m ≥ 1) and off-diagonal
     * {@code e} (length m − 1) in place by the QR iteration: T = Z·diag(λ)·Zᵀ. On return {@code d} holds λ
     * ascending and {@code z[k]} (a new array of length m) the unit eigenvector of λ_k, in the sign the
     * iteration left it; {@code e} is overwritten.
     *
     * @throws IllegalArgumentException if the lengths do not match or an entry is not finite
     * @throws ArithmeticException      if the iteration does not converge
     */
    public static double[][] tridiagonal(double[] d, double[] e) {
        int m = d.length;
        if (m == 0 || e.length != m - 1) {
            throw new IllegalArgumentException("tridiagonal eigenvalues: need m ≥ 1 diagonal and m − 1 off-diagonal entries, got "
                    + m + " and " + e.length);
        }
        double norm = 0.0;
        for (int i = 0; i < m; i++) norm = Math.hypot(norm, finite(d[i], i, i));
        for (int i = 0; i + 1 < m; i++) norm = Math.hypot(norm, Math.sqrt(2) * finite(e[i], i + 1, i));
        double[][] z = new double[m][m];
        for (int k = 0; k < m; k++) z[k][k] = 1.0;
        diagonalise(d, e, z, 0x1p-104 * norm);
        sortAscending(d, z);
        return z;
    }

    private static double finite(double x, int i, int j) {
        if (!Double.isFinite(x)) throw new IllegalArgumentException("non-finite element " + x + " at (" + i + ", " + j + ")");
        return x;
    }

    /** Sorts the eigenvalues d ascending (stably) and the eigenvectors z[k] alike. */
    private static void sortAscending(double[] d, double[][] z) {
        int n = d.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        java.util.Arrays.sort(order, (x, y) -> Double.compare(d[x], d[y])); // stable
        double[] values = d.clone();
        double[][] columns = z.clone();
        for (int k = 0; k < n; k++) {
            d[k] = values[order[k]];
            z[k] = columns[order[k]];
        }
    }

    /** Reduces the symmetric w (full, row-major) to tridiagonal form in place, accumulating Q into z. */
    private static void tridiagonalise(double[] w, int n, double[][] z) {
        for (int k = 0; k + 2 < n; k++) {
            int m = n - k - 1, base = k + 1;
            double[] v = new double[m];
            double xnorm = 0.0;
            for (int i = 0; i < m; i++) {
                v[i] = w[(base + i) * n + k];
                xnorm = Math.hypot(xnorm, v[i]);
            }
            if (xnorm == 0.0) continue;
            double alpha = v[0] >= 0 ? -xnorm : xnorm;
            v[0] -= alpha;
            double vv = 0.0;
            for (double x : v) vv += x * x;
            double beta = 2.0 / vv;
            double[] p = new double[m];
            for (int i = 0; i < m; i++) {
                double s = 0.0;
                int row = (base + i) * n + base;
                for (int j = 0; j < m; j++) s += w[row + j] * v[j];
                p[i] = beta * s;
            }
            double pv = 0.0;
            for (int i = 0; i < m; i++) pv += p[i] * v[i];
            double kk = 0.5 * beta * pv;
            for (int i = 0; i < m; i++) p[i] -= kk * v[i]; // p is now q
            for (int i = 0; i < m; i++) {
                int row = (base + i) * n + base;
                for (int j = 0; j < m; j++) w[row + j] -= v[i] * p[j] + p[i] * v[j];
            }
            for (int i = 0; i < m; i++) {
                w[(base + i) * n + k] = i == 0 ? alpha : 0.0;
                w[k * n + base + i] = i == 0 ? alpha : 0.0;
            }
            // Q ← Q·H: columns base.. of Q are z[base..]; t_r = β·Σ_j Q[r][base+j]·v_j, then Q[r][base+j] −= t_r·v_j.
            double[] t = new double[n];
            for (int j = 0; j < m; j++) {
                double[] col = z[base + j];
                double vj = v[j];
                for (int r = 0; r < n; r++) t[r] += col[r] * vj;
            }
            for (int j = 0; j < m; j++) {
                double[] col = z[base + j];
                double f = beta * v[j];
                for (int r = 0; r < n; r++) col[r] -= t[r] * f;
            }
        }
    }

    /** Implicit shifted QR on the tridiagonal (d, e), rotating the columns z[k] of V along. */
    private static void diagonalise(double[] d, double[] e, double[][] z, double floor) {
        int n = d.length;
        int steps = 0, maxSteps = MAX_STEPS_PER_VALUE * Math.max(n, 1);
        int hi = n - 1;
        while (hi > 0) {
            for (int i = 0; i < hi; i++) {
                if (Math.abs(e[i]) <= Math.max(floor, 0x1p-52 * (Math.abs(d[i]) + Math.abs(d[i + 1])))) e[i] = 0.0;
            }
            while (hi > 0 && e[hi - 1] == 0.0) hi--;
            if (hi == 0) break;
            int lo = hi - 1;
            while (lo > 0 && e[lo - 1] != 0.0) lo--;
            if (++steps > maxSteps) throw new ArithmeticException("the QR iteration did not converge");
            qrStep(d, e, z, lo, hi);
        }
    }

    /** One implicit QR step with the Wilkinson shift on the unreduced block lo..hi. */
    private static void qrStep(double[] d, double[] e, double[][] z, int lo, int hi) {
        double delta = 0.5 * (d[hi - 1] - d[hi]), b = e[hi - 1];
        double mu = d[hi] - b * b / (delta + (delta >= 0 ? 1.0 : -1.0) * Math.hypot(delta, b));
        double x = d[lo] - mu, y = e[lo], bulge = 0.0;
        for (int k = lo; k < hi; k++) {
            if (k > lo) {
                x = e[k - 1];
                y = bulge;
            }
            double r = Math.hypot(x, y);
            double c = r == 0.0 ? 1.0 : x / r, s = r == 0.0 ? 0.0 : y / r;
            if (k > lo) e[k - 1] = r;
            double dk = d[k], ek = e[k], dk1 = d[k + 1];
            d[k] = c * c * dk + 2 * c * s * ek + s * s * dk1;
            d[k + 1] = s * s * dk - 2 * c * s * ek + c * c * dk1;
            e[k] = c * s * (dk1 - dk) + (c * c - s * s) * ek;
            if (k + 1 < hi) {
                bulge = s * e[k + 1];
                e[k + 1] = c * e[k + 1];
            }
            double[] zk = z[k], zk1 = z[k + 1];
            for (int i = 0; i < zk.length; i++) {
                double p = zk[i], q = zk1[i];
                zk[i] = c * p + s * q;
                zk1[i] = -s * p + c * q;
            }
        }
    }
}
