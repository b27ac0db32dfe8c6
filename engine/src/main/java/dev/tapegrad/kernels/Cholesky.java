package dev.tapegrad.kernels;

/**
 * Cholesky factorisation A = L·Lᵀ of a symmetric positive-definite matrix (L lower triangular with a positive
 * diagonal), by the column-by-column (Cholesky–Crout) recurrence
 * <pre>
 *   L[j][j] = √(A[j][j] − Σ_{k&lt;j} L[j][k]²)
 *   L[i][j] = (A[i][j] − Σ_{k&lt;j} L[i][k]·L[j][k]) / L[j][j]      for i &gt; j
 * </pre>
 * Only the lower triangle of A is read. Matrices are row-major n×n blocks of a double array; sums run in
 * index order, so the result is the same bits on every run.
 */
public final class Cholesky {
    private Cholesky() {}

    /**
     * Writes L (zeros above the diagonal) into {@code l[lOff ..]} from A at {@code a[aOff ..]}.
     *
     * @return −1 on success, otherwise the index j of the first column whose pivot A[j][j] − Σ L[j][k]² is
     *         not positive (or not a number): A is not positive definite
     */
    public static int factor(double[] a, int aOff, double[] l, int lOff, int n) {
        for (int i = 0; i < n * n; i++) l[lOff + i] = 0.0;
        for (int j = 0; j < n; j++) {
            int rowJ = lOff + j * n;
            double pivot = a[aOff + j * n + j];
            for (int k = 0; k < j; k++) pivot -= l[rowJ + k] * l[rowJ + k];
            if (!(pivot > 0.0)) return j;
            double diag = Math.sqrt(pivot);
            l[rowJ + j] = diag;
            for (int i = j + 1; i < n; i++) {
                int rowI = lOff + i * n;
                double s = a[aOff + i * n + j];
                for (int k = 0; k < j; k++) s -= l[rowI + k] * l[rowJ + k];
                l[rowI + j] = s / diag;
            }
        }
        return -1;
    }
}
