package dev.tapegrad.nn;

import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The {@code __metadata__} map of a safetensors header, unmodifiable, in header order, with its keys and
 * values kept as UTF-8 bytes in two arrays: a legal 100 MB header may hold millions of entries, which as
 * {@code String}s in a {@code LinkedHashMap} would need well over a gigabyte. Strings are made when asked for.
 */
final class SafeTensorMetadata extends AbstractMap<String, String> {
    /** The empty map. */
    static final SafeTensorMetadata EMPTY = new Builder().build();

    private final SafeTensorKeys keys;
    private final byte[] values;
    /** Value i is {@code values[valueStarts[i], valueStarts[i + 1])}. */
    private final int[] valueStarts;

    private SafeTensorMetadata(SafeTensorKeys keys, byte[] values, int[] valueStarts) {
        this.keys = keys;
        this.values = values;
        this.valueStarts = valueStarts;
    }

    /** Collects entries while a header is parsed. */
    static final class Builder {
        private final SafeTensorKeys keys = new SafeTensorKeys();
        private byte[] values = new byte[16];
        private int[] valueStarts = new int[9];

        /** Adds a key (whose bytes are {@code key[0, length)}) without its value; false if the key is already there. */
        boolean addKey(byte[] key, int length) {
            return keys.add(key, length) >= 0;
        }

        /** Sets the value of the key added last. */
        void value(byte[] value, int length) {
            int i = keys.size() - 1, at = valueStarts[i];
            if (at + (long) length > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("metadata exceeds 2 GB");
            values = SafeTensorKeys.ensure(values, at + length);
            System.arraycopy(value, 0, values, at, length);
            if (i + 2 > valueStarts.length) valueStarts = Arrays.copyOf(valueStarts, SafeTensorKeys.grow(valueStarts.length, i + 2));
            valueStarts[i + 1] = at + length;
        }

        SafeTensorMetadata build() {
            keys.trim();
            return new SafeTensorMetadata(keys, Arrays.copyOf(values, valueStarts[keys.size()]), Arrays.copyOf(valueStarts, keys.size() + 1));
        }
    }

    @Override
    public int size() {
        return keys.size();
    }

    @Override
    public String get(Object key) {
        int i = indexOf(key);
        return i < 0 ? null : value(i);
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(key) >= 0;
    }

    private int indexOf(Object key) {
        if (!(key instanceof String s)) return -1;
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return keys.indexOf(b, b.length);
    }

    private String value(int i) {
        return new String(values, valueStarts[i], valueStarts[i + 1] - valueStarts[i], StandardCharsets.UTF_8);
    }

    @Override
    public Set<Map.Entry<String, String>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return keys.size();
            }

            @Override
            public Iterator<Map.Entry<String, String>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < keys.size();
                    }

                    @Override
                    public Map.Entry<String, String> next() {
                        if (!hasNext()) throw new NoSuchElementException();
                        int i = next++;
                        return new SimpleImmutableEntry<>(keys.get(i), value(i));
                    }
                };
            }
        };
    }
}
