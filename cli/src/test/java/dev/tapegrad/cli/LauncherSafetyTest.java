package dev.tapegrad.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher never destroys results: everything it was given is checked before any output is created, a run
 * folder is never overwritten, and every unusable checkpoint gets one message and one exit status.
 */
class LauncherSafetyTest {
    @TempDir
    Path tmp;

    private record Outcome(int status, String out, String err) {}

    /** Runs the launcher; {@code out} holds what it printed on its output stream and on System.out (progress). */
    private static Outcome run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            status = Main.run(args, o, new PrintStream(err, true, StandardCharsets.UTF_8));
        } finally {
            System.setOut(saved);
        }
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** What a successful launcher run printed. */
    private static String printed(String... args) {
        Outcome o = run(args);
        assertEquals(0, o.status(), o.err());
        return o.out();
    }

    /** Every file under {@code dir} with its bytes. */
    private static Map<String, byte[]> snapshot(Path dir) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (var all = Files.walk(dir)) {
            for (Path p : all.sorted().toList()) if (Files.isRegularFile(p)) files.put(dir.relativize(p).toString(), Files.readAllBytes(p));
        }
        return files;
    }

    private static void assertSameFiles(Map<String, byte[]> before, Map<String, byte[]> after) {
        assertEquals(before.keySet(), after.keySet());
        before.forEach((k, v) -> assertArrayEquals(v, after.get(k), k + " changed"));
    }

    @Test
    void aMistypedResumeLeavesAFinishedRunUntouched() throws IOException {
        Path run = tmp.resolve("finished");
        Path ckpt = tmp.resolve("digits.ckpt");
        Outcome finished = run("digits", "--epochs", "2", "--save", ckpt.toString(), "--out", run.toString());
        assertEquals(0, finished.status(), finished.err());
        Map<String, byte[]> before = snapshot(tmp);
        assertTrue(before.containsKey("finished/metrics.jsonl") && before.get("finished/metrics.jsonl").length > 0);
        assertTrue(before.containsKey("finished/chart.html"));

        // the mistake that used to wipe a finished run: resume from a misspelt file into the same folder
        Outcome typo = run("digits", "--epochs", "4", "--resume", tmp.resolve("digit.ckpt").toString(), "--out", run.toString());
        assertEquals(Main.BAD_INPUT, typo.status());
        assertEquals("tapegrad digits: checkpoint " + tmp.resolve("digit.ckpt") + " is not usable: no such file\n", typo.err());
        assertSameFiles(before, snapshot(tmp));

        // a good checkpoint but the finished run's folder: refused, nothing written
        Outcome same = run("digits", "--epochs", "4", "--resume", ckpt.toString(), "--out", run.toString());
        assertEquals(Main.BAD_INPUT, same.status());
        assertTrue(same.err().startsWith("tapegrad digits: --out " + run + " is not empty"), same.err());
        assertSameFiles(before, snapshot(tmp));

        // the same resume into a new folder works
        Outcome resumed = run("digits", "--epochs", "4", "--resume", ckpt.toString(), "--out", tmp.resolve("more").toString());
        assertEquals(0, resumed.status(), resumed.err());
        assertSameFiles(before, snapshotWithout(tmp, "more"));
    }

    private static Map<String, byte[]> snapshotWithout(Path dir, String folder) throws IOException {
        Map<String, byte[]> all = snapshot(dir);
        all.keySet().removeIf(k -> k.startsWith(folder + "/"));
        return all;
    }

    @Test
    void anUnwritableSaveTargetFailsAtTheStartNamingThePath() {
        Path save = tmp.resolve("no-such-folder").resolve("x.ckpt");
        Outcome o = run("digits", "--epochs", "40", "--save", save.toString(), "--out", tmp.resolve("o").toString());
        assertEquals(Main.BAD_INPUT, o.status());
        assertTrue(o.err().startsWith("tapegrad digits: --save " + save + " cannot be written ("), o.err());
        assertTrue(Files.notExists(tmp.resolve("o")), "no output folder for a refused run");
        assertEquals("", o.out(), "refused before any training or progress output");

        Outcome dir = run("rl", "--objective", "grpo", "--save", tmp.toString(), "--out", tmp.resolve("o").toString());
        assertEquals(Main.BAD_INPUT, dir.status());
        assertTrue(dir.err().contains("--save " + tmp + " cannot be written") && dir.err().contains("is a directory"), dir.err());
    }

    @Test
    void everyUnusableCheckpointGetsOneMessageAndOneStatus() throws IOException {
        Path empty = Files.createFile(tmp.resolve("empty.ckpt"));
        Path text = Files.writeString(tmp.resolve("text.ckpt"), "not a zip\n");
        Path junk = tmp.resolve("junk.ckpt");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(junk))) {
            z.putNextEntry(new ZipEntry("something.else"));
            z.write(new byte[10]);
        }
        Path good = tmp.resolve("good.ckpt");
        assertEquals(0, run("digits", "--epochs", "1", "--save", good.toString(), "--out", tmp.resolve("g").toString()).status());
        byte[] bytes = Files.readAllBytes(good);
        Path cut = Files.write(tmp.resolve("cut.ckpt"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        Map<Path, String> reasons = new LinkedHashMap<>();
        reasons.put(tmp.resolve("missing.ckpt"), "no such file");
        reasons.put(tmp, "it is a directory");
        reasons.put(empty, "the file is empty");
        reasons.put(text, "not a complete checkpoint: missing model.safetensors, optimizer.bin, progress.txt");
        reasons.put(junk, "unexpected entry 'something.else'");
        reasons.put(cut, "not a readable zip file");
        for (var e : reasons.entrySet()) {
            Outcome o = run("digits", "--epochs", "2", "--resume", e.getKey().toString(), "--out", tmp.resolve("r").toString());
            assertEquals(Main.BAD_INPUT, o.status(), o.err());
            String prefix = "tapegrad digits: checkpoint " + e.getKey() + " is not usable: " + e.getValue();
            assertTrue(o.err().startsWith(prefix) && o.err().indexOf('\n') == o.err().length() - 1, "wanted " + prefix + "\ngot " + o.err());
            assertTrue(Files.notExists(tmp.resolve("r")));
        }
    }

    @Test
    void exampleHonoursTheSeedOrRefusesIt() {
        // the examples print to System.out
        String a = printed("example", "--name", "hvp", "--seed", "3"), b = printed("example", "--name", "hvp", "--seed", "3");
        String c = printed("example", "--name", "hvp", "--seed", "4");
        assertTrue(a.contains("Autograd.hvp"), a);
        assertEquals(a, b, "same seed, same numbers");
        assertNotEquals(a, c, "another seed, other numbers");
        Outcome tensors = run("example", "--name", "tensors", "--seed", "3");
        assertEquals(Main.BAD_INPUT, tensors.status());
        assertTrue(tensors.err().startsWith("tapegrad example: --seed does not apply to example 'tensors'"), tensors.err());
        assertEquals(0, run("example", "--name", "tensors").status());
    }
}
