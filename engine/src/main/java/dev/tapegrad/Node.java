package dev.tapegrad;

/**
 * One entry of the tape: an op application that produced {@link #output} from {@link #inputs}, with the
 * rule that maps the output's gradient back to the inputs.
 *
 * <p>{@link #seq} is the node's position on the tape: nodes are numbered in the order their ops ran, so
 * every node's inputs were made by nodes with smaller numbers, and walking nodes by decreasing number is
 * a valid reverse topological order (the Wengert-list property).
 */
final class Node {
    private static final int[] NO_VERSIONS = {};
    final long seq;
    final String op;
    final Tensor output;
    Tensor[] inputs;
    Rule rule;
    private Tensor[] saved;
    private int[] savedVersions;
    /** Where the op was called from (user code), kept only in anomaly mode. */
    final StackTraceElement callSite;
    private boolean released;
    /** The number of the last backward walk that reached this node (see {@code Backprop.reachable}). */
    long visitedInPass;

    Node(long seq, String op, Tensor output, Tensor[] inputs, Tensor[] saved, Rule rule, StackTraceElement callSite) {
        this.seq = seq;
        this.op = op;
        this.output = output;
        this.inputs = inputs;
        this.rule = rule;
        this.saved = saved;
        this.savedVersions = saved.length == 0 ? NO_VERSIONS : new int[saved.length];
        for (int i = 0; i < saved.length; i++) savedVersions[i] = saved[i].storage.version();
        this.callSite = callSite;
    }

    boolean isReleased() {
        return released;
    }

    /** The values this node keeps for its backward rule (empty once released); for memory accounting. */
    Tensor[] saved() {
        return saved == null ? new Tensor[0] : saved.clone();
    }

    /** Fails if a value this node saved for backward was modified in place after the op ran. */
    void checkSavedVersions() {
        for (int i = 0; i < saved.length; i++) {
            int now = saved[i].storage.version();
            if (now != savedVersions[i]) {
                throw new IllegalStateException("backward of '" + op + "': a tensor of shape "
                        + Shapes.str(saved[i].shape) + " that this op saved for its gradient was modified in place"
                        + " after it was recorded (version " + savedVersions[i] + ", now " + now + ")"
                        + where() + ". Clone the tensor before modifying it, or modify it before the op.");
            }
        }
    }

    /** Drops the saved values and the rule, so their memory can be reclaimed. */
    void release() {
        released = true;
        rule = null;
        saved = null;
        savedVersions = null;
        inputs = null;
    }

    String where() {
        return callSite == null ? "" : " (op called at " + callSite + ")";
    }

    String describeInputs() {
        if (inputs == null) return "(released)";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < inputs.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(Shapes.str(inputs[i].shape)).append(' ').append(inputs[i].dtype());
        }
        return sb.toString();
    }
}
