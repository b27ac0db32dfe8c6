package dev.tapegrad;

/**
 * The flat array behind one or more tensors, with a version counter.
 *
 * <p>Views (reshape, transpose, slice, ...) share a storage. Every in-place write bumps {@link #version},
 * so that the tape can tell when a value it saved for {@code backward} was overwritten afterwards
 * (PyTorch's rule: such a backward would be silently wrong, so it fails instead).
 *
 * <p>Inside a {@link MemoryScope}, storages take their array from the {@link BufferPool}
 * and belong to the scope; when the scope closes, the array goes back to the pool and the storage is
 * <em>released</em>: {@link #data()}, the only way to the array, then fails with a message that names the
 * op and says how to keep a value. One null check per access is the whole cost of that safety, and a
 * released array is never read through its old storage, so reuse cannot leak wrong values.
 */
final class Storage {
    final DType dtype;
    /** A {@code float[]}, {@code double[]} or {@code int[]}, according to {@link #dtype}; null once released. */
    private Object data;
    private int version;
    /**
     * Who returns the array to the pool: the scope that allocated it, {@link #GRADIENT} for a leaf's
     * gradient made by backward inside a scope (returned by {@link Tensor#zeroGrad()}), or {@code null}
     * for an ordinary array that the garbage collector reclaims.
     */
    Object owner;
    /** Why the storage was released (for the error message); null while live. */
    private String releasedBy;

    /** The owner of pooled leaf gradients. */
    static final Object GRADIENT = new Object();

    Storage(DType dtype, Object data) {
        this.dtype = dtype;
        this.data = data;
    }

    /**
     * A zero-filled storage of {@code length} elements: from the pool and owned by the current scope when
     * one is open on this thread, else a fresh array.
     */
    static Storage allocate(DType dtype, int length) {
        MemoryScope scope = MemoryScope.current();
        if (scope == null) return new Storage(dtype, dtype.newArray(length));
        Storage s = new Storage(dtype, BufferPool.take(dtype, length));
        scope.adopt(s);
        return s;
    }

    /** The backing array; fails if the storage was released. */
    Object data() {
        Object d = data;
        if (d == null) throw usedAfterRelease();
        return d;
    }

    /** Whether the array was returned to the pool. */
    boolean isReleased() {
        return data == null;
    }

    /** Returns the array to the pool (once) and invalidates every tensor that views this storage. */
    void release(String by) {
        Object d = data;
        if (d == null) return;
        data = null;
        owner = null;
        releasedBy = by;
        BufferPool.give(d);
    }

    int length() {
        return switch (data()) {
            case float[] f -> f.length;
            case double[] d -> d.length;
            case int[] i -> i.length;
            default -> throw new IllegalStateException("unknown storage " + data.getClass());
        };
    }

    int version() {
        return version;
    }

    void bumpVersion() {
        version++;
    }

    /**
     * The error for a released storage, naming the op the user called: the engine frame just before the
     * first frame of user code (found by walking the stack, which only happens on this failure path).
     */
    private IllegalStateException usedAfterRelease() {
        String op = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).walk(frames -> {
            String last = "an op";
            for (var it = frames.iterator(); it.hasNext(); ) {
                StackWalker.StackFrame f = it.next();
                if (!Tape.isEngineClass(f.getDeclaringClass())) break;
                last = "'" + f.getMethodName() + "'";
            }
            return last;
        });
        return new IllegalStateException(op + ": a " + dtype + " tensor used here has no memory any more: its buffer"
                + " was returned to the pool " + releasedBy + ". To use a value after that, pass it to MemoryScope.keep(x)"
                + " while it is live (keep a copy, x.detach().clone(), if the rest of the step may go)");
    }
}
