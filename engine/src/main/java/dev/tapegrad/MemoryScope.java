package dev.tapegrad;

import java.util.ArrayList;

/**
 * A region of a program, typically one training step, whose tensor memory is reused by the next one.
 *
 * <pre>{@code
 * for (int step = 0; step < steps; step++) {
 *     try (var scope = MemoryScope.open()) {
 *         opt.zeroGrad();
 *         Tensor loss = crossEntropy(model.forward(x), y);
 *         loss.backward();
 *         opt.step();
 *         losses[step] = loss.item();   // read values before the scope closes
 *     }
 * }
 * }</pre>
 *
 * <p><b>The rule.</b> Java cannot tell when a program drops a tensor, so reuse needs an explicit boundary.
 * Every tensor <em>allocated</em> on this thread while the scope is open (op outputs,
 * intermediate gradients, {@code zeros}, ...) takes its array from a pool of free arrays of the same
 * length, and {@link #close()} returns all of them: such tensors, and every view of them, are then
 * <em>released</em>, and any later use fails with an {@link IllegalStateException} naming the op, never
 * with wrong values. What survives the scope:
 * <ul>
 *   <li>tensors allocated outside it (parameters, inputs, optimizer state) and views of them;</li>
 *   <li>tensors wrapping the caller's arrays ({@code Tensor.of});</li>
 *   <li>tensors passed to {@link #keep(Tensor)};</li>
 *   <li>the gradients {@code backward()} accumulates into leaves. Their arrays are pooled too, but they
 *       return to the pool only when the gradient is dropped: by {@link Tensor#zeroGrad()} (what
 *       {@code Optimizer.zeroGrad()} calls) or when a later backward accumulates a new gradient in its
 *       place. A reference to the old gradient tensor is then released like any other.</li>
 * </ul>
 *
 * <p>So in a steady-state training step every buffer comes from the pool: the step's first allocation of
 * each size creates the arrays, and later steps only reuse them. Pooled arrays are zero-filled when taken,
 * exactly like fresh ones, so results are bit-identical with and without a scope. Float32, float64 and
 * int (int32 and bool) arrays are pooled separately. The pool is shared by all threads, bounded by {@link #poolLimit()} bytes of free arrays (default 256 MiB, system property
 * {@code tapegrad.pool.maxBytes}); beyond it returned arrays are left to the garbage collector.
 *
 * <p>Scopes nest (allocations belong to the innermost one), belong to the thread that opened them, and
 * must be closed in reverse order of opening, on that thread.
 *
 * <p><b>Why a scope, and not recycling inside backward alone.</b> Returning each intermediate gradient to
 * the pool as soon as its node's rule has run would be invisible to users, but it cannot reach a steady
 * state by itself: the forward activations and the tape's saved values are user-reachable tensors (the
 * loss, a logged activation), so nothing can prove them dead without a boundary the user draws. The scope
 * is that boundary, and within it every buffer is reused, forward and backward alike; a program that
 * opens no scope behaves exactly as before.
 */
public final class MemoryScope implements AutoCloseable {
    private final MemoryScope parent;
    private final Thread thread;
    private final ArrayList<Storage> owned = new ArrayList<>();
    private boolean closed;

    private MemoryScope(MemoryScope parent) {
        this.parent = parent;
        this.thread = Thread.currentThread();
    }

    /** Opens a scope on this thread; allocations made on this thread until {@link #close()} belong to it. */
    public static MemoryScope open() {
        Tape.State s = Tape.state();
        MemoryScope scope = new MemoryScope(s.memory);
        s.memory = scope;
        return scope;
    }

    /** The innermost open scope of this thread, or {@code null}. */
    static MemoryScope current() {
        return Tape.state().memory;
    }

    /** Records that this scope returns the storage's array at close. */
    void adopt(Storage s) {
        s.owner = this;
        owned.add(s);
    }

    /**
     * Takes a tensor's memory out of every scope, so that the tensor (with every view of its storage) stays
     * valid after the scope closes; its array leaves the pool for good, and so does its tangent's, inside a
     * {@link DualLevel}. Returns the tensor. Its tape
     * history is not kept alive: detach it if it will not be differentiated again.
     *
     * @throws IllegalStateException if the tensor was already released
     */
    public static Tensor keep(Tensor t) {
        t.storage.data(); // fails for a released tensor
        if (t.storage.owner != null) t.storage.owner = null;
        Tensor tangent = t.tangentAt(Tape.state().dualLevel); // a kept tensor keeps its forward-mode tangent
        if (tangent != null) keep(tangent);
        return t;
    }

    /**
     * Releases every tensor allocated in this scope and returns its array to the pool (see the class
     * comment for what survives). Closing twice does nothing.
     *
     * @throws IllegalStateException on another thread than the opening one, or while a scope opened inside
     *                               this one is still open
     */
    @Override
    public void close() {
        if (closed) return;
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("MemoryScope.close: the scope belongs to thread '" + thread.getName()
                    + "', not '" + Thread.currentThread().getName() + "'");
        }
        Tape.State s = Tape.state();
        if (s.memory != this) {
            throw new IllegalStateException("MemoryScope.close: a scope opened inside this one is still open;"
                    + " close scopes in reverse order of opening");
        }
        closed = true;
        s.memory = parent;
        for (Storage st : owned) if (st.owner == this) st.release("when its MemoryScope closed");
        owned.clear();
    }

    /** Bytes of free arrays the shared pool holds now. */
    public static long pooledBytes() {
        return BufferPool.retainedBytes();
    }

    /** The most bytes of free arrays the shared pool keeps. */
    public static long poolLimit() {
        return BufferPool.maxBytes();
    }

    /** Sets the most bytes of free arrays the pool keeps (0 disables reuse); drops the pool if it holds more. */
    public static void setPoolLimit(long bytes) {
        BufferPool.setMaxBytes(bytes);
    }

    /** Drops every free array of the pool (live tensors are not affected). */
    public static void clearPool() {
        BufferPool.clear();
    }
}
