package dev.tapegrad;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Free {@code float[]}, {@code double[]} and {@code int[]} arrays, kept by array type and exact length, for
 * {@link MemoryScope}s to reuse (float32 and float64 lists are separate; int32 and bool share int arrays).
 *
 * <p>A training step allocates the same sizes every time, so exact-length lists give a hit on every
 * allocation after the first step, with no rounding waste; {@link #take} hands out the most recently
 * returned array of that length (last in, first out, so it is likely still in cache). The pool keeps at
 * most {@link #maxBytes()} bytes of free arrays (default 256 MiB, or the system property
 * {@code tapegrad.pool.maxBytes}); an array returned beyond that is left to the garbage collector.
 *
 * <p>One pool serves every thread: methods synchronise on the pool (uncontended in practice, since a
 * thread takes and returns arrays in bursts). The lists are an open-addressing table keyed by
 * {@code length·4 + kind} (kind 0 float, 1 double, 2 int), so a lookup allocates nothing.
 */
final class BufferPool {
    private BufferPool() {}

    private static final Object LOCK = new Object();
    private static long[] keys = new long[64];
    @SuppressWarnings("unchecked")
    private static ArrayDeque<Object>[] lists = new ArrayDeque[64];
    private static int used;
    private static long retained;
    private static long maxBytes = Long.getLong("tapegrad.pool.maxBytes", 256L << 20);
    private static long misses;

    /** A zero-filled array of the dtype's array type and length: a pooled one when available. */
    static Object take(DType dtype, int length) {
        Object a;
        synchronized (LOCK) {
            ArrayDeque<Object> list = lists[slot(key(dtype, length), false)];
            a = list == null ? null : list.pollLast();
            if (a != null) retained -= bytes(dtype, length);
        }
        if (a == null) {
            synchronized (LOCK) {
                misses++;
            }
            return dtype.newArray(length);
        }
        switch (a) {
            case float[] f -> Arrays.fill(f, 0f);
            case double[] d -> Arrays.fill(d, 0.0);
            default -> Arrays.fill((int[]) a, 0);
        }
        return a;
    }

    /** Returns an array to the pool (dropped if the pool is full). */
    static void give(Object array) {
        DType dtype;
        int length;
        switch (array) {
            case float[] f -> { dtype = DType.FLOAT32; length = f.length; }
            case double[] d -> { dtype = DType.FLOAT64; length = d.length; }
            default -> { dtype = DType.INT32; length = ((int[]) array).length; }
        }
        long size = bytes(dtype, length);
        synchronized (LOCK) {
            if (retained + size > maxBytes) return;
            int i = slot(key(dtype, length), true);
            if (lists[i] == null) lists[i] = new ArrayDeque<>();
            lists[i].addLast(array);
            retained += size;
        }
    }

    /** How many times {@link #take} found no free array and allocated one (for tests). */
    static long misses() {
        synchronized (LOCK) {
            return misses;
        }
    }

    /** Bytes held in free arrays now. */
    static long retainedBytes() {
        synchronized (LOCK) {
            return retained;
        }
    }

    /** The cap on {@link #retainedBytes()}. */
    static long maxBytes() {
        synchronized (LOCK) {
            return maxBytes;
        }
    }

    /** Sets the cap; free arrays beyond a lower cap are dropped at once. */
    static void setMaxBytes(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("pool limit must be ≥ 0 bytes, got " + bytes);
        synchronized (LOCK) {
            maxBytes = bytes;
            if (retained > bytes) clear();
        }
    }

    /** Drops every free array. */
    static void clear() {
        synchronized (LOCK) {
            for (ArrayDeque<Object> l : lists) if (l != null) l.clear();
            retained = 0;
        }
    }

    private static long key(DType dtype, int length) {
        int kind = switch (dtype) {
            case FLOAT32 -> 0;
            case FLOAT64 -> 1;
            case INT32, BOOL -> 2;
        };
        return 4L * length + kind;
    }

    private static long bytes(DType dtype, int length) {
        return (long) length * dtype.byteSize();
    }

    /**
     * The table index for a key (keys are stored +1 so that 0 marks an empty slot): its slot if present;
     * otherwise a new slot when {@code insert} (growing the table past half full), else an empty slot
     * whose list is null.
     */
    private static int slot(long key, boolean insert) {
        long stored = key + 1;
        int mask = keys.length - 1;
        int i = Long.hashCode(stored * 0x9E3779B97F4A7C15L) & mask;
        while (keys[i] != 0 && keys[i] != stored) i = (i + 1) & mask;
        if (keys[i] == stored || !insert) return i;
        if (2 * (used + 1) > keys.length) {
            grow();
            return slot(key, true);
        }
        keys[i] = stored;
        used++;
        return i;
    }

    @SuppressWarnings("unchecked")
    private static void grow() {
        long[] oldKeys = keys;
        ArrayDeque<Object>[] oldLists = lists;
        keys = new long[oldKeys.length * 2];
        lists = new ArrayDeque[oldKeys.length * 2];
        used = 0;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldKeys[j] == 0) continue;
            int i = slot(oldKeys[j] - 1, true);
            lists[i] = oldLists[j];
        }
    }
}
