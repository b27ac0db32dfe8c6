package dev.tapegrad.optim;

/** Euclidean norms of array ranges, summed in index order so that a run gives the same bits every time. */
final class VectorNorms {
    private VectorNorms() {}

    /** Σ x[i]² over {@code [from, to)}. */
    static double sumOfSquares(double[] x, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) sum += x[i] * x[i];
        return sum;
    }

    /** √(Σ x[i]²) over {@code [from, to)}. */
    static double norm(double[] x, int from, int to) {
        return Math.sqrt(sumOfSquares(x, from, to));
    }
}
