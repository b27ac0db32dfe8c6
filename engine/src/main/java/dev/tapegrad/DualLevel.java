package dev.tapegrad;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A forward-mode scope (PyTorch's {@code dual_level}): while it is open, tensors may carry a <em>tangent</em>
 * ẋ, and every op whose input carries one computes its output's tangent ẏ = J·ẋ with its JVP rule, in the
 * same pass as the value. One pass gives a Jacobian-vector product, for any number of outputs.
 *
 * <pre>{@code
 * try (DualLevel level = Autograd.dualLevel()) {
 *     level.setTangent(w, v);               // the direction in which w moves
 *     Tensor logits = model.forward(x);
 *     Tensor a = level.tangent(logits);     // ∂logits/∂w · v
 * }
 * }</pre>
 *
 * <p>Tangents belong to the level: once it is closed no tensor has one (tangents of the tensors given one by
 * {@link #setTangent} are dropped; those of ops' outputs are no longer seen). A backward pass run inside the
 * level carries tangents through the gradient rules, so the gradient's tangent is the Hessian-vector product
 * H·ẋ (forward over reverse, see {@link Autograd#hvp}). Tangent computations are recorded on the tape like any
 * op when recording is on and their inputs require grad (reverse over forward).
 *
 * <p>A level belongs to the thread that opened it, and one level at a time may be open on a thread: nested
 * forward mode (forward over forward) is refused. A tensor holds one tangent: giving a tangent to a tensor that
 * another thread's open level has given one is refused (give each thread its own copy of a shared tensor).
 */
public final class DualLevel implements AutoCloseable {
    private static final AtomicLong NEXT = new AtomicLong(1);
    /** The numbers of the levels open on any thread: a tensor carrying one of their tangents is taken. */
    private static final java.util.Set<Long> OPEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final long id;
    private final Thread owner;
    private final List<Tensor> given = new ArrayList<>();
    private boolean closed;

    DualLevel() {
        Tape.State s = Tape.state();
        if (s.dualLevel != 0) {
            throw new IllegalStateException("Autograd.dualLevel: a forward-mode level is already open on this thread;"
                    + " nested forward mode is not supported (close the open level first)");
        }
        id = NEXT.getAndIncrement();
        owner = Thread.currentThread();
        OPEN.add(id);
        s.dualLevel = id;
    }

    /**
     * Gives {@code x} the tangent {@code v} for this level (replacing any it had). {@code v} must have x's shape
     * and dtype; x must be float32 or float64. The tensor itself is not copied: ops on x from now on see the
     * tangent.
     */
    public void setTangent(Tensor x, Tensor v) {
        checkOpen("setTangent");
        Checks.requireFloating("setTangent", x);
        if (!Arrays.equals(x.shape, v.shape) || x.dtype() != v.dtype()) {
            throw new IllegalArgumentException("setTangent: the tangent (" + Shapes.str(v.shape) + " " + v.dtype()
                    + ") must match the tensor (" + Shapes.str(x.shape) + " " + x.dtype() + ")");
        }
        synchronized (x) { // one tensor, one tangent slot: refuse one that another thread's open level uses
            long other = x.tangentLevel();
            if (other != 0 && other != id && OPEN.contains(other)) {
                throw new IllegalStateException("setTangent: this tensor (" + Shapes.str(x.shape) + ") carries a tangent of"
                        + " another thread's open DualLevel; give each thread its own copy of a shared tensor");
            }
            x.setTangent(v, id);
        }
        given.add(x);
    }

    /**
     * The tangent {@code y} carries at this level: J·ẋ for the tangents given; zeros when y depends on none. It
     * is the tangent itself, not a copy, and may be a view (an expanded one when an op broadcast it): clone it
     * before writing into it.
     */
    public Tensor tangent(Tensor y) {
        checkOpen("tangent");
        Tensor t = y.tangentAt(id);
        return t != null ? t : Tensor.zeros(y.dtype(), y.shape);
    }

    /** Whether {@code y} carries a tangent at this level (it depends on a tensor given one). */
    public boolean hasTangent(Tensor y) {
        checkOpen("hasTangent");
        return y.tangentAt(id) != null;
    }

    private void checkOpen(String what) {
        if (closed) throw new IllegalStateException("DualLevel." + what + ": the level is closed");
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("DualLevel." + what + ": the level belongs to thread '" + owner.getName()
                    + "', not '" + Thread.currentThread().getName() + "'");
        }
    }

    /** Ends forward mode on this thread and drops the tangents given by {@link #setTangent}. */
    @Override
    public void close() {
        if (closed) return;
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("DualLevel.close: the level belongs to thread '" + owner.getName() + "'");
        }
        closed = true;
        for (Tensor x : given) {
            synchronized (x) {
                if (x.tangentAt(id) != null) x.setTangent(null, 0);
            }
        }
        OPEN.remove(id);
        given.clear();
        Tape.state().dualLevel = 0;
    }
}
