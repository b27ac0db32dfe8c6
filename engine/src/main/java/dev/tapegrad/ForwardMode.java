package dev.tapegrad;

import java.util.Arrays;

/**
 * The forward-mode half of {@link Tape#record}: when a {@link DualLevel} is open on this thread and an op's
 * input carries a tangent, the op's {@link JvpRule} computes the output's tangent, which is attached to the
 * output. Tangents are thus pushed forward op by op, alongside the values (dual numbers, one level deep).
 *
 * <p>While a JVP rule runs, the ops it calls compute no tangents of their own: they compute the tangent, not
 * a function of the dual values.
 */
final class ForwardMode {
    private ForwardMode() {}

    /** Attaches the output's tangent, if an input has one at the open level. */
    static void propagate(String op, Tensor out, Tensor[] inputs, JvpRule jvp, Tape.State s) {
        long level = s.dualLevel;
        Tensor[] tangents = null;
        for (int i = 0; i < inputs.length; i++) {
            Tensor t = inputs[i].tangentAt(level);
            if (t == null) continue;
            if (tangents == null) tangents = new Tensor[inputs.length];
            tangents[i] = t;
        }
        if (tangents == null || !out.dtype().isFloating()) return; // masks and indices carry no tangent
        Tensor t;
        boolean outer = s.inJvpRule;
        s.inJvpRule = true;
        try {
            t = jvp.apply(tangents);
        } finally {
            s.inJvpRule = outer;
        }
        if (t == null) return;
        out.setTangent(conform(op, t, out), level);
    }

    /**
     * Gives {@code to} the tangent {@code from} carries at the open level, if any: for functional forms that
     * run a function on fresh leaves holding the caller's values ({@link Autograd#grad(java.util.function.Function,
     * java.util.List, boolean)}), so that forward mode sees through them.
     */
    static void carryTangent(Tensor from, Tensor to) {
        long level = Tape.state().dualLevel;
        Tensor t = from.tangentAt(level);
        if (t != null) to.setTangent(t, level);
    }

    /**
     * Whether a result must be computed with differentiable ops rather than by a fused kernel (which records
     * nothing and pushes no tangent): when it will be recorded (one of {@code ts} requires grad while
     * recording) or must carry a tangent (one of them has a tangent at the open level, as in a backward pass
     * run forward over reverse). Fused ops with a fast path check this.
     */
    static boolean needsDifferentiableOps(Tensor... ts) {
        Tape.State s = Tape.state();
        boolean forward = s.dualLevel != 0 && !s.inJvpRule;
        for (Tensor t : ts) {
            if (t == null) continue;
            if (s.recording && t.requiresGrad || forward && t.tangentAt(s.dualLevel) != null) return true;
        }
        return false;
    }

    /** The rule's result as a tangent of {@code out}: same dtype, broadcast to out's shape. */
    private static Tensor conform(String op, Tensor t, Tensor out) {
        if (t.dtype() != out.dtype()) {
            throw new IllegalStateException("JVP rule of '" + op + "' returned a " + t.dtype() + " tangent for a "
                    + out.dtype() + " output");
        }
        if (Arrays.equals(t.shape, out.shape)) return t;
        int[] shape = Shapes.broadcast("JVP rule of '" + op + "'", t.shape, out.shape);
        if (!Arrays.equals(shape, out.shape)) {
            throw new IllegalStateException("JVP rule of '" + op + "' returned a tangent of shape " + Shapes.str(t.shape)
                    + ", which does not broadcast to the output's shape " + Shapes.str(out.shape));
        }
        return t.expand(out.shape);
    }
}
