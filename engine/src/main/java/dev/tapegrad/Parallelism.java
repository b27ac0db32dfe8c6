package dev.tapegrad;

import dev.tapegrad.kernels.ParallelPool;

/**
 * How many threads the engine's kernels may use. All kernels share one pool; small work stays on the
 * calling thread. Work is split into disjoint parts of the output, each computed in the same order
 * whatever the split, so results are bit for bit the same for any thread count.
 *
 * <p>The initial size is the system property {@code tapegrad.threads} (read once, at first use), or the
 * number of available processors.
 */
public final class Parallelism {
    private Parallelism() {}

    /** The number of threads kernels use, the calling thread included (at least 1). */
    public static int threads() {
        return ParallelPool.threads();
    }

    /**
     * Sets the number of threads kernels use, the calling thread included; 1 runs everything on the calling
     * thread.
     *
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public static void setThreads(int n) {
        ParallelPool.setThreads(n);
    }
}
