package dev.tapegrad.kernels;

/**
 * Eigendecomposition A = V·diag(λ)·Vᵀ of a real symmetric n×n matrix by the cyclic Jacobi method.
 *
 * <p>Each Jacobi rotation J(p, q, θ) zeroes one off-diagonal pair: with τ = (A[q][q] − A[p][p]) / (2·A[p][q]),
 * t = tan θ = sign(τ)/(|τ| + √(τ² + 1)) (the smaller of the two roots, |θ| ≤ π/4), c = 1/√(t² + 1) and
 * s = t·c, the update A ← JᵀAJ sets A[p][q] to zero, moves A[p][p] by −t·A[p][q] and A[q][q] by +t·A[p][q],
 * and rotates rows/columns p and q of the rest; V ← V·J accumulates the eigenvectors. Sweeps visit the
 * pairs (p &lt; q) in row order and stop when a whole sweep finds every |A[p][q]| ≤ ε·√|A[p][p]·A[q][q]|
 * (ε the double epsilon; or ≤ ε²·‖A‖_F, which bounds the number of sweeps), the test that gives
 * Jacobi its high relative accuracy. Convergence is quadratic;
 * a handful of sweeps suffice in practice. Cost about 4·n³ flops per sweep with vectors.
 *
 * <p>Output conventions: eigenvalues ascending (ties keep the order the sweeps left them in); each
 * eigenvector normalised so that its largest-magnitude component (the first one on ties) is positive.
 * Only the lower triangle of A is read (it is mirrored), as LAPACK's and PyTorch's {@code eigh} do by
 * default. Deterministic: the same input gives the same bits.
 */
public final class SymmetricEigen {
    private SymmetricEigen() {}

    /** Sweeps after which the iteration is declared not to converge (far beyond what it ever needs). */
    static final int MAX_SWEEPS = 100;

    /**
     * Decomposes the matrix at {@code a[aOff ..]}, writing λ (ascending) to {@code values[vOff ..]} and the
     * eigenvectors as the columns of the n×n row-major block {@code vectors[eOff ..]}.
     *
     * @throws ArithmeticException if the input has a non-finite element or the sweeps do not converge
     */
    public static void decompose(double[] a, int aOff, int n, double[] values, int vOff, double[] vectors, int eOff) {
        double[] w = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double x = a[aOff + i * n + j];
                if (!Double.isFinite(x)) throw new ArithmeticException("non-finite element " + x + " at (" + i + ", " + j + ")");
                w[i * n + j] = x;
                w[j * n + i] = x;
            }
        }
        double[] v = new double[n * n];
        for (int i = 0; i < n; i++) v[i * n + i] = 1.0;
        double norm = 0.0;
        for (double x : w) norm = Math.hypot(norm, x);
        double floor = 0x1p-104 * norm; // ε²·‖A‖_F: entries this small change no eigenvalue by more than that
        boolean converged = n < 2;
        for (int sweep = 0; sweep < MAX_SWEEPS && !converged; sweep++) {
            converged = true;
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    double apq = w[p * n + q];
                    if (apq == 0.0) continue;
                    double app = w[p * n + p], aqq = w[q * n + q];
                    if (Math.abs(apq) <= Math.max(floor, 0x1p-52 * Math.sqrt(Math.abs(app)) * Math.sqrt(Math.abs(aqq)))) {
                        continue;
                    }
                    converged = false;
                    rotate(w, v, n, p, q);
                }
            }
        }
        if (!converged) throw new ArithmeticException("Jacobi sweeps did not converge in " + MAX_SWEEPS + " sweeps");
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        java.util.Arrays.sort(order, (x, y) -> Double.compare(w[x * n + x], w[y * n + y])); // stable
        for (int k = 0; k < n; k++) {
            int src = order[k];
            values[vOff + k] = w[src * n + src];
            for (int i = 0; i < n; i++) vectors[eOff + i * n + k] = v[i * n + src];
        }
        Signs.normaliseColumns(vectors, eOff, n, n);
    }

    /** One Jacobi rotation zeroing w[p][q] (= w[q][p]), accumulated into v. */
    private static void rotate(double[] w, double[] v, int n, int p, int q) {
        double apq = w[p * n + q], app = w[p * n + p], aqq = w[q * n + q];
        double tau = (aqq - app) / (2.0 * apq);
        double t = (tau >= 0 ? 1.0 : -1.0) / (Math.abs(tau) + Math.sqrt(tau * tau + 1.0));
        if (Double.isInfinite(tau)) t = 0.5 / tau; // |τ| overflowed its square: t ≈ 1/(2τ)
        double c = 1.0 / Math.sqrt(t * t + 1.0), s = t * c;
        for (int k = 0; k < n; k++) {
            if (k == p || k == q) continue;
            double akp = w[k * n + p], akq = w[k * n + q];
            double np = c * akp - s * akq, nq = s * akp + c * akq;
            w[k * n + p] = np;
            w[p * n + k] = np;
            w[k * n + q] = nq;
            w[q * n + k] = nq;
        }
        w[p * n + p] = app - t * apq;
        w[q * n + q] = aqq + t * apq;
        w[p * n + q] = 0.0;
        w[q * n + p] = 0.0;
        for (int k = 0; k < n; k++) {
            double vkp = v[k * n + p], vkq = v[k * n + q];
            v[k * n + p] = c * vkp - s * vkq;
            v[k * n + q] = s * vkp + c * vkq;
        }
    }
}
