package dev.tapegrad.kernels;

/**
 * Solves T·X = B for X, with T an n×n triangular matrix and B an n×k matrix (both row-major), by forward
 * substitution (T lower) or back substitution (T upper):
 * <pre>
 *   lower:  X[i] = (B[i] − Σ_{j&lt;i} T[i][j]·X[j]) / T[i][i],  i = 0 … n−1
 *   upper:  X[i] = (B[i] − Σ_{j&gt;i} T[i][j]·X[j]) / T[i][i],  i = n−1 … 0
 * </pre>
 * (X[i] and B[i] are rows). Only the triangle named by {@code upper} is read; with {@code unitDiagonal} the
 * diagonal is taken to be ones and not read either.
 */
public final class TriangularSolve {
    private TriangularSolve() {}

    /**
     * Writes X into {@code x[xOff ..]} (n×k); {@code b} and {@code x} may be the same block.
     *
     * @return −1 on success, otherwise the index i of a zero diagonal element T[i][i] (T is singular)
     */
    public static int solve(double[] t, int tOff, double[] b, int bOff, double[] x, int xOff, int n, int k,
                            boolean upper, boolean unitDiagonal) {
        if (!unitDiagonal) {
            for (int i = 0; i < n; i++) if (t[tOff + i * n + i] == 0.0) return i;
        }
        if (b != x || bOff != xOff) System.arraycopy(b, bOff, x, xOff, n * k);
        for (int step = 0; step < n; step++) {
            int i = upper ? n - 1 - step : step;
            int rowI = xOff + i * k;
            int from = upper ? i + 1 : 0, to = upper ? n : i;
            for (int j = from; j < to; j++) {
                double tij = t[tOff + i * n + j];
                int rowJ = xOff + j * k;
                for (int c = 0; c < k; c++) x[rowI + c] -= tij * x[rowJ + c];
            }
            if (!unitDiagonal) {
                double d = t[tOff + i * n + i];
                for (int c = 0; c < k; c++) x[rowI + c] /= d;
            }
        }
        return -1;
    }
}
