package dev.tapegrad;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The reverse sweep: from an output and its cotangent, visit the recorded nodes it depends on in
 * decreasing tape position, apply each node's rule to the gradient accumulated for its output, and pass
 * the results on to the node's inputs. Gradients from several uses of a tensor add up (never overwrite).
 */
final class Backprop {
    private Backprop() {}

    /** Numbers the graph walks of {@link #reachable}. */
    private static final java.util.concurrent.atomic.AtomicLong PASSES = new java.util.concurrent.atomic.AtomicLong();

    /**
     * Runs one backward pass.
     *
     * @param wanted tensors whose total gradient should be returned (functional form), or {@code null} to
     *               accumulate into the {@code grad} of every leaf that requires it (the
     *               {@code loss.backward()} form)
     * @return the gradients of {@code wanted}, in order (zeros for tensors the output does not depend on)
     */
    static Tensor[] run(Tensor output, Tensor cotangent, Tensor[] wanted, boolean retainGraph, boolean createGraph) {
        if (!output.requiresGrad) {
            if (wanted != null) return zerosLike(wanted); // the output does not depend on anything wanted
            throw new IllegalStateException("backward: the output (shape " + Shapes.str(output.shape)
                    + ") does not require grad: no input requires grad, or it was computed under noGrad()");
        }
        Tensor seed = seed(output, cotangent);
        // The backward() form wants nothing back: an empty map, so a training step allocates no table for it.
        Map<Tensor, Tensor> wantedGrads = wanted == null ? Map.of() : new IdentityHashMap<>();
        if (wanted != null) for (Tensor w : wanted) wantedGrads.put(w, null);
        Map<Tensor, Tensor> leafGrads = new IdentityHashMap<>();

        Tape.State state = Tape.state();
        boolean wasRecording = state.recording;
        state.recording = createGraph;
        List<Node> order = List.of();
        List<Node> ran = new ArrayList<>();
        // Gradients waiting for each node's output: per pass, so that a backward started from inside a hook
        // or a custom rule cannot disturb this one. Nodes are keys by identity, so nothing boxes.
        Map<Node, Tensor> pending = null;
        try {
            if (output.gradFn == null) { // the output is itself a leaf
                leafGrads.put(output, seed);
            } else {
                order = reachable(output.gradFn);
                pending = new IdentityHashMap<>(order.size()); // sized once: no rehashing during the sweep
                Set<Node> useful = wanted == null ? null : leadingToWanted(order, wantedGrads);
                pending.put(output.gradFn, seed);
                for (Node node : order) {
                    Tensor g = pending.remove(node);
                    if (g != null && step(node, g, pending, wanted == null, useful, wantedGrads, leafGrads, state)) {
                        ran.add(node);
                    }
                }
            }
            for (Map.Entry<Tensor, Tensor> e : leafGrads.entrySet()) {
                Tensor leaf = e.getKey();
                Tensor g = applyHooks(leaf, e.getValue());
                if (wantedGrads.containsKey(leaf)) wantedGrads.put(leaf, g);
                if (wanted == null) accumulateLeaf(leaf, g, createGraph);
            }
        } finally {
            state.recording = wasRecording;
            if (!retainGraph) for (Node node : ran) node.release();
        }
        if (wanted == null) return new Tensor[0];
        Tensor[] result = new Tensor[wanted.length];
        for (int i = 0; i < wanted.length; i++) {
            Tensor g = wantedGrads.get(wanted[i]);
            // A fresh tensor per input: gradients never alias each other, the cotangent or the tape.
            result[i] = g != null ? accumulate(null, g, createGraph) : Tensor.zeros(wanted[i].dtype(), wanted[i].shape);
        }
        return result;
    }

    private static Tensor[] zerosLike(Tensor[] tensors) {
        Tensor[] out = new Tensor[tensors.length];
        for (int i = 0; i < tensors.length; i++) out[i] = Tensor.zeros(tensors[i].dtype(), tensors[i].shape);
        return out;
    }

    private static Tensor seed(Tensor output, Tensor cotangent) {
        if (cotangent == null) {
            if (output.numel() != 1) {
                throw new IllegalArgumentException("backward: the output has shape " + Shapes.str(output.shape)
                        + "; backward without a cotangent needs a single-element output (reduce it, e.g. with"
                        + " sum(), or pass a cotangent of the output's shape)");
            }
            return Tensor.ones(output.dtype(), output.shape);
        }
        if (!Arrays.equals(cotangent.shape, output.shape) || cotangent.dtype() != output.dtype()) {
            throw new IllegalArgumentException("backward: the cotangent (" + Shapes.str(cotangent.shape) + " "
                    + cotangent.dtype() + ") must match the output (" + Shapes.str(output.shape) + " "
                    + output.dtype() + ")");
        }
        return cotangent;
    }

    /** All nodes the root depends on, in decreasing tape position. */
    private static List<Node> reachable(Node root) {
        List<Node> nodes = new ArrayList<>();
        // Visited nodes carry this pass's number (no set to grow). A nested backward (from a hook or a rule)
        // takes a new number, and runs only after this walk has finished.
        long pass = PASSES.incrementAndGet();
        ArrayList<Node> stack = new ArrayList<>();
        stack.add(root);
        root.visitedInPass = pass;
        while (!stack.isEmpty()) {
            Node n = stack.removeLast();
            nodes.add(n);
            if (n.isReleased()) continue;
            for (Tensor in : n.inputs) {
                Node p = in.gradFn;
                if (p != null && p.visitedInPass != pass) {
                    p.visitedInPass = pass;
                    stack.add(p);
                }
            }
        }
        nodes.sort((a, b) -> Long.compare(b.seq, a.seq));
        return nodes;
    }

    /**
     * The nodes whose rule must run to reach a wanted tensor: those with a wanted tensor, or a node
     * leading to one, among their inputs. Computed in increasing tape position, inputs before users.
     */
    private static Set<Node> leadingToWanted(List<Node> order, Map<Tensor, Tensor> wanted) {
        Set<Node> useful = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (int k = order.size() - 1; k >= 0; k--) {
            Node n = order.get(k);
            if (n.isReleased()) continue;
            for (Tensor in : n.inputs) {
                if (wanted.containsKey(in) || (in.gradFn != null && useful.contains(in.gradFn))) {
                    useful.add(n);
                    break;
                }
            }
        }
        return useful;
    }

    /** Applies one node's rule if it has a gradient to pass on; returns whether the rule ran. */
    private static boolean step(Node node, Tensor gradOutput, Map<Node, Tensor> pending, boolean backwardForm,
                                Set<Node> useful, Map<Tensor, Tensor> wanted, Map<Tensor, Tensor> leafGrads,
                                Tape.State state) {
        boolean anomaly = state.anomaly;
        Tensor g = applyHooks(node.output, gradOutput);
        if (backwardForm && node.output.retainsGrad) {
            Tensor out = node.output;
            synchronized (out) { // the tensor may be shared with another thread's backward (see accumulateLeaf)
                out.grad = accumulate(out.grad, g, false);
            }
        }
        if (!wanted.isEmpty() && wanted.containsKey(node.output)) wanted.put(node.output, g);
        if (useful != null && !useful.contains(node)) return false;
        if (node.isReleased()) {
            throw new IllegalStateException("backward through '" + node.op + "' a second time: its saved values were"
                    + " released by the first backward. Pass retainGraph=true to the first backward if you need"
                    + " to call it twice" + node.where());
        }
        node.checkSavedVersions();
        Node outerRule = state.inBackwardOf;
        state.inBackwardOf = node;
        Tensor[] grads;
        try {
            grads = node.rule.apply(g);
        } finally {
            state.inBackwardOf = outerRule;
        }
        if (grads.length != node.inputs.length) {
            throw new IllegalStateException("backward of '" + node.op + "' returned " + grads.length
                    + " gradients for " + node.inputs.length + " inputs");
        }
        for (int i = 0; i < grads.length; i++) {
            Tensor in = node.inputs[i];
            Tensor gi = grads[i];
            if (gi == null || !in.requiresGrad) continue;
            if (!Arrays.equals(gi.shape, in.shape) || gi.dtype() != in.dtype()) {
                throw new IllegalStateException("backward of '" + node.op + "' returned a gradient of "
                        + Shapes.str(gi.shape) + " " + gi.dtype() + " for input " + i + " of "
                        + Shapes.str(in.shape) + " " + in.dtype());
            }
            if (anomaly && !gi.isAllFinite() && g.isAllFinite()) {
                throw new AnomalyException("anomaly: backward of '" + node.op + "' produced NaN or Inf in the gradient"
                        + " of input " + i + " (inputs: " + node.describeInputs() + ")" + node.where());
            }
            if (in.gradFn == null) {
                leafGrads.merge(in, gi, Tensor::add);
            } else {
                pending.merge(in.gradFn, gi, Tensor::add);
            }
        }
        return true;
    }

    private static Tensor applyHooks(Tensor t, Tensor g) {
        if (t.hooks != null) {
            for (UnaryOperator<Tensor> hook : t.hooks) {
                Tensor r = hook.apply(g);
                if (r == null) continue;
                if (!Arrays.equals(r.shape, t.shape) || r.dtype() != t.dtype()) {
                    throw new IllegalStateException("a gradient hook on a tensor of " + Shapes.str(t.shape) + " "
                            + t.dtype() + " returned a gradient of " + Shapes.str(r.shape) + " " + r.dtype());
                }
                g = r;
            }
        }
        return g;
    }

    /**
     * previous + g as a fresh contiguous tensor that shares no storage with the tape, the cotangent or
     * another gradient. With createGraph the sum stays on the tape (differentiable); otherwise it is a
     * plain value.
     */
    private static Tensor accumulate(Tensor previous, Tensor g, boolean createGraph) {
        if (createGraph) return previous == null ? g.clone() : previous.add(g);
        // Nothing recorded, so g's graph is not kept; a tangent of g (forward over reverse) is still pushed on.
        try (var scope = Autograd.noGrad()) {
            return previous == null ? g.clone() : previous.add(g);
        }
    }

    /**
     * Adds g to a leaf's gradient: {@code leaf.grad = leaf.grad + g} (see {@link #accumulate}). Inside a
     * {@link MemoryScope} the sum's pooled array is handed from the scope to the gradient, which outlives the
     * scope and returns it at {@link Tensor#zeroGrad()}; the previous pooled gradient it replaces returns to
     * the pool now.
     *
     * <p><b>Threads.</b> Backward passes on several threads may reach the same leaf (a module's parameters,
     * shared by threads that each run their own forward and backward). The read of the old gradient, the
     * addition, the write and the release of the old buffer then form one step under the leaf's monitor,
     * so no contribution is lost and no thread reads a buffer another has returned to the pool. The monitor
     * is uncontended in a single-threaded program (a few nanoseconds per leaf per backward). With several
     * threads the contributions are added in the order the threads get there: from no gradient, two
     * contributions give the same bits either way (float addition commutes), but three, or two added to an
     * existing gradient, may differ in the last bits from run to run.
     */
    private static void accumulateLeaf(Tensor leaf, Tensor g, boolean createGraph) {
        synchronized (leaf) {
            Tensor previous = leaf.grad;
            Tensor sum = accumulate(previous, g, createGraph);
            if (!createGraph) { // with createGraph the sum is on the tape, which may still read previous
                if (sum.storage.owner instanceof MemoryScope) sum.storage.owner = Storage.GRADIENT;
                Tensor tangent = sum.tangentAt(Tape.state().dualLevel); // outlives the scope with the gradient
                if (tangent != null && tangent.storage.owner instanceof MemoryScope) tangent.storage.owner = null;
                if (previous != null && previous.storage.owner == Storage.GRADIENT) {
                    previous.storage.release("when backward accumulated a new gradient in place of the one that used it");
                }
            }
            leaf.grad = sum;
        }
    }
}
