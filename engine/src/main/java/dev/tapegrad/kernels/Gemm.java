package dev.tapegrad.kernels;

/**
 * General matrix multiply C = A·B (+ C when accumulating) for row- or column-major, sliced or transposed
 * operands: element A[i][p] lives at {@code a[aOff + i*aRow + p*aCol]}, and likewise for B. C is row-major
 * with leading dimension {@code ldc}.
 */
public final class Gemm {
    private Gemm() {}

    public static void gemm(int m, int n, int k,
                            Object a, int aOff, int aRow, int aCol,
                            Object b, int bOff, int bRow, int bCol,
                            Object c, int cOff, int ldc, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double acc = accumulate ? Arrays1.get(c, cOff + i * ldc + j) : 0.0;
                for (int p = 0; p < k; p++) {
                    acc += Arrays1.get(a, aOff + i * aRow + p * aCol) * Arrays1.get(b, bOff + p * bRow + j * bCol);
                }
                Arrays1.set(c, cOff + i * ldc + j, acc);
            }
        }
    }
}
