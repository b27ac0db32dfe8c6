package dev.tapegrad.curvature;

/**
 * The eigenvalues and eigenvectors of a small symmetric tridiagonal matrix T (diagonal α₀…α_{m−1}, off-diagonal
 * β₀…β_{m−2}), by the implicit symmetric QR algorithm with Wilkinson shifts (Golub and Van Loan, Matrix
 * Computations, §8.3). This is the last step of Lanczos: T's eigenvalues are the Ritz values, and the first
 * components of its eigenvectors are the quadrature weights of stochastic Lanczos quadrature.
 *
 * <p>One QR step on an unreduced block [l, h] picks the shift μ = the eigenvalue of the trailing 2×2 block
 * closer to α_h, starts with the Givens rotation that zeroes the second entry of the first column of T − μI, and
 * chases the resulting bulge down the band with further rotations; T stays tridiagonal and similar to the
 * original. An off-diagonal β_k is set to zero (deflation) once |β_k| ≤ ε(|α_k| + |α_{k+1}|). Convergence is
 * cubic for symmetric matrices; the product of the rotations is accumulated into the eigenvector matrix.
 */
public final class SymmetricTridiagonal {
    private SymmetricTridiagonal() {}

    /**
     * The eigen-decomposition T = Z·diag(λ)·Zᵀ.
     *
     * @param values  the eigenvalues λ in ascending order
     * @param vectors column j of this m×m row-major matrix ({@code vectors[i][j]}) is the unit eigenvector of
     *                {@code values[j]}
     */
    public record Eigen(double[] values, double[][] vectors) {
        /** The first component of every eigenvector: Z[0][j]. */
        public double[] firstComponents() {
            double[] f = new double[values.length];
            for (int j = 0; j < f.length; j++) f[j] = vectors[0][j];
            return f;
        }
    }

    /**
     * The eigenvalues and eigenvectors of the tridiagonal matrix with diagonal {@code alpha} (length m ≥ 1) and
     * off-diagonal {@code beta} (length m − 1); the arrays are not changed. Throws for non-finite entries, and if
     * the iteration does not converge in 30·m QR steps (which does not happen for finite input in practice).
     */
    public static Eigen eigen(double[] alpha, double[] beta) {
        int m = alpha.length;
        if (m == 0 || beta.length != m - 1) {
            throw new IllegalArgumentException("SymmetricTridiagonal.eigen: need m ≥ 1 diagonal and m − 1 off-diagonal entries, got "
                    + m + " and " + beta.length);
        }
        for (double x : alpha) requireFinite(x);
        for (double x : beta) requireFinite(x);
        double[] a = alpha.clone();
        double[] b = beta.clone();
        double[][] z = new double[m][m];
        for (int i = 0; i < m; i++) z[i][i] = 1;

        int steps = 0;
        int h = m - 1;
        while (h > 0) {
            if (negligible(b[h - 1], a[h - 1], a[h])) { // the last eigenvalue of the block has converged
                b[h - 1] = 0;
                h--;
                continue;
            }
            int l = h - 1; // the unreduced block is [l, h]
            while (l > 0 && !negligible(b[l - 1], a[l - 1], a[l])) l--;
            if (l > 0) b[l - 1] = 0;
            if (++steps > 30 * m) {
                throw new ArithmeticException("SymmetricTridiagonal.eigen: no convergence after " + (30 * m) + " QR steps");
            }
            qrStep(a, b, z, l, h);
        }
        return sorted(a, z);
    }

    /** |β| small against its neighbours on the diagonal (or exactly zero). */
    private static boolean negligible(double beta, double left, double right) {
        return Math.abs(beta) <= 0x1p-52 * (Math.abs(left) + Math.abs(right)) || beta == 0
                || Math.abs(beta) < Double.MIN_NORMAL;
    }

    /** One implicit QR step with Wilkinson shift on the unreduced block [l, h]; rotations accumulated into z. */
    private static void qrStep(double[] a, double[] b, double[][] z, int l, int h) {
        // Wilkinson shift: the eigenvalue of [[a_{h-1}, b_{h-1}], [b_{h-1}, a_h]] nearer to a_h.
        double d = (a[h - 1] - a[h]) / 2;
        double bh = b[h - 1];
        double mu = a[h] - bh * bh / (d + Math.copySign(Math.hypot(d, bh), d == 0 ? 1 : d));
        double x = a[l] - mu, y = b[l]; // the first column of T − μI below the diagonal: (x, y)
        for (int k = l; k < h; k++) {
            // Rotation J on coordinates (k, k+1), J = [[c, s], [−s, c]], chosen so that Jᵀ(x, y) = (r, 0).
            double r = Math.hypot(x, y);
            double c = r == 0 ? 1 : x / r, s = r == 0 ? 0 : -y / r;
            if (k > l) b[k - 1] = r; // the entry (k−1, k) absorbs the bulge (k−1, k+1), which becomes zero
            // T ← Jᵀ T J on the 2×2 block (k, k+1)
            double ak = a[k], ak1 = a[k + 1], bk = b[k];
            a[k] = c * c * ak - 2 * c * s * bk + s * s * ak1;
            a[k + 1] = s * s * ak + 2 * c * s * bk + c * c * ak1;
            b[k] = c * s * (ak - ak1) + (c * c - s * s) * bk;
            if (k + 1 < h) { // the rotation creates a bulge at (k, k+2) from the entry (k+1, k+2)
                x = b[k];
                y = -s * b[k + 1];
                b[k + 1] = c * b[k + 1];
            }
            // Z ← Z J: columns k and k+1
            for (double[] row : z) {
                double zk = row[k], zk1 = row[k + 1];
                row[k] = c * zk - s * zk1;
                row[k + 1] = s * zk + c * zk1;
            }
        }
    }

    /** Eigenvalues ascending, with their eigenvectors' columns permuted alike (a stable selection sort: m is small). */
    private static Eigen sorted(double[] a, double[][] z) {
        int m = a.length;
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) order[i] = i;
        java.util.Arrays.sort(order, (p, q) -> Double.compare(a[p], a[q]));
        double[] values = new double[m];
        double[][] vectors = new double[m][m];
        for (int j = 0; j < m; j++) {
            values[j] = a[order[j]];
            for (int i = 0; i < m; i++) vectors[i][j] = z[i][order[j]];
        }
        return new Eigen(values, vectors);
    }

    private static void requireFinite(double x) {
        if (!Double.isFinite(x)) throw new IllegalArgumentException("SymmetricTridiagonal.eigen: non-finite entry " + x);
    }
}
