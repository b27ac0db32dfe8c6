package dev.tapegrad;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Entry points of reverse-mode differentiation besides {@link Tensor#backward()}: recording scopes, the
 * functional gradient, Hessian-vector products and anomaly mode.
 *
 * <pre>{@code
 * try (var scope = Autograd.noGrad()) {        // nothing recorded inside: inference, optimizer updates
 *     ...
 * }
 * Tensor[] g = Autograd.grad(loss, new Tensor[] {w, b});   // ∂loss/∂w, ∂loss/∂b; w.grad() untouched
 * }</pre>
 */
public final class Autograd {
    private Autograd() {}

    /** A scope that restores the previous recording and anomaly settings when closed. */
    public static final class Scope implements AutoCloseable {
        private final boolean recording;
        private final boolean anomaly;
        private boolean closed;

        private Scope(boolean recording, boolean anomaly) {
            Tape.State s = Tape.state();
            this.recording = s.recording;
            this.anomaly = s.anomaly;
            s.recording = recording;
            s.anomaly = anomaly;
        }

        @Override
        public void close() {
            if (closed) return;
            closed = true;
            Tape.State s = Tape.state();
            s.recording = recording;
            s.anomaly = anomaly;
        }
    }

    /** Turns recording off until the scope closes: ops run but nothing is put on the tape. */
    public static Scope noGrad() {
        return new Scope(false, Tape.state().anomaly);
    }

    /** Turns recording on until the scope closes (for example to differentiate inside a {@link #noGrad()} block). */
    public static Scope enableGrad() {
        return new Scope(true, Tape.state().anomaly);
    }

    /**
     * Anomaly mode until the scope closes: every op checks its output, and backward every gradient, for
     * NaN and ±Inf, and the first op that produces one throws an {@link AnomalyException} naming the op,
     * its input shapes and the user code that called it. It slows everything down; use it to debug.
     */
    public static Scope detectAnomaly() {
        return new Scope(Tape.state().recording, true);
    }

    /** Whether ops on this thread are currently recorded. */
    public static boolean isRecording() {
        return Tape.isRecording();
    }

    /**
     * The gradients of a single-element {@code output} with respect to {@code inputs}, without touching any
     * tensor's {@code grad}. Inputs the output does not depend on get zeros.
     */
    public static Tensor[] grad(Tensor output, Tensor[] inputs) {
        return grad(output, inputs, null, false, false);
    }

    /**
     * The vector-Jacobian products cᵀ·∂output/∂inputᵢ.
     *
     * @param cotangent   c, of the output's shape; {@code null} for a single-element output (c = 1)
     * @param retainGraph keep the saved values so that the same graph can be differentiated again
     * @param createGraph record the backward computation itself, so the returned gradients can be
     *                    differentiated again (second derivatives, Hessian-vector products); implies
     *                    retaining the graph
     */
    public static Tensor[] grad(Tensor output, Tensor[] inputs, Tensor cotangent, boolean retainGraph,
                                boolean createGraph) {
        for (int i = 0; i < inputs.length; i++) {
            if (!inputs[i].requiresGrad) {
                throw new IllegalArgumentException("grad: input " + i + " (shape " + Shapes.str(inputs[i].shape)
                        + ") does not require grad; call requiresGrad(true) on it before computing the output");
            }
        }
        return Backprop.run(output, cotangent, inputs, retainGraph || createGraph, createGraph);
    }

    /**
     * The gradient of a scalar function at a point, in functional style: {@code f} is evaluated on fresh
     * leaves holding the values of {@code at}, and their gradients are returned.
     *
     * @param createGraph whether the returned gradients are themselves differentiable (with respect to
     *                    whatever {@code at} depends on)
     */
    public static List<Tensor> grad(Function<List<Tensor>, Tensor> f, List<Tensor> at, boolean createGraph) {
        Tensor[] leaves = new Tensor[at.size()];
        Tensor out;
        try (var scope = enableGrad()) {
            for (int i = 0; i < leaves.length; i++) {
                Tensor a = at.get(i);
                // With createGraph the point stays connected to the caller's graph (a differentiable identity).
                leaves[i] = createGraph && a.requiresGrad ? a.identity() : a.detach().requiresGrad(true);
            }
            out = f.apply(List.of(leaves));
        }
        // A function that ignores its inputs has zero gradient (Backprop returns zeros for that case).
        return Arrays.asList(grad(out, leaves, null, createGraph, createGraph));
    }

    /** The gradient of a scalar function of one tensor: ∇f(x). */
    public static Tensor grad(Function<Tensor, Tensor> f, Tensor x) {
        return grad(args -> f.apply(args.getFirst()), List.of(x), false).getFirst();
    }

    /**
     * The Hessian-vector product H·v of a scalar function at x, by differentiating ⟨∇f(x), v⟩ once more
     * (reverse over reverse). Costs about two gradient evaluations and never forms H.
     */
    public static Tensor hvp(Function<Tensor, Tensor> f, Tensor x, Tensor v) {
        Tensor leaf = x.detach().requiresGrad(true);
        try (var scope = enableGrad()) {
            Tensor y = f.apply(leaf);
            Tensor g = grad(y, new Tensor[] {leaf}, null, true, true)[0];
            Tensor gv = g.mul(v.detach()).sum();
            return grad(gv, new Tensor[] {leaf})[0]; // zeros when ∇f does not depend on x (f linear)
        }
    }
}
