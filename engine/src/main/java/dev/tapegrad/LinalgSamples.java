package dev.tapegrad;

import dev.tapegrad.check.Gen;
import dev.tapegrad.check.TensorGen;
import java.util.ArrayList;
import java.util.List;

/**
 * Inputs for the gradient checks of the linear-algebra ops: raw random matrices M (entries in [−2, 2]) of
 * random sizes and batch shapes, and differentiable maps that turn M into the kind of matrix an op is
 * well defined and well conditioned on. The checks differentiate through the maps, so every entry of M is a
 * free variable and the op's rule is checked by the chain rule.
 *
 * <ul>
 *   <li>{@link #invertible}: M + (2n + 1)·I is strictly diagonally dominant with a positive diagonal, so
 *       by Gershgorin every eigenvalue has real part ≥ 1: invertible with det &gt; 0.
 *   <li>{@link #positiveDefinite}: (M + Mᵀ)/2 + (2n + 1)·I, symmetric and strictly diagonally dominant with
 *       a positive diagonal: by Gershgorin its eigenvalues are ≥ 1.
 *   <li>{@link #separatedSymmetric}: M + Mᵀ + diag(0, 10n, 20n, …); ‖M + Mᵀ‖₂ ≤ 4n, so by Weyl's
 *       inequality the eigenvalues stay ≥ 2n apart (the eigenvectors' derivatives are then well defined).
 *   <li>{@link #separatedSingular}: M + D with D "diagonal" m×n, D_ii = 6√(mn)·(k − i); ‖M‖₂ ≤ 2√(mn),
 *       so the singular values stay ≥ 4√(mn) above zero and ≥ 2√(mn) apart.
 * </ul>
 */
final class LinalgSamples {
    private LinalgSamples() {}

    private static final Gen<Double> VALUES = TensorGen.values(-2, 2);

    /** Batch shapes: none, [2], or [2, 1] (a size-1 batch axis). */
    private static final Gen<int[]> BATCH = Gen.elements(new int[0], new int[] {2}, new int[] {2, 1});

    /**
     * Random tensors of shapes batch + matrices.get(i) for one random batch shape, with sizes n (1..4) and
     * p (1..3): each matrix shape is a pair of "n", "p", "n+p" or a literal size.
     */
    static Gen<List<Tensor>> shapes(String... matrices) {
        return Gen.zip(Gen.zip(Gen.ints(1, 4), Gen.ints(1, 3), (n, p) -> new int[] {n, p}), BATCH, (np, batch) -> {
            List<Gen<Tensor>> gens = new ArrayList<>();
            for (String m : matrices) {
                String[] dims = m.split("x");
                int[] mat = new int[dims.length];
                for (int i = 0; i < dims.length; i++) mat[i] = size(dims[i], np[0], np[1]);
                gens.add(TensorGen.tensor(MatrixBatch.withMatrix(batch, mat), VALUES));
            }
            return gens;
        }).flatMap(Gen::sequence);
    }

    private static int size(String token, int n, int p) {
        return switch (token) {
            case "n" -> n;
            case "p" -> p;
            case "n+p" -> n + p;
            default -> Integer.parseInt(token);
        };
    }

    /** M + (2n + 1)·I. */
    static Tensor invertible(Tensor m) {
        int n = MatrixBatch.cols(m);
        return m.add(Tensor.eye(n, m.dtype()).mul(2 * n + 1));
    }

    /** (M + Mᵀ)/2 + (2n + 1)·I. */
    static Tensor positiveDefinite(Tensor m) {
        int n = MatrixBatch.cols(m);
        return MatrixBatch.symmetricPart(m).add(Tensor.eye(n, m.dtype()).mul(2 * n + 1));
    }

    /** M + Mᵀ + diag(0, 10n, 20n, …). */
    static Tensor separatedSymmetric(Tensor m) {
        int n = MatrixBatch.cols(m);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = 10.0 * n * i;
        return m.add(MatrixBatch.mT(m)).add(MatrixBatch.diagEmbed(MatrixBatch.tensor(d, m.dtype(), new int[] {n})));
    }

    /** M + D, D_ii = 6√(mn)·(k − i) on the main diagonal of the m×n block. */
    static Tensor separatedSingular(Tensor m) {
        int rows = MatrixBatch.rows(m), cols = MatrixBatch.cols(m), k = Math.min(rows, cols);
        double[] d = new double[rows * cols];
        for (int i = 0; i < k; i++) d[i * cols + i] = 6 * Math.sqrt(rows * cols) * (k - i);
        return m.add(MatrixBatch.tensor(d, m.dtype(), new int[] {rows, cols}));
    }

    /** M + (2n + 1)·[I; 0]: the top n×n block is diagonally dominant, so the columns are independent. */
    static Tensor fullColumnRank(Tensor m) {
        int rows = MatrixBatch.rows(m), cols = MatrixBatch.cols(m);
        double[] d = new double[rows * cols];
        for (int i = 0; i < cols; i++) d[i * cols + i] = 2 * cols + 1;
        return m.add(MatrixBatch.tensor(d, m.dtype(), new int[] {rows, cols}));
    }
}
