package dev.tapegrad.curvature;

/**
 * A symmetric linear map v ↦ A·v on parameter space, known only through its products: what power iteration,
 * Lanczos, stochastic Lanczos quadrature and Hutchinson's estimators need. {@link HessianOperator} is the one a
 * model gives (A = ∇²loss); any other symmetric matrix-free operator (a Gauss–Newton or Fisher product, a
 * preconditioned Hessian) can be analysed the same way.
 */
public interface SymmetricOperator {
    /** The space the operator acts on. */
    ParamLayout layout();

    /** A·v, for v of this operator's layout. A must be symmetric: ⟨u, A·v⟩ = ⟨A·u, v⟩. */
    ParamVector apply(ParamVector v);

    /**
     * The dense n×n matrix, column j = A·e_j (n products); for small n only (checks, teaching). Refuses
     * n &gt; {@code maxSize} with a message naming n.
     */
    default double[][] toDense(int maxSize) {
        int n = layout().size();
        if (n > maxSize) {
            throw new IllegalArgumentException("toDense: the operator has n = " + n + " > " + maxSize
                    + " rows; a dense matrix would need " + (8L * n * n >> 20) + " MiB");
        }
        double[][] a = new double[n][n];
        for (int j = 0; j < n; j++) {
            ParamVector col = apply(ParamVector.unit(layout(), j));
            for (int i = 0; i < n; i++) a[i][j] = col.get(i);
        }
        return a;
    }
}
