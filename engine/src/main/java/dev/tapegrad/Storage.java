package dev.tapegrad;

/**
 * The flat array behind one or more tensors, with a version counter.
 *
 * <p>Views (reshape, transpose, slice, ...) share a storage. Every in-place write bumps {@link #version},
 * so that the tape can tell when a value it saved for {@code backward} was overwritten afterwards
 * (PyTorch's rule: such a backward would be silently wrong, so it fails instead).
 */
final class Storage {
    final DType dtype;
    /** A {@code float[]}, {@code double[]} or {@code int[]}, according to {@link #dtype}. */
    final Object data;
    private int version;

    Storage(DType dtype, Object data) {
        this.dtype = dtype;
        this.data = data;
    }

    static Storage allocate(DType dtype, int length) {
        return new Storage(dtype, dtype.newArray(length));
    }

    int length() {
        return switch (data) {
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
}
