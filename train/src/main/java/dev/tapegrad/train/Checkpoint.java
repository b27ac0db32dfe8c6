package dev.tapegrad.train;

import dev.tapegrad.Autograd;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import dev.tapegrad.io.AtomicFile;
import dev.tapegrad.nn.Module;
import dev.tapegrad.nn.SafeTensors;
import dev.tapegrad.optim.Optimizer;
import dev.tapegrad.optim.OptimizerState;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Everything needed to continue a training run exactly, as one value: the model's state dict, the optimizer's
 * state (moments, step counts), named random generators' states, the step reached, the kind of run that wrote it
 * and the run's own fields (text, whole numbers, arrays).
 *
 * <pre>{@code
 * Checkpoint.builder(model, optimizer, step).kind("digits").generator("shuffle", gen).field("epoch", 3).build()
 *         .save(path);                                       // atomic: a crash leaves the old file or the new one
 * Checkpoint c = Checkpoint.load(path);                     // the whole file read and checked, nothing touched yet
 * c.requireKind("digits");
 * c.restoreInto(model, optimizer, Map.of("shuffle", gen));  // all or nothing
 * }</pre>
 *
 * <p>The file is a zip of exactly three entries: {@code model.safetensors} (the state dict, PyTorch names, so
 * {@code safetensors.torch.load_file} reads it), {@code optimizer.bin} ({@link OptimizerState#toBytes}) and
 * {@code progress.txt} (UTF-8 lines {@code key=value}: {@code format}, {@code kind}, {@code step},
 * {@code generator.NAME} with a generator's state words, then the fields). Each entry carries the zip's CRC-32 of
 * its inflated bytes, checked as it is read, and the optimizer entry its own CRC-32C, so a damaged entry is
 * refused except with a probability of about 2⁻³².
 *
 * <p>Loading is defensive, because a checkpoint may come from anywhere: only the three expected entries are
 * read, each at most {@code maxEntryBytes} inflated bytes and all together at most twice that (counted while
 * inflating; the sizes a zip declares are not trusted), unknown and duplicate entries are refused, every number is range-checked, and the safetensors and
 * optimizer entries are fully parsed. {@link #restoreInto} then compares every tensor name, shape and dtype with
 * the model and the optimizer state with the optimizer before changing anything. Every problem is a
 * {@link CheckpointException} saying {@code checkpoint PATH is not usable: REASON}.
 *
 * <p>A checkpoint holds copies: later training does not change it. Not thread-safe while being built; a built
 * checkpoint may be saved or restored from any thread.
 */
public final class Checkpoint {
    /** The value of the {@code format} line of the files this class writes. */
    public static final int FORMAT = 1;
    /**
     * The inflated-size limit per entry of {@link #load(Path)}: 1 GiB, or a sixteenth of the JVM's maximum heap if
     * that is less, so that a small zip bomb cannot exhaust the heap (loading holds an entry's bytes and its parsed
     * values at once). Larger checkpoints load with {@link #load(Path, long)} and {@link #entryLimitFor}.
     */
    public static final long DEFAULT_MAX_ENTRY_BYTES = Math.min(1L << 30, Runtime.getRuntime().maxMemory() / 16);
    /** The kind of a checkpoint built without {@link Builder#kind}. */
    public static final String DEFAULT_KIND = "model";

    static final String MODEL = "model.safetensors", OPTIMIZER = "optimizer.bin", PROGRESS = "progress.txt";
    private static final List<String> ENTRIES = List.of(MODEL, OPTIMIZER, PROGRESS);
    /** progress.txt holds a few short lines (generator states, a sampler's weights): 16 MiB is far beyond any. */
    private static final long MAX_PROGRESS_BYTES = 16L << 20;
    private static final String GENERATOR = "generator.";
    private static final Set<String> RESERVED = Set.of("format", "kind", "step");
    private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    private final String source;
    private final String kind;
    private final long step;
    private final Map<String, Tensor> model;
    private final OptimizerState optimizer;
    private final Map<String, long[]> generators;
    private final Map<String, String> fields;

    private Checkpoint(String source, String kind, long step, Map<String, Tensor> model, OptimizerState optimizer,
                       Map<String, long[]> generators, Map<String, String> fields) {
        this.source = source;
        this.kind = kind;
        this.step = step;
        this.model = Collections.unmodifiableMap(model);
        this.optimizer = optimizer;
        this.generators = Collections.unmodifiableMap(generators);
        this.fields = Collections.unmodifiableMap(fields);
    }

    // ---------------------------------------------------------------- building and saving

    /**
     * Starts a checkpoint of {@code model} and {@code optimizer} after {@code step} steps (≥ 0); the state is
     * copied when {@link Builder#build} is called.
     */
    public static Builder builder(Module model, Optimizer optimizer, long step) {
        return new Builder(model, optimizer, step);
    }

    /** Collects the optional parts of a checkpoint: its kind, generators and fields. */
    public static final class Builder {
        private final Module model;
        private final Optimizer optimizer;
        private final long step;
        private String kind = DEFAULT_KIND;
        private final Map<String, Generator> generators = new LinkedHashMap<>();
        private final Map<String, String> fields = new LinkedHashMap<>();

        private Builder(Module model, Optimizer optimizer, long step) {
            if (step < 0) throw new IllegalArgumentException("Checkpoint.builder: step must be ≥ 0, got " + step);
            this.model = model;
            this.optimizer = optimizer;
            this.step = step;
        }

        /** The kind of run (lower-case letters, digits, '-' and '_'), checked by {@link #requireKind} when loading. */
        public Builder kind(String kind) {
            this.kind = checkName("kind", kind);
            return this;
        }

        /** A random generator whose state is saved under {@code name} (lower-case letters, digits, '-' and '_'). */
        public Builder generator(String name, Generator gen) {
            if (generators.put(checkName("generator name", name), gen) != null) {
                throw new IllegalArgumentException("Checkpoint.builder: generator '" + name + "' given twice");
            }
            return this;
        }

        /** A text field; the value must not contain a line break. */
        public Builder field(String key, String value) {
            if (!KEY.matcher(key).matches() || RESERVED.contains(key) || key.startsWith(GENERATOR)) {
                throw new IllegalArgumentException("Checkpoint.builder: field key '" + key + "' is reserved or not of the form "
                        + KEY.pattern());
            }
            if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("Checkpoint.builder: the value of field '" + key + "' contains a line break");
            }
            if (fields.put(key, value) != null) throw new IllegalArgumentException("Checkpoint.builder: field '" + key + "' given twice");
            return this;
        }

        /** A whole-number field. */
        public Builder field(String key, long value) {
            return field(key, Long.toString(value));
        }

        /** A field of whole numbers, written comma-separated. */
        public Builder field(String key, long[] values) {
            return field(key, Arrays.stream(values).mapToObj(Long::toString).collect(Collectors.joining(",")));
        }

        /** A field of doubles, each written as {@link Double#toString} does, so it reads back bit for bit. */
        public Builder field(String key, double[] values) {
            return field(key, Arrays.stream(values).mapToObj(Double::toString).collect(Collectors.joining(",")));
        }

        /** Copies the model's tensors, the optimizer's state and the generators' states into a checkpoint. */
        public Checkpoint build() {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            try (var scope = Autograd.noGrad()) {
                model.stateDict().forEach((name, t) -> tensors.put(name, t.detach().clone()));
            }
            Map<String, long[]> states = new LinkedHashMap<>();
            generators.forEach((name, gen) -> states.put(name, gen.stateDict()));
            return new Checkpoint("(not saved)", kind, step, tensors, optimizer.stateDict(), states, new LinkedHashMap<>(fields));
        }

        private static String checkName(String what, String name) {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("Checkpoint.builder: " + what + " '" + name + "' is not of the form " + NAME.pattern());
            }
            return name;
        }
    }

    /**
     * Writes this checkpoint to {@code file} atomically ({@link AtomicFile}: the file holds the previous checkpoint
     * or this one, whatever happens to the process); the only temporary file is AtomicFile's, next to the target,
     * and the next save removes it if a crash left it behind.
     *
     * @throws IOException when the file cannot be written (its directory must exist)
     */
    public void save(Path file) throws IOException {
        byte[] progress = progressText().getBytes(StandardCharsets.UTF_8);
        byte[] optimizerBytes = optimizer.toBytes();
        AtomicFile.write(file, channel -> {
            // the channel belongs to AtomicFile: closing the zip (which frees its deflater) must not close it
            OutputStream unclosable = new java.io.FilterOutputStream(Channels.newOutputStream(channel)) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    flush();
                }
            };
            try (ZipOutputStream zip = new ZipOutputStream(unclosable)) {
                zip.putNextEntry(new ZipEntry(MODEL));
                SafeTensors.write(Channels.newChannel(zip), model, Map.of("format", "pt"));
                zip.closeEntry();
                zip.putNextEntry(new ZipEntry(OPTIMIZER));
                zip.write(optimizerBytes);
                zip.closeEntry();
                zip.putNextEntry(new ZipEntry(PROGRESS));
                zip.write(progress);
                zip.closeEntry();
            }
        });
    }

    private String progressText() {
        StringBuilder text = new StringBuilder();
        text.append("format=").append(FORMAT).append('\n');
        text.append("kind=").append(kind).append('\n');
        text.append("step=").append(step).append('\n');
        generators.forEach((name, words) -> text.append(GENERATOR).append(name).append('=')
                .append(Arrays.stream(words).mapToObj(Long::toString).collect(Collectors.joining(","))).append('\n'));
        fields.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        return text.toString();
    }

    // ---------------------------------------------------------------- loading

    /** Loads and checks a checkpoint file with the default entry limit ({@link #DEFAULT_MAX_ENTRY_BYTES}). */
    public static Checkpoint load(Path file) throws CheckpointException {
        return load(file, DEFAULT_MAX_ENTRY_BYTES);
    }

    /**
     * Loads and checks a checkpoint file; nothing outside the returned value is changed. {@code maxEntryBytes}
     * bounds each entry's inflated size, and twice it the sum of all entries ({@link #entryLimitFor} gives a limit
     * that fits a model).
     *
     * @throws CheckpointException for a missing or unreadable file, a file that is not a complete checkpoint
     *                             (unknown, duplicate, missing or oversized entries, bad numbers, an invalid
     *                             safetensors or optimizer entry), naming the file and the reason
     */
    public static Checkpoint load(Path file, long maxEntryBytes) throws CheckpointException {
        String source = file.toString();
        if (maxEntryBytes < 1) throw new IllegalArgumentException("Checkpoint.load: maxEntryBytes must be ≥ 1, got " + maxEntryBytes);
        if (Files.isDirectory(file)) throw new CheckpointException(source, "it is a directory");
        try {
            byte[] modelBytes = null, optimizerBytes = null, progressBytes = null;
            long budget = maxEntryBytes > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : 2 * maxEntryBytes;
            try (ZipInputStream zip = new ZipInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
                for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                    String name = e.getName();
                    if (!ENTRIES.contains(name)) {
                        throw new CheckpointException(source, "unexpected entry '" + printable(name) + "' (a checkpoint holds exactly "
                                + String.join(", ", ENTRIES) + ")");
                    }
                    boolean seen = name.equals(MODEL) ? modelBytes != null : name.equals(OPTIMIZER) ? optimizerBytes != null : progressBytes != null;
                    if (seen) throw new CheckpointException(source, "entry '" + name + "' appears twice");
                    long cap = Math.min(maxEntryBytes, budget); // per entry, and all entries together
                    byte[] bytes = readCapped(source, name, zip, name.equals(PROGRESS) ? Math.min(cap, MAX_PROGRESS_BYTES) : cap);
                    budget -= bytes.length;
                    switch (name) {
                        case MODEL -> modelBytes = bytes;
                        case OPTIMIZER -> optimizerBytes = bytes;
                        default -> progressBytes = bytes;
                    }
                }
            }
            if (modelBytes == null || optimizerBytes == null || progressBytes == null) {
                String missing = (modelBytes == null ? MODEL + " " : "") + (optimizerBytes == null ? OPTIMIZER + " " : "")
                        + (progressBytes == null ? PROGRESS : "");
                throw new CheckpointException(source, Files.size(file) == 0 ? "the file is empty"
                        : "not a complete checkpoint: missing " + missing.strip().replace(" ", ", "));
            }
            Progress p = parseProgress(source, progressBytes);
            OptimizerState optimizer = parseOptimizer(source, optimizerBytes);
            Map<String, Tensor> model;
            try {
                model = SafeTensors.readContents(ByteBuffer.wrap(modelBytes), MODEL).tensors();
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(source, e.getMessage(), e);
            }
            return new Checkpoint(source, p.kind, p.step, model, optimizer, p.generators, p.fields);
        } catch (CheckpointException e) {
            throw e;
        } catch (NoSuchFileException e) {
            throw new CheckpointException(source, "no such file", e);
        } catch (AccessDeniedException e) {
            throw new CheckpointException(source, "permission denied", e);
        } catch (IOException | RuntimeException e) { // ZipException, EOFException, an unreadable file, ...
            throw new CheckpointException(source, "not a readable zip file (" + e.getMessage() + ")", e);
        }
    }

    /**
     * A generous entry limit for checkpoints of {@code model}: its state dict's size in float64 eight times over,
     * plus 1 MiB for names and headers (an optimizer keeps a few float64 buffers per parameter element).
     */
    public static long entryLimitFor(Module model) {
        long elements = 0;
        for (Tensor t : model.stateDict().values()) elements += t.numel();
        return (1L << 20) + 64 * elements;
    }

    /** Copies an entry to {@code out}, counting inflated bytes; refuses more than {@code max}. */
    private static void copyCapped(String source, String name, InputStream in, OutputStream out, long max) throws IOException {
        byte[] buf = new byte[1 << 16];
        long total = 0;
        for (int n; (n = in.read(buf)) > 0; ) {
            total += n;
            if (total > max) {
                throw new CheckpointException(source, "entry '" + name + "' inflates to more than " + max + " bytes (the limit)");
            }
            out.write(buf, 0, n);
        }
    }

    /** The entry's bytes, refusing more than {@code max} (and more than an array holds). */
    private static byte[] readCapped(String source, String name, InputStream in, long max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        copyCapped(source, name, in, out, Math.min(max, Integer.MAX_VALUE - 8));
        return out.toByteArray();
    }

    /** What progress.txt says. */
    private record Progress(String kind, long step, Map<String, long[]> generators, Map<String, String> fields) {}

    private static Progress parseProgress(String source, byte[] bytes) throws CheckpointException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new CheckpointException(source, PROGRESS + " is not UTF-8 text");
        }
        if (!text.endsWith("\n")) throw new CheckpointException(source, PROGRESS + " does not end with a line break (cut short?)");
        Map<String, String> kv = new LinkedHashMap<>();
        for (String line : text.substring(0, text.length() - 1).split("\n", -1)) {
            int eq = line.indexOf('=');
            String key = eq < 0 ? line : line.substring(0, eq);
            if (eq < 0 || !KEY.matcher(key).matches()) {
                throw new CheckpointException(source, PROGRESS + ": '" + printable(line) + "' is not a line key=value");
            }
            if (kv.put(key, line.substring(eq + 1)) != null) throw new CheckpointException(source, PROGRESS + ": key '" + key + "' appears twice");
        }
        String format = kv.remove("format");
        if (format == null) throw new CheckpointException(source, PROGRESS + " has no format line (written by an older tapegrad?)");
        if (!format.equals(Integer.toString(FORMAT))) {
            throw new CheckpointException(source, "format " + printable(format) + " is not the supported format " + FORMAT);
        }
        String kind = kv.remove("kind");
        if (kind == null || !NAME.matcher(kind).matches()) throw new CheckpointException(source, PROGRESS + ": missing or bad kind");
        String stepText = kv.remove("step");
        if (stepText == null) throw new CheckpointException(source, PROGRESS + ": no step");
        long step = parseLong(source, "step", stepText, 0, Long.MAX_VALUE);
        Map<String, long[]> generators = new LinkedHashMap<>();
        Map<String, String> fields = new LinkedHashMap<>();
        kv.forEach((k, v) -> fields.put(k, v));
        for (String k : List.copyOf(fields.keySet())) {
            if (!k.startsWith(GENERATOR)) continue;
            String name = k.substring(GENERATOR.length());
            if (!NAME.matcher(name).matches()) throw new CheckpointException(source, PROGRESS + ": bad generator name '" + name + "'");
            long[] words = parseLongs(source, k, fields.remove(k));
            checkGeneratorState(source, name, words);
            generators.put(name, words);
        }
        return new Progress(kind, step, generators, fields);
    }

    /** A generator state must be one {@link Generator#loadStateDict} accepts (checked on a scratch generator). */
    private static void checkGeneratorState(String source, String name, long[] words) throws CheckpointException {
        try {
            new Generator(0).loadStateDict(words);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(source, "generator '" + name + "' has an invalid state (" + e.getMessage() + ")", e);
        }
    }

    /** The optimizer entry, parsed (format, checksum, counts, steps and names are checked by {@link OptimizerState}). */
    private static OptimizerState parseOptimizer(String source, byte[] bytes) throws CheckpointException {
        try {
            return OptimizerState.fromBytes(bytes);
        } catch (RuntimeException e) {
            throw new CheckpointException(source, OPTIMIZER + ": " + e.getMessage(), e);
        }
    }

    private static long parseLong(String source, String key, String text, long min, long max) throws CheckpointException {
        long v;
        try {
            v = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new CheckpointException(source, key + " '" + printable(text) + "' is not a whole number");
        }
        if (v < min || v > max) throw new CheckpointException(source, key + " = " + v + " is outside [" + min + ", " + max + "]");
        return v;
    }

    private static long[] parseLongs(String source, String key, String text) throws CheckpointException {
        if (text.isEmpty()) return new long[0];
        String[] parts = text.split(",", -1);
        long[] out = new long[parts.length];
        for (int i = 0; i < parts.length; i++) out[i] = parseLong(source, key, parts[i], Long.MIN_VALUE, Long.MAX_VALUE);
        return out;
    }

    /** At most 60 characters of {@code s}, control characters shown as '?', for messages. */
    private static String printable(String s) {
        String cut = s.length() > 60 ? s.substring(0, 60) + "…" : s;
        return cut.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }

    // ---------------------------------------------------------------- reading and restoring

    /** Where this checkpoint came from: its file, or "(not saved)". */
    public String source() {
        return source;
    }

    /** The kind of run that wrote it. */
    public String kind() {
        return kind;
    }

    /** The step it was taken after. */
    public long step() {
        return step;
    }

    /** The names of its generators. */
    public Set<String> generatorNames() {
        return generators.keySet();
    }

    /** The names of its fields. */
    public Set<String> fieldNames() {
        return fields.keySet();
    }

    /** Throws unless this checkpoint's kind is {@code expected} (a digits checkpoint is never read as an RL one). */
    public void requireKind(String expected) throws CheckpointException {
        if (!kind.equals(expected)) throw new CheckpointException(source, "it is a '" + kind + "' checkpoint, not a '" + expected + "' one");
    }

    /** A text field. */
    public String field(String key) throws CheckpointException {
        String v = fields.get(key);
        if (v == null) throw new CheckpointException(source, "field '" + key + "' is missing");
        return v;
    }

    /** A whole-number field, which must lie in [{@code min}, {@code max}]. */
    public long longField(String key, long min, long max) throws CheckpointException {
        return parseLong(source, key, field(key), min, max);
    }

    /** A field of comma-separated whole numbers. */
    public long[] longsField(String key) throws CheckpointException {
        return parseLongs(source, key, field(key));
    }

    /** A field of comma-separated finite doubles. */
    public double[] doublesField(String key) throws CheckpointException {
        String text = field(key);
        if (text.isEmpty()) return new double[0];
        String[] parts = text.split(",", -1);
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Double.parseDouble(parts[i]);
            } catch (NumberFormatException e) {
                throw new CheckpointException(source, key + " '" + printable(parts[i]) + "' is not a number");
            }
            if (!Double.isFinite(out[i])) throw new CheckpointException(source, key + " holds " + parts[i] + ", not a finite number");
        }
        return out;
    }

    /**
     * Restores the model's parameters and buffers, the optimizer's state and each generator of
     * {@code generators} (by name) to this checkpoint, all or nothing: every tensor's name, shape and dtype, the
     * optimizer's rule, groups, parameters and buffers, and the generator names are compared first, and when
     * anything differs nothing is changed.
     *
     * @throws CheckpointException listing what does not match
     */
    public void restoreInto(Module model, Optimizer optimizer, Map<String, Generator> generators) throws CheckpointException {
        Map<String, Tensor> mine = model.stateDict();
        List<String> problems = new java.util.ArrayList<>();
        for (String name : mine.keySet()) if (!this.model.containsKey(name)) problems.add("missing tensor " + name);
        for (String name : new TreeSet<>(this.model.keySet())) if (!mine.containsKey(name)) problems.add("unexpected tensor " + name);
        mine.forEach((name, t) -> {
            Tensor v = this.model.get(name);
            if (v != null && (!Arrays.equals(v.shape(), t.shape()) || v.dtype() != t.dtype())) {
                problems.add(name + ": " + v.dtype() + Arrays.toString(v.shape()) + " in the checkpoint, " + t.dtype()
                        + Arrays.toString(t.shape()) + " in the model");
            }
        });
        if (!generators.keySet().equals(this.generators.keySet())) {
            problems.add("generators: " + new TreeSet<>(this.generators.keySet()) + " in the checkpoint, "
                    + new TreeSet<>(generators.keySet()) + " given");
        }
        if (!problems.isEmpty()) {
            throw new CheckpointException(source, "it does not fit the model: " + String.join("; ", problems));
        }
        // The optimizer checks the state against itself and changes nothing when it does not fit; the model and
        // the generators were checked above and cannot fail, so nothing is half-restored.
        try {
            optimizer.loadStateDict(this.optimizer);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(source, e.getMessage().replace("\n  - ", "; ").replace(":;", ":"), e);
        }
        model.loadStateDict(this.model);
        generators.forEach((name, gen) -> gen.loadStateDict(this.generators.get(name)));
    }
}
