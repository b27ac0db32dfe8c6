package dev.tapegrad;

import dev.tapegrad.kernels.Gemm;
import dev.tapegrad.kernels.StridedIndex;
import java.util.Arrays;

/**
 * Matrix products with NumPy's {@code matmul} semantics.
 *
 * <p>The primitive multiplies stacks of matrices: A of shape {@code [...a, m, k]} and B of shape
 * {@code [...b, k, n]} give C of shape {@code [...broadcast(a, b), m, n]} with C[β] = A[β]·B[β] for each
 * batch index β. The GEMM kernel reads any strides, so transposed, sliced or broadcast (stride 0) operands
 * are multiplied where they lie, without copying. A 1-D left operand is treated as a row [1, k] and a 1-D
 * right operand as a column [k, 1]; the added axis is removed from the result.
 *
 * <p>Rule: for C = A·B, Ā = C̄·Bᵀ and B̄ = Aᵀ·C̄ (products of transposed views), summed over the batch
 * axes along which the operand was broadcast.
 */
final class LinalgOps {
    private LinalgOps() {}

    static Tensor matmul(Tensor a, Tensor b) {
        if (a.shape.length == 0 || b.shape.length == 0) {
            throw new IllegalArgumentException("matmul: operands need at least one axis, got shapes "
                    + Shapes.str(a.shape) + " and " + Shapes.str(b.shape) + "; use mul for scalars");
        }
        Checks.requireFloating("matmul", a);
        Checks.requireFloating("matmul", b);
        Checks.requireSameDType("matmul", a, b);
        boolean rowVector = a.shape.length == 1, columnVector = b.shape.length == 1;
        int ka = a.shape[a.shape.length - 1];
        int kb = columnVector ? b.shape[0] : b.shape[b.shape.length - 2];
        if (ka != kb) {
            throw new IllegalArgumentException("matmul: inner dimensions differ: " + Shapes.str(a.shape) + " · "
                    + Shapes.str(b.shape) + " (" + ka + " vs " + kb + ")");
        }
        String where = "matmul of " + Shapes.str(a.shape) + " and " + Shapes.str(b.shape) + " (batch axes)";
        Tensor c = product(rowVector ? a.unsqueeze(0) : a, columnVector ? b.unsqueeze(1) : b, where);
        if (columnVector) c = c.squeeze(-1);
        if (rowVector) c = c.squeeze(columnVector ? -1 : -2);
        return c;
    }

    /** The batched product of operands of rank ≥ 2 with matching inner sizes, and its rule. */
    private static Tensor product(Tensor a, Tensor b, String where) {
        int ra = a.shape.length, rb = b.shape.length;
        int m = a.shape[ra - 2], k = a.shape[ra - 1], n = b.shape[rb - 1];
        int[] batch = Shapes.broadcast(where, Arrays.copyOf(a.shape, ra - 2), Arrays.copyOf(b.shape, rb - 2));
        int r = batch.length;
        Tensor ea = ViewOps.expandRaw(a, withMatrix(batch, m, k));
        Tensor eb = ViewOps.expandRaw(b, withMatrix(batch, k, n));
        Tensor c = Tensor.allocate(a.dtype(), withMatrix(batch, m, n));
        StridedIndex aAt = new StridedIndex(batch, Arrays.copyOf(ea.strides, r), ea.offset);
        StridedIndex bAt = new StridedIndex(batch, Arrays.copyOf(eb.strides, r), eb.offset);
        for (int i = 0, count = Shapes.numel(batch); i < count; i++) {
            Gemm.gemm(m, n, k,
                    ea.storage.data(), aAt.next(), ea.strides[r], ea.strides[r + 1],
                    eb.storage.data(), bAt.next(), eb.strides[r], eb.strides[r + 1],
                    c.data(), i * m * n, n, false);
        }
        return Tape.record("matmul", c, new Tensor[] {a, b}, new Tensor[] {a, b}, g -> new Tensor[] {
            a.requiresGrad ? g.matmul(b.transpose(-1, -2)).sumToSize(a.shape) : null,
            b.requiresGrad ? a.transpose(-1, -2).matmul(g).sumToSize(b.shape) : null});
    }

    private static int[] withMatrix(int[] batch, int rows, int cols) {
        int[] shape = Arrays.copyOf(batch, batch.length + 2);
        shape[batch.length] = rows;
        shape[batch.length + 1] = cols;
        return shape;
    }
}
