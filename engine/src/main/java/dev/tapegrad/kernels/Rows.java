package dev.tapegrad.kernels;

/**
 * Walks several strided operands of one shape row by row, for loops whose innermost axis should be a
 * plain (often contiguous) run.
 *
 * <p>Size-1 axes are dropped and adjacent axes are merged whenever every operand steps through them as
 * through one axis ({@code stride[i] == stride[i+1] * shape[i+1]}), so contiguous operands become a single
 * long row. Row {@code r} of the merged layout covers elements {@code r*length .. r*length + length - 1} of
 * the row-major order; operand {@code q} reads it at {@code start[q] + j*inner[q]}.
 */
final class Rows {
    /** Elements per row. */
    final int length;
    /** Number of rows (0 when the shape has no elements). */
    final int count;
    /** Stride of each operand along the row. */
    final int[] inner;
    /** Position of the current row's first element in each operand. */
    final int[] start;

    private final int[] outerShape;
    private final int[][] outerStrides; // [operand][axis]
    private final int[] counter;

    Rows(int[] shape, Strided... operands) {
        int q = operands.length, rank = shape.length;
        int size = 1;
        for (int s : shape) size *= s;
        int[] mShape = new int[rank];
        int[][] mStrides = new int[q][rank];
        int axes = 0;
        for (int axis = rank - 1; axis >= 0; axis--) { // build merged axes from the innermost outwards
            if (shape[axis] == 1) continue;
            boolean merge = axes > 0;
            for (int o = 0; o < q && merge; o++) {
                merge = operands[o].strides()[axis] == mStrides[o][axes - 1] * mShape[axes - 1];
            }
            if (merge) {
                mShape[axes - 1] *= shape[axis];
            } else {
                mShape[axes] = shape[axis];
                for (int o = 0; o < q; o++) mStrides[o][axes] = operands[o].strides()[axis];
                axes++;
            }
        }
        // merged axes are stored innermost first; axis 0 is the row
        length = axes == 0 ? 1 : mShape[0];
        count = size == 0 ? 0 : size / length;
        inner = new int[q];
        start = new int[q];
        outerShape = new int[Math.max(axes - 1, 0)];
        outerStrides = new int[q][outerShape.length];
        for (int o = 0; o < q; o++) {
            inner[o] = axes == 0 ? 0 : mStrides[o][0];
            start[o] = operands[o].offset();
            for (int a = 1; a < axes; a++) outerStrides[o][a - 1] = mStrides[o][a];
        }
        for (int a = 1; a < axes; a++) outerShape[a - 1] = mShape[a];
        counter = new int[outerShape.length];
    }

    /** Moves {@link #start} to the next row (an odometer over the outer axes, innermost turning fastest). */
    void advance() {
        for (int a = 0; a < outerShape.length; a++) {
            if (++counter[a] < outerShape[a]) {
                for (int o = 0; o < start.length; o++) start[o] += outerStrides[o][a];
                return;
            }
            counter[a] = 0;
            for (int o = 0; o < start.length; o++) start[o] -= outerStrides[o][a] * (outerShape[a] - 1);
        }
    }
}
