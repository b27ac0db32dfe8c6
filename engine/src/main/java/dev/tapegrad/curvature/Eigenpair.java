package dev.tapegrad.curvature;

/**
 * An approximate eigenpair (λ, u) of a symmetric operator A, with how well it satisfies A·u = λ·u.
 *
 * @param value      λ, the Rayleigh quotient uᵀA·u
 * @param vector     u, a unit vector
 * @param residual   ‖A'·u − λ·u‖ for the operator A' the pair was computed from (for power iteration with
 *                   deflation, A minus the pairs found before it)
 * @param iterations products with the operator it took
 * @param converged  whether the residual reached the requested tolerance within the allowed iterations
 */
public record Eigenpair(double value, ParamVector vector, double residual, int iterations, boolean converged) {}
