package dev.tapegrad;

import dev.tapegrad.kernels.ArrayElements;
import java.util.Arrays;

/**
 * What the dense linear-algebra ops share around their kernels: argument checks that name the op and the
 * shapes, the batch layout (a tensor [..., m, n] is a stack of m×n matrices over its leading axes), the
 * conversion of a batch to and from the kernels' row-major double arrays, and the few differentiable
 * matrix helpers their rules are written with (transpose, diagonal, identity, triangle masks).
 *
 * <p>float32 inputs are widened to double, factorised in double, and the results rounded to float32 once.
 */
final class MatrixBatch {
    private MatrixBatch() {}

    // ---------------------------------------------------------------- checks

    /** Fails unless x is a floating tensor with at least two axes. */
    static void requireMatrix(String op, Tensor x) {
        Checks.requireFloating(op, x);
        if (x.dim() < 2) {
            throw new IllegalArgumentException(op + ": expected a matrix or a batch of matrices [..., m, n], got shape "
                    + Shapes.str(x.shape));
        }
    }

    /** Fails unless x is a batch of square matrices [..., n, n]. */
    static void requireSquare(String op, Tensor x) {
        requireMatrix(op, x);
        if (rows(x) != cols(x)) {
            throw new IllegalArgumentException(op + ": expected square matrices [..., n, n], got shape " + Shapes.str(x.shape)
                    + " (" + rows(x) + "x" + cols(x) + ")");
        }
    }

    static int rows(Tensor x) {
        return x.shape[x.dim() - 2];
    }

    static int cols(Tensor x) {
        return x.shape[x.dim() - 1];
    }

    /** The leading (batch) axes of a tensor of matrices. */
    static int[] batchShape(Tensor x) {
        return Arrays.copyOf(x.shape, x.dim() - 2);
    }

    /** The number of matrices in the batch. */
    static int count(Tensor x) {
        return Shapes.numel(batchShape(x));
    }

    /** batch + [m, n]. */
    static int[] withMatrix(int[] batch, int... matrix) {
        int[] s = Arrays.copyOf(batch, batch.length + matrix.length);
        System.arraycopy(matrix, 0, s, batch.length, matrix.length);
        return s;
    }

    /** "batch index [i, j] (flat k)" for an error message, or "" for a single matrix. */
    static String at(int[] batch, int flat) {
        if (batch.length == 0) return "";
        int[] index = new int[batch.length];
        for (int a = batch.length - 1, rest = flat; a >= 0; a--) {
            index[a] = rest % batch[a];
            rest /= batch[a];
        }
        return " at batch index " + Arrays.toString(index);
    }

    // ---------------------------------------------------------------- kernels' arrays

    /** The elements of x in row-major order as doubles (float32 widened exactly). */
    static double[] values(Tensor x) {
        return x.toDoubleArray();
    }

    /**
     * The elements of the matrices x that {@code op} factorises, as {@link #values}, after checking that every one
     * is finite: a NaN or infinity would otherwise come out as a silent NaN answer or a misleading error (a
     * Cholesky factor would call the matrix "not positive definite"). The error names the op, the element's
     * value and position, its batch index and the input's shape. Every element is checked, also in a triangle
     * the op does not read.
     */
    static double[] finiteValues(String op, Tensor x) {
        double[] v = values(x);
        int m = rows(x), n = cols(x);
        for (int k = 0; k < v.length; k++) {
            if (!Double.isFinite(v[k])) {
                int within = k % (m * n);
                throw new IllegalArgumentException(op + ": non-finite element " + v[k] + " at (" + within / n + ", "
                        + within % n + ")" + at(batchShape(x), k / (m * n)) + " of input shape " + Shapes.str(x.shape));
            }
        }
        return v;
    }

    /** A new tensor of the given dtype and shape holding {@code v} (rounded once for float32). */
    static Tensor tensor(double[] v, DType dtype, int[] shape) {
        Tensor t = Tensor.allocate(dtype, shape);
        Object data = t.data();
        for (int i = 0; i < v.length; i++) ArrayElements.set(data, i, v[i]);
        return t;
    }

    // ---------------------------------------------------------------- differentiable helpers for the rules

    /** The transpose of the last two axes (a view). */
    static Tensor mT(Tensor x) {
        return x.transpose(-1, -2);
    }

    /** The diagonal of each matrix of a batch of square matrices: [..., n, n] → [..., n]. */
    static Tensor diagonal(Tensor x) {
        return x.mul(Tensor.eye(cols(x), x.dtype())).sum(new int[] {-1}, false);
    }

    /** The diagonal matrices of a batch of vectors: [..., n] → [..., n, n]. */
    static Tensor diagEmbed(Tensor v) {
        return v.unsqueeze(-1).mul(Tensor.eye(v.shape[v.dim() - 1], v.dtype()));
    }

    /** The trace of each matrix: [..., n, n] → [...]. */
    static Tensor trace(Tensor x) {
        return diagonal(x).sum(new int[] {-1}, false);
    }

    /** (X + Xᵀ)/2. */
    static Tensor symmetricPart(Tensor x) {
        return x.add(mT(x)).mul(0.5);
    }

    /**
     * The constant n×n mask with {@code inside} on the elements (i, j) with j − i in [lo, hi] (the diagonals
     * from lo to hi; −n..−1 below the diagonal, 1..n above) and 0 elsewhere.
     */
    static Tensor band(int n, int lo, int hi, DType dtype) {
        double[] m = new double[n * n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) m[i * n + j] = (j - i >= lo && j - i <= hi) ? 1.0 : 0.0;
        return tensor(m, dtype, new int[] {n, n});
    }

    /** The lower triangle (with the diagonal) of each matrix; the rest zero. */
    static Tensor tril(Tensor x) {
        return x.mul(band(cols(x), -cols(x), 0, x.dtype()));
    }

    /** The upper triangle (with the diagonal) of each matrix; the rest zero. */
    static Tensor triu(Tensor x) {
        return x.mul(band(cols(x), 0, cols(x), x.dtype()));
    }

    /** The strictly upper triangle of each matrix. */
    static Tensor strictTriu(Tensor x) {
        return x.mul(band(cols(x), 1, cols(x), x.dtype()));
    }

    /** The strictly lower triangle of each matrix. */
    static Tensor strictTril(Tensor x) {
        return x.mul(band(cols(x), -cols(x), -1, x.dtype()));
    }
}
