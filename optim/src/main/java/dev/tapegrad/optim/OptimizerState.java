package dev.tapegrad.optim;

import dev.tapegrad.io.AtomicFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * Everything an optimizer needs to continue exactly where it stopped: the rule's signature (to refuse
 * state from another optimizer), the step count, the random generator's state, and per group its scalars
 * and per parameter (by name) its step count and state buffers.
 *
 * <p>The records check their own consistency when built, so no code can hold an impossible state: the
 * count and every step are non-negative and no step exceeds the count, group names and parameter names are
 * unique, every shape has non-negative dimensions and every buffer holds exactly one value per element.
 * Whether a state fits a particular optimizer (rule, groups, names, shapes, buffer names) is checked by
 * {@link Optimizer#loadStateDict} and {@link WeightEma#loadStateDict}.
 *
 * <p>File format, version 2 (all numbers little-endian):
 * <pre>
 *   "TGOPT"  i32 version=2  body  i32 CRC-32C of every byte before it
 *   body   = str rule, i64 count, i32 n, n × i64 random, i32 groups, groups × group
 *   group  = str name, i32 n, n × (str key, f64 value), i32 slots, slots × slot
 *   slot   = str name, i32 rank, rank × i32 dim, i64 step, i32 n, n × (str key, i32 len, len × f64)
 *   str    = i32 byte length, UTF-8 bytes
 * </pre>
 * Reading checks the magic and version, then the checksum over the whole file, and only then parses the
 * body, checking every length against the bytes that remain and refusing duplicate names, so a flipped bit,
 * a truncated file or a hostile one is rejected with a clear message instead of loading wrong numbers or
 * allocating what it claims. CRC-32C is enough here because the threat is accidental damage, not an attacker:
 * a CRC detects every single-bit flip and every burst of up to 32 damaged bits with certainty, and misses
 * any other damage with probability 2⁻³²; truncation is caught because the last four bytes are then no longer
 * the checksum of what precedes them. (Someone who can edit the file can also recompute any unkeyed hash, so
 * SHA-256 would buy nothing more.) Version 1 files, which had no checksum, are refused with a clear message.
 * {@link #save} writes through {@link AtomicFile}, so a crash mid-save never leaves a torn file in place of the
 * last good one.
 *
 * @param rule   the signature of the rule that produced the state (see {@link Chain#signature()})
 * @param count  optimizer steps taken, ≥ 0
 * @param random the optimizer's random generator state (empty for states without one)
 * @param groups the parameter groups, in the optimizer's order, with distinct names
 */
public record OptimizerState(String rule, long count, long[] random, List<GroupState> groups) {

    /**
     * One group's scalars and parameters.
     *
     * @param name    the group's name
     * @param scalars group-wide state values by name (kept sorted)
     * @param slots   the group's parameters, with distinct names
     */
    public record GroupState(String name, Map<String, Double> scalars, List<SlotState> slots) {
        /** Copies the collections (unmodifiable) and checks that no value is missing. */
        public GroupState {
            Objects.requireNonNull(name, "group name");
            TreeMap<String, Double> sorted = new TreeMap<>(scalars);
            sorted.forEach((k, v) -> Objects.requireNonNull(v, () -> "scalar " + k + " of group " + name));
            scalars = Collections.unmodifiableMap(sorted);
            slots = List.copyOf(slots);
        }
    }

    /**
     * One parameter's step count and state buffers.
     *
     * @param name    the parameter's name
     * @param shape   the parameter's shape (dimensions ≥ 0, at most 2³¹ − 1 elements)
     * @param step    updates this parameter received, ≥ 0
     * @param buffers state buffers by name (kept sorted), each with one value per element of {@code shape}
     */
    public record SlotState(String name, int[] shape, long step, Map<String, double[]> buffers) {
        /** Copies the map (unmodifiable) and checks the shape, the step and every buffer's length. */
        public SlotState {
            Objects.requireNonNull(name, "parameter name");
            Objects.requireNonNull(shape, "shape");
            int size = numel(name, shape);
            if (step < 0) throw bad("parameter " + name + ": step " + step + " is negative");
            TreeMap<String, double[]> sorted = new TreeMap<>(buffers);
            sorted.forEach((k, b) -> {
                Objects.requireNonNull(b, () -> "buffer " + k + " of " + name);
                if (b.length != size) {
                    throw bad("parameter " + name + " buffer " + k + ": " + b.length + " values for shape "
                            + Arrays.toString(shape) + " (" + size + " elements)");
                }
            });
            buffers = Collections.unmodifiableMap(sorted);
        }
    }

    /** Copies the groups (unmodifiable) and checks the count, every step against it, and that names are unique. */
    public OptimizerState {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(random, "random");
        if (count < 0) throw bad("step count " + count + " is negative");
        groups = List.copyOf(groups);
        Set<String> groupNames = new HashSet<>(), slotNames = new HashSet<>();
        for (GroupState g : groups) {
            if (!groupNames.add(g.name())) throw bad("group " + g.name() + " appears twice");
            for (SlotState s : g.slots()) {
                if (!slotNames.add(s.name())) throw bad("parameter " + s.name() + " appears twice");
                if (s.step() > count) {
                    throw bad("parameter " + s.name() + ": step " + s.step() + " exceeds the optimizer's step count " + count);
                }
            }
        }
    }

    private static final byte[] MAGIC = "TGOPT".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 2;
    /** Magic, version and checksum: the smallest possible file has more bytes than this. */
    private static final int FRAME = MAGIC.length + 4 + 4;
    /** Longest name accepted in a file (bytes of UTF-8); real names are far shorter. */
    private static final int MAX_NAME_BYTES = 1 << 16;

    /** The state as bytes in the format above. */
    public byte[] toBytes() {
        Writer w = new Writer();
        w.bytes(MAGIC);
        w.i32(VERSION);
        w.str(rule);
        w.i64(count);
        w.i32(random.length);
        for (long r : random) w.i64(r);
        w.i32(groups.size());
        for (GroupState g : groups) {
            w.str(g.name());
            w.i32(g.scalars().size());
            g.scalars().forEach((k, v) -> {
                w.str(k);
                w.f64(v);
            });
            w.i32(g.slots().size());
            for (SlotState s : g.slots()) {
                w.str(s.name());
                w.i32(s.shape().length);
                for (int d : s.shape()) w.i32(d);
                w.i64(s.step());
                w.i32(s.buffers().size());
                s.buffers().forEach((k, values) -> {
                    w.str(k);
                    w.i32(values.length);
                    for (double v : values) w.f64(v);
                });
            }
        }
        w.i32(crc(w.out.toByteArray(), w.out.size()));
        return w.out.toByteArray();
    }

    /**
     * Parses bytes written by {@link #toBytes()}.
     *
     * @throws IllegalArgumentException naming what is wrong (magic, version, checksum, truncation, an impossible
     *                                  length, a duplicate name, an out-of-range count or step)
     */
    public static OptimizerState fromBytes(byte[] data) {
        if (data.length < MAGIC.length || !Arrays.equals(data, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw bad("not an optimizer state file (it does not start with TGOPT)");
        }
        if (data.length < FRAME) throw bad("truncated: " + data.length + " bytes, fewer than the " + FRAME + " of an empty frame");
        ByteBuffer in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int version = in.getInt(MAGIC.length);
        if (version != VERSION) {
            throw bad("unsupported format version " + version + " (this tapegrad reads version " + VERSION
                    + (version == 1 ? "; version 1 files carry no checksum and are no longer read)" : ")"));
        }
        int stored = in.getInt(data.length - 4), computed = crc(data, data.length - 4);
        if (stored != computed) {
            throw bad("checksum mismatch (stored " + Integer.toHexString(stored) + ", computed " + Integer.toHexString(computed)
                    + "): the file is damaged or truncated");
        }
        in.position(MAGIC.length + 4).limit(data.length - 4);
        try {
            String rule = str(in);
            long count = in.getLong();
            if (count < 0) throw bad("step count " + count + " is negative");
            long[] random = new long[count(in, 8)];
            for (int i = 0; i < random.length; i++) random[i] = in.getLong();
            int groupCount = count(in, 12);
            List<GroupState> groups = new ArrayList<>();
            for (int g = 0; g < groupCount; g++) {
                String name = str(in);
                int scalarCount = count(in, 12);
                Map<String, Double> scalars = new TreeMap<>();
                for (int i = 0; i < scalarCount; i++) {
                    String key = str(in);
                    if (scalars.put(key, in.getDouble()) != null) throw bad("group " + name + ": scalar " + key + " appears twice");
                }
                int slotCount = count(in, 20);
                List<SlotState> slots = new ArrayList<>();
                for (int s = 0; s < slotCount; s++) {
                    String slotName = str(in);
                    int[] shape = new int[count(in, 4)];
                    for (int d = 0; d < shape.length; d++) shape[d] = in.getInt();
                    long step = in.getLong();
                    int bufferCount = count(in, 8);
                    Map<String, double[]> buffers = new TreeMap<>();
                    for (int b = 0; b < bufferCount; b++) {
                        String key = str(in);
                        double[] values = new double[count(in, 8)];
                        for (int i = 0; i < values.length; i++) values[i] = in.getDouble();
                        if (buffers.put(key, values) != null) throw bad("parameter " + slotName + ": buffer " + key + " appears twice");
                    }
                    slots.add(new SlotState(slotName, shape, step, buffers));
                }
                groups.add(new GroupState(name, scalars, slots));
            }
            if (in.hasRemaining()) throw bad(in.remaining() + " unexpected bytes after the end of the state");
            return new OptimizerState(rule, count, random, groups);
        } catch (BufferUnderflowException e) {
            throw bad("the body ends in the middle of the state");
        }
    }

    /**
     * Writes the state to a file atomically through {@link AtomicFile}.
     *
     * @throws UncheckedIOException naming the file when it cannot be written (its old content is then kept)
     */
    public void save(Path file) {
        try {
            AtomicFile.write(file, toBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("saving optimizer state to " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a state file written by {@link #save}.
     *
     * @throws UncheckedIOException     naming the file when it cannot be read
     * @throws IllegalArgumentException naming the file and the problem when its content is not a valid state
     */
    public static OptimizerState load(Path file) {
        byte[] data;
        try {
            long size = Files.size(file);
            if (size > Integer.MAX_VALUE - 8) throw bad(file + " has " + size + " bytes, more than a state file can hold");
            data = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("reading optimizer state from " + file + ": " + e.getMessage(), e);
        }
        try {
            return fromBytes(data);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    private static int crc(byte[] data, int length) {
        CRC32C c = new CRC32C();
        c.update(data, 0, length);
        return (int) c.getValue();
    }

    /** Number of elements of a shape, refusing negative dimensions and more than an array can hold. */
    private static int numel(String name, int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw bad("parameter " + name + ": negative dimension in shape " + Arrays.toString(shape));
            n *= d;
            if (n > Integer.MAX_VALUE) throw bad("parameter " + name + ": shape " + Arrays.toString(shape) + " has more than 2^31-1 elements");
        }
        return (int) n;
    }

    /** A count that must be non-negative and fit in the remaining bytes at {@code minBytesEach} per item. */
    private static int count(ByteBuffer in, int minBytesEach) {
        int n = in.getInt();
        if (n < 0 || (long) n * minBytesEach > in.remaining()) {
            throw bad("impossible length " + n + " with " + in.remaining() + " bytes left");
        }
        return n;
    }

    /** A length-prefixed string, which must be valid UTF-8 of at most {@link #MAX_NAME_BYTES} bytes. */
    private static String str(ByteBuffer in) {
        int n = count(in, 1);
        if (n > MAX_NAME_BYTES) throw bad("a name of " + n + " bytes (at most " + MAX_NAME_BYTES + ")");
        ByteBuffer bytes = in.slice(in.position(), n);
        in.position(in.position() + n);
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes);
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw bad("a name that is not valid UTF-8");
        }
    }

    private static IllegalArgumentException bad(String what) {
        return new IllegalArgumentException("optimizer state: " + what);
    }

    /** Little-endian primitive writer into a growing byte array. */
    private static final class Writer {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

        void bytes(byte[] b) {
            out.write(b, 0, b.length);
        }

        void i32(int v) {
            scratch.clear();
            out.write(scratch.putInt(v).array(), 0, 4);
        }

        void i64(long v) {
            scratch.clear();
            out.write(scratch.putLong(v).array(), 0, 8);
        }

        void f64(double v) {
            i64(Double.doubleToRawLongBits(v));
        }

        void str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            i32(b.length);
            bytes(b);
        }
    }
}
