package dev.tapegrad.curvature;

import dev.tapegrad.Generator;
import java.util.ArrayList;
import java.util.List;

/**
 * The top eigenpairs of a symmetric operator by power iteration with deflation. From a random unit v, repeat
 * w = A·v, λ = vᵀw, v ← w/‖w‖: v turns towards the eigenvector of the eigenvalue of largest magnitude, the error
 * shrinking like |λ₂/λ₁| per step. The iteration stops when the residual ‖A·v − λv‖ ≤ tolerance·‖A‖, with ‖A‖
 * estimated by the largest |λ| found so far (then λ is accurate to about residual²/gap). The next pair comes from
 * the deflated operator A − Σⱼ λⱼ·uⱼuⱼᵀ, whose largest-magnitude eigenvalue is the next one of A; measuring the
 * residual against ‖A‖ rather than against the smaller |λ| keeps the error that an inexact uⱼ leaves in the
 * deflated operator (about |λⱼ|·‖uⱼ − exact‖) from stalling the later pairs.
 *
 * <p>This is the simplest way to the sharpness λ_max of a loss (Cohen et al., "Gradient descent on neural
 * networks typically occurs at the edge of stability", 2021; {@code SharpnessMonitor} in module train), one
 * Hessian-vector product per step. It converges slowly when the top eigenvalues are close: {@link Lanczos}
 * is then much faster for the same products. Note that it finds the eigenvalues of largest <em>magnitude</em>:
 * a Hessian with a strongly negative eigenvalue (a saddle) gives that one first.
 */
public final class PowerIteration {
    private PowerIteration() {}

    /**
     * Settings.
     *
     * @param maxIterations products allowed per eigenpair (≥ 1)
     * @param tolerance     stop when ‖A·v − λv‖ ≤ tolerance·max(|λ|, |λ₁|, …, |λ_k|) (&gt; 0), over the values of
     *                      the k pairs deflated so far (an estimate of ‖A‖)
     */
    public record Options(int maxIterations, double tolerance) {
        /** 1000 iterations, relative residual 1e-8 (eigenvalues then typically good to 1e-12 relative or better). */
        public static final Options DEFAULT = new Options(1000, 1e-8);

        /** Checks the ranges. */
        public Options {
            if (maxIterations < 1) throw new IllegalArgumentException("PowerIteration: maxIterations must be ≥ 1, got " + maxIterations);
            if (!(tolerance > 0)) throw new IllegalArgumentException("PowerIteration: tolerance must be > 0, got " + tolerance);
        }

        /** These settings with another iteration limit. */
        public Options withMaxIterations(int n) {
            return new Options(n, tolerance);
        }

        /** These settings with another tolerance. */
        public Options withTolerance(double t) {
            return new Options(maxIterations, t);
        }
    }

    /** The {@code k} eigenpairs of largest magnitude, in the order found, with {@link Options#DEFAULT}. */
    public static List<Eigenpair> top(Generator gen, SymmetricOperator a, int k) {
        return top(gen, a, k, Options.DEFAULT);
    }

    /** The {@code k} eigenpairs of largest magnitude, in the order found; start vectors drawn from {@code gen}. */
    public static List<Eigenpair> top(Generator gen, SymmetricOperator a, int k, Options options) {
        int n = a.layout().size();
        if (k < 1 || k > n) throw new IllegalArgumentException("PowerIteration: k must be in [1, " + n + "], got " + k);
        List<Eigenpair> found = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            found.add(largest(a, found, ParamVector.gaussian(gen, a.layout()), options));
        }
        return List.copyOf(found);
    }

    /**
     * The eigenpair of largest magnitude of A − Σ λⱼuⱼuⱼᵀ over the pairs {@code deflate}, from the start
     * vector {@code start} (for example the previous answer, to follow a slowly changing operator).
     */
    public static Eigenpair largest(SymmetricOperator a, List<Eigenpair> deflate, ParamVector start, Options options) {
        ParamVector v = orthogonalise(start, deflate);
        double norm = v.norm();
        if (!(norm > 0)) throw new IllegalArgumentException("PowerIteration: the start vector is zero (or in the deflated space)");
        v = v.scale(1 / norm);
        double scale = 0; // ‖A‖ as far as known: the largest |λ| deflated
        for (Eigenpair p : deflate) scale = Math.max(scale, Math.abs(p.value()));
        for (int it = 1; ; it++) {
            ParamVector w = deflated(a, v, deflate);
            double lambda = v.dot(w);
            double residual = w.axpy(-lambda, v).norm();
            if (!Double.isFinite(residual)) {
                throw new ArithmeticException("PowerIteration: the operator returned a non-finite product (is the loss finite?)");
            }
            double wn = w.norm();
            if (residual <= options.tolerance() * Math.max(scale, Math.abs(lambda)) || wn == 0) {
                return new Eigenpair(lambda, v, residual, it, true);
            }
            // out of iterations: return the pair just measured (λ and the residual belong to this v, not the next)
            if (it == options.maxIterations()) return new Eigenpair(lambda, v, residual, it, false);
            // keep v orthogonal to the deflated directions (rounding would bring them back)
            v = orthogonalise(w.scale(1 / wn), deflate).normalize();
        }
    }

    /** (A − Σ λⱼuⱼuⱼᵀ)·v. */
    private static ParamVector deflated(SymmetricOperator a, ParamVector v, List<Eigenpair> deflate) {
        ParamVector w = a.apply(v);
        for (Eigenpair p : deflate) w = w.axpy(-p.value() * p.vector().dot(v), p.vector());
        return w;
    }

    private static ParamVector orthogonalise(ParamVector v, List<Eigenpair> against) {
        for (Eigenpair p : against) v = v.axpy(-p.vector().dot(v), p.vector());
        return v;
    }
}
