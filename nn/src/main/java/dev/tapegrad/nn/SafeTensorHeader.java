package dev.tapegrad.nn;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
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
 */
final class SafeTensorHeader {
    /** The largest header the reader accepts, in bytes (the reference's {@code MAX_HEADER_SIZE}). */
    static final long MAX_HEADER_BYTES = 100_000_000L;
    /** The key of the optional string-to-string metadata map. */
    static final String METADATA_KEY = "__metadata__";

    /** One tensor's entry: its bytes are {@code [begin, end)} of the data buffer. */
    record Entry(String name, SafeTensorDType dtype, long[] shape, long begin, long end) {
        /** Number of elements, Π shape (1 for a scalar); already checked not to overflow. */
        long numel() {
            long n = 1;
            for (long d : shape) n *= d;
            return n;
        }

        @Override
        public String toString() {
            return "'" + name + "' (" + dtype + " " + Arrays.toString(shape) + ", data_offsets [" + begin + ", " + end + "])";
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
     * numel × size(dtype) bytes (computed with overflow checks).
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    static SafeTensorHeader parse(byte[] bytes) {
        if (bytes.length == 0 || bytes[0] != '{') throw new IllegalArgumentException("header does not start with '{'");
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("header is not valid UTF-8");
        }
        Object json;
        try {
            json = SafeTensorJson.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("header is not valid JSON: " + e.getMessage());
        }
        if (!(json instanceof Map<?, ?> top)) throw new IllegalArgumentException("header is not a JSON object");

        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<?, ?> e : top.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals(METADATA_KEY)) {
                readMetadata(e.getValue(), metadata);
            } else {
                entries.add(readEntry(name, e.getValue()));
            }
        }
        entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long start = 0;
        for (Entry t : entries) {
            if (t.begin != start || t.end < t.begin) {
                throw new IllegalArgumentException("tensor " + t + ": offsets are not contiguous (in offset order the next tensor must begin at "
                        + start + " and end at or after its begin)");
            }
            long bits;
            try {
                long numel = 1;
                for (long d : t.shape) numel = Math.multiplyExact(numel, d);
                bits = Math.multiplyExact(numel, (long) t.dtype.bits);
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
        return new SafeTensorHeader(List.copyOf(entries), metadata, start);
    }

    private static void readMetadata(Object value, Map<String, String> out) {
        if (!(value instanceof Map<?, ?> map)) throw new IllegalArgumentException(METADATA_KEY + " is not a JSON object");
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new IllegalArgumentException(METADATA_KEY + ": the value of \"" + e.getKey() + "\" is not a string");
            }
            out.put((String) e.getKey(), s);
        }
    }

    /** One tensor's info. Unknown fields are ignored, as the reference does. */
    private static Entry readEntry(String name, Object value) {
        String where = "tensor '" + name + "': ";
        if (!(value instanceof Map<?, ?> info)) throw new IllegalArgumentException(where + "entry is not a JSON object");
        if (!(info.get("dtype") instanceof String dtypeName)) throw new IllegalArgumentException(where + "\"dtype\" is missing or not a string");
        SafeTensorDType dtype = SafeTensorDType.byName(dtypeName);
        if (dtype == null) throw new IllegalArgumentException(where + "unknown dtype \"" + dtypeName + "\"");
        long[] shape = naturals(where, "shape", info.get("shape"));
        long[] offsets = naturals(where, "data_offsets", info.get("data_offsets"));
        if (offsets.length != 2) throw new IllegalArgumentException(where + "\"data_offsets\" must be [begin, end], got " + offsets.length + " numbers");
        return new Entry(name, dtype, shape, offsets[0], offsets[1]);
    }

    /** A JSON array of non-negative integers (each at most 2⁶³ − 1). */
    private static long[] naturals(String where, String field, Object value) {
        if (!(value instanceof List<?> list)) throw new IllegalArgumentException(where + "\"" + field + "\" is missing or not an array");
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            long v = list.get(i) instanceof SafeTensorJson.Num n ? n.nonNegativeLong() : -1;
            if (v < 0) {
                throw new IllegalArgumentException(where + "\"" + field + "\"[" + i + "] = " + list.get(i)
                        + " is not an integer in [0, 2^63 - 1]");
            }
            out[i] = v;
        }
        return out;
    }

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
