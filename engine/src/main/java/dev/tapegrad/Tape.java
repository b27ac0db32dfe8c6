package dev.tapegrad;

/**
 * Records op applications while ops run (reverse-mode automatic differentiation).
 *
 * <p>Every op computes its output, then calls {@link #record}. When recording is on (the default; see
 * {@link Autograd#noGrad()}) and some input requires a gradient, a {@link Node} is appended: the op's name,
 * its inputs, the values its rule needs (saved with their version numbers) and the rule itself. The node
 * gets the next tape position and becomes the output's {@code gradFn}. Nothing is recorded otherwise, so
 * inference costs no tape. Then, when a {@link DualLevel} is open and an input carries a tangent, the op's
 * JVP rule computes the output's tangent at once ({@link ForwardMode}): forward mode needs no tape.
 *
 * <p>The tape is not one global list: each tensor points to the node that made it, and a node to its
 * inputs, so the part of the tape a loss depends on is exactly what is reachable from the loss, and the
 * rest is garbage-collected with the tensors. Tape positions still give the reverse order for backward.
 * State is per thread, like PyTorch's grad mode.
 */
final class Tape {
    private Tape() {}

    /** Per-thread recording state. */
    static final class State {
        boolean recording = true;
        boolean anomaly = false;
        /** The node whose rule is running during backward, so anomalies inside a rule are blamed on it. */
        Node inBackwardOf;
        /** The innermost open {@link MemoryScope} of the thread, or {@code null}. */
        MemoryScope memory;
        /** The number of the open {@link DualLevel} (forward mode), or 0 when none is open. */
        long dualLevel;
        /** True while a {@link JvpRule} runs: the ops it calls compute no tangents of their own. */
        boolean inJvpRule;
    }

    /**
     * Tape positions, shared by all threads: a graph built partly on one thread and differentiated on
     * another still gets a valid order.
     */
    private static final java.util.concurrent.atomic.AtomicLong NEXT_POSITION = new java.util.concurrent.atomic.AtomicLong();

    private static final ThreadLocal<State> STATE = ThreadLocal.withInitial(State::new);

    static State state() {
        return STATE.get();
    }

    static boolean isRecording() {
        return STATE.get().recording;
    }

    /**
     * Records one op application and returns its output.
     *
     * @param op     the op's name, as shown in error messages
     * @param out    the freshly computed output
     * @param inputs the differentiable inputs, in the order the rule returns their gradients
     * @param saved  tensors the rule reads (inputs or the output), checked for in-place changes at backward
     * @param rule   maps the output's gradient to the inputs' gradients (the VJP)
     * @param jvp    maps the inputs' tangents to the output's tangent (forward mode), run at once when a
     *               {@link DualLevel} is open and an input carries a tangent
     */
    static Tensor record(String op, Tensor out, Tensor[] inputs, Tensor[] saved, Rule rule, JvpRule jvp) {
        java.util.Objects.requireNonNull(jvp, () -> op + ": missing JVP rule");
        State s = STATE.get();
        if (s.anomaly) checkForward(op, out, inputs);
        if (s.recording && out.dtype().isFloating()) { // masks and indices carry no gradient
            boolean any = false;
            for (Tensor t : inputs) any |= t.requiresGrad;
            if (any) {
                out.gradFn = new Node(NEXT_POSITION.getAndIncrement(), op, out, inputs, saved, rule, s.anomaly ? callSite() : null);
                out.requiresGrad = true;
            }
        }
        // After the node: a JVP rule that reads the output must see it on the tape (reverse over forward).
        if (s.dualLevel != 0 && !s.inJvpRule) ForwardMode.propagate(op, out, inputs, jvp, s);
        return out;
    }

    /**
     * Anomaly check of one op's output: the op is blamed when it produced a NaN from inputs without NaN, or
     * an infinity from finite inputs. Non-finite values that merely flow through (a −∞ mask before a
     * softmax, say) are not anomalies.
     */
    private static void checkForward(String op, Tensor out, Tensor[] inputs) {
        if (!out.dtype().isFloating() || out.isAllFinite()) return;
        boolean inNaN = false, inInf = false;
        for (Tensor in : inputs) {
            if (!in.dtype().isFloating()) continue;
            for (double v : in.toDoubleArray()) {
                inNaN |= Double.isNaN(v);
                inInf |= Double.isInfinite(v);
            }
        }
        boolean outNaN = false;
        for (double v : out.toDoubleArray()) outNaN |= Double.isNaN(v);
        boolean produced = outNaN ? !inNaN : !inNaN && !inInf;
        if (!produced) return;
        String what = outNaN ? "NaN" : "an infinity";
        Node rule = STATE.get().inBackwardOf;
        if (rule != null) {
            throw new AnomalyException("anomaly: backward of '" + rule.op + "' produced " + what + " (in its '" + op
                    + "' step; inputs of '" + rule.op + "': " + rule.describeInputs() + ")" + rule.where());
        }
        StringBuilder shapes = new StringBuilder();
        for (Tensor t : inputs) shapes.append(shapes.isEmpty() ? "" : ", ").append(Shapes.str(t.shape));
        throw new AnomalyException("anomaly: forward of '" + op + "' produced " + what + " from inputs of shapes "
                + shapes + " that had none" + at());
    }

    private static String at() {
        StackTraceElement e = callSite();
        return e == null ? "" : "; called at " + e;
    }

    /**
     * The first stack frame outside the engine's own code: the user's line that called the op. Engine code
     * is the packages {@code dev.tapegrad} and {@code dev.tapegrad.kernels}, except test classes (named
     * like {@code *Test}), which count as user code.
     */
    static StackTraceElement callSite() {
        return StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).walk(frames -> frames
                .filter(f -> !isEngineClass(f.getDeclaringClass()))
                .findFirst()
                .map(StackWalker.StackFrame::toStackTraceElement)
                .orElse(null));
    }

    static boolean isEngineClass(Class<?> c) {
        String pkg = c.getPackageName();
        if (!pkg.equals("dev.tapegrad") && !pkg.equals("dev.tapegrad.kernels")) return false;
        Class<?> top = c;
        while (top.getEnclosingClass() != null) top = top.getEnclosingClass();
        String name = top.getSimpleName();
        return !(name.endsWith("Test") || name.endsWith("Tests") || name.startsWith("Test"));
    }
}
