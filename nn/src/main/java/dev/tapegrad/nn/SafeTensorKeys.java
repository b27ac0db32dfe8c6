package dev.tapegrad.nn;

import java.util.Arrays;

/**
 * A set of distinct strings stored as their UTF-8 bytes back to back in one growing array, with an
 * open-addressing hash index of {@code int}s: the keys of one JSON object of a safetensors header.
 *
 * <p>It exists so that a header of up to 100 MB with millions of keys (all legal) is checked for duplicate
 * keys in a few bytes per key, instead of one {@code String} and one hash-map node (about 90 bytes) per key.
 * Keys are compared by their decoded bytes, so {@code "a"} and {@code "\u0061"} are the same key, as JSON
 * says. The hash is seeded per JVM; the seed changes only the index layout, never a result.
 */
final class SafeTensorKeys {
    private static final long SEED = java.util.concurrent.ThreadLocalRandom.current().nextLong() | 1;

    private byte[] bytes = new byte[64];
    /** Key i is {@code bytes[starts[i], starts[i + 1])}. */
    private int[] starts = new int[9];
    private int size;
    /** Slot → key index + 1, or 0 when empty; at most half full. */
    private int[] index = new int[16];

    /** Number of keys. */
    int size() {
        return size;
    }

    /**
     * Adds the key held in {@code key[0, length)}.
     *
     * @return the new key's index, or -1 when the set already holds it
     */
    int add(byte[] key, int length) {
        int slot = find(key, length);
        if (index[slot] != 0) return -1;
        if (starts[size] + (long) length > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("header keys exceed 2 GB");
        bytes = ensure(bytes, starts[size] + length);
        System.arraycopy(key, 0, bytes, starts[size], length);
        if (size + 2 > starts.length) starts = Arrays.copyOf(starts, grow(starts.length, size + 2));
        starts[size + 1] = starts[size] + length;
        index[slot] = ++size;
        if (2L * size > index.length) rehash();
        return size - 1;
    }

    /** The index of the key held in {@code key[0, length)}, or -1. */
    int indexOf(byte[] key, int length) {
        return index[find(key, length)] - 1;
    }

    /** Key {@code i} as a string. */
    String get(int i) {
        return new String(bytes, starts[i], starts[i + 1] - starts[i], java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Trims the arrays to their content (after the last {@link #add}). */
    void trim() {
        bytes = Arrays.copyOf(bytes, starts[size]);
        starts = Arrays.copyOf(starts, size + 1);
    }

    /** The slot holding this key, or the empty slot where it would go. */
    private int find(byte[] key, int length) {
        int mask = index.length - 1;
        int slot = hash(key, 0, length) & mask;
        while (index[slot] != 0 && !equal(index[slot] - 1, key, length)) slot = (slot + 1) & mask;
        return slot;
    }

    private boolean equal(int i, byte[] key, int length) {
        int s = starts[i];
        return starts[i + 1] - s == length && Arrays.equals(bytes, s, s + length, key, 0, length);
    }

    private void rehash() {
        int[] bigger = new int[index.length * 2];
        int mask = bigger.length - 1;
        for (int i = 0; i < size; i++) {
            int slot = hash(bytes, starts[i], starts[i + 1]) & mask;
            while (bigger[slot] != 0) slot = (slot + 1) & mask;
            bigger[slot] = i + 1;
        }
        index = bigger;
    }

    /** FNV-1a over the bytes from a seeded start, finished with a 64-bit mix (Stafford's variant 13). */
    private static int hash(byte[] b, int from, int to) {
        long h = SEED;
        for (int i = from; i < to; i++) h = (h ^ (b[i] & 0xff)) * 0x100000001b3L;
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        return (int) (h ^ (h >>> 31));
    }

    static byte[] ensure(byte[] a, int needed) {
        return needed <= a.length ? a : Arrays.copyOf(a, grow(a.length, needed));
    }

    /** A capacity of at least {@code needed}, growing by half, capped below the largest array. */
    static int grow(int current, int needed) {
        long want = Math.max(needed, current + (current >> 1) + 8L);
        return (int) Math.min(want, Integer.MAX_VALUE - 16);
    }
}
