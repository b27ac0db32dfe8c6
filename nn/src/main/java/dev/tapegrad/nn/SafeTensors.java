package dev.tapegrad.nn;

import dev.tapegrad.DType;
import dev.tapegrad.Tensor;
import dev.tapegrad.io.AtomicFile;
import dev.tapegrad.kernels.BFloat16;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Reads and writes tensors in the <a href="https://github.com/huggingface/safetensors">safetensors</a>
 * format, the one PyTorch and Hugging Face use to share weights.
 *
 * <p><b>Format.</b> A file is: 8 bytes N (unsigned, little-endian), then N bytes of UTF-8 JSON header
 * {@code {"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, "__metadata__": {...}}},
 * then the data buffer: each tensor's elements, little-endian, row-major, at bytes {@code [begin, end)} of the
 * buffer. So element i of tensor t is at file position 8 + N + beginₜ + i·size(dtypeₜ).
 *
 * <p><b>Reading</b> validates everything the reference implementation validates, before reading any tensor
 * data: N ≤ 100,000,000 and 8 + N ≤ file size; the header starts with '{', is valid UTF-8 and strict JSON
 * without duplicate keys; dtypes are known; shapes and offsets are non-negative integers; sorted by offset the
 * tensors tile the buffer from 0 without holes or overlaps, each spanning numel × size(dtype) bytes (with
 * overflow checks); and 8 + N + buffer end = file size. A file that breaks any rule is an
 * {@link IllegalArgumentException} naming the file and the rule; nothing is allocated from the header's
 * claims until they are checked against the real file length, and nothing is read past its end. Values are
 * converted exactly: F32 → float32, F64 → float64, F16 and BF16 → float32 (every half and bfloat16 value,
 * subnormals, ±∞ and NaN included, is a float32), BOOL → bool, and the integer types (U8, I8, I16, U16,
 * I32, U32, I64, U64) → int32 when every value fits (else an error naming the element). The 8-bit and
 * sub-byte floats and C64 are validated but not read (an error names the tensor).
 *
 * <p><b>Writing</b> stores float32 as F32 (or, with {@link WriteOptions#withFloat32AsBFloat16}, as BF16, each
 * value rounded to the nearest bfloat16, ties to even, by {@link BFloat16}), float64 as F64, int32 as I32 and
 * bool as BOOL, in the reference writer's layout: tensors sorted by dtype alignment (descending) then name, compact JSON header padded with
 * spaces to a multiple of 8, metadata (if any) first. Saving is atomic ({@link AtomicFile}): the file is
 * written to a temporary file in the same directory, forced to disk, then renamed over the target, so a failure
 * or a crash part-way leaves the previous file intact.
 *
 * <p><b>Compatibility.</b> The Python {@code safetensors} package could not be installed where this was
 * written (no access to PyPI), so files were not exchanged with it directly. Instead the tests check the
 * reference implementation's own published byte sequences for its writer, fixtures written from the
 * specification by a hand-written Python script (with bfloat16/float16 bits produced by PyTorch), and
 * fuzzed files against the validation rules above.
 */
public final class SafeTensors {
    private SafeTensors() {}

    /** Bytes moved per read or write call; a multiple of every element size. */
    private static final int CHUNK = 1 << 16;

    /**
     * What a file holds: the tensors in file order, each tensor's dtype as the file names it ("BF16", "I64",
     * ...), and the header's metadata.
     *
     * @param tensors    the tensors by name, in file (offset) order
     * @param fileDTypes each tensor's dtype in the file
     * @param metadata   the {@code __metadata__} map, empty if absent
     */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> fileDTypes, Map<String, String> metadata) {}

    /**
     * The tensors of a safetensors file, by name, in file order (see the class comment for validation and
     * conversions).
     *
     * @throws IllegalArgumentException if the file is not a valid safetensors file or holds a tensor tapegrad
     *                                  cannot represent
     * @throws IOException              if the file cannot be read
     */
    public static Map<String, Tensor> read(Path path) throws IOException {
        return readContents(path).tensors();
    }

    /** The header's {@code __metadata__} map (empty if absent); validates the whole file as {@link #read} does, without reading data. */
    public static Map<String, String> readMetadata(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return Collections.unmodifiableMap(readHeader(path, Source.of(ch)).header.metadata);
        }
    }

    /** Tensors, their file dtypes and the metadata of a safetensors file; see {@link #read}. */
    public static Contents readContents(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return readContents(path, Source.of(ch));
        }
    }

    /**
     * Tensors, file dtypes and metadata of a safetensors file held in memory (e.g. an entry of an archive),
     * validated exactly as {@link #read(Path)} validates a file; {@code name} is what error messages call it.
     * The buffer's bytes from its position to its limit are the file; the buffer itself is not changed.
     *
     * @throws IllegalArgumentException if the bytes are not a valid safetensors file or hold a tensor tapegrad
     *                                  cannot represent
     */
    public static Contents readContents(ByteBuffer file, String name) {
        try {
            return readContents(name, Source.of(file.slice()));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading memory does not fail
        }
    }

    private static Contents readContents(Object path, Source ch) throws IOException {
        Located h = readHeader(path, ch);
        for (SafeTensorHeader.Entry e : h.header.entries) checkReadable(path, e);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, String> dtypes = new LinkedHashMap<>();
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        for (SafeTensorHeader.Entry e : h.header.entries) {
            tensors.put(e.name(), readTensor(path, ch, h.dataStart + e.begin(), e, chunk));
            dtypes.put(e.name(), e.dtype().name());
        }
        return new Contents(tensors, Collections.unmodifiableMap(dtypes), Collections.unmodifiableMap(h.header.metadata));
    }

    /** Where a safetensors file is read from: a file channel or bytes in memory, read at absolute positions. */
    private interface Source {
        long size() throws IOException;

        /** Reads into {@code dst} from {@code position}; the number of bytes read, or -1 at the end. */
        int read(ByteBuffer dst, long position) throws IOException;

        static Source of(FileChannel ch) {
            return new Source() {
                public long size() throws IOException { return ch.size(); }
                public int read(ByteBuffer dst, long position) throws IOException { return ch.read(dst, position); }
            };
        }

        static Source of(ByteBuffer bytes) {
            return new Source() {
                public long size() { return bytes.remaining(); }
                public int read(ByteBuffer dst, long position) {
                    if (position >= bytes.remaining()) return -1;
                    int n = (int) Math.min(dst.remaining(), bytes.remaining() - position);
                    dst.put(dst.position(), bytes, (int) position, n).position(dst.position() + n);
                    return n;
                }
            };
        }
    }

    /** A validated header and the file position where the data buffer starts. */
    private record Located(SafeTensorHeader header, long dataStart) {}

    private static Located readHeader(Object path, Source ch) throws IOException {
        long size = ch.size();
        if (size < 8) throw invalid(path, "the file has " + size + " bytes, fewer than the 8-byte header length");
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lengthBytes, 0);
        long n = lengthBytes.getLong(0); // negative when the unsigned value is ≥ 2^63
        if (n < 0 || n > SafeTensorHeader.MAX_HEADER_BYTES) {
            throw invalid(path, "header length " + Long.toUnsignedString(n) + " exceeds the limit of "
                    + SafeTensorHeader.MAX_HEADER_BYTES + " bytes");
        }
        if (n > size - 8) throw invalid(path, "header length " + n + " runs past the end of the file (" + size + " bytes)");
        ByteBuffer headerBytes = ByteBuffer.allocate((int) n);
        readFully(ch, headerBytes, 8);
        SafeTensorHeader header;
        try {
            header = SafeTensorHeader.parse(headerBytes.array());
        } catch (IllegalArgumentException e) {
            throw invalid(path, e.getMessage());
        }
        if (header.bufferEnd != size - 8 - n) {
            throw invalid(path, "the tensors cover " + header.bufferEnd + " bytes of data but the file has " + (size - 8 - n)
                    + " bytes after the header (8 + N + buffer end must equal the file size)");
        }
        return new Located(header, 8 + n);
    }

    /** The longest array every JVM allocates (HotSpot refuses a few elements fewer than 2³¹ − 1). */
    static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

    /**
     * Refuses, before any data is read or any array allocated, tensors tapegrad cannot hold: unsupported dtypes,
     * shapes too long to keep, dimensions beyond int, more elements than a Java array holds. (That the file really
     * has every tensor's bytes was checked with the header.)
     */
    private static void checkReadable(Object path, SafeTensorHeader.Entry e) {
        if (e.dtype().readsAs() == null) throw invalid(path, "tensor " + e + ": tapegrad does not read dtype " + e.dtype());
        if (e.shape() == null) {
            throw invalid(path, "tensor " + e + ": rank " + e.rank() + " is more than tapegrad reads (at most "
                    + SafeTensorHeader.MAX_KEPT_RANK + " dimensions)");
        }
        for (long d : e.shape()) {
            if (d > Integer.MAX_VALUE) throw invalid(path, "tensor " + e + ": dimension " + d + " is larger than a tapegrad tensor allows");
        }
        if (e.numel() > MAX_ARRAY_LENGTH) {
            throw invalid(path, "tensor " + e + ": " + e.numel() + " elements are more than a Java array holds (at most "
                    + MAX_ARRAY_LENGTH + ")");
        }
    }

    /**
     * Moves elements [at, at + count) between a destination/source array and a chunk holding them from byte 0
     * (absolute access: the chunk's position is not used).
     */
    @FunctionalInterface
    interface ElementCopier {
        void copy(ByteBuffer chunk, int at, int count);
    }

    private static Tensor readTensor(Object path, Source ch, long position, SafeTensorHeader.Entry e, ByteBuffer chunk)
            throws IOException {
        int[] shape = new int[e.shape().length];
        for (int i = 0; i < shape.length; i++) shape[i] = (int) e.shape()[i];
        int n = (int) e.numel();
        SafeTensorDType d = e.dtype();
        int width = d.bits / 8;
        if (n == 0) return Tensor.zeros(d.readsAs(), shape); // nothing to read (and the engine refuses direct access to empty tensors)
        Tensor out;
        ElementCopier decode;
        int[] ints = null;
        switch (d) {
            case F32 -> {
                out = Tensor.zeros(DType.FLOAT32, shape);
                float[] a = out.floatData();
                decode = (c, at, k) -> c.asFloatBuffer().get(a, at, k);
            }
            case F64 -> {
                out = Tensor.zeros(DType.FLOAT64, shape);
                double[] a = out.doubleData();
                decode = (c, at, k) -> c.asDoubleBuffer().get(a, at, k);
            }
            case F16 -> {
                out = Tensor.zeros(DType.FLOAT32, shape);
                float[] a = out.floatData();
                decode = (c, at, k) -> {
                    for (int j = 0; j < k; j++) a[at + j] = widen(d, c.getShort(2 * j));
                };
            }
            case BF16 -> {
                out = Tensor.zeros(DType.FLOAT32, shape);
                float[] a = out.floatData();
                short[] bits = new short[CHUNK / 2];
                decode = (c, at, k) -> {
                    c.asShortBuffer().get(bits, 0, k);
                    BFloat16.toFloat(bits, 0, a, at, k);
                };
            }
            default -> { // BOOL and integers: checked into an int[]
                out = null;
                int[] a = ints = new int[n];
                decode = (c, at, k) -> {
                    for (int j = 0; j < k; j++) a[at + j] = toInt(path, e, at + j, c, j * width);
                };
            }
        }
        for (int done = 0; done < n; ) {
            int k = Math.min(n - done, CHUNK / width);
            chunk.clear().limit(k * width);
            readFully(ch, chunk, position + (long) done * width);
            decode.copy(chunk, done, k);
            done += k;
        }
        if (out != null) return out;
        Tensor t = Tensor.of(ints).reshape(shape);
        return d == SafeTensorDType.BOOL ? t.to(DType.BOOL) : t;
    }

    /**
     * A half (IEEE 754 binary16: 1 sign, 5 exponent, 10 fraction bits) or bfloat16 (the top 16 bits of a
     * float32: 1 sign, 8 exponent, 7 fraction bits) as the float32 of the same value; exact, since both
     * formats are subsets of float32.
     */
    static float widen(SafeTensorDType d, short bits) {
        return d == SafeTensorDType.BF16 ? BFloat16.toFloat(bits) : Float.float16ToFloat(bits);
    }

    /** Element i of an integer or BOOL tensor, read at byte {@code at} of the chunk, checked to fit an int (BOOL: 0 or 1). */
    private static int toInt(Object path, SafeTensorHeader.Entry e, int i, ByteBuffer c, int at) {
        SafeTensorDType d = e.dtype();
        long v = switch (d.bits) {
            case 8 -> d.isSigned() ? c.get(at) : c.get(at) & 0xffL;
            case 16 -> d.isSigned() ? c.getShort(at) : c.getShort(at) & 0xffffL;
            case 32 -> d.isSigned() ? c.getInt(at) : c.getInt(at) & 0xffffffffL;
            default -> c.getLong(at); // I64, or U64 (negative here means ≥ 2^63)
        };
        boolean fits = d == SafeTensorDType.BOOL ? v == 0 || v == 1
                : d == SafeTensorDType.U64 ? v >= 0 && v <= Integer.MAX_VALUE
                : v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE;
        if (!fits) {
            String shown = d == SafeTensorDType.U64 ? Long.toUnsignedString(v) : Long.toString(v);
            throw invalid(path, "tensor " + e + ": element " + i + " = " + shown
                    + (d == SafeTensorDType.BOOL ? " is not a boolean (0 or 1)" : " does not fit in int32"));
        }
        return (int) v;
    }

    private static void readFully(Source ch, ByteBuffer dst, long position) throws IOException {
        long p = position;
        while (dst.hasRemaining()) {
            int r = ch.read(dst, p);
            if (r < 0) throw new EOFException("safetensors: the file ended at byte " + p + " while reading (was it changed while being read?)");
            p += r;
        }
        dst.flip();
    }

    private static IllegalArgumentException invalid(Object path, String what) {
        return new IllegalArgumentException("safetensors: " + path + ": " + what);
    }

    // ---------------------------------------------------------------- writing

    /**
     * How {@link #write(Path, Map, Map, WriteOptions)} stores tensors. {@link #DEFAULT} stores every value
     * exactly.
     *
     * @param float32AsBFloat16 whether float32 tensors are stored as BF16 (half the bytes; each value rounded
     *                          to the nearest bfloat16, ties to even, so reading gives the rounded values)
     *                          instead of F32
     */
    public record WriteOptions(boolean float32AsBFloat16) {
        /** Every tensor stored in its own precision. */
        public static final WriteOptions DEFAULT = new WriteOptions(false);

        /** A copy that stores float32 tensors as BF16 ({@code true}) or F32 ({@code false}). */
        public WriteOptions withFloat32AsBFloat16(boolean asBFloat16) {
            return new WriteOptions(asBFloat16);
        }
    }

    /** Writes tensors without metadata; see {@link #write(Path, Map, Map)}. */
    public static void write(Path path, Map<String, Tensor> tensors) throws IOException {
        write(path, tensors, Map.of());
    }

    /**
     * Writes tensors and a string-to-string metadata map (may be empty) as a safetensors file, atomically
     * replacing {@code path}. Views are written as their elements in row-major order.
     *
     * @throws IllegalArgumentException for a null or reserved name ({@code __metadata__}), a null tensor,
     *                                  metadata key or value, or a string with a lone surrogate
     * @throws IOException              if writing fails (the previous file, if any, is left unchanged)
     */
    public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        write(path, tensors, metadata, WriteOptions.DEFAULT);
    }

    /**
     * Writes tensors and metadata as {@link #write(Path, Map, Map)} does, storing them as {@code options}
     * says (e.g. float32 as BF16).
     *
     * @throws IllegalArgumentException as {@link #write(Path, Map, Map)}
     * @throws IOException              if writing fails (the previous file, if any, is left unchanged)
     */
    public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata, WriteOptions options)
            throws IOException {
        writeItems(path, items(tensors, options), metadata);
    }

    /** The tensors as items to write, each encoded when its turn comes. */
    private static List<Item> items(Map<String, Tensor> tensors, WriteOptions options) {
        Objects.requireNonNull(options, "options");
        List<Item> items = new ArrayList<>();
        tensors.forEach((name, t) -> {
            if (t == null) throw new IllegalArgumentException("safetensors write: tensor '" + name + "' is null");
            long[] shape = Arrays.stream(t.shape()).asLongStream().toArray();
            if (t.dtype() == DType.FLOAT32 && options.float32AsBFloat16()) {
                items.add(new Item(name, SafeTensorDType.BF16, shape, () -> bfloat16Encoder(t)));
            } else {
                items.add(new Item(name, SafeTensorDType.writtenAs(t.dtype()), shape, () -> encoder(t)));
            }
        });
        return items;
    }

    /** A float32 tensor's elements rounded to bfloat16 (nearest, ties to even) as an encoder into chunks. */
    private static ElementCopier bfloat16Encoder(Tensor t) {
        float[] a = t.toFloatArray();
        short[] bits = new short[CHUNK / 2];
        return (c, at, k) -> {
            BFloat16.fromFloat(a, at, bits, 0, k);
            c.asShortBuffer().put(bits, 0, k);
        };
    }

    /** The elements of a tensor as an encoder into chunks, in row-major order (copied out once). */
    private static ElementCopier encoder(Tensor t) {
        return switch (t.dtype()) {
            case FLOAT32 -> {
                float[] a = t.toFloatArray();
                yield (c, at, k) -> c.asFloatBuffer().put(a, at, k);
            }
            case FLOAT64 -> {
                double[] a = t.toDoubleArray();
                yield (c, at, k) -> c.asDoubleBuffer().put(a, at, k);
            }
            case INT32 -> {
                int[] a = t.toIntArray();
                yield (c, at, k) -> c.asIntBuffer().put(a, at, k);
            }
            case BOOL -> {
                int[] a = t.toIntArray();
                yield (c, at, k) -> {
                    for (int j = 0; j < k; j++) c.put(j, (byte) (a[at + j] != 0 ? 1 : 0));
                };
            }
        };
    }

    /**
     * One tensor to write: its name, file dtype, shape and a supplier of its encoder (called when the tensor's
     * turn comes, so only one tensor is copied out at a time).
     */
    record Item(String name, SafeTensorDType dtype, long[] shape, Supplier<ElementCopier> data) {}

    /**
     * Writes tensors and metadata in the safetensors format to {@code channel} (left open), e.g. into an entry
     * of an archive; see {@link #write(Path, Map, Map)} for the rules.
     *
     * @throws IOException if writing fails
     */
    public static void write(WritableByteChannel channel, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        write(channel, tensors, metadata, WriteOptions.DEFAULT);
    }

    /**
     * Writes tensors and metadata to {@code channel} (left open) as {@code options} says; see
     * {@link #write(Path, Map, Map, WriteOptions)}.
     *
     * @throws IOException if writing fails
     */
    public static void write(WritableByteChannel channel, Map<String, Tensor> tensors, Map<String, String> metadata,
            WriteOptions options) throws IOException {
        writeItems(channel, items(tensors, options), metadata);
    }

    /** Writes items (the mechanism behind {@link #write}; tests pass items whose data fails part-way). */
    static void writeItems(Path path, List<Item> items, Map<String, String> metadata) throws IOException {
        Objects.requireNonNull(path, "path");
        AtomicFile.write(path, ch -> writeItems(ch, items, metadata));
    }

    /** Writes the file's bytes (length, header, data) to a channel. */
    private static void writeItems(WritableByteChannel ch, List<Item> items, Map<String, String> metadata) throws IOException {
        metadata.forEach((k, v) -> {
            if (k == null || v == null) throw new IllegalArgumentException("safetensors write: metadata has a null key or value (" + k + " = " + v + ")");
        });
        Map<String, Item> byName = new LinkedHashMap<>();
        List<SafeTensorHeader.Entry> entries = new ArrayList<>();
        for (Item it : items) {
            if (it.name == null || it.name.equals(SafeTensorHeader.METADATA_KEY)) {
                throw new IllegalArgumentException("safetensors write: '" + it.name + "' cannot be a tensor name");
            }
            if (byName.put(it.name, it) != null) throw new IllegalArgumentException("safetensors write: duplicate name '" + it.name + "'");
            entries.add(new SafeTensorHeader.Entry(it.name, it.dtype, it.shape, 0, 0));
        }
        entries.sort(SafeTensorHeader.WRITE_ORDER);
        List<SafeTensorHeader.Entry> placed = new ArrayList<>();
        long offset = 0;
        for (SafeTensorHeader.Entry e : entries) {
            long bytes = e.numel() * (e.dtype().bits / 8);
            placed.add(new SafeTensorHeader.Entry(e.name(), e.dtype(), e.shape(), offset, offset + bytes));
            offset += bytes;
        }
        byte[] header = SafeTensorHeader.format(placed, metadata);
        long total = 8L + header.length + offset;

        ByteBuffer chunk = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        chunk.putLong(0, header.length).limit(8);
        long written = writeFully(ch, chunk);
        written += writeFully(ch, ByteBuffer.wrap(header));
        for (SafeTensorHeader.Entry e : placed) {
            ElementCopier encode = byName.get(e.name()).data.get();
            int width = e.dtype().bits / 8;
            long n = e.numel();
            for (long done = 0; done < n; ) {
                int k = (int) Math.min(n - done, CHUNK / width);
                chunk.clear().limit(k * width);
                encode.copy(chunk, (int) done, k);
                written += writeFully(ch, chunk);
                done += k;
            }
        }
        if (written != total) throw new IllegalStateException("safetensors write: wrote " + written + " bytes, expected " + total);
    }

    /** Writes all remaining bytes of {@code src}; returns how many that was. */
    private static long writeFully(WritableByteChannel ch, ByteBuffer src) throws IOException {
        long n = src.remaining();
        while (src.hasRemaining()) ch.write(src);
        return n;
    }
}
