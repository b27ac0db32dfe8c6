package dev.tapegrad.kernels;

import dev.tapegrad.DType;

/**
 * General matrix multiply C = A·B (+ C when accumulating) for row- or column-major, sliced or transposed
 * operands: element A[i][p] lives at {@code a[aOff + i*aRow + p*aCol]}, and likewise for B. C is row-major
 * with leading dimension {@code ldc}.
 *
 * <p>The caller names the arrays' element type; the entry point dispatches once on it, with a switch that
 * lists every {@link DType} (see {@link Elementwise} for why a missing one does not compile).
 */
public final class Gemm {
    private Gemm() {}

    /**
     * C[i][j] = Σ_{p &lt; k} A[i][p]·B[p][j] (+ C[i][j] when {@code accumulate}) for i &lt; m, j &lt; n, with a, b
     * and c all arrays of {@code dtype}. Float32 and float64 use the SIMD kernels of {@link GemmFloat} and
     * GemmDouble (sums in the operands' precision, with fused multiply-adds; large products are split over the
     * threads of {@link ParallelPool} with results that do not depend on the thread count); int arrays use the
     * scalar definition.
     */
    public static void gemm(DType dtype, int m, int n, int k,
                            Object a, int aOff, int aRow, int aCol,
                            Object b, int bOff, int bRow, int bCol,
                            Object c, int cOff, int ldc, boolean accumulate) {
        switch (dtype) {
            case FLOAT32 -> GemmFloat.gemm(m, n, k, (float[]) a, aOff, aRow, aCol, (float[]) b, bOff, bRow, bCol,
                    (float[]) c, cOff, ldc, 1, accumulate, ParallelPool.threads());
            case FLOAT64 -> GemmDouble.gemm(m, n, k, (double[]) a, aOff, aRow, aCol, (double[]) b, bOff, bRow, bCol,
                    (double[]) c, cOff, ldc, 1, accumulate, ParallelPool.threads());
            case INT32, BOOL -> ReferenceKernels.gemm(m, n, k, a, aOff, aRow, aCol, b, bOff, bRow, bCol, c, cOff, ldc, accumulate);
            case null -> throw Elementwise.noDType("gemm");
        }
    }
}
