package dev.tapegrad;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Activation checkpointing: a segment of the computation whose intermediate values are not kept for backward
 * but computed again when its gradient is needed, trading one more forward pass of the segment for its memory.
 *
 * <pre>{@code
 * // y = W₂·tanh(W₁·x): only x, W₁, W₂ and y stay on the tape, not W₁·x nor its tanh
 * Tensor y = Recompute.apply(in -> in.get(0).matmul(in.get(1)).tanh().matmul(in.get(2)), List.of(x, w1, w2));
 * }</pre>
 *
 * <p>Forward: the segment runs with recording off; the tape gets one node whose inputs are the segment's
 * inputs and which saves only them and the output. Backward: the node's rule runs the segment again with
 * recording on, from fresh leaves holding the same input values (the tape refuses the backward if an input was
 * changed in place since), and back-propagates the output's gradient ȳ through that small graph,
 * giving x̄ᵢ = ȳ·∂y/∂xᵢ. The same ops on the same values give the same bits, so the gradients are identical
 * to those of the segment run without checkpointing (as long as the JIT does not change how a vector math
 * function rounds between the two runs: see "Threads and determinism" in the architecture notes).
 *
 * <p>Rules the segment must follow, each checked in backward with an error that names it:
 * <ul>
 *   <li><b>Every tensor that requires grad and is used inside the segment is one of its inputs.</b> A
 *       parameter the segment closes over would get no gradient (the forward pass did not record it), so pass
 *       parameters in the input list; the recomputed graph is searched for other leaves that require grad
 *       and backward fails when one is found.</li>
 *   <li><b>The segment is deterministic</b>: the recomputed output must equal the first one (up to 10⁻⁴ of its
 *       scale, which tolerates a last-bit change of a vector math function after JIT compilation).
 *       A segment drawing random numbers (dropout) differs on the second run; to checkpoint it, give it a
 *       {@link Generator} made from a fixed seed inside the segment, or restore the generator's
 *       {@code stateDict()} at the start of the segment, so that both runs draw the same numbers.</li>
 *   <li><b>The output depends on an input that requires grad</b>; otherwise there is nothing to
 *       recompute.</li>
 * </ul>
 *
 * <p>Forward mode: when an input carries a tangent at the open {@link DualLevel}, the segment simply runs as
 * it is, op by op, so the tangent is the segment's own J·ẋ (and the tape records its internals: no memory
 * is saved then). Second order works: when the backward pass records itself ({@code createGraph},
 * {@link Autograd#grad(Function, List, boolean)}) or carries tangents (the forward-over-reverse
 * {@link Autograd#hvp}), the segment is run again on the inputs themselves rather than on fresh leaves, so the
 * gradients it returns are differentiable functions of the inputs; that recomputed graph stays alive as long
 * as those gradients do.
 */
public final class Recompute {

    private static final String OP = "recompute";

    private Recompute() {}

    /**
     * Runs {@code segment} on {@code inputs}, keeping on the tape only the inputs and the output (see the
     * class comment for the rules the segment must follow).
     *
     * @param segment a deterministic function of its inputs; every tensor it uses that requires grad must be
     *                among {@code inputs}
     * @param inputs  the segment's inputs, parameters included
     * @return the segment's output, differentiable with respect to the inputs that require grad
     */
    public static Tensor apply(Function<List<Tensor>, Tensor> segment, List<Tensor> inputs) {
        java.util.Objects.requireNonNull(segment, "Recompute.apply: segment");
        java.util.Objects.requireNonNull(inputs, "Recompute.apply: inputs");
        Tensor[] ins = inputs.toArray(new Tensor[0]);
        for (int i = 0; i < ins.length; i++) {
            if (ins[i] == null) throw new IllegalArgumentException("Recompute.apply: input " + i + " is null");
        }
        Tape.State s = Tape.state();
        boolean anyGrad = false, anyTangent = false;
        for (Tensor t : ins) {
            anyGrad |= t.requiresGrad();
            anyTangent |= s.dualLevel != 0 && t.tangentAt(s.dualLevel) != null;
        }
        // Nothing to save (no recording or no input that needs a gradient), or forward mode: run it plainly.
        if (!s.recording || !anyGrad || anyTangent) return segment.apply(List.of(ins));

        Tensor[] plain = new Tensor[ins.length];
        for (int i = 0; i < ins.length; i++) plain[i] = ins[i].detach();
        Tensor out;
        try (var scope = Autograd.noGrad()) {
            out = requireOutput(segment.apply(List.of(plain)));
            for (int i = 0; i < ins.length; i++) {
                if (out == plain[i] || out == ins[i]) { // the output needs a node of its own
                    out = out.clone();
                    break;
                }
            }
            if (out.requiresGrad()) out = out.detach();
        }
        Tensor output = out;
        Tensor[] saved = Arrays.copyOf(ins, ins.length + 1);
        saved[ins.length] = output;
        return Tape.record(OP, output, ins, saved, g -> backward(segment, ins, output, g), t -> {
            throw new IllegalStateException("recompute: the segment's inputs had no tangent when it ran, so"
                    + " forward mode cannot reach it"); // a tangent present at forward time runs the segment plainly
        });
    }

    /** The rule: runs the segment again with recording on and back-propagates ȳ through it. */
    private static Tensor[] backward(Function<List<Tensor>, Tensor> segment, Tensor[] ins, Tensor output, Tensor g) {
        // Second order: a recorded backward (createGraph), or one carrying tangents (forward over reverse), must
        // see the gradients as functions of the inputs themselves, so the segment runs again on them; the
        // sweep below stops at them (nodes before the inputs lead to no wanted tensor). First order runs it on
        // fresh leaves, and the small graph is released afterwards.
        Tape.State s = Tape.state();
        boolean higherOrder = s.recording || s.dualLevel != 0 && g.tangentAt(s.dualLevel) != null;
        Tensor[] leaves = new Tensor[ins.length];
        int wanted = 0;
        for (int i = 0; i < ins.length; i++) {
            leaves[i] = higherOrder ? ins[i] : ins[i].detach();
            if (ins[i].requiresGrad()) {
                if (!higherOrder) leaves[i].requiresGrad(true);
                wanted++;
            }
        }
        Tensor again;
        try (var scope = Autograd.enableGrad()) {
            again = requireOutput(segment.apply(List.of(leaves)));
        }
        if (!Arrays.equals(again.shape, output.shape) || again.dtype() != output.dtype()
                || !sameValues(output.toDoubleArray(), again.toDoubleArray())) {
            throw new IllegalStateException("recompute: the segment gave a different output when run again for"
                    + " backward (shape " + Shapes.str(output.shape) + " then " + Shapes.str(again.shape) + "); it must"
                    + " be deterministic: a segment that draws random numbers (dropout) must restore its generator's"
                    + " state at its start");
        }
        if (!again.requiresGrad()) {
            throw new IllegalStateException("recompute: the segment's output (shape " + Shapes.str(output.shape)
                    + ") does not depend on any input that requires grad; pass the tensors it is computed from as"
                    + " inputs");
        }
        requireNoHiddenParameters(again, leaves);
        Tensor[] req = new Tensor[wanted];
        for (int i = 0, k = 0; i < ins.length; i++) if (ins[i].requiresGrad()) req[k++] = leaves[i];
        Tensor[] grads = Backprop.run(again, g, req, higherOrder, higherOrder && s.recording);
        Tensor[] result = new Tensor[ins.length];
        for (int i = 0, k = 0; i < ins.length; i++) if (ins[i].requiresGrad()) result[i] = grads[k++];
        return result;
    }

    /**
     * Whether the recomputed output {@code b} is the first one {@code a}: equal up to |aᵢ − bᵢ| ≤ 10⁻⁴·(|aᵢ| + max|a|),
     * NaN where a has NaN. The vector math functions (exp, tanh, ...) may change their last bit when the JIT
     * compiles them between the two runs; that is tolerated, while a segment drawing other random numbers
     * (a dropout mask) changes values by their own size and is caught.
     */
    static boolean sameValues(double[] a, double[] b) {
        double scale = 0;
        for (double v : a) if (Double.isFinite(v)) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < a.length; i++) {
            if (Double.compare(a[i], b[i]) == 0) continue;
            if (!Double.isFinite(a[i]) || !Double.isFinite(b[i])) return false;
            if (Math.abs(a[i] - b[i]) > 1e-4 * (Math.abs(a[i]) + scale)) return false;
        }
        return true;
    }

    private static Tensor requireOutput(Tensor out) {
        if (out == null) throw new IllegalStateException("recompute: the segment returned null");
        if (!out.dtype().isFloating()) {
            throw new IllegalStateException("recompute: the segment returned a " + out.dtype() + " tensor; its output"
                    + " must be floating to carry a gradient");
        }
        return out;
    }

    /**
     * Fails when the recomputed graph reaches a leaf that requires grad but is not one of the segment's
     * inputs: a tensor the segment closed over, which would silently get no gradient.
     */
    private static void requireNoHiddenParameters(Tensor out, Tensor[] leaves) {
        Set<Tensor> inputs = Collections.newSetFromMap(new IdentityHashMap<>());
        inputs.addAll(Arrays.asList(leaves));
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Node> todo = new ArrayDeque<>();
        todo.push(out.gradFn);
        while (!todo.isEmpty()) {
            Node n = todo.pop();
            if (n == null || !seen.add(n)) continue;
            for (Tensor in : n.inputs) {
                if (inputs.contains(in)) continue; // the walk stops at the segment's inputs
                if (in.gradFn != null) {
                    todo.push(in.gradFn);
                } else if (in.requiresGrad() && !inputs.contains(in)) {
                    throw new IllegalStateException("recompute: the segment uses a tensor of shape "
                            + Shapes.str(in.shape) + " that requires grad but is not one of its inputs (a parameter"
                            + " it closes over?); pass it in the input list so that it gets its gradient");
                }
            }
        }
    }
}
