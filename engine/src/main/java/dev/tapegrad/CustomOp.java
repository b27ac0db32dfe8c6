package dev.tapegrad;

import java.util.function.Function;

/**
 * A differentiable op with a user-supplied backward: the forward may be anything (even non-differentiable,
 * like rounding), the backward says what gradient to pass back. Straight-through estimators and surrogate
 * gradients are written this way.
 *
 * <pre>{@code
 * // sign(x) forward, identity gradient clipped to |x| <= 1 backward (a straight-through estimator)
 * CustomOp ste = CustomOp.of("sign_ste",
 *         in -> in[0].sign(),
 *         (g, in, out) -> new Tensor[] {g.mul(in[0].abs().le(1.0).to(g.dtype()))});
 * Tensor y = ste.apply(x);
 * }</pre>
 *
 * <p>The forward runs with recording off. The backward is written with ordinary tensor ops, so it is itself
 * differentiable when {@code backward} runs with {@code createGraph}. Check a custom op's backward with
 * {@link dev.tapegrad.check.GradCheck} against the function it stands for, where there is one.
 */
public interface CustomOp {

    /** The op's name, shown in error and anomaly messages. */
    String name();

    /** Computes the output from the inputs (recording is off while it runs). */
    Tensor forward(Tensor... inputs);

    /**
     * The vector-Jacobian product: the gradient for each input (or {@code null}) given the output's
     * gradient, the inputs and the output.
     */
    Tensor[] backward(Tensor gradOutput, Tensor[] inputs, Tensor output);

    /** Applies the op, recording it on the tape when an input requires grad. */
    default Tensor apply(Tensor... inputs) {
        Tensor out;
        try (var scope = Autograd.noGrad()) {
            out = forward(inputs);
            for (Tensor in : inputs) {
                if (out == in) { // a fresh tensor is needed: the output gets its own tape node
                    out = out.clone();
                    break;
                }
            }
            if (out.requiresGrad()) out = out.detach(); // never adopt a caller's parameter or graph node
        }
        Tensor[] ins = inputs.clone();
        Tensor output = out;
        Tensor[] saved = new Tensor[ins.length + 1];
        System.arraycopy(ins, 0, saved, 0, ins.length);
        saved[ins.length] = output;
        return Tape.record(name(), output, ins, saved, g -> backward(g, ins, output));
    }

    /** The backward of {@link #of}. */
    @FunctionalInterface
    interface Backward {
        /** The gradient of each input (or {@code null}) given the output's gradient, the inputs and the output. */
        Tensor[] apply(Tensor gradOutput, Tensor[] inputs, Tensor output);
    }

    /** A custom op from a name, a forward function and a backward function. */
    static CustomOp of(String name, Function<Tensor[], Tensor> forward, Backward backward) {
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
        };
    }
}
