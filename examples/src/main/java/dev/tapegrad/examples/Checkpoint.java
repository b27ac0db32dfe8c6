package dev.tapegrad.examples;

import dev.tapegrad.Generator;
import dev.tapegrad.nn.Module;
import dev.tapegrad.nn.StateDicts;
import dev.tapegrad.optim.Optimizer;
import dev.tapegrad.optim.OptimizerState;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Everything needed to continue a training run exactly: the model's state dict (safetensors, PyTorch names),
 * the optimizer's state (moments, step counts), the random generators' states and the step reached. One file, a
 * zip of {@code model.safetensors}, {@code optimizer.bin} and {@code progress.txt} (lines {@code key=value}: the
 * {@code kind} of run that wrote it, then that run's own fields), written atomically: a temporary file in the same
 * folder, then renamed over the target, so a crash never leaves half a checkpoint. Loading checks the kind, so a
 * digits checkpoint is never read as an RL one (a file without {@code kind} is a digits checkpoint).
 */
public final class Checkpoint {
    private Checkpoint() {}

    /** The kind of the digits classifier's checkpoints. */
    public static final String DIGITS = "digits";

    /** Where a digits run was: the number of finished steps and epochs. */
    public record Progress(long step, int epoch) {}

    /** Writes the digits checkpoint of {@code model}, {@code optimizer}, {@code rng} at {@code progress} to {@code file}. */
    public static void save(Path file, Module model, Optimizer optimizer, Generator rng, Progress progress) throws IOException {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("step", Long.toString(progress.step()));
        fields.put("epoch", Integer.toString(progress.epoch()));
        fields.put("rng", longs(rng.stateDict()));
        save(file, DIGITS, model, optimizer, fields);
    }

    /**
     * Loads a digits checkpoint into {@code model}, {@code optimizer} and {@code rng} (in place) and returns the
     * progress it recorded. Throws {@link IllegalArgumentException} for a file that is not a complete digits
     * checkpoint or does not match the model.
     */
    public static Progress load(Path file, Module model, Optimizer optimizer, Generator rng) throws IOException {
        Map<String, String> kv = load(file, DIGITS, model, optimizer);
        try {
            rng.loadStateDict(longs(kv.get("rng")));
            return new Progress(Long.parseLong(kv.get("step")), Integer.parseInt(kv.get("epoch")));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("checkpoint " + file + ": bad progress.txt (" + e.getMessage() + ")");
        }
    }

    /**
     * Writes a checkpoint of kind {@code kind}: {@code model}, {@code optimizer} and the run's own {@code fields}
     * (keys without '=' or line breaks, values without line breaks) to {@code file}, atomically.
     */
    public static void save(Path file, String kind, Module model, Optimizer optimizer, Map<String, String> fields) throws IOException {
        StringBuilder text = new StringBuilder("kind=").append(kind).append('\n');
        fields.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path weights = Files.createTempFile(dir, "model", ".safetensors");
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            StateDicts.save(model, weights);
            try (OutputStream os = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(os)) {
                put(zip, "model.safetensors", Files.readAllBytes(weights));
                put(zip, "optimizer.bin", optimizer.stateDict().toBytes());
                put(zip, "progress.txt", text.toString().getBytes(StandardCharsets.UTF_8));
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(weights);
            Files.deleteIfExists(tmp);
        }
    }

    private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(data);
        zip.closeEntry();
    }

    /**
     * Loads a checkpoint of kind {@code kind} into {@code model} and {@code optimizer} (in place) and returns the
     * run's own fields. Throws {@link IllegalArgumentException} for a file that is not a complete checkpoint, is
     * of another kind, or does not match the model. The kind is checked before anything is loaded.
     */
    public static Map<String, String> load(Path file, String kind, Module model, Optimizer optimizer) throws IOException {
        Map<String, byte[]> parts = new HashMap<>();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) parts.put(e.getName(), zip.readAllBytes());
        }
        for (String need : new String[] {"model.safetensors", "optimizer.bin", "progress.txt"}) {
            if (!parts.containsKey(need)) throw new IllegalArgumentException("checkpoint " + file + ": missing " + need);
        }
        Map<String, String> kv = new HashMap<>();
        for (String line : new String(parts.get("progress.txt"), StandardCharsets.UTF_8).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) kv.put(line.substring(0, eq), line.substring(eq + 1));
        }
        String found = kv.getOrDefault("kind", DIGITS);
        if (!found.equals(kind)) {
            throw new IllegalArgumentException("checkpoint " + file + " is a '" + found + "' checkpoint, not a '" + kind + "' one");
        }
        Path weights = Files.createTempFile("tapegrad-model", ".safetensors");
        try {
            Files.write(weights, parts.get("model.safetensors"));
            StateDicts.load(model, weights);
        } finally {
            Files.deleteIfExists(weights);
        }
        optimizer.loadStateDict(OptimizerState.fromBytes(parts.get("optimizer.bin")));
        return kv;
    }

    /** Comma-separated decimal words (a generator's state). */
    static String longs(long[] words) {
        return Arrays.stream(words).mapToObj(Long::toString).collect(Collectors.joining(","));
    }

    /** The inverse of {@link #longs(long[])}. */
    static long[] longs(String text) {
        return text.isEmpty() ? new long[0] : Arrays.stream(text.split(",")).mapToLong(Long::parseLong).toArray();
    }

    /** Comma-separated doubles, each exactly as {@link Double#toString} writes it (read back bit for bit). */
    static String doubles(double[] values) {
        return Arrays.stream(values).mapToObj(Double::toString).collect(Collectors.joining(","));
    }

    /** The inverse of {@link #doubles(double[])}. */
    static double[] doubles(String text) {
        return text.isEmpty() ? new double[0] : Arrays.stream(text.split(",")).mapToDouble(Double::parseDouble).toArray();
    }
}
