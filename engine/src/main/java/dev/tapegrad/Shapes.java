package dev.tapegrad;

import java.util.Arrays;

/** Shape arithmetic shared by all ops: sizes, contiguous strides, NumPy broadcasting, axis checks. */
final class Shapes {
    private Shapes() {}

    /** Number of elements of a shape (1 for a scalar, whose shape is {@code []}). */
    static int numel(int[] shape) {
        for (int s : shape) if (s == 0) return 0; // an empty axis empties the tensor, however large the others
        long n = 1;
        for (int s : shape) {
            n *= s;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + str(shape) + " has more than 2^31-1 elements");
            }
        }
        return (int) n;
    }

    /** Row-major (C order) strides of a contiguous tensor of this shape. */
    static int[] contiguousStrides(int[] shape) {
        int[] strides = new int[shape.length];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= Math.max(shape[i], 1);
        }
        return strides;
    }

    /**
     * NumPy broadcasting: align shapes on the right; two sizes are compatible when equal or when one is 1.
     *
     * @throws IllegalArgumentException naming the op and both shapes when they cannot be broadcast
     */
    static int[] broadcast(String op, int[] a, int[] b) {
        int n = Math.max(a.length, b.length);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int da = i < n - a.length ? 1 : a[i - (n - a.length)];
            int db = i < n - b.length ? 1 : b[i - (n - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b)
                        + " cannot be broadcast (axis " + (i - n) + ": " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Turns a possibly negative axis into {@code 0..rank-1}, or fails naming the op. */
    static int axis(String op, int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for a tensor of rank "
                    + rank + " (valid: " + (-rank) + ".." + (rank - 1) + ")");
        }
        return a;
    }

    /**
     * Normalises a set of axes of a tensor of shape {@code shape} (negative allowed, no repeats); an empty array
     * means "all axes". The result is sorted ascending. Fails naming the op, the axis and the shape.
     */
    static int[] axes(String op, int[] axes, int[] shape) {
        int rank = shape.length;
        if (axes.length == 0) {
            int[] all = new int[rank];
            for (int i = 0; i < rank; i++) all[i] = i;
            return all;
        }
        for (int a : axes) {
            if (a < -rank || a >= rank) {
                throw new IllegalArgumentException(op + ": axis " + a + " is out of range for a tensor of shape "
                        + str(shape) + " (valid: " + (-rank) + ".." + (rank - 1) + ")");
            }
        }
        boolean[] seen = new boolean[rank];
        for (int ax : axes) {
            int a = axis(op, ax, rank);
            if (seen[a]) {
                throw new IllegalArgumentException(op + ": axis " + ax + " is repeated in " + Arrays.toString(axes));
            }
            seen[a] = true;
        }
        int[] out = new int[axes.length];
        int k = 0;
        for (int i = 0; i < rank; i++) if (seen[i]) out[k++] = i;
        return out;
    }

    static void checkNonNegative(String op, int[] shape) {
        for (int s : shape) {
            if (s < 0) throw new IllegalArgumentException(op + ": negative size in shape " + str(shape));
        }
    }

    static String str(int[] shape) {
        return Arrays.toString(shape);
    }
}
