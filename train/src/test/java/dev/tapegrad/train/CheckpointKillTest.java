package dev.tapegrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.io.AtomicFile;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} during checkpoint saves: a child JVM saves in a loop and is killed at a random moment (seeded
 * delays); after each kill the target must load in full, and the next save must remove the killed save's
 * temporary file; nothing is left in the temporary folder of the system. Three kills in the default suite; the probe ({@code -Pprobes}) kills 40 times.
 */
class CheckpointKillTest {
    @TempDir
    Path tmp;

    /** What the kills left. */
    record Result(int kills, int torn, int leftoversBeforeNextSave, int leftoversAfterNextSave, int tmpdirLeftovers) {}

    Result killDuringSaves(int kills) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("run"));
        Path childTmp = Files.createDirectories(tmp.resolve("child-tmp"));
        Path target = dir.resolve("state.ckpt");
        Random delays = new Random(11);
        int torn = 0, before = 0, after = 0;
        for (int k = 0; k < kills; k++) {
            Process p = new ProcessBuilder(javaCommand(childTmp, target)).redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("saved")) break; // one save is complete: the target exists
            }
            Thread.sleep(delays.nextInt(400));
            p.destroyForcibly(); // SIGKILL on Linux and macOS
            p.waitFor();
            try {
                Checkpoint c = Checkpoint.load(target);
                CheckpointFuzz.Setup s = CheckpointFuzz.Setup.fresh(1);
                c.restoreInto(s.model(), s.opt(), Map.of("shuffle", s.gen()));
            } catch (CheckpointException e) {
                torn++;
            }
            before += temporaries(dir);
            // the next save (as the restarted run would do) removes what the killed one left
            CheckpointFuzz.Setup.trained(7).checkpoint(0, 1).save(target);
            after += temporaries(dir);
        }
        int tmpdir;
        try (Stream<Path> files = Files.list(childTmp)) {
            tmpdir = (int) files.count(); // anything the children left in their java.io.tmpdir
        }
        return new Result(kills, torn, before, after, tmpdir);
    }

    private static int temporaries(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return (int) files.filter(AtomicFile::isTemporary).count();
        }
    }

    /** java on this test's class path (the module jars and folders, and the test classes) running the save loop. */
    private static List<String> javaCommand(Path childTmp, Path target) throws URISyntaxException {
        List<String> cp = new ArrayList<>();
        for (String prop : new String[] {"jdk.module.path", "java.class.path"}) {
            String v = System.getProperty(prop);
            if (v != null && !v.isEmpty()) cp.add(v);
        }
        cp.add(Path.of(CheckpointSaveLoop.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--add-modules", "jdk.incubator.vector",
                "-Djava.io.tmpdir=" + childTmp, "-cp", String.join(File.pathSeparator, cp), CheckpointSaveLoop.class.getName(),
                target.toString());
    }

    @Test
    void aKilledSaveNeverTearsTheCheckpoint() throws Exception {
        Result r = killDuringSaves(3);
        assertEquals(0, r.torn(), r.toString());
        assertEquals(0, r.leftoversAfterNextSave(), r.toString());
        assertEquals(0, r.tmpdirLeftovers(), r.toString());
    }

    @Test
    @Tag("probe")
    void fortyKills() throws Exception {
        Result r = killDuringSaves(40);
        System.out.println("kill -9 during checkpoint saves: " + r);
        System.err.println("kill -9 during checkpoint saves: " + r);
        assertEquals(0, r.torn(), r.toString());
        assertEquals(0, r.leftoversAfterNextSave(), r.toString());
        assertEquals(0, r.tmpdirLeftovers(), r.toString());
        assertTrue(r.kills() >= 30);
    }
}
