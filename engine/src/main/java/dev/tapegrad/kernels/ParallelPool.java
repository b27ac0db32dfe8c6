package dev.tapegrad.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * The engine's one shared thread pool: a small team of daemon workers that, between jobs, spin for a few
 * microseconds before parking, so that handing out a job of a few microseconds costs little.
 *
 * <p>{@link #forEach} runs tasks 0..count−1; the calling thread takes part. Which thread runs which task is
 * not fixed, so callers give each task its own, disjoint part of the output and compute it the same way
 * whatever the thread count: results then never depend on the number of threads. A call made while the
 * team is busy (from another thread, or from inside a task) runs all its tasks on the calling thread.
 *
 * <p>The size is read once from the system property {@code tapegrad.threads} (default: available
 * processors) and changed with {@link #setThreads}.
 */
public final class ParallelPool {
    private ParallelPool() {}

    /** Spins (with {@link Thread#onSpinWait}) a worker makes before parking while waiting for a job. */
    private static final int SPINS = 1 << 15;

    private static final ReentrantLock LOCK = new ReentrantLock();
    private static volatile int threads = initialThreads();
    /** The workers (threads − 1 of them; the caller is the last member); rebuilt when the size changes. */
    private static Worker[] team = new Worker[0];

    private static int initialThreads() {
        int n = Runtime.getRuntime().availableProcessors();
        String p = System.getProperty("tapegrad.threads");
        if (p != null && !p.isBlank()) {
            try {
                n = Integer.parseInt(p.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("tapegrad.threads: not an integer: '" + p + "'", e);
            }
            if (n < 1) throw new IllegalArgumentException("tapegrad.threads must be at least 1, got " + n);
        }
        return n;
    }

    /** The number of threads that share work, the caller included (at least 1). */
    public static int threads() {
        return threads;
    }

    /** Sets the number of threads that share work (the caller included); 1 runs everything on the caller. */
    public static void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be at least 1, got " + n);
        LOCK.lock();
        try {
            if (n == threads) return;
            for (Worker w : team) w.stop();
            team = new Worker[0];
            threads = n;
        } finally {
            LOCK.unlock();
        }
    }

    /**
     * Runs {@code task.accept(i)} for every i in [0, count), spread over the pool's threads; returns when all
     * have finished. The first exception thrown by a task is rethrown here (the other tasks still run).
     */
    public static void forEach(int count, IntConsumer task) {
        if (count <= 0) return;
        if (count == 1 || threads == 1 || Worker.current() || !LOCK.tryLock()) {
            for (int i = 0; i < count; i++) task.accept(i);
            return;
        }
        try {
            if (team.length != threads - 1) {
                team = new Worker[threads - 1];
                for (int i = 0; i < team.length; i++) team[i] = new Worker(i);
            }
            Job job = new Job(count, task);
            int helpers = Math.min(team.length, count - 1);
            for (int i = 0; i < helpers; i++) team[i].offer(job);
            job.work();
            // spin, then yield: on an oversubscribed machine a descheduled worker needs the core back
            for (int spin = 0; job.unfinished.get() > 0; spin++) {
                if (spin < SPINS) Thread.onSpinWait();
                else Thread.yield();
            }
            Throwable t = job.failure.get();
            if (t instanceof RuntimeException e) throw e;
            if (t instanceof Error e) throw e;
        } finally {
            LOCK.unlock();
        }
    }

    /** One call of {@link #forEach}: tasks are claimed from a shared counter. */
    private static final class Job {
        final int count;
        final IntConsumer task;
        final AtomicInteger next = new AtomicInteger(), unfinished;
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Job(int count, IntConsumer task) {
            this.count = count;
            this.task = task;
            this.unfinished = new AtomicInteger(count);
        }

        /** Claims and runs tasks until none is left. */
        void work() {
            for (int i; (i = next.getAndIncrement()) < count; ) {
                try {
                    task.accept(i);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    unfinished.decrementAndGet();
                }
            }
        }
    }

    /** A worker thread: waits for a job (spinning, then parked), helps with it, and waits again. */
    private static final class Worker implements Runnable {
        private static final ThreadLocal<Boolean> IS_WORKER = ThreadLocal.withInitial(() -> false);
        private final AtomicReference<Job> mailbox = new AtomicReference<>();
        private final Thread thread;
        private volatile boolean stopped;

        Worker(int index) {
            thread = new Thread(this, "tapegrad-worker-" + index);
            thread.setDaemon(true);
            thread.start();
        }

        static boolean current() {
            return IS_WORKER.get();
        }

        void offer(Job job) {
            mailbox.set(job);
            LockSupport.unpark(thread);
        }

        void stop() {
            stopped = true;
            LockSupport.unpark(thread);
        }

        @Override
        public void run() {
            IS_WORKER.set(true);
            while (!stopped) {
                Job job = mailbox.getAndSet(null);
                for (int spin = 0; job == null && spin < SPINS && !stopped; spin++) {
                    Thread.onSpinWait();
                    if (mailbox.get() != null) job = mailbox.getAndSet(null);
                }
                if (job != null) {
                    job.work();
                } else if (!stopped) {
                    LockSupport.park(this);
                }
            }
        }
    }
}
