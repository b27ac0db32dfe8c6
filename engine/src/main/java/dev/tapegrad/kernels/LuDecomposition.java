package dev.tapegrad.kernels;

/**
 * LU factorisation with partial pivoting, P·A = L·U (L unit lower triangular, U upper triangular, P a row
 * permutation), and what it gives: solutions of A·X = B, the determinant and the inverse.
 *
 * <p>Gaussian elimination by columns: at step j the row at or below j with the largest |A[i][j]| (the first
 * such row on ties) is swapped into place, then its multiples are subtracted from the rows below. L and U are
 * stored together in one n×n row-major block (L's unit diagonal is implicit). Every loop runs in index order,
 * so results are the same bits on every run.
 */
public final class LuDecomposition {
    /** The combined factors: U on and above the diagonal, L's multipliers below it. */
    private final double[] lu;
    /** {@code pivot[i]}: the original row that ended up as row i. */
    private final int[] pivot;
    private final int n;
    /** +1 or −1: the sign of the permutation P. */
    private final int permutationSign;
    /** The first column whose pivot was exactly zero, or −1 when A is not (exactly) singular. */
    private final int zeroPivot;

    private LuDecomposition(double[] lu, int[] pivot, int n, int permutationSign, int zeroPivot) {
        this.lu = lu;
        this.pivot = pivot;
        this.n = n;
        this.permutationSign = permutationSign;
        this.zeroPivot = zeroPivot;
    }

    /** Factors the n×n row-major matrix at {@code a[off ..]} (which is not modified). */
    public static LuDecomposition factor(double[] a, int off, int n) {
        double[] lu = new double[n * n];
        System.arraycopy(a, off, lu, 0, n * n);
        int[] pivot = new int[n];
        for (int i = 0; i < n; i++) pivot[i] = i;
        int sign = 1, zero = -1;
        for (int j = 0; j < n; j++) {
            int best = j;
            for (int i = j + 1; i < n; i++) {
                if (Math.abs(lu[i * n + j]) > Math.abs(lu[best * n + j])) best = i;
            }
            if (best != j) {
                for (int c = 0; c < n; c++) {
                    double t = lu[j * n + c];
                    lu[j * n + c] = lu[best * n + c];
                    lu[best * n + c] = t;
                }
                int t = pivot[j];
                pivot[j] = pivot[best];
                pivot[best] = t;
                sign = -sign;
            }
            double p = lu[j * n + j];
            if (p == 0.0) {
                if (zero < 0) zero = j;
                continue; // the column is already zero below the diagonal: nothing to eliminate
            }
            for (int i = j + 1; i < n; i++) {
                double m = lu[i * n + j] / p;
                lu[i * n + j] = m;
                for (int c = j + 1; c < n; c++) lu[i * n + c] -= m * lu[j * n + c];
            }
        }
        return new LuDecomposition(lu, pivot, n, sign, zero);
    }

    /** Whether a pivot was exactly zero (A is singular; {@link #solve} and {@link #inverse} are then undefined). */
    public boolean isSingular() {
        return zeroPivot >= 0;
    }

    /** The first column with a zero pivot, or −1. */
    public int zeroPivot() {
        return zeroPivot;
    }

    /** det A = sign(P)·Π U[i][i] (0 when A is singular). */
    public double determinant() {
        double d = permutationSign;
        for (int i = 0; i < n; i++) d *= lu[i * n + i];
        return d;
    }

    /** The sign of det A: +1, −1, or 0 when singular. */
    public double determinantSign() {
        if (isSingular()) return 0.0;
        double s = permutationSign;
        for (int i = 0; i < n; i++) if (lu[i * n + i] < 0) s = -s;
        return s;
    }

    /** log |det A| = Σ log |U[i][i]| (−∞ when singular); free of the overflow of the product. */
    public double logAbsDeterminant() {
        double s = 0.0;
        for (int i = 0; i < n; i++) s += Math.log(Math.abs(lu[i * n + i]));
        return s;
    }

    /**
     * Writes X = A⁻¹·B (n×k, row-major) into {@code x[xOff ..]}: X = U⁻¹·L⁻¹·P·B by two substitutions.
     * Requires {@code !isSingular()}; {@code b} and {@code x} must not overlap.
     */
    public void solve(double[] b, int bOff, double[] x, int xOff, int k) {
        if (isSingular()) throw new IllegalStateException("LU solve of a singular matrix");
        for (int i = 0; i < n; i++) System.arraycopy(b, bOff + pivot[i] * k, x, xOff + i * k, k);
        TriangularSolve.solve(lu, 0, x, xOff, x, xOff, n, k, false, true);
        TriangularSolve.solve(lu, 0, x, xOff, x, xOff, n, k, true, false);
    }

    /** Writes A⁻¹ (n×n, row-major) into {@code out[off ..]}: the solution of A·X = I. */
    public void inverse(double[] out, int off) {
        double[] identity = new double[n * n];
        for (int i = 0; i < n; i++) identity[i * n + i] = 1.0;
        solve(identity, 0, out, off, n);
    }
}
