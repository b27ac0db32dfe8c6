package dev.tapegrad;

/**
 * The Jacobian-vector product of one op (its forward-mode rule): given the tangent of each input (the
 * direction ẋᵢ in which it moves), return the tangent of the output, ẏ = Σᵢ ∂out/∂inputᵢ · ẋᵢ.
 *
 * <p>It is the forward twin of {@link Rule}: a VJP maps ȳ to ȳ·J, a JVP maps ẋ to J·ẋ. Rules are written with
 * ordinary differentiable tensor ops, so a tangent computed under recording can itself be differentiated
 * (reverse over forward), and a backward pass run inside a {@link DualLevel} carries tangents through the
 * VJP rules (forward over reverse, the cheap Hessian-vector product).
 */
@FunctionalInterface
interface JvpRule {
    /**
     * The output's tangent.
     *
     * @param tangents the tangent of each input, in input order, or {@code null} for an input without one (a
     *                 zero tangent); at least one is non-null
     * @return the output's tangent: the output's shape or one that broadcasts to it; {@code null} for zero
     */
    Tensor apply(Tensor[] tangents);

    /** The sum of the non-null terms (null when all are null): the usual shape of a JVP rule, Σᵢ Jᵢ ẋᵢ. */
    static Tensor sum(Tensor... terms) {
        Tensor s = null;
        for (Tensor t : terms) if (t != null) s = s == null ? t : s.add(t);
        return s;
    }
}
