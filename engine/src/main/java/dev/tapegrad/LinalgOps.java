package dev.tapegrad;

import static dev.tapegrad.check.Samples.*;

import dev.tapegrad.kernels.Gemm;
import dev.tapegrad.kernels.StridedIndex;
import java.util.Arrays;
import java.util.List;

/**
 * Matrix products with NumPy's {@code matmul} semantics.
 *
 * <p>The primitive multiplies stacks of matrices: A of shape {@code [...a, m, k]} and B of shape
 * {@code [...b, k, n]} give C of shape {@code [...broadcast(a, b), m, n]} with C[β] = A[β]·B[β] for each
 * batch index β. The GEMM kernel reads any strides, so transposed, sliced or broadcast (stride 0) operands
 * are multiplied where they lie, without copying. A 1-D left operand is treated as a row [1, k] and a 1-D
 * right operand as a column [k, 1]; the added axis is removed from the result.
 *
 * <p>The product is bilinear, so its rules are products too: the VJP is Ā = C̄·Bᵀ and B̄ = Aᵀ·C̄ (summed over
 * the batch axes along which the operand was broadcast), the JVP is Ċ = Ȧ·B + A·Ḃ (matmul applied to the
 * tangents, which broadcasts by itself).
 */
final class LinalgOps {
    private LinalgOps() {}

    static final OpDef MATMUL = OpDef.of("matmul",
                    "A·B over the last two axes, batch axes broadcast, a vector taken as a row (left) or column (right); VJP (C̄·Bᵀ, Aᵀ·C̄), JVP Ȧ·B + A·Ḃ")
            .example(shaped(s -> List.of(new int[] {s.get(0), s.get(1)}, new int[] {s.get(1), s.get(2)}), 3, ANY),
                    xs -> xs.get(0).matmul(xs.get(1)))
            .example("vector-vector", shaped(s -> List.of(new int[] {s.get(0)}, new int[] {s.get(0)}), 1, ANY),
                    xs -> xs.get(0).matmul(xs.get(1)))
            .example("matrix-vector", shaped(s -> List.of(new int[] {s.get(0), s.get(1)}, new int[] {s.get(1)}), 2, ANY),
                    xs -> xs.get(0).matmul(xs.get(1)))
            .example("vector-matrix", shaped(s -> List.of(new int[] {s.get(0)}, new int[] {s.get(0), s.get(1)}), 2, ANY),
                    xs -> xs.get(0).matmul(xs.get(1)))
            .example("batched-broadcast",
                    shaped(s -> List.of(new int[] {2, 1, s.get(0), s.get(1)}, new int[] {s.get(2), s.get(1), s.get(0)}), 3, ANY),
                    xs -> xs.get(0).matmul(xs.get(1)))
            .example("transposed", shaped(s -> List.of(new int[] {s.get(1), s.get(0)}, new int[] {s.get(2), s.get(1)}), 3, ANY),
                    xs -> xs.get(0).t().matmul(xs.get(1).t()));

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
        Tensor c = product(rowVector ? withUnitAxis(a, 0) : a, columnVector ? withUnitAxis(b, 1) : b, where);
        if (rowVector || columnVector) c = withoutVectorAxes(c, rowVector, columnVector);
        return MATMUL.record(c, new Tensor[] {a, b}, new Tensor[] {a, b}, g -> {
            // the rule on the matrix forms: vectors and ḡ get back the size-1 axes the product added and removed
            Tensor am = rowVector ? a.unsqueeze(0) : a, bm = columnVector ? b.unsqueeze(1) : b;
            Tensor gm = columnVector ? g.unsqueeze(-1) : g;
            if (rowVector) gm = gm.unsqueeze(-2);
            return new Tensor[] {
                a.requiresGrad ? sumTo(gm.matmul(bm.transpose(-1, -2)), am, a) : null,
                b.requiresGrad ? sumTo(am.transpose(-1, -2).matmul(gm), bm, b) : null};
        }, t -> JvpRule.sum(t[0] == null ? null : t[0].matmul(b), t[1] == null ? null : a.matmul(t[1])));
    }

    /** A gradient of the matrix form {@code m} of an operand, summed over broadcast axes to the operand's shape. */
    private static Tensor sumTo(Tensor grad, Tensor m, Tensor operand) {
        Tensor g = grad.sumToSize(m.shape);
        return m == operand ? g : g.reshape(operand.shape);
    }

    /** A vector as a one-row (axis 0) or one-column (axis 1) matrix: a view for the kernel, not recorded. */
    private static Tensor withUnitAxis(Tensor v, int axis) {
        int k = v.shape[0], s = v.strides[0];
        return axis == 0 ? v.view(new int[] {1, k}, new int[] {k * s, s}, v.offset)
                         : v.view(new int[] {k, 1}, new int[] {s, 1}, v.offset);
    }

    /** The fresh product c without the row axis (m = 1) of a vector A and the column axis (n = 1) of a vector B. */
    private static Tensor withoutVectorAxes(Tensor c, boolean rowVector, boolean columnVector) {
        int r = c.shape.length;
        int[] shape = Arrays.copyOf(c.shape, r - (rowVector ? 1 : 0) - (columnVector ? 1 : 0));
        if (rowVector && !columnVector) shape[r - 2] = c.shape[r - 1];
        return c.view(shape, Shapes.contiguousStrides(shape), c.offset);
    }

    /** The batched product of operands of rank ≥ 2 with matching inner sizes (no tape). */
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
            Gemm.gemm(c.dtype(), m, n, k,
                    ea.storage.data(), aAt.next(), ea.strides[r], ea.strides[r + 1],
                    eb.storage.data(), bAt.next(), eb.strides[r], eb.strides[r + 1],
                    c.data(), i * m * n, n, false);
        }
        return c;
    }

    private static int[] withMatrix(int[] batch, int rows, int cols) {
        int[] shape = Arrays.copyOf(batch, batch.length + 2);
        shape[batch.length] = rows;
        shape[batch.length + 1] = cols;
        return shape;
    }
}
