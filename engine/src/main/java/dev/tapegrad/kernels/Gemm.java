package dev.tapegrad.kernels;

/**
 * General matrix multiply C = A·B (+ C when accumulating) for row- or column-major, sliced or transposed
 * operands: element A[i][p] lives at {@code a[aOff + i*aRow + p*aCol]}, and likewise for B. C is row-major
 * with leading dimension {@code ldc}.
 */
public final class Gemm {
    private Gemm() {}

    /**
     * C[i][j] = Σ_{p<k} A[i][p]·B[p][j] (+ C[i][j] when {@code accumulate}) for i &lt; m, j &lt; n. Float and
     * double operands use the SIMD kernels of {@link GemmFloat} and GemmDouble (sums in the operands'
     * precision, with fused multiply-adds; large products are split over the threads of {@link ParallelPool}
     * with results that do not depend on the thread count); other arrays use the scalar definition.
     */
    public static void gemm(int m, int n, int k,
                            Object a, int aOff, int aRow, int aCol,
                            Object b, int bOff, int bRow, int bCol,
                            Object c, int cOff, int ldc, boolean accumulate) {
        if (a instanceof float[] x && b instanceof float[] y && c instanceof float[] z) {
            GemmFloat.gemm(m, n, k, x, aOff, aRow, aCol, y, bOff, bRow, bCol, z, cOff, ldc, 1, accumulate, ParallelPool.threads());
        } else if (a instanceof double[] x && b instanceof double[] y && c instanceof double[] z) {
            GemmDouble.gemm(m, n, k, x, aOff, aRow, aCol, y, bOff, bRow, bCol, z, cOff, ldc, 1, accumulate, ParallelPool.threads());
        } else {
            ReferenceKernels.gemm(m, n, k, a, aOff, aRow, aCol, b, bOff, bRow, bCol, c, cOff, ldc, accumulate);
        }
    }
}
