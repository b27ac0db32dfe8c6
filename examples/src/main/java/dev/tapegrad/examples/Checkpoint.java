package dev.tapegrad.examples;

import dev.tapegrad.Generator;
import dev.tapegrad.nn.Module;
import dev.tapegrad.nn.StateDicts;
import dev.tapegrad.optim.Optimizer;
import dev.tapegrad.optim.OptimizerState;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Everything needed to continue a training run exactly: the model's state dict (safetensors, PyTorch names),
 * the optimizer's state (moments, step counts), the random generator's state and the step reached. One file, a
 * zip of {@code model.safetensors}, {@code optimizer.bin} and {@code progress.txt}, written atomically: a
 * temporary file in the same folder, then renamed over the target, so a crash never leaves half a checkpoint.
 */
public final class Checkpoint {
    private Checkpoint() {}

    /** Where a run was: the number of finished steps and epochs. */
    public record Progress(long step, int epoch) {}

    /** Writes the checkpoint of {@code model}, {@code optimizer}, {@code rng} at {@code progress} to {@code file}. */
    public static void save(Path file, Module model, Optimizer optimizer, Generator rng, Progress progress) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path weights = Files.createTempFile(dir, "model", ".safetensors");
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            StateDicts.save(model, weights);
            String text = "step=" + progress.step() + "\nepoch=" + progress.epoch() + "\nrng="
                    + Arrays.stream(rng.state()).mapToObj(Long::toString).collect(Collectors.joining(",")) + "\n";
            try (OutputStream os = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(os)) {
                put(zip, "model.safetensors", Files.readAllBytes(weights));
                put(zip, "optimizer.bin", optimizer.state().toBytes());
                put(zip, "progress.txt", text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
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
     * Loads a checkpoint into {@code model}, {@code optimizer} and {@code rng} (in place) and returns the progress
     * it recorded. Throws {@link IllegalArgumentException} for a file that is not a complete checkpoint or does not
     * match the model.
     */
    public static Progress load(Path file, Module model, Optimizer optimizer, Generator rng) throws IOException {
        Map<String, byte[]> parts = new HashMap<>();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) parts.put(e.getName(), zip.readAllBytes());
        }
        for (String need : new String[] {"model.safetensors", "optimizer.bin", "progress.txt"}) {
            if (!parts.containsKey(need)) throw new IllegalArgumentException("checkpoint " + file + ": missing " + need);
        }
        Map<String, String> kv = new HashMap<>();
        for (String line : new String(parts.get("progress.txt"), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) kv.put(line.substring(0, eq), line.substring(eq + 1));
        }
        Path weights = Files.createTempFile("tapegrad-model", ".safetensors");
        try {
            Files.write(weights, parts.get("model.safetensors"));
            StateDicts.load(model, weights);
        } finally {
            Files.deleteIfExists(weights);
        }
        optimizer.loadState(OptimizerState.fromBytes(parts.get("optimizer.bin")));
        try {
            rng.setState(Arrays.stream(kv.get("rng").split(",")).mapToLong(Long::parseLong).toArray());
            return new Progress(Long.parseLong(kv.get("step")), Integer.parseInt(kv.get("epoch")));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("checkpoint " + file + ": bad progress.txt (" + e.getMessage() + ")");
        }
    }
}
