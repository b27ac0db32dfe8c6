package dev.tapegrad.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} while {@link OptimizerState#save} runs never leaves a torn state file, and the temporary files
 * of killed saves are gone after the next save (see {@link KillDuringSave}). The default run kills 3 savers,
 * the probe ({@code -Pprobes}) 40.
 */
class OptimizerStateKillTest {

    /** Version {@code v} of the probe's state: about 2 MB, every number derived from {@code v}. */
    static OptimizerState stateFor(long v) {
        int rows = 128, cols = 1024;
        double[] m = new double[rows * cols], s = new double[rows * cols];
        for (int i = 0; i < m.length; i++) {
            m[i] = v + i * 1e-3;
            s[i] = v * 0.5 - i;
        }
        OptimizerState.SlotState slot = new OptimizerState.SlotState("w", new int[] {rows, cols}, v, Map.of("adam.m", m, "adam.v", s));
        return new OptimizerState("killProbe", v, new long[] {v, 1, 2, 3, 0, 0},
                List.of(new OptimizerState.GroupState("default", Map.of("version", (double) v), List.of(slot))));
    }

    /** The child: saves versions args[1], args[1] + 1, ... to args[0] until killed. */
    public static void main(String[] args) {
        Path target = Path.of(args[0]);
        System.out.println("ready");
        System.out.flush();
        for (long v = Long.parseLong(args[1]); ; v++) {
            stateFor(v).save(target);
            System.out.println("saved " + v);
            System.out.flush();
        }
    }

    static long versionOf(Path file) {
        OptimizerState s = OptimizerState.load(file);
        String diff = StateCorruption.difference(stateFor(s.count()), s);
        if (!diff.isEmpty()) throw new IllegalStateException("version " + s.count() + " differs: " + diff);
        return s.count();
    }

    private static void check(Path dir, int kills) throws Exception {
        KillDuringSave.Report r = KillDuringSave.run(OptimizerStateKillTest.class, dir, "opt.state", kills, 0x0971L, 400,
                OptimizerStateKillTest::versionOf, (file, v) -> stateFor(v).save(file));
        System.out.println("optimizer state saver: " + r);
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

