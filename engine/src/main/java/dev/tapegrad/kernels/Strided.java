package dev.tapegrad.kernels;

/**
 * A read-only view of a flat array as an n-dimensional strided layout: element {@code (i0, i1, ...)} lives
 * at {@code offset + i0*strides[0] + i1*strides[1] + ...}. A stride of 0 repeats a value along an axis
 * (a broadcast). {@code data} is a {@code float[]}, {@code double[]} or {@code int[]}.
 */
public record Strided(Object data, int offset, int[] shape, int[] strides) {

    /** Whether elements are laid out row-major without gaps, so the layout is a plain array slice. */
    public boolean isContiguous() {
        for (int d : shape) if (d == 0) return true; // no elements: any layout is trivially contiguous
        int expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    /** Number of elements. */
    public int size() {
        int n = 1;
        for (int s : shape) n *= s;
        return n;
    }
}
