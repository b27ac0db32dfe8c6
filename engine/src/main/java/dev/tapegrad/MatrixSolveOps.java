package dev.tapegrad;

import static dev.tapegrad.LinalgSamples.invertible;
import static dev.tapegrad.LinalgSamples.shapes;
import static dev.tapegrad.MatrixBatch.at;
import static dev.tapegrad.MatrixBatch.batchShape;
import static dev.tapegrad.MatrixBatch.cols;
import static dev.tapegrad.MatrixBatch.count;
import static dev.tapegrad.MatrixBatch.mT;
import static dev.tapegrad.MatrixBatch.trace;

import dev.tapegrad.kernels.LuDecomposition;
import dev.tapegrad.kernels.TriangularSolve;

/**
 * The linear-system ops: solve, triangular solve, inverse, determinant and log-determinant, each a primitive
 * over a batch of square matrices [..., n, n] (the caller, {@link Linalg}, has checked and broadcast the
 * shapes), with its reverse (VJP) and forward (JVP) rule. The rules are written with differentiable ops,
 * most of them these same ops, so their derivatives can be taken again.
 */
final class MatrixSolveOps {
    private MatrixSolveOps() {}

    // ---------------------------------------------------------------- solve

    static final OpDef SOLVE = OpDef.of("solve", "X = A⁻¹·B (LU, partial pivoting); B̄ = A⁻ᵀ·X̄, Ā = −B̄·Xᵀ; Ẋ = A⁻¹·(Ḃ − Ȧ·X)")
            .example("matrix", shapes("nxn", "nxp"), xs -> Linalg.solve(invertible(xs.get(0)), xs.get(1)))
            .example("vector", shapes("nxn", "n"), xs -> Linalg.solve(invertible(xs.get(0)), xs.get(1)))
            .example("broadcast", shapes("nxn", "2x1xnxp"), xs -> Linalg.solve(invertible(xs.get(0)), xs.get(1)));

    /**
     * X = A⁻¹·B for A [..., n, n] and B [..., n, k] with the same batch axes (LU with partial pivoting).
     * VJP: B̄ = A⁻ᵀ·X̄, Ā = −B̄·Xᵀ. JVP: Ẋ = A⁻¹·(Ḃ − Ȧ·X).
     */
    static Tensor solve(Tensor a, Tensor b) {
        int n = cols(a), k = cols(b), count = count(a);
        double[] av = MatrixBatch.finiteValues("solve", a), bv = MatrixBatch.values(b), x = new double[count * n * k];
        for (int i = 0; i < count; i++) {
            LuDecomposition lu = LuDecomposition.factor(av, i * n * n, n);
            if (lu.isSingular()) throw singular("solve", a, i, lu.zeroPivot());
            lu.solve(bv, i * n * k, x, i * n * k, k);
        }
        Tensor out = MatrixBatch.tensor(x, a.dtype(), b.shape);
        return SOLVE.record(out, new Tensor[] {a, b}, new Tensor[] {a, out},
                g -> {
                    Tensor gb = solve(mT(a), g);
                    return new Tensor[] {a.requiresGrad ? gb.matmul(mT(out)).neg() : null, gb};
                },
                t -> {
                    Tensor rhs = t[1];
                    if (t[0] != null) rhs = rhs == null ? t[0].matmul(out).neg() : rhs.sub(t[0].matmul(out));
                    return rhs == null ? null : solve(a, rhs);
                });
    }

    static IllegalArgumentException singular(String op, Tensor a, int index, int column) {
        return new IllegalArgumentException(op + ": the matrix is singular" + at(batchShape(a), index)
                + " (LU found a zero pivot in column " + column + ") of input shape " + Shapes.str(a.shape));
    }

    /**
     * Runs a step of a derivative rule that solves with a matrix which may be singular; then the error names
     * the op whose derivative was asked for (det, logdet, qr, ...) and what it needs, besides the solve inside
     * its rule that failed.
     */
    static Tensor needing(String op, String what, java.util.function.Supplier<Tensor> step) {
        try {
            return step.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(op + ": the derivative needs " + what + ", and " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- triangular solve

    static final OpDef TRIANGULAR_SOLVE = OpDef.of("triangularSolve",
                    "X = T⁻¹·B by substitution, T triangular (one triangle read); B̄ = T⁻ᵀ·X̄, T̄ = −tri(B̄·Xᵀ); Ẋ = T⁻¹·(Ḃ − tri(Ṫ)·X)")
            .example("lower", shapes("nxn", "nxp"), xs -> Linalg.triangularSolve(invertible(xs.get(0)), xs.get(1), Linalg.Triangle.LOWER))
            .example("upper", shapes("nxn", "nxp"), xs -> Linalg.triangularSolve(invertible(xs.get(0)), xs.get(1), Linalg.Triangle.UPPER))
            .example("upper-right-unit", shapes("nxn", "pxn"), xs -> Linalg.triangularSolve(xs.get(0), xs.get(1),
                    Linalg.TriangularSolveOptions.of(Linalg.Triangle.UPPER).withLeft(false).withUnitDiagonal(true)));

    /**
     * X = T⁻¹·B for T [..., n, n] triangular (only the named triangle is read; with {@code unitDiagonal} its
     * diagonal is taken as ones) and B [..., n, k]. VJP: B̄ = T⁻ᵀ·X̄ (a solve with the other triangle),
     * T̄ = −tri(B̄·Xᵀ) restricted to the triangle read. JVP: Ẋ = T⁻¹·(Ḃ − tri(Ṫ)·X).
     */
    static Tensor triangularSolve(Tensor t, Tensor b, boolean upper, boolean unitDiagonal) {
        int n = cols(t), k = cols(b), count = count(t);
        double[] tv = MatrixBatch.finiteValues("triangularSolve", t), x = MatrixBatch.values(b);
        for (int i = 0; i < count; i++) {
            int zero = TriangularSolve.solve(tv, i * n * n, x, i * n * k, x, i * n * k, n, k, upper, unitDiagonal);
            if (zero >= 0) {
                throw new IllegalArgumentException("triangularSolve: the triangular matrix is singular"
                        + at(batchShape(t), i) + ": its diagonal element (" + zero + ", " + zero + ") is zero (shape "
                        + Shapes.str(t.shape) + ")");
            }
        }
        Tensor out = MatrixBatch.tensor(x, t.dtype(), b.shape);
        return TRIANGULAR_SOLVE.record(out, new Tensor[] {t, b}, new Tensor[] {t, out},
                g -> {
                    Tensor gb = triangularSolve(mT(t), g, !upper, unitDiagonal);
                    Tensor gt = t.requiresGrad ? triangle(gb.matmul(mT(out)).neg(), upper, unitDiagonal) : null;
                    return new Tensor[] {gt, gb};
                },
                d -> {
                    Tensor rhs = d[1];
                    if (d[0] != null) {
                        Tensor tx = triangle(d[0], upper, unitDiagonal).matmul(out);
                        rhs = rhs == null ? tx.neg() : rhs.sub(tx);
                    }
                    return rhs == null ? null : triangularSolve(t, rhs, upper, unitDiagonal);
                });
    }

    /** The part of x in the triangle a triangular solve reads (without the diagonal when it is unit). */
    static Tensor triangle(Tensor x, boolean upper, boolean unitDiagonal) {
        if (upper) return unitDiagonal ? MatrixBatch.strictTriu(x) : MatrixBatch.triu(x);
        return unitDiagonal ? MatrixBatch.strictTril(x) : MatrixBatch.tril(x);
    }

    // ---------------------------------------------------------------- inverse

    static final OpDef INVERSE = OpDef.of("inverse", "X = A⁻¹ (LU); Ā = −Xᵀ·X̄·Xᵀ; Ẋ = −X·Ȧ·X")
            .example(shapes("nxn"), xs -> Linalg.inverse(invertible(xs.get(0))));

    /** X = A⁻¹. VJP: Ā = −Xᵀ·X̄·Xᵀ. JVP: Ẋ = −X·Ȧ·X. */
    static Tensor inverse(Tensor a) {
        int n = cols(a), count = count(a);
        double[] av = MatrixBatch.finiteValues("inverse", a), x = new double[count * n * n];
        for (int i = 0; i < count; i++) {
            LuDecomposition lu = LuDecomposition.factor(av, i * n * n, n);
            if (lu.isSingular()) throw singular("inverse", a, i, lu.zeroPivot());
            lu.inverse(x, i * n * n);
        }
        Tensor out = MatrixBatch.tensor(x, a.dtype(), a.shape);
        return INVERSE.record(out, new Tensor[] {a}, new Tensor[] {out},
                g -> new Tensor[] {mT(out).matmul(g).matmul(mT(out)).neg()},
                t -> out.matmul(t[0]).matmul(out).neg());
    }

    // ---------------------------------------------------------------- determinants

    static final OpDef DET = OpDef.of("det", "det A = sign(P)·Π Uᵢᵢ (LU); Jacobi: Ā = d̄·det A·A⁻ᵀ, ḋ = det A·tr(A⁻¹·Ȧ)")
            .example(shapes("nxn"), xs -> Linalg.det(invertible(xs.get(0)).div(2 * MatrixBatch.cols(xs.get(0)) + 1)));

    /**
     * det A [...] (0 for a singular matrix). Jacobi's formula: d(det A) = det A · tr(A⁻¹·dA), so
     * VJP: Ā = d̄·det A·A⁻ᵀ and JVP: ḋ = det A · tr(A⁻¹·Ȧ). Both need A⁻¹: at a singular A they fail with the
     * error of {@link #inverse} / {@link #solve}.
     */
    static Tensor det(Tensor a) {
        int n = cols(a), count = count(a);
        double[] av = MatrixBatch.finiteValues("det", a), d = new double[count];
        for (int i = 0; i < count; i++) d[i] = LuDecomposition.factor(av, i * n * n, n).determinant();
        Tensor out = MatrixBatch.tensor(d, a.dtype(), batchShape(a));
        return DET.record(out, new Tensor[] {a}, new Tensor[] {a, out},
                g -> new Tensor[] {needing("det", "an invertible matrix", () -> mT(inverse(a))).mul(g.mul(out).unsqueeze(-1).unsqueeze(-1))},
                t -> out.mul(trace(needing("det", "an invertible matrix", () -> solve(a, t[0])))));
    }

    static final OpDef LOGDET = OpDef.of("logdet", "log det A = Σ log Uᵢᵢ (NaN if det A < 0, −∞ if 0); Ā = l̄·A⁻ᵀ, l̇ = tr(A⁻¹·Ȧ)")
            .example(shapes("nxn"), xs -> Linalg.logdet(invertible(xs.get(0))));

    static final OpDef SLOGDET = OpDef.of("slogdet", "(sign det A, log |det A|); the sign is constant, log |det A| as logdet")
            .example("negative-det", shapes("nxn"), xs -> Linalg.slogdet(invertible(xs.get(0)).neg()).logAbsDet());

    /**
     * log det A [...] for det A &gt; 0; NaN where det A &lt; 0 and −∞ where det A = 0 (as PyTorch's
     * {@code logdet}). VJP: Ā = l̄·A⁻ᵀ; JVP: l̇ = tr(A⁻¹·Ȧ).
     */
    static Tensor logdet(Tensor a) {
        return logDeterminant(LOGDET, a, true);
    }

    /** log |det A| [...] (−∞ where A is singular); the same rules as {@link #logdet}. */
    static Tensor logAbsDet(Tensor a) {
        return logDeterminant(SLOGDET, a, false);
    }

    /** sign(det A) [...]: +1, −1 or 0 (not differentiable). */
    static Tensor detSign(Tensor a) {
        int n = cols(a), count = count(a);
        double[] av = MatrixBatch.finiteValues("slogdet", a), s = new double[count];
        for (int i = 0; i < count; i++) s[i] = LuDecomposition.factor(av, i * n * n, n).determinantSign();
        return MatrixBatch.tensor(s, a.dtype(), batchShape(a));
    }

    private static Tensor logDeterminant(OpDef def, Tensor a, boolean nanWhenNegative) {
        int n = cols(a), count = count(a);
        double[] av = MatrixBatch.finiteValues(def.name(), a), l = new double[count];
        for (int i = 0; i < count; i++) {
            LuDecomposition lu = LuDecomposition.factor(av, i * n * n, n);
            double sign = lu.determinantSign();
            l[i] = sign == 0 ? Double.NEGATIVE_INFINITY : nanWhenNegative && sign < 0 ? Double.NaN : lu.logAbsDeterminant();
        }
        Tensor out = MatrixBatch.tensor(l, a.dtype(), batchShape(a));
        return def.record(out, new Tensor[] {a}, new Tensor[] {a},
                g -> new Tensor[] {needing(def.name(), "an invertible matrix", () -> mT(inverse(a))).mul(g.unsqueeze(-1).unsqueeze(-1))},
                t -> trace(needing(def.name(), "an invertible matrix", () -> solve(a, t[0]))));
    }
}
