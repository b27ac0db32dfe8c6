package dev.tapegrad;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Entry points of differentiation besides {@link Tensor#backward()}: recording scopes, anomaly mode, the
 * functional gradient and vector-Jacobian product (reverse mode), Jacobian-vector products (forward mode,
 * {@link #jvp}, {@link #dualLevel}), and what is built from them: Jacobians, Hessians and Hessian-vector
 * products.
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
                ForwardMode.carryTangent(a, leaves[i]); // inside a DualLevel the gradient's tangent is then H·ȧ
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

    // ------------------------------------------------------------------ forward mode and derived transforms

    /** Which pass comes first: forward mode (JVPs, one per input direction) or reverse mode (VJPs, one per output). */
    public enum Mode {
        /** Forward mode: cheap when there are few inputs (or, for a Hessian-vector product, forward over reverse). */
        FORWARD,
        /** Reverse mode: cheap when there are few outputs (or, for a Hessian-vector product, reverse over reverse). */
        REVERSE
    }

    /**
     * Opens a forward-mode level on this thread (see {@link DualLevel}); close it with try-with-resources.
     *
     * @throws IllegalStateException when a level is already open on this thread
     */
    public static DualLevel dualLevel() {
        return new DualLevel();
    }

    /** The outputs of a function and their tangents J·v, from {@link #jvp}. */
    public record Jvp(List<Tensor> outputs, List<Tensor> tangents) {
        public Jvp {
            outputs = List.copyOf(outputs);
            tangents = List.copyOf(tangents);
        }

        /** The first (or only) output. */
        public Tensor output() {
            return outputs.getFirst();
        }

        /** The tangent of the first (or only) output. */
        public Tensor tangent() {
            return tangents.getFirst();
        }
    }

    /**
     * The Jacobian-vector product in forward mode: f at the primals, and the tangent of each output,
     * J·v = Σᵢ ∂f/∂xᵢ · vᵢ, in one pass (about the cost of one or two evaluations of f), with no tape. f sees
     * fresh tensors holding the primals' values (the caller's tensors are not touched); tensors f uses from
     * outside (a module's parameters) have zero tangent. For a tangent that is itself differentiable, use a
     * {@link DualLevel} with recording on.
     *
     * @param tangents one per primal, of its shape and dtype, or {@code null} for a primal held fixed (zero tangent)
     */
    public static Jvp jvp(Function<List<Tensor>, List<Tensor>> f, List<Tensor> primals, List<Tensor> tangents) {
        if (primals.size() != tangents.size()) {
            throw new IllegalArgumentException("jvp: " + primals.size() + " primals but " + tangents.size() + " tangents");
        }
        try (var scope = noGrad(); DualLevel level = dualLevel()) {
            List<Tensor> xs = new java.util.ArrayList<>();
            for (int i = 0; i < primals.size(); i++) {
                Tensor x = primals.get(i).detach();
                if (tangents.get(i) != null) level.setTangent(x, tangents.get(i).detach());
                xs.add(x);
            }
            List<Tensor> ys = f.apply(List.copyOf(xs));
            List<Tensor> ts = new java.util.ArrayList<>();
            for (Tensor y : ys) ts.add(level.tangent(y).detach().clone());
            return new Jvp(ys, ts);
        }
    }

    /** {@link #jvp(Function, List, List)} for a function of one tensor with one output: f(x) and J·v. */
    public static Jvp jvp(Function<Tensor, Tensor> f, Tensor x, Tensor v) {
        return jvp(xs -> List.of(f.apply(xs.getFirst())), List.of(x), List.of(v));
    }

    /** The output of a function and its pullback, from {@link #vjp}. */
    public record Vjp(Tensor output, Function<Tensor, List<Tensor>> pullback) {
        /** The vector-Jacobian products cᵀ·∂f/∂xᵢ for a cotangent c of the output's shape. */
        public List<Tensor> apply(Tensor cotangent) {
            return pullback.apply(cotangent);
        }
    }

    /**
     * The function's value and its pullback c ↦ cᵀ·J (reverse mode, JAX's {@code vjp}). f runs once, recorded
     * on fresh leaves holding the primals' values; the pullback may be applied to several cotangents.
     */
    public static Vjp vjp(Function<List<Tensor>, Tensor> f, List<Tensor> primals) {
        Tensor[] leaves = new Tensor[primals.size()];
        Tensor out;
        try (var scope = enableGrad()) {
            for (int i = 0; i < leaves.length; i++) leaves[i] = primals.get(i).detach().requiresGrad(true);
            out = f.apply(List.of(leaves));
        }
        Tensor value = out;
        return new Vjp(value.detach(), c -> Arrays.asList(grad(value, leaves, c, true, false)));
    }

    /**
     * The Jacobian of f at x, of shape {@code f(x).shape ++ x.shape}: entry [i..., j...] is ∂fᵢ/∂xⱼ. Forward mode
     * builds it a column at a time (one JVP per element of x), reverse mode a row at a time (one VJP per element
     * of f(x)); pick the side with fewer elements. Meant for small functions (tests, teaching, small solvers).
     */
    public static Tensor jacobian(Function<Tensor, Tensor> f, Tensor x, Mode mode) {
        int n = x.numel();
        Tensor probe;
        try (var scope = noGrad()) {
            probe = f.apply(x.detach());
        }
        int m = probe.numel();
        int[] shape = new int[probe.shape.length + x.shape.length];
        System.arraycopy(probe.shape, 0, shape, 0, probe.shape.length);
        System.arraycopy(x.shape, 0, shape, probe.shape.length, x.shape.length);
        Tensor[] parts;
        if (mode == Mode.FORWARD) {
            parts = new Tensor[n];
            for (int j = 0; j < n; j++) parts[j] = jvp(f, x, basis(x, j)).tangent().reshape(m);
            return Tensor.stack(1, parts).reshape(shape); // columns side by side: [m, n]
        }
        Vjp pull = vjp(xs -> f.apply(xs.getFirst()), List.of(x));
        parts = new Tensor[m];
        for (int i = 0; i < m; i++) parts[i] = pull.apply(basis(probe, i)).getFirst().reshape(n);
        return Tensor.stack(0, parts).reshape(shape); // rows stacked: [m, n]
    }

    /** The unit tensor eⱼ of like's shape and dtype (1 at flat position j). */
    private static Tensor basis(Tensor like, int j) {
        double[] v = new double[like.numel()];
        v[j] = 1;
        return Tensor.of(v, v.length).reshape(like.shape).to(like.dtype()); // reshape: a 0-d tensor stays 0-d
    }

    /**
     * The Hessian of a scalar function at x, of shape {@code x.shape ++ x.shape}: one forward-over-reverse
     * Hessian-vector product per element of x, so meant for small inputs.
     */
    public static Tensor hessian(Function<Tensor, Tensor> f, Tensor x) {
        int n = x.numel();
        Tensor[] columns = new Tensor[n];
        for (int j = 0; j < n; j++) columns[j] = hvp(f, x, basis(x, j)).reshape(n);
        int[] shape = new int[2 * x.shape.length];
        System.arraycopy(x.shape, 0, shape, 0, x.shape.length);
        System.arraycopy(x.shape, 0, shape, x.shape.length, x.shape.length);
        return Tensor.stack(1, columns).reshape(shape);
    }

    /**
     * The Hessian-vector product H·v of a scalar function at x, forward over reverse: one backward pass run
     * inside a {@link DualLevel} in which x carries the tangent v, so the gradient's tangent is
     * d/dε ∇f(x + εv) = H·v. About the cost of one forward and one backward pass carrying tangents; H is
     * never formed.
     */
    public static Tensor hvp(Function<Tensor, Tensor> f, Tensor x, Tensor v) {
        return hvp(f, x, v, Mode.FORWARD);
    }

    /**
     * The Hessian-vector product H·v of a scalar function at x, computed forward over reverse
     * ({@link Mode#FORWARD}, the default of {@link #hvp(Function, Tensor, Tensor)}) or reverse over reverse
     * ({@link Mode#REVERSE}: differentiate ⟨∇f(x), v⟩ once more, which records the backward pass on the tape).
     * The two agree to rounding.
     */
    public static Tensor hvp(Function<Tensor, Tensor> f, Tensor x, Tensor v, Mode outer) {
        Tensor leaf = x.detach().requiresGrad(true);
        if (outer == Mode.FORWARD) {
            try (var scope = enableGrad(); DualLevel level = dualLevel()) {
                level.setTangent(leaf, v.detach());
                Tensor y = f.apply(leaf);
                Tensor g = grad(y, new Tensor[] {leaf}, null, false, false)[0];
                return level.tangent(g).detach().clone();
            }
        }
        try (var scope = enableGrad()) {
            Tensor y = f.apply(leaf);
            Tensor g = grad(y, new Tensor[] {leaf}, null, true, true)[0];
            Tensor gv = g.mul(v.detach()).sum();
            return grad(gv, new Tensor[] {leaf})[0]; // zeros when ∇f does not depend on x (f linear)
        }
    }
}
