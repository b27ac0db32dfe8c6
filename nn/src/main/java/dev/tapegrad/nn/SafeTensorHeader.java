package dev.tapegrad.nn;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON header of a safetensors file: parsing with the reference implementation's validation, and
 * formatting as the reference writer does.
 *
 * <p>A header is {@code {"name": {"dtype": D, "shape": [d0, ...], "data_offsets": [begin, end]}, ...,
 * "__metadata__": {"key": "value", ...}}}; offsets are relative to the start of the byte buffer that follows
 * the header, {@code end} exclusive.
 *
 * <p>Parsing streams over the bytes ({@link SafeTensorJson}) and keeps only what the header means: per tensor
 * one {@link Entry} with its shape in a {@code long[]}, the metadata as UTF-8 in two arrays
 * ({@link SafeTensorMetadata}), duplicate keys found through {@link SafeTensorKeys}. So every header within the
 * 100 MB limit — a 50-million-entry shape, two million tiny tensors, ten million metadata entries — parses in
 * a few hundred megabytes.
 */
final class SafeTensorHeader {
    /** The largest header the reader accepts, in bytes (the reference's {@code MAX_HEADER_SIZE}). */
    static final long MAX_HEADER_BYTES = 100_000_000L;
    /** The key of the optional string-to-string metadata map. */
    static final String METADATA_KEY = "__metadata__";
    /**
     * The highest rank whose dimensions are kept. Longer shapes (legal, and validated through the running
     * product of their dimensions) are not kept, and such a tensor cannot be read ({@link Entry#shape()} is null).
     */
    static final int MAX_KEPT_RANK = 1024;

    /**
     * One tensor's entry: its bytes are {@code [begin, end)} of the data buffer.
     *
     * @param shape the dimensions, or {@code null} when there are more than {@value #MAX_KEPT_RANK}
     * @param rank  the number of dimensions
     * @param numel Π shape (1 for a scalar), or -1 when the product exceeds 2⁶³ − 1
     */
    record Entry(String name, SafeTensorDType dtype, long[] shape, int rank, long numel, long begin, long end) {
        /** An entry with a kept shape (the writer's). */
        Entry(String name, SafeTensorDType dtype, long[] shape, long begin, long end) {
            this(name, dtype, shape, shape.length, product(shape), begin, end);
        }

        private static long product(long[] shape) {
            long n = 1;
            for (long d : shape) n = Math.multiplyExact(n, d);
            return n;
        }

        @Override
        public String toString() {
            String dims = shape != null ? Arrays.toString(shape) : "[" + rank + " dimensions]";
            return "'" + name + "' (" + dtype + " " + dims + ", data_offsets [" + begin + ", " + end + "])";
        }
    }

    /** The tensors sorted by data offsets, i.e. in file order. */
    final List<Entry> entries;
    /** The metadata map (empty when the header has none). */
    final Map<String, String> metadata;
    /** End of the last tensor's bytes: the length the data buffer must have. */
    final long bufferEnd;

    private SafeTensorHeader(List<Entry> entries, Map<String, String> metadata, long bufferEnd) {
        this.entries = entries;
        this.metadata = metadata;
        this.bufferEnd = bufferEnd;
    }

    /**
     * Parses and validates a header: it must start with '{', be valid UTF-8 and strict JSON without duplicate
     * keys, name known dtypes, have non-negative integer shapes and offsets, and its offsets, sorted, must
     * tile {@code [0, bufferEnd)} without holes or overlaps, each tensor spanning exactly
     * numel × size(dtype) bytes (computed with overflow checks). A JSON syntax error anywhere is reported
     * before a header rule broken earlier in the text, as a reader that first parses and then checks would.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    static SafeTensorHeader parse(byte[] bytes) {
        if (bytes.length == 0 || bytes[0] != '{') throw new IllegalArgumentException("header does not start with '{'");
        if (!SafeTensorJson.isUtf8(bytes)) throw new IllegalArgumentException("header is not valid UTF-8");
        Walker w = new Walker(new SafeTensorJson(bytes));
        try {
            w.json.object(0, w);
            w.json.end();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("header is not valid JSON: " + e.getMessage());
        }
        if (w.problem != null) throw new IllegalArgumentException(w.problem);
        List<Entry> entries = w.entries;
        entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long start = 0;
        for (Entry t : entries) {
            if (t.begin != start || t.end < t.begin) {
                throw new IllegalArgumentException("tensor " + t + ": offsets are not contiguous (in offset order the next tensor must begin at "
                        + start + " and end at or after its begin)");
            }
            long bits;
            try {
                if (t.numel < 0) throw new ArithmeticException();
                bits = Math.multiplyExact(t.numel, (long) t.dtype.bits);
            } catch (ArithmeticException overflow) {
                throw new IllegalArgumentException("tensor " + t + ": the byte size of its shape overflows");
            }
            if (bits % 8 != 0) {
                throw new IllegalArgumentException("tensor " + t + ": " + bits + " bits is not a whole number of bytes");
            }
            if (t.end - t.begin != bits / 8) {
                throw new IllegalArgumentException("tensor " + t + ": spans " + (t.end - t.begin) + " bytes but its shape and dtype need "
                        + bits / 8);
            }
            start = t.end;
        }
        return new SafeTensorHeader(Collections.unmodifiableList(entries), w.metadata.build(), start);
    }

    /**
     * Walks the top-level object. A broken header rule (a missing field, an unknown dtype, ...) is remembered
     * as {@link #problem} and the walk goes on, so that a later syntax error still wins; the first problem in
     * text order is reported.
     */
    private static final class Walker implements SafeTensorJson.Members {
        final SafeTensorJson json;
        final List<Entry> entries = new ArrayList<>();
        final SafeTensorMetadata.Builder metadata = new SafeTensorMetadata.Builder();
        final SafeTensorKeys names = new SafeTensorKeys();
        String problem;
        private String name;
        /** The dimensions of the shape being read (reused). */
        private long[] dims = new long[8];

        Walker(SafeTensorJson json) {
            this.json = json;
        }

        void problem(String what) {
            if (problem == null) problem = what;
        }

        @Override
        public boolean key() {
            name = json.tokenString();
            return names.add(json.token(), json.tokenLength()) >= 0;
        }

        @Override
        public void value(int depth) {
            if (name.equals(METADATA_KEY)) {
                readMetadata(depth);
            } else {
                readEntry(depth);
            }
        }

        private void readMetadata(int depth) {
            if (json.peek() != '{') {
                problem(METADATA_KEY + " is not a JSON object");
                json.skipValue(depth);
                return;
            }
            json.object(depth, new SafeTensorJson.Members() {
                @Override
                public boolean key() {
                    return metadata.addKey(json.token(), json.tokenLength());
                }

                @Override
                public void value(int d) {
                    if (json.peek() == '"') {
                        json.string();
                        metadata.value(json.token(), json.tokenLength());
                        return;
                    }
                    String key = json.tokenString();   // nothing was read since the key
                    int at = json.position();
                    json.skipValue(d);
                    problem(METADATA_KEY + ": the value of \"" + key + "\" is not a string (got " + json.excerpt(at, json.position()) + ")");
                    metadata.value(new byte[0], 0);
                }
            });
        }

        /** One tensor's info. Unknown fields are skipped (still checked as JSON), as the reference ignores them. */
        private void readEntry(int depth) {
            String where = "tensor '" + name + "': ";
            if (json.peek() != '{') {
                problem(where + "entry is not a JSON object");
                json.skipValue(depth);
                return;
            }
            EntryFields f = new EntryFields();
            SafeTensorKeys fields = new SafeTensorKeys();
            json.object(depth, new SafeTensorJson.Members() {
                private int which;   // 0 other, 1 dtype, 2 shape, 3 data_offsets

                @Override
                public boolean key() {
                    which = json.tokenIs("dtype") ? 1 : json.tokenIs("shape") ? 2 : json.tokenIs("data_offsets") ? 3 : 0;
                    return fields.add(json.token(), json.tokenLength()) >= 0;
                }

                @Override
                public void value(int d) {
                    switch (which) {
                        case 1 -> {
                            if (json.peek() == '"') {
                                json.string();
                                f.dtype = json.tokenString();
                            } else {
                                f.dtype = null;
                                json.skipValue(d);
                            }
                        }
                        case 2 -> f.shape = naturals(d, true);
                        case 3 -> f.offsets = naturals(d, false);
                        default -> json.skipValue(d);
                    }
                }
            });
            if (problem != null) return;
            if (f.dtype == null) {
                problem(where + "\"dtype\" is missing or not a string");
                return;
            }
            SafeTensorDType dtype = SafeTensorDType.byName(f.dtype);
            if (dtype == null) {
                problem(where + "unknown dtype \"" + f.dtype + "\"");
                return;
            }
            if (!f.shape.checked(this, where, "shape") || !f.offsets.checked(this, where, "data_offsets")) return;
            if (f.offsets.count != 2) {
                problem(where + "\"data_offsets\" must be [begin, end], got " + f.offsets.count + " numbers");
                return;
            }
            entries.add(new Entry(name, dtype, f.shape.kept, f.shape.count, f.shape.product, f.offsets.first, f.offsets.second));
        }

        /** The fields of one entry as read so far. */
        private static final class EntryFields {
            String dtype;
            Naturals shape = Naturals.MISSING, offsets = Naturals.MISSING;
        }

        /**
         * An array of non-negative integers read without keeping more than needed: its length, its first two
         * values, its running product (for a shape) and its values up to {@value #MAX_KEPT_RANK} (for a shape).
         */
        private static final class Naturals {
            static final Naturals MISSING = new Naturals();
            boolean isArray;
            int count;
            long first, second, product = 1;
            long[] kept;
            /** The first element that is not an integer in [0, 2^63 − 1], as "[i] = text", or null. */
            String bad;

            /** Whether the field is an array of naturals; tells the walker the problem otherwise. */
            boolean checked(Walker walker, String where, String field) {
                if (!isArray) {
                    walker.problem(where + "\"" + field + "\" is missing or not an array");
                    return false;
                }
                if (bad != null) {
                    walker.problem(where + "\"" + field + "\"" + bad + " is not an integer in [0, 2^63 - 1]");
                    return false;
                }
                return true;
            }
        }

        private Naturals naturals(int depth, boolean isShape) {
            Naturals n = new Naturals();
            if (json.peek() != '[') {
                json.skipValue(depth);
                return n;
            }
            n.isArray = true;
            json.array(depth, (i, d) -> {
                int at = json.position();
                long v = -1;
                int c = json.peek();
                if (c == '-' || (c >= '0' && c <= '9')) v = json.number();
                else json.skipValue(d);
                n.count = i + 1;
                if (v < 0) {
                    if (n.bad == null) n.bad = "[" + i + "] = " + json.excerpt(at, json.position());
                    return;
                }
                if (i == 0) n.first = v;
                if (i == 1) n.second = v;
                if (isShape) {
                    if (n.product >= 0) {
                        try {
                            n.product = Math.multiplyExact(n.product, v);
                        } catch (ArithmeticException e) {
                            n.product = -1;   // sticky, as a checked product that failed once
                        }
                    }
                    if (i < MAX_KEPT_RANK) {
                        if (i == dims.length) dims = Arrays.copyOf(dims, Math.min(MAX_KEPT_RANK, 2 * dims.length));
                        dims[i] = v;
                    }
                }
            });
            if (isShape && n.count <= MAX_KEPT_RANK) n.kept = n.count == 0 ? NO_DIMS : Arrays.copyOf(dims, n.count);
            return n;
        }
    }

    private static final long[] NO_DIMS = new long[0];

    // ---------------------------------------------------------------- writing

    /**
     * The header bytes for tensors laid out in the given order (offsets assigned consecutively from 0): compact
     * JSON with the metadata first (keys sorted), then the tensors, padded with spaces to a multiple of 8 bytes
     * so that the data buffer starts aligned.
     */
    static byte[] format(List<Entry> ordered, Map<String, String> metadata) {
        StringBuilder sb = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            SafeTensorJson.appendString(sb, METADATA_KEY);
            sb.append(":{");
            String sep = "";
            for (Map.Entry<String, String> e : new TreeMap<>(metadata).entrySet()) {
                sb.append(sep);
                SafeTensorJson.appendString(sb, e.getKey());
                sb.append(':');
                SafeTensorJson.appendString(sb, e.getValue());
                sep = ",";
            }
            sb.append('}');
        }
        for (Entry t : ordered) {
            if (sb.length() > 1) sb.append(',');
            SafeTensorJson.appendString(sb, t.name);
            sb.append(":{\"dtype\":\"").append(t.dtype.name()).append("\",\"shape\":[");
            for (int i = 0; i < t.shape.length; i++) sb.append(i == 0 ? "" : ",").append(t.shape[i]);
            sb.append("],\"data_offsets\":[").append(t.begin).append(',').append(t.end).append("]}");
        }
        sb.append('}');
        byte[] json = sb.toString().getBytes(StandardCharsets.UTF_8);
        byte[] padded = Arrays.copyOf(json, (json.length + 7) / 8 * 8);
        Arrays.fill(padded, json.length, padded.length, (byte) ' ');
        return padded;
    }

    /** The reference writer's order: dtype alignment descending, then name (byte-wise UTF-8, as Rust compares strings). */
    static final Comparator<Entry> WRITE_ORDER = Comparator.<Entry, SafeTensorDType>comparing(Entry::dtype).reversed()
            .thenComparing((a, b) -> Arrays.compareUnsigned(a.name.getBytes(StandardCharsets.UTF_8), b.name.getBytes(StandardCharsets.UTF_8)));
}
