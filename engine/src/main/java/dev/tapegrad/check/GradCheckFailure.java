package dev.tapegrad.check;

import java.util.Arrays;

/**
 * Thrown by {@link GradCheck} when an analytic gradient disagrees with central differences. The message
 * names the worst mismatch: the input (index and shape), the element's multi-index (elementwise mode) or
 * the random direction (directional mode), the numerical and the analytic value, and the tolerance.
 */
public final class GradCheckFailure extends AssertionError {
    private final transient Mismatch worst;

    /**
     * One disagreeing pair.
     *
     * @param input     the input's position in the argument list (for a second-order check, the last
     *                  position is the cotangent)
     * @param inputName "input 0", ..., or "cotangent"
     * @param shape     the input's shape
     * @param index     the element's multi-index, or {@code null} in directional mode
     * @param direction the random direction (0-based) in directional mode, −1 in elementwise mode
     * @param numeric   the central-difference value ⟨c, J·t⟩
     * @param analytic  the backward value ⟨Jᵀc, t⟩
     */
    public record Mismatch(int input, String inputName, int[] shape, int[] index, int direction, double numeric,
                           double analytic) {}

    GradCheckFailure(String what, GradCheck.Options o, Mismatch worst, int failures, int checks, int directions) {
        super(message(what, o, worst, failures, checks, directions));
        this.worst = worst;
    }

    private static String message(String what, GradCheck.Options o, Mismatch m, int failures, int checks, int directions) {
        String where = m.inputName() + " (shape " + Arrays.toString(m.shape()) + ")";
        StringBuilder sb = new StringBuilder("GradCheck (" + what + ") failed: " + failures + " of " + checks
                + " comparisons differ. Worst: " + where);
        if (m.index() != null) {
            String at = Arrays.toString(m.index());
            sb.append(", element ").append(at).append('\n')
              .append("    numerical ⟨c, ∂f/∂x").append(at).append("⟩ = ").append(m.numeric()).append('\n')
              .append("    analytic  (Jᵀc)").append(at).append(" = ").append(m.analytic()).append('\n');
        } else {
            sb.append(", random direction ").append(m.direction() + 1).append(" of ").append(directions).append('\n')
              .append("    numerical ⟨c, J·t⟩ = ").append(m.numeric()).append('\n')
              .append("    analytic ⟨Jᵀc, t⟩ = ").append(m.analytic()).append('\n');
        }
        sb.append("    |difference| = ").append(Math.abs(m.numeric() - m.analytic())).append(" > atol ").append(o.atol())
          .append(" + rtol ").append(o.rtol()).append(" · |numerical|\n")
          .append("(numerical: central differences with eps ").append(o.eps()).append("; analytic: backward; c")
          .append(m.index() == null ? " and t are random" : " is a random cotangent").append(", seed ").append(o.seed())
          .append(')');
        if (m.index() == null) sb.append("\nRun with Mode.ELEMENTWISE to find the element.");
        return sb.toString();
    }

    /** The worst disagreeing pair. */
    public Mismatch worst() {
        return worst;
    }
}
