package dev.tapegrad.examples;

import dev.tapegrad.DType;
import dev.tapegrad.Tensor;
import java.util.Arrays;

/**
 * Tensors, shapes, broadcasting, and views versus copies.
 *
 * <p>A tensor is a flat array plus a shape and strides: element (i₀, …, iₖ) lives at offset + Σ iⱼ·strideⱼ.
 * <b>Broadcasting</b> (NumPy's rule) lines two shapes up from the right; each pair of sizes must be equal or
 * one of them 1, and a size-1 axis (or a missing one) is repeated to match. So a column [3, 1] plus a row [4]
 * gives a [3, 4] table with out[i, j] = col[i, 0] + row[j], without copying either input.
 *
 * <p>A <b>view</b> (transpose, reshape of a contiguous tensor, slice, select, expand) shares its storage with
 * the original: writing through one is visible through the other. {@link Tensor#clone()} makes an independent
 * copy.
 */
public final class TensorsAndBroadcasting {
    private TensorsAndBroadcasting() {}

    /**
     * What the walkthrough computed.
     *
     * @param table              the [n, m] broadcast sum col[i] + row[j]
     * @param viewSawTheWrite    whether a write into a transposed view changed the original
     * @param copySawTheWrite    whether the same write changed a clone made before it
     */
    public record Result(Tensor table, boolean viewSawTheWrite, boolean copySawTheWrite) {}

    /** Runs the example with its default sizes and prints what it computes. */
    public static void main(String[] args) {
        run(3, 4, true);
    }

    /** Builds an n-element column and an m-element row, broadcasts their sum, then shows a view and a copy. */
    public static Result run(int n, int m, boolean verbose) {
        // Creating tensors: from values (Tensor.of), ranges (arange), constants (zeros, ones, full).
        Tensor col = Tensor.arange(0, n, 1, DType.FLOAT64).mul(10).reshape(n, 1); // [n, 1]: 0, 10, 20, ...
        Tensor row = Tensor.arange(0, m, 1, DType.FLOAT64);                        // [m]:    0, 1, 2, ...
        say(verbose, "col " + shape(col) + " =\n" + col);
        say(verbose, "row " + shape(row) + " = " + row);

        // Broadcasting, right-aligned:   col  n x 1
        //                                row      m   (a missing axis counts as 1)
        //                                out  n x m
        Tensor table = col.add(row);
        say(verbose, "col + row " + shape(table) + " =\n" + table);

        // Reductions undo broadcasting: summing over axis 1 gives m·col[i] + Σ row.
        say(verbose, "sum over axis 1 = " + table.sum(1));

        // Views share storage. transpose() only swaps strides; no numbers move.
        Tensor base = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor transposed = base.t();   // [3, 2] view of the same 6 numbers
        Tensor copy = base.clone();     // an independent [2, 3] copy
        say(verbose, "base strides " + Arrays.toString(base.strides()) + ", transposed strides "
                + Arrays.toString(transposed.strides()) + ", transposed contiguous: " + transposed.isContiguous());
        transposed.select(0, 0).fillInPlace(-1); // writes base[0, 0] and base[1, 0] through the view
        boolean viewSaw = base.get(0, 0) == -1 && base.get(1, 0) == -1;
        boolean copySaw = copy.get(0, 0) == -1;
        say(verbose, "after writing -1 into transposed[0, :]:\nbase =\n" + base + "\ncopy =\n" + copy);
        return new Result(table, viewSaw, copySaw);
    }

    private static String shape(Tensor t) {
        return Arrays.toString(t.shape());
    }

    private static void say(boolean verbose, String s) {
        if (verbose) System.out.println(s);
    }
}
