package dev.tapegrad.kernels;

import static dev.tapegrad.kernels.KernelTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The shared pool runs every task once, reports failures, and GEMM gives the same bits for 1 and 2 threads. */
class ParallelPoolTest {
    private final int saved = ParallelPool.threads();

    @AfterEach
    void restore() {
        ParallelPool.setThreads(saved);
    }

    @Test
    void everyTaskRunsExactlyOnce() {
        for (int threads : new int[] {1, 2, 3}) {
            ParallelPool.setThreads(threads);
            for (int count : new int[] {0, 1, 2, 5, 100}) {
                AtomicIntegerArray runs = new AtomicIntegerArray(count);
                ParallelPool.forEach(count, runs::incrementAndGet);
                for (int i = 0; i < count; i++) assertEquals(1, runs.get(i), "threads=" + threads + " task " + i + " of " + count);
            }
        }
    }

    @Test
    void nestedCallsRunOnTheCallingThread() {
        ParallelPool.setThreads(2);
        AtomicIntegerArray runs = new AtomicIntegerArray(16);
        ParallelPool.forEach(4, i -> ParallelPool.forEach(4, j -> runs.incrementAndGet(4 * i + j)));
        for (int i = 0; i < 16; i++) assertEquals(1, runs.get(i));
    }

    @Test
    void aFailingTaskIsRethrownAndThePoolStillWorks() {
        ParallelPool.setThreads(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ParallelPool.forEach(8, i -> {
            if (i == 5) throw new IllegalStateException("task 5");
        }));
        assertEquals("task 5", e.getMessage());
        AtomicIntegerArray runs = new AtomicIntegerArray(3);
        ParallelPool.forEach(3, runs::incrementAndGet);
        assertEquals(3, runs.get(0) + runs.get(1) + runs.get(2));
    }

    @Test
    void threadCountIsValidated() {
        assertThrows(IllegalArgumentException.class, () -> ParallelPool.setThreads(0));
        assertThrows(IllegalArgumentException.class, () -> dev.tapegrad.Parallelism.setThreads(-1));
        dev.tapegrad.Parallelism.setThreads(3);
        assertEquals(3, ParallelPool.threads());
        assertEquals(3, dev.tapegrad.Parallelism.threads());
    }

    /** Huge counts are capped at 4 per core (they once ran out of memory or started 99,998 threads). */
    @Test
    void hugeThreadCountsAreCappedAndTheWorkersStartLazily() {
        int max = 4 * Runtime.getRuntime().availableProcessors();
        assertEquals(max, ParallelPool.maxThreads());
        for (int n : new int[] {Integer.MAX_VALUE, 99_999, max + 1}) {
            ParallelPool.setThreads(n);
            assertEquals(max, ParallelPool.threads(), "setThreads(" + n + ")");
            AtomicIntegerArray runs = new AtomicIntegerArray(3 * max);
            ParallelPool.forEach(3 * max, runs::incrementAndGet);
            for (int i = 0; i < 3 * max; i++) assertEquals(1, runs.get(i));
        }
        ParallelPool.setThreads(max);
        assertEquals(max, ParallelPool.threads());
    }

    /** Each property value gives one clear warning, or none, and a usable size. */
    @Test
    void thePropertyFallsBackToTheDefaultWithOneWarning() {
        int cores = Runtime.getRuntime().availableProcessors(), max = ParallelPool.maxThreads();
        Object[][] cases = {{null, cores, ""}, {"", cores, ""}, {"1", 1, ""}, {" 2 ", 2, ""},
                {"0", cores, "must be a whole number from 1"}, {"-1", cores, "must be a whole number from 1"},
                {"abc", cores, "must be a whole number from 1"}, {"2.5", cores, "must be a whole number from 1"},
                {"99999", max, "more than 4 threads per available processor"},
                {"2147483648", cores, "must be a whole number from 1"}};
        for (Object[] c : cases) {
            var err = new java.io.ByteArrayOutputStream();
            int n = ParallelPool.initialThreads((String) c[0], new java.io.PrintStream(err, true));
            String warning = err.toString();
            assertEquals(c[1], n, "tapegrad.threads=" + c[0]);
            if (((String) c[2]).isEmpty()) {
                assertEquals("", warning, "tapegrad.threads=" + c[0]);
            } else {
                assertEquals(1, warning.lines().count(), warning);
                assertTrue(warning.contains("-Dtapegrad.threads=" + c[0]) && warning.contains((String) c[2]), warning);
            }
        }
    }

    /** Random shapes (large enough to be split, skinny, matrix-vector) and layouts, float and double. */
    @Test
    void gemmIsBitIdenticalForOneAndTwoThreads() {
        SplittableRandom rnd = new SplittableRandom(5);
        int[][] shapes = {{1, 300, 700}, {700, 1, 300}, {128, 10, 300}, {10, 200, 130}};
        for (int trial = 0; trial < 24; trial++) {
            Type type = trial % 2 == 0 ? Type.FLOAT : Type.DOUBLE;
            int[] s = trial < shapes.length ? shapes[trial]
                    : new int[] {rnd.nextInt(1, 150), rnd.nextInt(1, 150), rnd.nextInt(20, 300)};
            int m = s[0], n = s[1], k = s[2];
            boolean ta = rnd.nextBoolean(), tb = rnd.nextBoolean(), acc = rnd.nextBoolean();
            GemmKernelTest.Operand a = GemmKernelTest.operand(rnd, type, m, k, ta), b = GemmKernelTest.operand(rnd, type, k, n, tb);
            Object c0 = newArray(type, m * n);
            for (int i = 0; i < m * n; i++) ArrayElements.set(c0, i, rnd.nextDouble(-1, 1));
            Object[] out = new Object[3];
            int[] threads = {1, 2, 1};
            for (int run = 0; run < 3; run++) {
                ParallelPool.setThreads(threads[run]);
                out[run] = newArray(type, m * n);
                System.arraycopy(c0, 0, out[run], 0, m * n);
                Gemm.gemm(dtypeOf(out[run]), m, n, k, a.data(), a.offset(), a.rowStride(), a.colStride(),
                        b.data(), b.offset(), b.rowStride(), b.colStride(), out[run], 0, n, acc);
            }
            String what = type + " m=" + m + " n=" + n + " k=" + k + " ta=" + ta + " tb=" + tb + " acc=" + acc;
            for (int i = 0; i < m * n; i++) {
                for (int run = 1; run < 3; run++) {
                    assertEquals(bits(out[0], i), bits(out[run], i), what + ": element " + i + " differs with " + threads[run] + " thread(s)");
                }
            }
        }
    }

    private static long bits(Object array, int i) {
        return array instanceof float[] f ? Float.floatToRawIntBits(f[i]) : Double.doubleToRawLongBits(((double[]) array)[i]);
    }
}
