package dev.tapegrad.curvature;

import dev.tapegrad.Generator;
import java.util.ArrayList;
import java.util.List;

/**
 * The Lanczos iteration with full reorthogonalisation: m products with a symmetric operator A build an
 * orthonormal basis q₁…q_m of the Krylov space span{v, Av, …, A^{m−1}v} in which A is tridiagonal,
 * <pre>
 *   A·Q_m = Q_m·T_m + β_m·q_{m+1}·e_mᵀ,    T_m = tridiag(β, α, β),   αⱼ = qⱼᵀAqⱼ,  βⱼ = ‖Aqⱼ − αⱼqⱼ − βⱼ₋₁qⱼ₋₁‖.
 * </pre>
 * The eigenvalues θᵢ of T_m (Ritz values) approximate A's eigenvalues, the extreme ones first and fast (far
 * faster than power iteration when the top eigenvalues are close); the Ritz vectors yᵢ = Q_m·sᵢ (sᵢ T_m's
 * eigenvectors) approximate the eigenvectors, with residual ‖A·yᵢ − θᵢ·yᵢ‖ = β_m·|sᵢ[m]| known without
 * another product. In floating point the qⱼ lose orthogonality as Ritz values converge (ghost copies of
 * eigenvalues appear); full reorthogonalisation, subtracting the projections on all previous qⱼ twice
 * ("twice is enough"), prevents that at O(m·n) extra work per step. This is the tool of Ghorbani, Krishnan
 * and Xiao (2019) for the extreme eigenvalues of a network's Hessian; {@link SpectralDensity} builds on it.
 *
 * <p>The iteration stops early when βⱼ falls below 1e-12·‖T‖: the Krylov space is invariant (A has at most j
 * distinct eigenvalues with a component along v) and T_j's eigenvalues are exact.
 */
public final class Lanczos {
    private Lanczos() {}

    /** Relative size of βⱼ (against the largest |α| or β so far) below which the Krylov space is taken as invariant. */
    static final double BREAKDOWN = 1e-12;

    /**
     * What m steps of Lanczos found.
     *
     * @param alpha      the diagonal of T (length m, the steps actually done)
     * @param beta       its off-diagonal (length m − 1)
     * @param residual   β_m, the norm of the part of A·q_m outside the basis (0 when the space became invariant)
     * @param ritzValues the eigenvalues of T, ascending
     * @param weights    τᵢ², the squared first components of T's eigenvectors (they sum to 1): the weight of
     *                   ritzValues[i] in the start vector's spectral measure
     * @param ritzVectors the unit Ritz vectors, in the order of ritzValues; empty unless asked for
     * @param ritzResiduals ‖A·yᵢ − θᵢ·yᵢ‖ = β_m·|sᵢ[m]| for each Ritz pair
     */
    public record Result(double[] alpha, double[] beta, double residual, double[] ritzValues, double[] weights,
                         List<ParamVector> ritzVectors, double[] ritzResiduals) {
        /** Copies the arrays and the list. */
        public Result {
            alpha = alpha.clone();
            beta = beta.clone();
            ritzValues = ritzValues.clone();
            weights = weights.clone();
            ritzVectors = List.copyOf(ritzVectors);
            ritzResiduals = ritzResiduals.clone();
        }

        /** A copy of T's diagonal. */
        @Override
        public double[] alpha() {
            return alpha.clone();
        }

        /** A copy of T's off-diagonal. */
        @Override
        public double[] beta() {
            return beta.clone();
        }

        /** A copy of the Ritz values, ascending. */
        @Override
        public double[] ritzValues() {
            return ritzValues.clone();
        }

        /** A copy of the quadrature weights. */
        @Override
        public double[] weights() {
            return weights.clone();
        }

        /** A copy of the Ritz residuals. */
        @Override
        public double[] ritzResiduals() {
            return ritzResiduals.clone();
        }

        /** The number of steps done (m). */
        public int steps() {
            return alpha.length;
        }

        /** The largest Ritz value (an approximation of λ_max from below). */
        public double largest() {
            return ritzValues[ritzValues.length - 1];
        }

        /** The smallest Ritz value (an approximation of λ_min from above). */
        public double smallest() {
            return ritzValues[0];
        }
    }

    /**
     * Settings: whether to return the Ritz vectors (they cost m vectors of n numbers and m·m·n operations).
     *
     * @param ritzVectors return the Ritz vectors in {@link Result#ritzVectors()}
     */
    public record Options(boolean ritzVectors) {
        /** No Ritz vectors. */
        public static final Options DEFAULT = new Options(false);

        /** These settings with or without Ritz vectors. */
        public Options withRitzVectors(boolean on) {
            return new Options(on);
        }
    }

    /** m = {@code steps} Lanczos steps from a Rademacher start vector drawn from {@code gen}; no Ritz vectors. */
    public static Result run(Generator gen, SymmetricOperator a, int steps) {
        return run(gen, a, steps, Options.DEFAULT);
    }

    /** m = {@code steps} Lanczos steps from a Rademacher start vector drawn from {@code gen}. */
    public static Result run(Generator gen, SymmetricOperator a, int steps, Options options) {
        return fromStart(a, ParamVector.rademacher(gen, a.layout()), steps, options);
    }

    /**
     * m = {@code steps} Lanczos steps from the given start vector (normalised here; it must not be zero). At
     * most n steps are done (n = the operator's size), fewer if the Krylov space becomes invariant.
     */
    public static Result fromStart(SymmetricOperator a, ParamVector start, int steps, Options options) {
        a.layout().requireSame(start.layout(), "Lanczos");
        int n = a.layout().size();
        if (steps < 1) throw new IllegalArgumentException("Lanczos: steps must be ≥ 1, got " + steps);
        int m = Math.min(steps, n);
        double startNorm = start.norm();
        if (!(startNorm > 0) || !Double.isFinite(startNorm)) {
            throw new IllegalArgumentException("Lanczos: the start vector's norm is " + startNorm);
        }
        List<double[]> q = new ArrayList<>(m); // the basis, as raw arrays
        double[] alpha = new double[m];
        double[] beta = new double[m]; // beta[j] couples q_j and q_{j+1}
        double[] current = start.scale(1 / startNorm).toArray();
        double scale = 0; // the largest |α| or β so far, for the breakdown test
        int done = 0;
        double residual = 0;
        for (int j = 0; j < m; j++) {
            q.add(current);
            double[] w = a.apply(ParamVector.wrap(a.layout(), current.clone())).toArray();
            requireFinite(w, j);
            alpha[j] = dot(current, w);
            // w ← w − α_j q_j − β_{j−1} q_{j−1}, then remove every component along the basis, twice
            axpy(w, -alpha[j], current);
            if (j > 0) axpy(w, -beta[j - 1], q.get(j - 1));
            for (int pass = 0; pass < 2; pass++) {
                for (double[] qi : q) axpy(w, -dot(qi, w), qi);
            }
            double b = Math.sqrt(dot(w, w));
            scale = Math.max(scale, Math.max(Math.abs(alpha[j]), b));
            done = j + 1;
            residual = b;
            if (b <= BREAKDOWN * scale) { // invariant subspace: T_j is exact
                residual = 0;
                break;
            }
            beta[j] = b;
            if (j + 1 < m) {
                for (int i = 0; i < n; i++) w[i] /= b;
                current = w;
            }
        }
        double[] al = java.util.Arrays.copyOf(alpha, done);
        double[] be = java.util.Arrays.copyOf(beta, Math.max(0, done - 1));
        SymmetricTridiagonal.Eigen eig = SymmetricTridiagonal.eigen(al, be);
        double[][] s = eig.vectors(); // s[j][i]: component j of T's eigenvector i
        double[] weights = new double[done];
        double[] residuals = new double[done];
        for (int i = 0; i < done; i++) {
            double f = s[0][i];
            weights[i] = f * f;
            residuals[i] = residual * Math.abs(s[done - 1][i]);
        }
        List<ParamVector> vectors = List.of();
        if (options.ritzVectors()) {
            List<ParamVector> ys = new ArrayList<>(done);
            for (int i = 0; i < done; i++) {
                double[] y = new double[n];
                for (int j = 0; j < done; j++) axpy(y, s[j][i], q.get(j));
                ys.add(ParamVector.wrap(a.layout(), y));
            }
            vectors = List.copyOf(ys);
        }
        return new Result(al, be, residual, eig.values(), weights, vectors, residuals);
    }

    static double dot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) s += x[i] * y[i];
        return s;
    }

    /** y ← y + a·x. */
    static void axpy(double[] y, double a, double[] x) {
        for (int i = 0; i < y.length; i++) y[i] += a * x[i];
    }

    private static void requireFinite(double[] w, int step) {
        for (double x : w) {
            if (!Double.isFinite(x)) {
                throw new ArithmeticException("Lanczos: the operator returned a non-finite product at step " + (step + 1)
                        + " (is the loss finite at these parameters?)");
            }
        }
    }
}
