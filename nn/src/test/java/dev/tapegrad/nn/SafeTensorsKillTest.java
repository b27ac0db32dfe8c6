package dev.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} while {@link SafeTensors#write} runs never leaves a torn file, and the temporary files of killed
 * saves are gone after the next save (see {@link KillDuringSave}). The default run kills 3 savers, the probe
 * ({@code -Pprobes}) 40.
 */
class SafeTensorsKillTest {

    /** The values of version {@code v}: 2 MB of float32, every value derived from {@code v}. */
    static float[] valuesFor(long v) {
        float[] a = new float[512 * 1024];
        for (int i = 0; i < a.length; i++) a[i] = v + i * 0.25f;
        return a;
    }

    static void save(Path file, long v) throws IOException {
        SafeTensors.write(file, Map.of("w", Tensor.of(valuesFor(v), 512, 1024), "step", Tensor.of(new int[] {(int) v})),
                Map.of("version", Long.toString(v)));
    }

    /** The child: saves versions args[1], args[1] + 1, ... to args[0] until killed. */
    public static void main(String[] args) throws IOException {
        Path target = Path.of(args[0]);
        System.out.println("ready");
        System.out.flush();
        for (long v = Long.parseLong(args[1]); ; v++) {
            save(target, v);
            System.out.println("saved " + v);
            System.out.flush();
        }
    }

    static long versionOf(Path file) throws IOException {
        SafeTensors.Contents c = SafeTensors.readContents(file);
        long v = Long.parseLong(c.metadata().get("version"));
        if (!Arrays.equals(valuesFor(v), c.tensors().get("w").toFloatArray()) || c.tensors().get("step").toIntArray()[0] != v) {
            throw new IllegalStateException("version " + v + ": the tensors differ from what was saved");
        }
        return v;
    }

    private static void check(Path dir, int kills) throws Exception {
        KillDuringSave.Report r = KillDuringSave.run(SafeTensorsKillTest.class, dir, "model.safetensors", kills, 0x5AFEL, 400,
                SafeTensorsKillTest::versionOf, SafeTensorsKillTest::save);
        System.out.println("safetensors saver: " + r);
        assertEquals(kills, r.kills(), r.toString());
        assertEquals(0, r.torn(), r.toString());
        assertEquals(0, r.leftoversAfterSave(), r.toString());
        assertTrue(r.problems().isEmpty(), r.toString());
    }

    @Test
    void threeKillsLeaveNoTornFile(@TempDir Path dir) throws Exception {
        check(dir, 3);
    }

    @Test
    @Tag("probe")
    void fortyKillsLeaveNoTornFileAndNoLeftovers(@TempDir Path dir) throws Exception {
        check(dir, 40);
    }
}
