package dev.tapegrad;

import java.util.function.Function;

/**
 * A differentiable op with user-supplied derivatives: the forward may be anything (even non-differentiable,
 * like rounding), the backward says what gradient to pass back, and the optional JVP what tangent to pass
 * forward. Straight-through estimators and surrogate gradients are written this way.
 *
 * <pre>{@code
 * // sign(x) forward; the derivative of clamp(x, −1, 1) as its surrogate, backward and forward
 * CustomOp ste = CustomOp.of("sign_ste",
 *         in -> in[0].sign(),
 *         (g, in, out) -> new Tensor[] {g.mul(in[0].abs().le(1.0).to(g.dtype()))},    // x̄ = ȳ·s(x)
 *         (t, in, out) -> t[0].mul(in[0].abs().le(1.0).to(t[0].dtype())));           // ẏ = s(x)·ẋ
 * Tensor y = ste.apply(x);
 * }</pre>
 *
 * <p>The forward runs with recording off and sees its inputs without tangents: to both modes the op is one
 * step, whose derivatives are the declared ones. The backward (a VJP, ȳ ↦ ȳ·J) and the JVP (ẋ ↦ J·ẋ) must be
 * two faces of one Jacobian J, so that ⟨ȳ, J·ẋ⟩ = ⟨ȳ·J, ẋ⟩; both are written with ordinary tensor ops, so they
 * are themselves differentiable (second order, forward over reverse). An op without a JVP works in reverse
 * mode; forward mode ({@link DualLevel}, {@link Autograd#jvp}) stops at it with an error naming it.
 * Check the backward with {@link dev.tapegrad.check.GradCheck#checkAgainst} and the JVP with
 * {@link dev.tapegrad.check.JvpCheck#checkAgainst} against the function the op stands for, where there is one.
 */
public interface CustomOp {

    /** The op's name, shown in error and anomaly messages. */
    String name();

    /** Computes the output from the inputs (recording is off while it runs, and the inputs carry no tangents). */
    Tensor forward(Tensor... inputs);

    /**
     * The vector-Jacobian product: the gradient for each input (or {@code null}) given the output's
     * gradient, the inputs and the output.
     */
    Tensor[] backward(Tensor gradOutput, Tensor[] inputs, Tensor output);

    /**
     * The Jacobian-vector product (forward mode): the output's tangent J·ẋ given each input's tangent (zeros
     * for an input without one), the inputs and the output; {@code null} means a zero tangent. By default the
     * op declares none, and forward mode reaching it fails with a message naming the op.
     */
    default Tensor jvp(Tensor[] tangents, Tensor[] inputs, Tensor output) {
        throw new UnsupportedOperationException("custom op '" + name() + "' declares no JVP rule, so forward mode"
                + " (a DualLevel, Autograd.jvp, a forward-over-reverse hvp) cannot pass through it; declare one with"
                + " CustomOp.of(name, forward, backward, jvp) or by overriding CustomOp.jvp");
    }

    /** Applies the op, recording it on the tape when an input requires grad and computing its tangent in forward mode. */
    default Tensor apply(Tensor... inputs) {
        Tensor[] ins = inputs.clone();
        Tensor[] plain = new Tensor[ins.length]; // aliases without grad or tangents: forward is opaque to both modes
        for (int i = 0; i < ins.length; i++) plain[i] = ins[i].detach();
        Tensor out;
        try (var scope = Autograd.noGrad()) {
            out = forward(plain);
            for (int i = 0; i < ins.length; i++) {
                if (out == plain[i] || out == ins[i]) { // a fresh tensor is needed: the output gets its own tape node
                    out = out.clone();
                    break;
                }
            }
            if (out.requiresGrad()) out = out.detach(); // never adopt a caller's parameter or graph node
        }
        Tensor output = out;
        Tensor[] saved = new Tensor[ins.length + 1];
        System.arraycopy(ins, 0, saved, 0, ins.length);
        saved[ins.length] = output;
        return Tape.record(name(), output, ins, saved, g -> backward(g, ins, output), t -> {
            Tensor[] tangents = t.clone();
            for (int i = 0; i < tangents.length; i++) {
                if (tangents[i] == null) tangents[i] = Tensor.zeros(ins[i].dtype(), ins[i].shape);
            }
            return jvp(tangents, ins, output);
        });
    }

    /** The backward of {@link #of}. */
    @FunctionalInterface
    interface Backward {
        /** The gradient of each input (or {@code null}) given the output's gradient, the inputs and the output. */
        Tensor[] apply(Tensor gradOutput, Tensor[] inputs, Tensor output);
    }

    /** The forward-mode rule of {@link #of(String, Function, Backward, Jvp)}. */
    @FunctionalInterface
    interface Jvp {
        /**
         * The output's tangent (or {@code null} for zero) given each input's tangent (zeros for an input without
         * one), the inputs and the output.
         */
        Tensor apply(Tensor[] tangents, Tensor[] inputs, Tensor output);
    }

    /** A custom op from a name, a forward function and a backward function; it has no JVP (reverse mode only). */
    static CustomOp of(String name, Function<Tensor[], Tensor> forward, Backward backward) {
        return make(name, forward, backward, null);
    }

    /**
     * A custom op from a name, a forward function, a backward function (the VJP) and a forward-mode rule (the
     * JVP); the two rules must be derivatives of one function, ȳ·J and J·ẋ.
     */
    static CustomOp of(String name, Function<Tensor[], Tensor> forward, Backward backward, Jvp jvp) {
        java.util.Objects.requireNonNull(jvp, () -> "custom op '" + name + "': the JVP rule is null (use the"
                + " three-argument CustomOp.of for an op without one)");
        return make(name, forward, backward, jvp);
    }

    /** The op of {@link #of}; without a JVP ({@code null}) its {@link #jvp} is the default, which fails. */
    private static CustomOp make(String name, Function<Tensor[], Tensor> forward, Backward backward, Jvp jvp) {
        java.util.Objects.requireNonNull(name, "CustomOp.of: name");
        java.util.Objects.requireNonNull(forward, () -> "custom op '" + name + "': forward is null");
        java.util.Objects.requireNonNull(backward, () -> "custom op '" + name + "': backward is null");
        return new CustomOp() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Tensor forward(Tensor... inputs) {
                return forward.apply(inputs);
            }

            @Override
            public Tensor[] backward(Tensor gradOutput, Tensor[] inputs, Tensor output) {
                return backward.apply(gradOutput, inputs, output);
            }

            @Override
            public Tensor jvp(Tensor[] tangents, Tensor[] inputs, Tensor output) {
                return jvp == null ? CustomOp.super.jvp(tangents, inputs, output) : jvp.apply(tangents, inputs, output);
            }
        };
    }
}
