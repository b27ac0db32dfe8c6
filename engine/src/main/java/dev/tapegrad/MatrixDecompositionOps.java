package dev.tapegrad;

import static dev.tapegrad.LinalgSamples.fullColumnRank;
import static dev.tapegrad.LinalgSamples.positiveDefinite;
import static dev.tapegrad.LinalgSamples.separatedSingular;
import static dev.tapegrad.LinalgSamples.separatedSymmetric;
import static dev.tapegrad.LinalgSamples.shapes;
import static dev.tapegrad.MatrixBatch.at;
import static dev.tapegrad.MatrixBatch.batchShape;
import static dev.tapegrad.MatrixBatch.cols;
import static dev.tapegrad.MatrixBatch.count;
import static dev.tapegrad.MatrixBatch.diagEmbed;
import static dev.tapegrad.MatrixBatch.diagonal;
import static dev.tapegrad.MatrixBatch.mT;
import static dev.tapegrad.MatrixBatch.rows;
import static dev.tapegrad.MatrixBatch.strictTril;
import static dev.tapegrad.MatrixBatch.strictTriu;
import static dev.tapegrad.MatrixBatch.symmetricPart;
import static dev.tapegrad.MatrixBatch.triu;
import static dev.tapegrad.MatrixSolveOps.needing;
import static dev.tapegrad.MatrixSolveOps.triangularSolve;

import dev.tapegrad.kernels.Cholesky;
import dev.tapegrad.kernels.HouseholderQr;
import dev.tapegrad.kernels.JacobiSvd;
import dev.tapegrad.kernels.SymmetricEigen;

/**
 * The matrix decompositions: Cholesky, QR, symmetric eigendecomposition and SVD, each a primitive over a batch
 * of matrices [..., m, n] (checked by {@link Linalg}) with reverse (VJP) and forward (JVP) rules written with
 * differentiable ops. A decomposition with several outputs records one tape node per output
 * ({@link OpDef#record(Tensor[], Tensor[], Tensor[], Rule[], JvpRule[])}); each node's VJP is the adjoint of
 * that output's JVP, so the contributions of the outputs a loss uses add up to the full gradient, and an
 * output the loss does not use costs nothing (its rule, which may be inf/NaN at a degenerate spectrum, never
 * runs).
 *
 * <p>Cholesky and eigh read the lower triangle of A and treat it as the symmetric matrix it stands for:
 * their tangents are symmetrised (Ȧ → (Ȧ + Ȧᵀ)/2) and their gradients are symmetric, the derivative with
 * respect to a symmetric matrix (PyTorch returns the same symmetric gradients).
 */
final class MatrixDecompositionOps {
    private MatrixDecompositionOps() {}

    // ---------------------------------------------------------------- Cholesky

    static final OpDef CHOLESKY = OpDef.of("cholesky",
                    "L = chol(A), A = L·Lᵀ (lower triangle read); L̇ = L·Φ(L⁻¹·Ȧ·L⁻ᵀ), Ā = sym(L⁻ᵀ·Φ(Lᵀ·L̄)·L⁻¹), Φ = tril, diagonal halved")
            .example(shapes("nxn"), xs -> Linalg.cholesky(positiveDefinite(xs.get(0))));

    /**
     * L = chol(A), A = L·Lᵀ. With Φ(X) the lower triangle of X with its diagonal halved:
     * JVP: L̇ = L·Φ(L⁻¹·sym(Ȧ)·L⁻ᵀ); VJP: Ā = sym(L⁻ᵀ·Φ(Lᵀ·L̄)·L⁻¹) (Φ is self-adjoint, so one is the
     * transpose of the other).
     */
    static Tensor cholesky(Tensor a) {
        int n = cols(a), count = count(a);
        double[] av = MatrixBatch.finiteValues("cholesky", a), l = new double[count * n * n];
        for (int i = 0; i < count; i++) {
            int column = Cholesky.factor(av, i * n * n, l, i * n * n, n);
            if (column >= 0) {
                throw new IllegalArgumentException("cholesky: the matrix is not positive definite" + at(batchShape(a), i)
                        + " (the leading minor of order " + (column + 1) + " is not positive) of input shape "
                        + Shapes.str(a.shape));
            }
        }
        Tensor out = MatrixBatch.tensor(l, a.dtype(), a.shape);
        return CHOLESKY.record(out, new Tensor[] {a}, new Tensor[] {out},
                g -> {
                    Tensor p = phi(mT(out).matmul(g));
                    Tensor left = triangularSolve(mT(out), p, true, false);               // L⁻ᵀ·P
                    Tensor both = mT(triangularSolve(mT(out), mT(left), true, false));   // (L⁻ᵀ·P)·L⁻¹
                    return new Tensor[] {symmetricPart(both)};
                },
                t -> {
                    Tensor s = symmetricPart(t[0]);
                    Tensor left = triangularSolve(out, s, false, false);                  // L⁻¹·S
                    Tensor both = mT(triangularSolve(out, mT(left), false, false));      // L⁻¹·S·L⁻ᵀ
                    return out.matmul(phi(both));
                });
    }

    /** Φ(X): the strictly lower triangle plus half the diagonal. */
    private static Tensor phi(Tensor x) {
        return strictTril(x).add(diagEmbed(diagonal(x)).mul(0.5));
    }

    // ---------------------------------------------------------------- QR

    static final OpDef QR = OpDef.of("qr",
                    "A = Q·R, m ≥ n, diag R ≥ 0 (Householder); C = Qᵀ·Ȧ·R⁻¹, Ω = L(C) − L(C)ᵀ: Ṙ = (C − Ω)·R, Q̇ = (Ȧ − Q·Ṙ)·R⁻¹")
            .example("q", shapes("n+pxn"), xs -> Linalg.qr(fullColumnRank(xs.get(0))).q())
            .example("r", shapes("n+pxn"), xs -> Linalg.qr(fullColumnRank(xs.get(0))).r())
            .example("square", shapes("nxn"), xs -> {
                Linalg.QR qr = Linalg.qr(fullColumnRank(xs.get(0)));
                return qr.q().add(qr.r());
            });

    /**
     * Reduced QR, A = Q·R for m ≥ n (Householder; R with a non-negative diagonal). Writing C = Qᵀ·Ȧ·R⁻¹ and
     * Ω = L(C) − L(C)ᵀ (L the strictly lower triangle; Ω = Qᵀ·Q̇ is skew), the JVP is Ṙ = (C − Ω)·R and
     * Q̇ = (Ȧ − Q·Ṙ)·R⁻¹. Its adjoint, with M = R̄·Rᵀ − Qᵀ·Q̄ and N = triu(M) + (strictly upper part of M)ᵀ,
     * is the VJP Ā = (Q̄ + Q·N)·R⁻ᵀ. Needs R invertible (A of full column rank).
     */
    static Tensor[] qr(Tensor a) {
        int m = rows(a), n = cols(a), count = count(a);
        double[] av = MatrixBatch.finiteValues("qr", a), q = new double[count * m * n], r = new double[count * n * n];
        for (int i = 0; i < count; i++) HouseholderQr.factor(av, i * m * n, m, n, q, i * m * n, r, i * n * n);
        int[] batch = batchShape(a);
        Tensor qt = MatrixBatch.tensor(q, a.dtype(), MatrixBatch.withMatrix(batch, m, n));
        Tensor rt = MatrixBatch.tensor(r, a.dtype(), MatrixBatch.withMatrix(batch, n, n));
        return QR.record(new Tensor[] {qt, rt}, new Tensor[] {a}, new Tensor[] {qt, rt},
                new Rule[] {
                    g -> new Tensor[] {needing("qr", FULL_RANK, () -> qrVjp(qt, rt, g, null))},
                    g -> new Tensor[] {needing("qr", FULL_RANK, () -> qrVjp(qt, rt, null, g))}},
                new JvpRule[] {
                    t -> needing("qr", FULL_RANK, () -> qrTangents(t[0], qt, rt)[0]),
                    t -> needing("qr", FULL_RANK, () -> qrTangents(t[0], qt, rt)[1])});
    }

    private static final String FULL_RANK = "A of full column rank (R invertible)";

    /** Ā = (Q̄ + Q·N)·R⁻ᵀ (see {@link #qr}); a null cotangent is zero. */
    private static Tensor qrVjp(Tensor q, Tensor r, Tensor gq, Tensor gr) {
        Tensor m = gr != null ? gr.matmul(mT(r)) : null;
        if (gq != null) m = m == null ? mT(q).matmul(gq).neg() : m.sub(mT(q).matmul(gq));
        Tensor nMat = triu(m).add(mT(strictTriu(m)));
        Tensor b = q.matmul(nMat);
        if (gq != null) b = b.add(gq);
        return mT(triangularSolve(r, mT(b), true, false)); // B·R⁻ᵀ = (R⁻¹·Bᵀ)ᵀ
    }

    /** {Q̇, Ṙ} from Ȧ (see {@link #qr}). */
    private static Tensor[] qrTangents(Tensor da, Tensor q, Tensor r) {
        Tensor daRinv = mT(triangularSolve(mT(r), mT(da), false, false)); // Ȧ·R⁻¹ = (R⁻ᵀ·Ȧᵀ)ᵀ
        Tensor c = mT(q).matmul(daRinv);
        Tensor lower = strictTril(c);
        Tensor upperPart = c.sub(lower).add(mT(lower));                     // C − Ω
        Tensor dr = upperPart.matmul(r);
        Tensor dq = daRinv.sub(q.matmul(upperPart));                        // (Ȧ − Q·Ṙ)·R⁻¹
        return new Tensor[] {dq, dr};
    }

    // ---------------------------------------------------------------- eigh

    static final OpDef EIGH = OpDef.of("eigh",
                    "A = V·diag(λ)·Vᵀ, λ ascending (tridiagonal QR); λ̇ = diag(Vᵀ·Ȧ·V), V̇ = V·(F ∘ Vᵀ·Ȧ·V), F_ij = 1/(λ_j − λ_i) (inf at repeated λ)")
            .example("values", shapes("nxn"), xs -> Linalg.eigh(separatedSymmetric(xs.get(0))).values())
            .example("vectors", shapes("nxn"), xs -> Linalg.eigh(separatedSymmetric(xs.get(0))).vectors());

    /**
     * A = V·diag(λ)·Vᵀ for symmetric A (tridiagonal QR; λ ascending). With Ȧ symmetrised and
     * F_ij = 1/(λ_j − λ_i) off the diagonal (0 on it): JVP λ̇ = diag(Vᵀ·Ȧ·V), V̇ = V·(F ∘ (Vᵀ·Ȧ·V));
     * VJP from λ̄: V·diag(λ̄)·Vᵀ, from V̄: sym(V·(F ∘ (Vᵀ·V̄))·Vᵀ). At a repeated eigenvalue F is infinite:
     * the eigenvalues' derivatives stay finite, the eigenvectors' are inf/NaN (they are not defined there).
     */
    static Tensor[] eigh(Tensor a) {
        int n = cols(a), count = count(a);
        double[] av = MatrixBatch.finiteValues("eigh", a), values = new double[count * n], vectors = new double[count * n * n];
        for (int i = 0; i < count; i++) {
            try {
                SymmetricEigen.decompose(av, i * n * n, n, values, i * n, vectors, i * n * n);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("eigh: " + e.getMessage() + at(batchShape(a), i) + " of input shape "
                        + Shapes.str(a.shape), e);
            }
        }
        int[] batch = batchShape(a);
        Tensor lambda = MatrixBatch.tensor(values, a.dtype(), MatrixBatch.withMatrix(batch, n));
        Tensor v = MatrixBatch.tensor(vectors, a.dtype(), a.shape);
        return EIGH.record(new Tensor[] {lambda, v}, new Tensor[] {a}, new Tensor[] {lambda, v},
                new Rule[] {
                    g -> new Tensor[] {v.mul(g.unsqueeze(-2)).matmul(mT(v))},
                    g -> new Tensor[] {symmetricPart(v.matmul(eighF(lambda).mul(mT(v).matmul(g))).matmul(mT(v)))}},
                new JvpRule[] {
                    t -> v.mul(symmetricPart(t[0]).matmul(v)).sum(new int[] {-2}, false),
                    t -> v.matmul(eighF(lambda).mul(mT(v).matmul(symmetricPart(t[0])).matmul(v)))});
    }

    /** F_ij = 1/(λ_j − λ_i) for i ≠ j, 0 on the diagonal: [..., n] → [..., n, n]. */
    private static Tensor eighF(Tensor lambda) {
        return offDiagonalReciprocal(lambda.unsqueeze(-2).sub(lambda.unsqueeze(-1)));
    }

    /** 1/E off the diagonal, 0 on it (the diagonal of E, zero, is replaced by one before dividing). */
    private static Tensor offDiagonalReciprocal(Tensor e) {
        int n = cols(e);
        Tensor eye = Tensor.eye(n, e.dtype());
        return eye.neg().add(1.0).div(e.add(eye));
    }

    // ---------------------------------------------------------------- SVD

    static final OpDef SVD = OpDef.of("svd",
                    "A = U·diag(s)·Vh, s descending (one-sided Jacobi); ṡ = diag(Uᵀ·Ȧ·V), U̇ and V̇ with F_ij = 1/(s_j² − s_i²) (inf at repeated s)")
            .example("s", shapes("n+pxn"), xs -> Linalg.svd(separatedSingular(xs.get(0))).s())
            .example("u-tall", shapes("n+pxn"), xs -> Linalg.svd(separatedSingular(xs.get(0))).u())
            .example("vh-tall", shapes("n+pxn"), xs -> Linalg.svd(separatedSingular(xs.get(0))).vh())
            .example("u-wide", shapes("nxn+p"), xs -> Linalg.svd(separatedSingular(xs.get(0))).u())
            .example("vh-wide", shapes("nxn+p"), xs -> Linalg.svd(separatedSingular(xs.get(0))).vh())
            .example("square", shapes("nxn"), xs -> {
                Linalg.Svd svd = Linalg.svd(separatedSingular(xs.get(0)));
                return svd.u().add(svd.vh()).add(svd.s().unsqueeze(-1));
            });

    /**
     * Reduced SVD, A = U·diag(s)·Vᵀ, k = min(m, n) (one-sided Jacobi; s descending). With dP = Uᵀ·Ȧ·V, S =
     * diag(s) and F_ij = 1/(s_j² − s_i²) off the diagonal:
     * <pre>
     *   ṡ = diag(dP)
     *   U̇ = U·(F ∘ (dP·S + S·dPᵀ)) + (Ȧ·V − U·dP)·S⁻¹          (the last term only when m &gt; k)
     *   V̇ = V·(F ∘ (S·dP + dPᵀ·S)) + (Ȧᵀ·U − V·dPᵀ)·S⁻¹         (the last term only when n &gt; k)
     * </pre>
     * and the VJPs are their adjoints: from s̄, U·diag(s̄)·Vᵀ; from Ū, with G = F ∘ (Uᵀ·Ū),
     * U·((G + Gᵀ)·S)·Vᵀ + (Ū − U·Uᵀ·Ū)·S⁻¹·Vᵀ; from V̄, with H = F ∘ (Vᵀ·V̄), U·(S·(H + Hᵀ))·Vᵀ +
     * U·S⁻¹·(V̄ᵀ − V̄ᵀ·V·Vᵀ). The output is Vᵀ ({@code vh}), whose tangent and cotangent are transposes of
     * V's. Repeated singular values make F infinite and, for non-square A, a zero singular value makes S⁻¹
     * infinite: the singular vectors' derivatives are then inf/NaN (not defined); the singular values'
     * stay finite.
     */
    static Tensor[] svd(Tensor a) {
        int m = rows(a), n = cols(a), k = Math.min(m, n), count = count(a);
        double[] av = MatrixBatch.finiteValues("svd", a), u = new double[count * m * k], s = new double[count * k],
                vt = new double[count * k * n];
        for (int i = 0; i < count; i++) {
            try {
                JacobiSvd.decompose(av, i * m * n, m, n, u, i * m * k, s, i * k, vt, i * k * n);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("svd: " + e.getMessage() + at(batchShape(a), i) + " of input shape "
                        + Shapes.str(a.shape), e);
            }
        }
        int[] batch = batchShape(a);
        Tensor ut = MatrixBatch.tensor(u, a.dtype(), MatrixBatch.withMatrix(batch, m, k));
        Tensor st = MatrixBatch.tensor(s, a.dtype(), MatrixBatch.withMatrix(batch, k));
        Tensor vh = MatrixBatch.tensor(vt, a.dtype(), MatrixBatch.withMatrix(batch, k, n));
        return SVD.record(new Tensor[] {ut, st, vh}, new Tensor[] {a}, new Tensor[] {ut, st, vh},
                new Rule[] {
                    g -> new Tensor[] {svdVjpU(ut, st, vh, g, m > k)},
                    g -> new Tensor[] {ut.mul(g.unsqueeze(-2)).matmul(vh)},
                    g -> new Tensor[] {svdVjpV(ut, st, vh, mT(g), n > k)}},
                new JvpRule[] {
                    t -> svdTangentU(t[0], ut, st, vh, m > k),
                    t -> diagonal(mT(ut).matmul(t[0]).matmul(mT(vh))),
                    t -> mT(svdTangentV(t[0], ut, st, vh, n > k))});
    }

    /** F_ij = 1/(s_j² − s_i²) off the diagonal, 0 on it. */
    private static Tensor svdF(Tensor s) {
        Tensor s2 = s.square();
        return offDiagonalReciprocal(s2.unsqueeze(-2).sub(s2.unsqueeze(-1)));
    }

    /** X·S (columns scaled by s). */
    private static Tensor timesS(Tensor x, Tensor s) {
        return x.mul(s.unsqueeze(-2));
    }

    /** S·X (rows scaled by s). */
    private static Tensor sTimes(Tensor s, Tensor x) {
        return x.mul(s.unsqueeze(-1));
    }

    private static Tensor svdTangentU(Tensor da, Tensor u, Tensor s, Tensor vh, boolean projector) {
        Tensor v = mT(vh);
        Tensor av = da.matmul(v);
        Tensor dp = mT(u).matmul(av);
        Tensor du = u.matmul(svdF(s).mul(timesS(dp, s).add(sTimes(s, mT(dp)))));
        return projector ? du.add(av.sub(u.matmul(dp)).div(s.unsqueeze(-2))) : du;
    }

    private static Tensor svdTangentV(Tensor da, Tensor u, Tensor s, Tensor vh, boolean projector) {
        Tensor v = mT(vh);
        Tensor atu = mT(da).matmul(u);
        Tensor dpT = mT(v).matmul(atu);                                     // dPᵀ = Vᵀ·Ȧᵀ·U
        Tensor dv = v.matmul(svdF(s).mul(sTimes(s, mT(dpT)).add(timesS(dpT, s))));
        return projector ? dv.add(atu.sub(v.matmul(dpT)).div(s.unsqueeze(-2))) : dv;
    }

    private static Tensor svdVjpU(Tensor u, Tensor s, Tensor vh, Tensor gu, boolean projector) {
        Tensor g = svdF(s).mul(mT(u).matmul(gu));
        Tensor ga = u.matmul(timesS(g.add(mT(g)), s)).matmul(vh);
        if (!projector) return ga;
        Tensor residual = gu.sub(u.matmul(mT(u).matmul(gu)));
        return ga.add(residual.div(s.unsqueeze(-2)).matmul(vh));
    }

    private static Tensor svdVjpV(Tensor u, Tensor s, Tensor vh, Tensor gv, boolean projector) {
        Tensor v = mT(vh);
        Tensor h = svdF(s).mul(vh.matmul(gv));
        Tensor ga = u.matmul(sTimes(s, h.add(mT(h)))).matmul(vh);
        if (!projector) return ga;
        Tensor residual = mT(gv).sub(mT(gv).matmul(v).matmul(vh));         // V̄ᵀ − V̄ᵀ·V·Vᵀ
        return ga.add(u.div(s.unsqueeze(-2)).matmul(residual));
    }
}
