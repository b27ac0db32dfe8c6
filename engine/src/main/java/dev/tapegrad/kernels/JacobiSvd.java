package dev.tapegrad.kernels;

/**
 * Reduced singular value decomposition A = U·diag(s)·Vᵀ of an m×n matrix (k = min(m, n); U m×k and V n×k with
 * orthonormal columns, s ≥ 0 descending) by one-sided (Hestenes) Jacobi.
 *
 * <p>For m ≥ n the columns w_p of W = A are made mutually orthogonal by plane rotations W ← W·J(p, q, θ),
 * accumulated in V ← V·J: with α = ‖w_p‖², β = ‖w_q‖², γ = w_p·w_q the rotation with ζ = (β − α)/(2γ),
 * t = sign(ζ)/(|ζ| + √(1 + ζ²)), c = 1/√(1 + t²), s = c·t makes w_p ⟂ w_q. Sweeps over the pairs p &lt; q stop
 * when every |γ| ≤ ε·√(αβ). Then W = U·diag(s) with s_j = ‖w_j‖ and u_j = w_j / s_j. A column with s_j = 0
 * (rank deficiency) gets instead the first unit vector e_i that is not in the span of the other columns,
 * orthogonalised against them (Gram–Schmidt, twice), so that U always has orthonormal columns. For m &lt; n
 * the decomposition of Aᵀ is computed and its factors swapped.
 *
 * <p>Output conventions: s descending (ties keep the sweep order); each column of U normalised so that its
 * largest-magnitude component (the first one on ties) is positive, with the matching column of V flipped
 * too. Deterministic: the same input gives the same bits.
 */
public final class JacobiSvd {
    private JacobiSvd() {}

    static final int MAX_SWEEPS = 100;

    /**
     * Decomposes the m×n row-major matrix at {@code a[aOff ..]}, writing U (m×k) to {@code u[uOff ..]}, s (k)
     * to {@code s[sOff ..]} and Vᵀ (k×n) to {@code vt[vOff ..]}.
     *
     * @throws ArithmeticException if the input has a non-finite element or the sweeps do not converge
     */
    public static void decompose(double[] a, int aOff, int m, int n, double[] u, int uOff, double[] s, int sOff,
                                 double[] vt, int vOff) {
        for (int i = 0; i < m * n; i++) {
            if (!Double.isFinite(a[aOff + i])) {
                throw new ArithmeticException("non-finite element " + a[aOff + i] + " at (" + i / n + ", " + i % n + ")");
            }
        }
        boolean wide = m < n;
        int rows = wide ? n : m, cols = wide ? m : n; // the tall matrix B = A or Aᵀ, rows ≥ cols
        // columns of B, each stored contiguously: w[j][i] = B[i][j]
        double[][] w = new double[cols][rows];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                if (wide) w[i][j] = a[aOff + i * n + j];
                else w[j][i] = a[aOff + i * n + j];
            }
        }
        double[][] v = new double[cols][cols]; // columns of V (of B), stored contiguously
        for (int j = 0; j < cols; j++) v[j][j] = 1.0;
        orthogonalise(w, v);
        double[] norms = new double[cols];
        for (int j = 0; j < cols; j++) norms[j] = norm(w[j]);
        Integer[] order = new Integer[cols];
        for (int j = 0; j < cols; j++) order[j] = j;
        java.util.Arrays.sort(order, (x, y) -> Double.compare(norms[y], norms[x])); // descending, stable
        double[][] left = new double[cols][], right = new double[cols][];
        for (int k = 0; k < cols; k++) {
            int src = order[k];
            s[sOff + k] = norms[src];
            left[k] = w[src];
            right[k] = v[src];
            if (norms[src] > 0) for (int i = 0; i < rows; i++) left[k][i] /= norms[src];
        }
        completeBasis(left, norms, order);
        // B = L·diag(s)·Rᵀ; for A = B this is U = L, V = R, and for A = Bᵀ it is U = R, V = L.
        double[][] uCols = wide ? right : left, vCols = wide ? left : right;
        int k = cols;
        for (int j = 0; j < k; j++) {
            for (int i = 0; i < m; i++) u[uOff + i * k + j] = uCols[j][i];
            for (int i = 0; i < n; i++) vt[vOff + j * n + i] = vCols[j][i];
        }
        boolean[] flipped = Signs.normaliseColumns(u, uOff, m, k); // v_j (row j of Vᵀ) is flipped with u_j
        for (int j = 0; j < k; j++) {
            if (flipped[j]) for (int i = 0; i < n; i++) vt[vOff + j * n + i] = -vt[vOff + j * n + i];
        }
    }

    /** Rotates pairs of columns of w (and v) until they are orthogonal to working precision. */
    private static void orthogonalise(double[][] w, double[][] v) {
        int cols = w.length;
        boolean converged = cols < 2;
        for (int sweep = 0; sweep < MAX_SWEEPS && !converged; sweep++) {
            converged = true;
            for (int p = 0; p < cols - 1; p++) {
                for (int q = p + 1; q < cols; q++) {
                    double alpha = dot(w[p], w[p]), beta = dot(w[q], w[q]), gamma = dot(w[p], w[q]);
                    if (gamma == 0.0 || Math.abs(gamma) <= 0x1p-52 * Math.sqrt(alpha) * Math.sqrt(beta)) continue;
                    converged = false;
                    double zeta = (beta - alpha) / (2.0 * gamma);
                    double t = (zeta >= 0 ? 1.0 : -1.0) / (Math.abs(zeta) + Math.sqrt(1.0 + zeta * zeta));
                    if (Double.isInfinite(zeta)) t = 0.5 / zeta;
                    double c = 1.0 / Math.sqrt(1.0 + t * t), s = c * t;
                    rotate(w[p], w[q], c, s);
                    rotate(v[p], v[q], c, s);
                }
            }
        }
        if (!converged) throw new ArithmeticException("one-sided Jacobi did not converge in " + MAX_SWEEPS + " sweeps");
    }

    /** (x, y) ← (c·x − s·y, s·x + c·y). */
    private static void rotate(double[] x, double[] y, double c, double s) {
        for (int i = 0; i < x.length; i++) {
            double xi = x[i], yi = y[i];
            x[i] = c * xi - s * yi;
            y[i] = s * xi + c * yi;
        }
    }

    /**
     * Replaces each column of {@code left} whose singular value is zero by a unit vector orthogonal to all
     * the other columns: the first e_i that keeps a component of norm ≥ 1/2 after two Gram–Schmidt passes.
     */
    private static void completeBasis(double[][] left, double[] norms, Integer[] order) {
        int rows = left.length == 0 ? 0 : left[0].length;
        for (int k = 0; k < left.length; k++) {
            if (norms[order[k]] > 0) continue;
            for (int e = 0; e < rows; e++) {
                double[] x = new double[rows];
                x[e] = 1.0;
                for (int pass = 0; pass < 2; pass++) {
                    for (int j = 0; j < left.length; j++) {
                        if (j == k || (norms[order[j]] == 0 && j > k)) continue; // later zero columns are not set yet
                        double d = dot(x, left[j]);
                        for (int i = 0; i < rows; i++) x[i] -= d * left[j][i];
                    }
                }
                double nx = norm(x);
                if (nx >= 0.5) {
                    for (int i = 0; i < rows; i++) x[i] /= nx;
                    left[k] = x;
                    break;
                }
            }
        }
    }

    private static double dot(double[] x, double[] y) {
        double s = 0.0;
        for (int i = 0; i < x.length; i++) s += x[i] * y[i];
        return s;
    }

    private static double norm(double[] x) {
        return Math.sqrt(dot(x, x));
    }
}
