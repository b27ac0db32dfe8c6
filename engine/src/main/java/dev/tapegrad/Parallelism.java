package dev.tapegrad;

import dev.tapegrad.kernels.ParallelPool;

/**
 * How many threads the engine's kernels may use. All kernels share one pool; small work stays on the
 * calling thread. Work is split into disjoint parts of the output, each computed in the same order
 * whatever the split, so results are bit for bit the same for any thread count.
 *
 * <p>The initial size is the system property {@code tapegrad.threads} (read once, at first use), or the
 * number of available processors. The size is at most {@link #maxThreads()}: 4 per
 * available processor (more would only take turns on the same cores); a larger
 * value is capped there. A property value that is not a whole number from 1 up ({@code 0}, {@code -1},
 * {@code abc}) is ignored with one warning on standard error, and the engine runs with the default: the
 * thread count changes only speed, never a result, so it is not worth stopping a program for.
 *
 * <p>The pool belongs to the kernels of one op at a time: an op called while another thread's op is using
 * the pool runs on its own calling thread. Programs that run their own threads (one model per thread, or
 * concurrent backward passes) can therefore call ops from any number of threads; the pool only speeds up
 * the large kernels.
 */
public final class Parallelism {
    private Parallelism() {}

    /** The number of threads kernels use, the calling thread included (at least 1). */
    public static int threads() {
        return ParallelPool.threads();
    }

    /** The most threads kernels may use: 4 × the available processors. */
    public static int maxThreads() {
        return ParallelPool.maxThreads();
    }

    /**
     * Sets the number of threads kernels use, the calling thread included; 1 runs everything on the calling
     * thread. A count above {@link #maxThreads()} is capped there; worker threads start when a kernel first
     * needs them.
     *
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public static void setThreads(int n) {
        ParallelPool.setThreads(n);
    }
}
