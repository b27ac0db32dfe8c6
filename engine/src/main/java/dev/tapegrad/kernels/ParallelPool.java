package dev.tapegrad.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * The engine's one shared thread pool: a small team of daemon workers that, between jobs, spin for a short
 * while ({@value #SPIN_NANOS} ns) before parking, so that a job that follows soon after another is handed
 * over in well under a microsecond, while an idle pool costs no CPU time.
 *
 * <p>{@link #forEach} runs tasks 0..count−1; the calling thread takes part, and claims every task that no
 * worker has claimed yet, so a worker that is slow to wake (parked, or descheduled on a busy machine) never
 * delays the caller. Which thread runs which task is not fixed, so callers give each task its own, disjoint
 * part of the output and compute it the same way whatever the thread count: results then never depend on
 * the number of threads. A call made while the team is busy (from another thread, or from inside a task)
 * runs all its tasks on the calling thread.
 *
 * <p>Handing work to another core has a cost (measured here: about 1 µs to a spinning worker, tens of µs to
 * a parked one), so callers split only work of at least {@link #MIN_PARALLEL_WORK} multiply-adds or
 * element operations (see {@link #parts}).
 *
 * <p>The size is read once from the system property {@code tapegrad.threads} (default: available
 * processors) and changed with {@link #setThreads}. It is at most {@link #maxThreads()}, {@value #MAX_PER_CORE}
 * per available processor: more threads than that only take turns on the same cores. Worker threads are
 * started when a job first needs them, not when the size is set.
 */
public final class ParallelPool {
    private ParallelPool() {}

    /**
     * How long (ns) a worker spins for its next job, and the caller for a worker's last task, before parking.
     * Long enough to bridge the gaps between the kernels of one step, short enough that an idle pool does
     * not take a core from the collector or from other processes.
     */
    static final long SPIN_NANOS = 50_000;

    /**
     * The least work (multiply-adds or element operations) worth splitting: below it the hand-off to a
     * worker costs more than half the work saves. Chosen by measurement on a 2-core AVX-512 machine.
     */
    public static final long MIN_PARALLEL_WORK = 1 << 19;

    /** The most threads per available processor (see {@link #maxThreads()}). */
    public static final int MAX_PER_CORE = 4;

    /** The system property that sets the initial size. */
    static final String PROPERTY = "tapegrad.threads";

    private static final ReentrantLock LOCK = new ReentrantLock();
    private static volatile int threads = initialThreads(System.getProperty(PROPERTY), System.err);
    /** The workers started so far (at most threads − 1; the caller is the last member); dropped when the size changes. */
    private static Worker[] team = new Worker[0];

    /** The largest size: {@value #MAX_PER_CORE} × the available processors. */
    public static int maxThreads() {
        return MAX_PER_CORE * Runtime.getRuntime().availableProcessors();
    }

    /**
     * The initial size for a value of the {@code tapegrad.threads} property ({@code null}: not set). A value
     * that is not a whole number from 1 up is ignored with one warning on {@code warnings}, and a larger one
     * than {@link #maxThreads()} is capped with one warning.
     *
     * <p>Why a warning and not an error: the size never changes a result (every kernel gives the same bits
     * for any thread count), only the speed, so a mistyped value should not stop a program that would run
     * correctly; and an exception here, in the class's initialiser, would make the class unusable for the
     * rest of the JVM's life ({@code NoClassDefFoundError} at every later op) instead of failing once.
     */
    static int initialThreads(String value, java.io.PrintStream warnings) {
        int cores = Runtime.getRuntime().availableProcessors();
        if (value == null || value.isBlank()) return cores;
        int n;
        try {
            n = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (n < 1) {
            warnings.println("tapegrad: ignoring -D" + PROPERTY + "=" + value + ": the thread count must be a whole"
                    + " number from 1 to " + maxThreads() + "; using " + cores + " (the available processors)");
            return cores;
        }
        if (n > maxThreads()) {
            warnings.println("tapegrad: -D" + PROPERTY + "=" + value + " is more than " + MAX_PER_CORE + " threads per"
                    + " available processor; using " + maxThreads());
            return maxThreads();
        }
        return n;
    }

    /** The number of threads that share work, the caller included (at least 1). */
    public static int threads() {
        return threads;
    }

    /**
     * Sets the number of threads that share work (the caller included); 1 runs everything on the caller.
     * A count above {@link #maxThreads()} is capped there.
     *
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public static void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("setThreads: the thread count must be at least 1, got " + n);
        n = Math.min(n, maxThreads());
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
     * How many parts to split {@code work} operations into when they divide into {@code units} independent
     * pieces: 1 below {@link #MIN_PARALLEL_WORK}, else as many as there are threads (at most {@code units}).
     */
    public static int parts(long work, int units) {
        return work < MIN_PARALLEL_WORK ? 1 : Math.max(1, Math.min(threads, units));
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
            int helpers = Math.min(threads - 1, count - 1);
            if (team.length < helpers) { // start the workers this job needs and the team lacks
                Worker[] grown = java.util.Arrays.copyOf(team, helpers);
                for (int i = team.length; i < helpers; i++) grown[i] = new Worker(i);
                team = grown;
            }
            Job job = new Job(count, task);
            for (int i = 0; i < helpers; i++) team[i].offer(job);
            job.work();
            job.awaitDone();
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
        /** The caller, once it has parked waiting for the last task (null while it spins). */
        volatile Thread waiter;

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
                    if (unfinished.decrementAndGet() == 0) {
                        Thread w = waiter;
                        if (w != null) LockSupport.unpark(w);
                    }
                }
            }
        }

        /** Waits until every task has finished: spins for {@link #SPIN_NANOS}, then parks. */
        void awaitDone() {
            long deadline = System.nanoTime() + SPIN_NANOS;
            while (unfinished.get() > 0) {
                if (System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                } else {
                    waiter = Thread.currentThread();   // set before the re-check: the last task sees it
                    while (unfinished.get() > 0) LockSupport.park(this);
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
        /** Set while the worker is parked or about to park, so that {@link #offer} knows to unpark it. */
        private volatile boolean sleeping;

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
            if (sleeping) LockSupport.unpark(thread);   // a spinning worker sees the mailbox by itself
        }

        void stop() {
            stopped = true;
            LockSupport.unpark(thread);
        }

        @Override
        public void run() {
            IS_WORKER.set(true);
            while (!stopped) {
                Job job = nextJob();
                if (job != null) job.work();
            }
        }

        /** The next job: spins for {@link #SPIN_NANOS} watching the mailbox, then parks until offered one. */
        private Job nextJob() {
            long deadline = System.nanoTime() + SPIN_NANOS;
            for (int spin = 0; !stopped; spin++) {
                if (mailbox.get() != null) return mailbox.getAndSet(null);
                if ((spin & 63) != 0 || System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                    continue;
                }
                sleeping = true;               // set before the re-check: offer() then sees it and unparks
                if (mailbox.get() == null && !stopped) LockSupport.park(this);
                sleeping = false;
                deadline = System.nanoTime() + SPIN_NANOS;
            }
            return null;
        }
    }
}
