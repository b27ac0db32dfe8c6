package dev.tapegrad.kernels;

/**
 * The sign convention of eigenvectors and singular vectors, which are defined only up to sign: each column
 * is flipped, if needed, so that its largest-magnitude component (the first one on ties) is positive.
 */
final class Signs {
    private Signs() {}

    /**
     * Normalises the columns of the rows×cols row-major block {@code m[off ..]} and returns which were
     * flipped (the caller flips the partner factor to match, e.g. the rows of Vᵀ for the columns of U).
     */
    static boolean[] normaliseColumns(double[] m, int off, int rows, int cols) {
        boolean[] flipped = new boolean[cols];
        for (int j = 0; j < cols; j++) {
            int best = 0;
            for (int i = 1; i < rows; i++) {
                if (Math.abs(m[off + i * cols + j]) > Math.abs(m[off + best * cols + j])) best = i;
            }
            if (m[off + best * cols + j] >= 0) continue;
            flipped[j] = true;
            for (int i = 0; i < rows; i++) m[off + i * cols + j] = -m[off + i * cols + j];
        }
        return flipped;
    }
}
