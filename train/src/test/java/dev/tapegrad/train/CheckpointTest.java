package dev.tapegrad.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.train.CheckpointFuzz.Counts;
import dev.tapegrad.train.CheckpointFuzz.Setup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints round-trip exactly, restore all or nothing, and refuse every hostile file cleanly (short probes). */
class CheckpointTest {
    @TempDir
    Path tmp;

    @Test
    void aSavedCheckpointRestoresTheExactState() throws IOException {
        Setup a = Setup.trained(7);
        Path file = tmp.resolve("a.ckpt");
        Checkpoint.builder(a.model(), a.opt(), 3).kind("probe").generator("shuffle", a.gen()).field("epoch", 1)
                .field("note", "text with = and spaces").field("words", new long[] {-1, Long.MAX_VALUE})
                .field("values", new double[] {0.1, -0.0, 1e-300}).build().save(file);
        Checkpoint c = Checkpoint.load(file);
        assertEquals("probe", c.kind());
        assertEquals(3, c.step());
        assertEquals(1, c.longField("epoch", 0, 1));
        assertEquals("text with = and spaces", c.field("note"));
        assertArrayEquals(new long[] {-1, Long.MAX_VALUE}, c.longsField("words"));
        assertArrayEquals(new double[] {0.1, -0.0, 1e-300}, c.doublesField("values"));
        Setup b = Setup.fresh(1);
        c.restoreInto(b.model(), b.opt(), Map.of("shuffle", b.gen()));
        assertEquals(a.fingerprint(), b.fingerprint());
        try (var files = Files.list(tmp)) {
            assertEquals(List.of(file), files.toList(), "no temporary files");
        }
    }

    @Test
    void aCheckpointIsASnapshot() throws IOException {
        Setup a = Setup.trained(7);
        String at3 = a.fingerprint();
        Checkpoint c = a.checkpoint(3, 1);
        try (var scope = dev.tapegrad.Autograd.noGrad()) {
            a.model().stateDict().get("0.weight").fillInPlace(5); // training goes on after the checkpoint is taken
        }
        Setup b = Setup.fresh(1);
        c.restoreInto(b.model(), b.opt(), Map.of("shuffle", b.gen()));
        assertEquals(at3, b.fingerprint());
    }

    @Test
    void aCorruptOptimizerEntryLeavesModelOptimizerAndGeneratorUntouched() throws IOException {
        Setup a = Setup.trained(7);
        Path file = tmp.resolve("a.ckpt");
        a.checkpoint(3, 1).save(file);
        Map<String, byte[]> entries = CheckpointFuzz.entries(Files.readAllBytes(file));
        byte[] opt = entries.get(Checkpoint.OPTIMIZER);
        entries.put(Checkpoint.OPTIMIZER, java.util.Arrays.copyOf(opt, opt.length - 8)); // a valid zip, a cut-short state
        Files.write(file, CheckpointFuzz.zip(entries));
        Setup b = Setup.fresh(1);
        String before = b.fingerprint();
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> Checkpoint.load(file).restoreInto(b.model(), b.opt(), Map.of("shuffle", b.gen())));
        assertTrue(e.getMessage().startsWith("checkpoint " + file + " is not usable: optimizer.bin: "), e.getMessage());
        assertEquals(before, b.fingerprint());
    }

    @Test
    void anOptimizerOfAnotherRuleIsRefusedBeforeTheModelChanges() throws IOException {
        Setup a = Setup.trained(7);
        Checkpoint c = a.checkpoint(3, 1);
        Setup b = Setup.fresh(1);
        var sgd = dev.tapegrad.optim.Optimizer.builder(dev.tapegrad.optim.Optimizers.sgd()).params(b.model().namedParameters())
                .set("lr", 0.1).build();
        float[] before = b.model().stateDict().get("0.weight").toFloatArray();
        CheckpointException e = assertThrows(CheckpointException.class, () -> c.restoreInto(b.model(), sgd, Map.of("shuffle", b.gen())));
        assertTrue(e.getMessage().contains("rule"), e.getMessage());
        assertArrayEquals(before, b.model().stateDict().get("0.weight").toFloatArray());
        CheckpointException gens = assertThrows(CheckpointException.class, () -> c.restoreInto(b.model(), b.opt(), Map.of()));
        assertTrue(gens.getMessage().contains("generators: [shuffle] in the checkpoint, [] given"), gens.getMessage());
    }

    @Test
    void eachBadProgressLineIsNamed() throws IOException {
        Setup a = Setup.trained(7);
        Path file = tmp.resolve("a.ckpt");
        a.checkpoint(3, 1).save(file);
        Map<String, byte[]> entries = CheckpointFuzz.entries(Files.readAllBytes(file));
        String progress = new String(entries.get(Checkpoint.PROGRESS), StandardCharsets.UTF_8);
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put(progress + "step=4\n", "progress.txt: key 'step' appears twice");
        expected.put(progress.replaceAll("step=\\d+", "step=-5"), "step = -5 is outside [0, 9223372036854775807]");
        expected.put(progress.replace("format=1", "format=2"), "format 2 is not the supported format 1");
        for (var e : expected.entrySet()) {
            Files.write(file, CheckpointFuzz.withProgress(entries, e.getKey()));
            CheckpointException x = assertThrows(CheckpointException.class, () -> Checkpoint.load(file));
            assertEquals(e.getValue(), x.reason());
        }
        Files.write(file, CheckpointFuzz.withProgress(entries, progress.replaceAll("epoch=\\d+", "epoch=2147483647")));
        Checkpoint c = Checkpoint.load(file);
        assertEquals("epoch = 2147483647 is outside [0, 10]",
                assertThrows(CheckpointException.class, () -> c.longField("epoch", 0, 10)).reason());
    }

    @Test
    void bombsAreCutAtTheLimitAndUnknownEntriesAreNotRead() throws IOException {
        Setup a = Setup.trained(7);
        Path file = tmp.resolve("a.ckpt");
        a.checkpoint(3, 1).save(file);
        Map<String, byte[]> entries = CheckpointFuzz.entries(Files.readAllBytes(file));
        Files.write(file, CheckpointFuzz.bomb(entries, Checkpoint.MODEL, 64L << 20));
        long limit = Checkpoint.entryLimitFor(a.model());
        assertEquals("entry 'model.safetensors' inflates to more than " + limit + " bytes (the limit)",
                assertThrows(CheckpointException.class, () -> Checkpoint.load(file, limit)).reason());
        Files.write(file, CheckpointFuzz.bomb(entries, "x.bin", 64L << 20));
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.load(file)).reason().startsWith("unexpected entry 'x.bin'"));
    }

    /** The short version of {@code CheckpointProbeTest}: every mutation kind, fewer of them. */
    @Test
    void hostileFilesNeverLoadAChangedStateNorCrash() throws IOException {
        Map<String, Counts> counts = CheckpointFuzz.run(tmp, 300, 97, 64L << 20);
        counts.forEach((kind, c) -> {
            assertEquals(0, c.changed, kind + ": " + c);
            assertEquals(0, c.crashed, kind + ": " + c + " " + c.crashes);
            assertTrue(c.tried > 0, kind);
        });
        // a mutation that must be refused is refused (flips and truncations may leave a file that still loads the same)
        for (String kind : List.of("duplicate entries", "out-of-range numbers and bad progress lines")) {
            assertEquals(counts.get(kind).tried, counts.get(kind).rejected, kind + ": " + counts.get(kind));
        }
    }
}
