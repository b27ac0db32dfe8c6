package dev.tapegrad.optim;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything an optimizer needs to continue exactly where it stopped: the rule's signature (to refuse
 * state from another optimizer), the step count, the random generator's state, and per group its scalars
 * and per parameter (by name) its step count and state buffers.
 *
 * <p>Binary format (little-endian): magic {@code TGOPT}, format version, then the fields in order; strings
 * are UTF-8 with a length prefix, arrays with an element count. Reading checks every length against the
 * bytes that remain, so a truncated or hostile file is rejected with a clear message instead of
 * allocating what it claims. {@link #save} writes a temporary file and renames it over the target, so a
 * crash mid-save never leaves a corrupt file in place of the last good one.
 */
public record OptimizerState(String rule, long count, long[] random, List<GroupState> groups) {

    /** One group's scalars and parameters. */
    public record GroupState(String name, Map<String, Double> scalars, List<SlotState> slots) {}

    /** One parameter's step count and state buffers. */
    public record SlotState(String name, int[] shape, long step, Map<String, double[]> buffers) {}

    private static final byte[] MAGIC = "TGOPT".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;

    /** The state as bytes in the format above. */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Writer w = new Writer(bytes)) {
            w.out.write(MAGIC);
            w.i32(VERSION);
            w.str(rule);
            w.i64(count);
            w.i32(random.length);
            for (long r : random) w.i64(r);
            w.i32(groups.size());
            for (GroupState g : groups) {
                w.str(g.name());
                w.i32(g.scalars().size());
                for (Map.Entry<String, Double> e : new TreeMap<>(g.scalars()).entrySet()) {
                    w.str(e.getKey());
                    w.f64(e.getValue());
                }
                w.i32(g.slots().size());
                for (SlotState s : g.slots()) {
                    w.str(s.name());
                    w.i32(s.shape().length);
                    for (int d : s.shape()) w.i32(d);
                    w.i64(s.step());
                    w.i32(s.buffers().size());
                    for (Map.Entry<String, double[]> e : new TreeMap<>(s.buffers()).entrySet()) {
                        w.str(e.getKey());
                        w.i32(e.getValue().length);
                        for (double v : e.getValue()) w.f64(v);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Parses bytes written by {@link #toBytes()}.
     *
     * @throws IllegalArgumentException naming what is wrong (magic, version, truncation, an impossible length)
     */
    public static OptimizerState fromBytes(byte[] data) {
        ByteBuffer in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        try {
            byte[] magic = new byte[MAGIC.length];
            in.get(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) throw bad("not an optimizer state file (bad magic)");
            int version = in.getInt();
            if (version != VERSION) throw bad("unsupported optimizer state version " + version + " (expected " + VERSION + ")");
            String rule = str(in);
            long count = in.getLong();
            long[] random = new long[count(in, 8)];
            for (int i = 0; i < random.length; i++) random[i] = in.getLong();
            int groupCount = count(in, 12);
            List<GroupState> groups = new ArrayList<>();
            for (int g = 0; g < groupCount; g++) {
                String name = str(in);
                int scalarCount = count(in, 12);
                Map<String, Double> scalars = new TreeMap<>();
                for (int i = 0; i < scalarCount; i++) scalars.put(str(in), in.getDouble());
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
                        buffers.put(key, values);
                    }
                    slots.add(new SlotState(slotName, shape, step, buffers));
                }
                groups.add(new GroupState(name, scalars, slots));
            }
            if (in.hasRemaining()) throw bad(in.remaining() + " unexpected bytes after the end of the state");
            return new OptimizerState(rule, count, random, groups);
        } catch (BufferUnderflowException e) {
            throw bad("truncated: the file ends in the middle of the state");
        }
    }

    /** Writes the state to a file atomically (temporary file, flushed to disk, then renamed over the target). */
    public void save(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        try {
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            try {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                    ch.write(ByteBuffer.wrap(toBytes()));
                    ch.force(true);
                }
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("saving optimizer state to " + file, e);
        }
    }

    /** Reads a state file written by {@link #save}. */
    public static OptimizerState load(Path file) {
        try {
            return fromBytes(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("reading optimizer state from " + file, e);
        }
    }

    /** A count that must be non-negative and fit in the remaining bytes at {@code minBytesEach} per item. */
    private static int count(ByteBuffer in, int minBytesEach) {
        int n = in.getInt();
        if (n < 0 || (long) n * minBytesEach > in.remaining()) {
            throw bad("impossible length " + n + " with " + in.remaining() + " bytes left (corrupt or truncated file)");
        }
        return n;
    }

    private static String str(ByteBuffer in) {
        byte[] b = new byte[count(in, 1)];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static IllegalArgumentException bad(String what) {
        return new IllegalArgumentException("optimizer state: " + what);
    }

    /** Little-endian primitive writer. */
    private static final class Writer implements AutoCloseable {
        final DataOutputStream out;
        private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

        Writer(OutputStream os) {
            out = new DataOutputStream(os);
        }

        void i32(int v) throws IOException {
            scratch.clear();
            out.write(scratch.putInt(v).array(), 0, 4);
        }

        void i64(long v) throws IOException {
            scratch.clear();
            out.write(scratch.putLong(v).array(), 0, 8);
        }

        void f64(double v) throws IOException {
            i64(Double.doubleToRawLongBits(v));
        }

        void str(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            i32(b.length);
            out.write(b);
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
