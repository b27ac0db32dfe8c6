package dev.tapegrad;

import java.util.Arrays;

/**
 * Differentiable dense linear algebra, named after PyTorch's {@code torch.linalg} where the names fit.
 *
 * <p>Every function works on a matrix [m, n] or a batch of matrices [..., m, n] (the leading axes are batch
 * axes), in float32 or float64, and is differentiable in reverse mode (to any order: the rules are written
 * with differentiable ops) and in forward mode. The kernels are plain Java, one matrix at a time, in double
 * precision: float32 inputs are widened, factorised in double and the results rounded to float32 once. Results
 * are the same bits on every run.
 *
 * <p>Conventions. {@link #cholesky} and {@link #eigh} read only the lower triangle of A, as LAPACK and
 * PyTorch do, and return symmetric gradients (derivatives with respect to a symmetric matrix). Eigenvalues
 * are ascending and singular values descending; eigenvectors and left singular vectors are normalised so that
 * the largest-magnitude component of each is positive (the right singular vectors follow their left
 * partners), and R of {@link #qr} has a non-negative diagonal. PyTorch leaves these signs to LAPACK: compare
 * after normalising them the same way.
 *
 * <p>Derivatives away from degenerate inputs. The gradients of solve, inverse, det and logdet need A to be
 * invertible (solve and inverse refuse a singular A already; the derivatives of det, logdet and slogdet at a
 * singular A fail with an error naming the op, where PyTorch returns the adjugate for det); those of
 * qr need A of full column rank; those of eigenvectors need distinct eigenvalues and those of singular
 * vectors distinct (and, for non-square A, nonzero) singular values: at repeated values the vectors are not
 * differentiable and their gradients come out inf/NaN, while the gradients of the eigenvalues and singular
 * values stay finite.
 */
public final class Linalg {
    private Linalg() {}

    /** Q and R of a reduced QR factorisation A = Q·R. */
    public record QR(Tensor q, Tensor r) {}

    /** The eigenvalues (ascending, [..., n]) and eigenvectors (columns of [..., n, n]) of a symmetric matrix. */
    public record Eigh(Tensor values, Tensor vectors) {}

    /** A reduced singular value decomposition A = U·diag(s)·Vh. */
    public record Svd(Tensor u, Tensor s, Tensor vh) {}

    /** The sign of det A (+1, −1 or 0; not differentiable) and log |det A|. */
    public record SlogDet(Tensor sign, Tensor logAbsDet) {}

    /** Which triangle of a triangular matrix a solve reads. */
    public enum Triangle { LOWER, UPPER }

    /**
     * How {@link #triangularSolve(Tensor, Tensor, TriangularSolveOptions)} solves: which triangle of A it
     * reads, whether A is on the left (A·X = B) or the right (X·A = B), and whether A's diagonal is taken
     * to be all ones (and not read). Start from {@link #of(Triangle)} and change the rest with the
     * {@code withX} copies: {@code TriangularSolveOptions.of(Triangle.UPPER).withLeft(false).withUnitDiagonal(true)}.
     *
     * @param triangle     the triangle of A that is read
     * @param left         A·X = B when true, X·A = B when false
     * @param unitDiagonal whether A's diagonal is taken as ones
     */
    public record TriangularSolveOptions(Triangle triangle, boolean left, boolean unitDiagonal) {
        /** Requires the triangle. */
        public TriangularSolveOptions {
            if (triangle == null) throw new IllegalArgumentException("triangularSolve: the triangle is required");
        }

        /** A solve reading the given triangle, with A on the left (A·X = B) and its diagonal read. */
        public static TriangularSolveOptions of(Triangle triangle) {
            return new TriangularSolveOptions(triangle, true, false);
        }

        /** These settings with A on the left (A·X = B, {@code true}) or on the right (X·A = B, {@code false}). */
        public TriangularSolveOptions withLeft(boolean onLeft) {
            return new TriangularSolveOptions(triangle, onLeft, unitDiagonal);
        }

        /** These settings with A's diagonal taken as all ones and not read ({@code true}), or read ({@code false}). */
        public TriangularSolveOptions withUnitDiagonal(boolean unit) {
            return new TriangularSolveOptions(triangle, left, unit);
        }
    }

    // ---------------------------------------------------------------- solves

    /**
     * X = A⁻¹·B, the solution of A·X = B (LU with partial pivoting), like {@code torch.linalg.solve}.
     *
     * <p>A is [..., n, n]; B is a matrix [..., n, k] or a vector: B of rank 1 ([n]), or B of shape
     * A.shape[:-1] ([..., n]). The batch axes of A and B broadcast. Derivatives: B̄ = A⁻ᵀ·X̄, Ā = −B̄·Xᵀ;
     * Ẋ = A⁻¹·(Ḃ − Ȧ·X).
     *
     * @throws IllegalArgumentException if A is not square or has a non-finite element, the sizes do not match, or a matrix
     *                                  is singular
     *                                  (an exactly zero pivot; the message gives its batch index)
     */
    public static Tensor solve(Tensor a, Tensor b) {
        MatrixBatch.requireSquare("solve", a);
        Checks.requireFloating("solve", b);
        Checks.requireSameDType("solve", a, b);
        int n = MatrixBatch.cols(a);
        boolean vector = b.dim() == 1 || (b.dim() == a.dim() - 1 && Arrays.equals(b.shape, Arrays.copyOf(a.shape, a.dim() - 1)));
        Tensor bm = vector ? b.unsqueeze(-1) : b;
        if (bm.dim() < 2 || MatrixBatch.rows(bm) != n) {
            throw new IllegalArgumentException("solve: B must be [..., " + n + ", k] or a vector [" + n + "] (or [..., " + n
                    + "]) for A of shape " + Shapes.str(a.shape) + ", got shape " + Shapes.str(b.shape));
        }
        Tensor[] ab = broadcastBatch("solve", a, bm);
        Tensor x = MatrixSolveOps.solve(ab[0], ab[1]);
        return vector ? x.squeeze(-1) : x;
    }

    /**
     * X = A⁻¹·B for a triangular A, reading only the named triangle of A, like
     * {@code torch.linalg.solve_triangular(A, B, upper=...)}; see
     * {@link #triangularSolve(Tensor, Tensor, TriangularSolveOptions)} for the other settings.
     */
    public static Tensor triangularSolve(Tensor a, Tensor b, Triangle triangle) {
        return triangularSolve(a, b, TriangularSolveOptions.of(triangle));
    }

    /**
     * Solves A·X = B (or X·A = B with {@link TriangularSolveOptions#withLeft(boolean) withLeft(false)}) for a
     * triangular A [..., n, n] by substitution, reading only the named triangle (and not the diagonal with
     * {@link TriangularSolveOptions#withUnitDiagonal(boolean) withUnitDiagonal(true)}). B is [..., n, k] (left) or [..., k, n] (right);
     * batch axes broadcast. Derivatives (left): B̄ = A⁻ᵀ·X̄, Ā = −tri(B̄·Xᵀ) (only the triangle read gets a
     * gradient); Ẋ = A⁻¹·(Ḃ − tri(Ȧ)·X). The right-side solve is the left one transposed: X = (Aᵀ⁻¹·Bᵀ)ᵀ.
     *
     * @throws IllegalArgumentException if A is not square or has a non-finite element (in either triangle), the sizes do
     *                                  not match, or a diagonal element
     *                                  of A is zero
     */
    public static Tensor triangularSolve(Tensor a, Tensor b, TriangularSolveOptions options) {
        MatrixBatch.requireSquare("triangularSolve", a);
        MatrixBatch.requireMatrix("triangularSolve", b);
        Checks.requireSameDType("triangularSolve", a, b);
        int n = MatrixBatch.cols(a);
        int shared = options.left() ? MatrixBatch.rows(b) : MatrixBatch.cols(b);
        if (shared != n) {
            throw new IllegalArgumentException("triangularSolve: B must be " + (options.left() ? "[..., " + n + ", k]"
                    : "[..., k, " + n + "]") + " for A of shape " + Shapes.str(a.shape) + " on the "
                    + (options.left() ? "left" : "right") + ", got shape " + Shapes.str(b.shape));
        }
        boolean upper = options.triangle() == Triangle.UPPER;
        if (options.left()) {
            Tensor[] ab = broadcastBatch("triangularSolve", a, b);
            return MatrixSolveOps.triangularSolve(ab[0], ab[1], upper, options.unitDiagonal());
        }
        Tensor[] ab = broadcastBatch("triangularSolve", a.transpose(-1, -2), b.transpose(-1, -2));
        return MatrixSolveOps.triangularSolve(ab[0], ab[1], !upper, options.unitDiagonal()).transpose(-1, -2);
    }

    /**
     * A⁻¹ (LU with partial pivoting), like {@code torch.linalg.inv}. Derivatives: Ā = −A⁻ᵀ·X̄·A⁻ᵀ,
     * Ẋ = −A⁻¹·Ȧ·A⁻¹.
     *
     * @throws IllegalArgumentException if A is not square, has a non-finite element or a matrix is singular
     */
    public static Tensor inverse(Tensor a) {
        MatrixBatch.requireSquare("inverse", a);
        return MatrixSolveOps.inverse(a);
    }

    // ---------------------------------------------------------------- determinants

    /**
     * det A, [..., n, n] → [...] (from the LU factors: sign(P)·Π U_ii; 0 for a singular matrix), like
     * {@code torch.linalg.det}. Jacobi's formula gives the derivatives: Ā = d̄·det A·A⁻ᵀ and
     * ḋ = det A·tr(A⁻¹·Ȧ); they need A invertible (at a singular A the derivative fails with an
     * error naming det, where PyTorch returns the adjugate).
     *
     * @throws IllegalArgumentException if A is not square or has a non-finite element
     */
    public static Tensor det(Tensor a) {
        MatrixBatch.requireSquare("det", a);
        return MatrixSolveOps.det(a);
    }

    /**
     * log det A, [..., n, n] → [...], computed as Σ log|U_ii| from the LU factors (no overflow of the
     * product), like {@code torch.logdet}: NaN where det A &lt; 0, −∞ where det A = 0 (see {@link #slogdet}
     * for matrices of any sign). Derivatives: Ā = l̄·A⁻ᵀ, l̇ = tr(A⁻¹·Ȧ).
     *
     * @throws IllegalArgumentException if A is not square or has a non-finite element
     */
    public static Tensor logdet(Tensor a) {
        MatrixBatch.requireSquare("logdet", a);
        return MatrixSolveOps.logdet(a);
    }

    /**
     * sign(det A) and log |det A| (−∞ for a singular matrix), like {@code torch.linalg.slogdet}. The sign is
     * a constant; log |det A| has the derivatives of {@link #logdet}.
     *
     * @throws IllegalArgumentException if A is not square or has a non-finite element
     */
    public static SlogDet slogdet(Tensor a) {
        MatrixBatch.requireSquare("slogdet", a);
        return new SlogDet(MatrixSolveOps.detSign(a), MatrixSolveOps.logAbsDet(a));
    }

    // ---------------------------------------------------------------- decompositions

    /**
     * The lower Cholesky factor L of a symmetric positive-definite A = L·Lᵀ, like
     * {@code torch.linalg.cholesky}; reads the lower triangle of A. With Φ(X) the lower triangle of X with
     * its diagonal halved: L̇ = L·Φ(L⁻¹·Ȧ·L⁻ᵀ) (Ȧ symmetrised) and Ā = sym(L⁻ᵀ·Φ(Lᵀ·L̄)·L⁻¹).
     *
     * @throws IllegalArgumentException if A is not square, has a non-finite element, or a matrix is not positive
     *                                  definite (the message gives its batch index and the failing leading minor)
     */
    public static Tensor cholesky(Tensor a) {
        MatrixBatch.requireSquare("cholesky", a);
        return MatrixDecompositionOps.cholesky(a);
    }

    /**
     * The reduced QR factorisation A = Q·R of A [..., m, n] with m ≥ n: Q [..., m, n] with orthonormal
     * columns, R [..., n, n] upper triangular with a non-negative diagonal (Householder reflections), like
     * {@code torch.linalg.qr(A, mode='reduced')} up to the signs of R's rows. With C = Qᵀ·Ȧ·R⁻¹ and
     * Ω = L(C) − L(C)ᵀ (L: strictly lower part), Ṙ = (C − Ω)·R and Q̇ = (Ȧ − Q·Ṙ)·R⁻¹; the gradients need
     * A of full column rank.
     *
     * @throws IllegalArgumentException if A has fewer rows than columns or a non-finite element
     */
    public static QR qr(Tensor a) {
        MatrixBatch.requireMatrix("qr", a);
        if (MatrixBatch.rows(a) < MatrixBatch.cols(a)) {
            throw new IllegalArgumentException("qr: needs a square or tall matrix (m >= n) for the reduced QR, got shape "
                    + Shapes.str(a.shape) + " (" + MatrixBatch.rows(a) + "x" + MatrixBatch.cols(a) + ")");
        }
        Tensor[] qr = MatrixDecompositionOps.qr(a);
        return new QR(qr[0], qr[1]);
    }

    /**
     * The eigendecomposition A = V·diag(λ)·Vᵀ of a symmetric A [..., n, n] (Householder tridiagonalisation and implicit QR; reads the lower
     * triangle), like {@code torch.linalg.eigh}: λ ascending [..., n], V's columns the eigenvectors, each
     * with its largest-magnitude component positive. Derivatives (Ȧ symmetrised, F_ij = 1/(λ_j − λ_i) off
     * the diagonal, 0 on it): λ̇ = diag(Vᵀ·Ȧ·V), V̇ = V·(F ∘ (Vᵀ·Ȧ·V)); Ā = V·(diag(λ̄) + F ∘ (Vᵀ·V̄))·Vᵀ,
     * symmetrised. At repeated eigenvalues the eigenvectors' derivatives are inf/NaN.
     *
     * @throws IllegalArgumentException if A is not square or has a non-finite element
     */
    public static Eigh eigh(Tensor a) {
        MatrixBatch.requireSquare("eigh", a);
        Tensor[] e = MatrixDecompositionOps.eigh(a);
        return new Eigh(e[0], e[1]);
    }

    /**
     * The reduced singular value decomposition A = U·diag(s)·Vh of A [..., m, n], k = min(m, n): U
     * [..., m, k] and Vhᵀ [..., n, k] with orthonormal columns, s [..., k] descending (one-sided Jacobi), like
     * {@code torch.linalg.svd(A, full_matrices=False)} up to signs: each column of U has its
     * largest-magnitude component positive, and the matching row of Vh is flipped with it. Derivatives (see
     * the rules in the op table): ṡ = diag(Uᵀ·Ȧ·V), Ā = U·diag(s̄)·Vh from s̄; those of U and Vh use
     * F_ij = 1/(s_j² − s_i²) and are inf/NaN at repeated (or, for non-square A, zero) singular values.
     *
     * @throws IllegalArgumentException if A has a non-finite element
     */
    public static Svd svd(Tensor a) {
        MatrixBatch.requireMatrix("svd", a);
        Tensor[] usv = MatrixDecompositionOps.svd(a);
        return new Svd(usv[0], usv[1], usv[2]);
    }

    // ---------------------------------------------------------------- helpers

    /** a [..., n, n] and b [..., r, c] expanded (differentiably) to their common batch shape. */
    private static Tensor[] broadcastBatch(String op, Tensor a, Tensor b) {
        int[] ba = MatrixBatch.batchShape(a), bb = MatrixBatch.batchShape(b);
        if (Arrays.equals(ba, bb)) return new Tensor[] {a, b};
        int[] batch = Shapes.broadcast(op + " of " + Shapes.str(a.shape) + " and " + Shapes.str(b.shape) + " (batch axes)", ba, bb);
        return new Tensor[] {
            a.expand(MatrixBatch.withMatrix(batch, MatrixBatch.rows(a), MatrixBatch.cols(a))),
            b.expand(MatrixBatch.withMatrix(batch, MatrixBatch.rows(b), MatrixBatch.cols(b)))};
    }
}
