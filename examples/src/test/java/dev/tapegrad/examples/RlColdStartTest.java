package dev.tapegrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.rl.StepStats;
import dev.tapegrad.rl.Task;
import dev.tapegrad.rl.ToyTasks;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cold-start comparison runs briefly, reproducibly, and prints one column per method. */
class RlColdStartTest {

    @Test
    void aShortRunOfEveryMethodIsReproducibleAndTabulated() {
        RlColdStart.Settings s = RlColdStart.Settings.parse(new String[] {"--steps", "3", "--prompts", "4", "--group", "4"});
        Task task = ToyTasks.reverseDigits(1, 10, s.seed());
        List<String> names = new ArrayList<>();
        List<List<StepStats>> runs = new ArrayList<>();
        for (RlColdStart.Method m : RlColdStart.methods(s.steps())) {
            List<StepStats> run = RlColdStart.train(m, task, s);
            assertEquals(3, run.size(), m.name());
            List<StepStats> again = RlColdStart.train(m, task, s);
            for (int i = 0; i < run.size(); i++) {
                assertEquals(run.get(i).successRate(), again.get(i).successRate(), m.name() + " step " + i);
                // last-bit differences between interpreted and JIT-compiled kernels: see TokenPolicyTest
                assertEquals(run.get(i).loss(), again.get(i).loss(), 1e-5 * (1 + Math.abs(run.get(i).loss())), m.name() + " step " + i);
            }
            names.add(m.name());
            runs.add(run);
        }
        String table = RlColdStart.table(names, runs, 1);
        assertEquals(4, table.strip().split("\n").length, table);
        assertTrue(table.contains("GARL q=0.75") && table.contains("HolderPO"), table);
    }

    @Test
    void unknownFlagsAreRejectedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RlColdStart.Settings.parse(new String[] {"--bogus", "1"}));
        assertTrue(e.getMessage().contains("--bogus"), e.getMessage());
    }
}
