package dev.tapegrad.curvature;

import dev.tapegrad.kernels.SymmetricEigen;

/**
 * The eigenvalues and eigenvectors of a small symmetric tridiagonal matrix T (diagonal α₀…α_{m−1}, off-diagonal
 * β₀…β_{m−2}): the last step of Lanczos, where T's eigenvalues are the Ritz values and the first components of
 * its eigenvectors the quadrature weights of stochastic Lanczos quadrature.
 *
 * <p>The work is done by the engine's one tridiagonal eigensolver, the implicit symmetric QR iteration with
 * Wilkinson shifts that {@code Linalg.eigh} also runs after its Householder reduction (Golub and Van Loan,
 * Matrix Computations, §8.3): each step picks the shift μ = the eigenvalue of the trailing 2×2 block closer to
 * the last diagonal entry, starts with the plane rotation that zeroes the second entry of the first column of
 * T − μI, and chases the resulting bulge down the band; T stays tridiagonal and similar to the original, an
 * off-diagonal entry is set to zero once it is negligible against its diagonal neighbours, and convergence is
 * cubic. This class adapts its input and output to Lanczos's arrays.
 */
public final class SymmetricTridiagonal {
    private SymmetricTridiagonal() {}

    /**
     * The eigen-decomposition T = Z·diag(λ)·Zᵀ. The arrays are copied in and out.
     *
     * @param values  the eigenvalues λ in ascending order
     * @param vectors column j of this m×m row-major matrix ({@code vectors[i][j]}) is the unit eigenvector of
     *                {@code values[j]}
     */
    public record Eigen(double[] values, double[][] vectors) {
        /** Copies the arrays. */
        public Eigen {
            values = values.clone();
            vectors = copy(vectors);
        }

        /** A copy of the eigenvalues. */
        @Override
        public double[] values() {
            return values.clone();
        }

        /** A copy of the eigenvector matrix. */
        @Override
        public double[][] vectors() {
            return copy(vectors);
        }

        private static double[][] copy(double[][] m) {
            double[][] c = new double[m.length][];
            for (int i = 0; i < m.length; i++) c[i] = m[i].clone();
            return c;
        }
    }

    /**
     * The eigenvalues and eigenvectors of the tridiagonal matrix with diagonal {@code alpha} (length m ≥ 1) and
     * off-diagonal {@code beta} (length m − 1); the arrays are not changed.
     *
     * @throws IllegalArgumentException for mismatched lengths or non-finite entries
     * @throws ArithmeticException      if the iteration does not converge (which does not happen for finite
     *                                  input in practice)
     */
    public static Eigen eigen(double[] alpha, double[] beta) {
        double[] values = alpha.clone();
        double[][] columns;
        try {
            columns = SymmetricEigen.tridiagonal(values, beta.clone());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("SymmetricTridiagonal.eigen: " + e.getMessage(), e);
        } catch (ArithmeticException e) {
            throw new ArithmeticException("SymmetricTridiagonal.eigen: " + e.getMessage());
        }
        int m = values.length;
        double[][] vectors = new double[m][m]; // vectors[i][j] = component i of eigenvector j
        for (int j = 0; j < m; j++) for (int i = 0; i < m; i++) vectors[i][j] = columns[j][i];
        return new Eigen(values, vectors);
    }
}
