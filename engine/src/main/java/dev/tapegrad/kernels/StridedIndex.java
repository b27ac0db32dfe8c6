package dev.tapegrad.kernels;

/**
 * Walks the flat array positions of a strided layout in row-major order, like an odometer: the last axis
 * turns fastest, and a full turn carries into the axis before it.
 */
public final class StridedIndex {
    private final int[] shape;
    private final int[] strides;
    private final int[] counter;
    private int position;
    private int current;
    private boolean started;

    public StridedIndex(int[] shape, int[] strides, int offset) {
        this.shape = shape;
        this.strides = strides;
        this.counter = new int[shape.length];
        this.position = offset;
    }

    /** The array position of the next element. */
    public int next() {
        if (!started) {
            started = true;
            current = position;
            return current;
        }
        for (int axis = shape.length - 1; axis >= 0; axis--) {
            if (++counter[axis] < shape[axis]) {
                position += strides[axis];
                current = position;
                return current;
            }
            position -= strides[axis] * (shape[axis] - 1);
            counter[axis] = 0;
        }
        current = position;
        return current;
    }

    /** The position last returned by {@link #next()}. */
    public int current() {
        return current;
    }
}
