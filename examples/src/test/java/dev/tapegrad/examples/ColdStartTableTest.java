package dev.tapegrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.rl.ColdStart;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The cold-start table prints one row per p0, escape steps falling with q, and marks runs out of budget. */
class ColdStartTableTest {

    @Test
    void tableHasARowPerP0WithStepsFallingAsQGrows() {
        String table = ColdStartTable.table(new ColdStart(16, 0.5, 10_000), new double[] {1e-1, 1e-2, 1e-3}, ColdStartTable.Q);
        String[] lines = table.strip().split("\n");
        assertEquals(4, lines.length, table);
        assertTrue(lines[0].contains("0.75"), lines[0]);
        for (int i = 1; i < lines.length; i++) {
            String[] cells = lines[i].trim().split("\\s+");
            int[] steps = Arrays.stream(cells, 1, 1 + ColdStartTable.Q.length).mapToInt(Integer::parseInt).toArray();
            for (int j = 1; j < steps.length; j++) assertTrue(steps[j] <= steps[j - 1], lines[i]);
        }
        String starved = ColdStartTable.table(new ColdStart(16, 0.5, 20), new double[] {1e-3}, new double[] {0, 1});
        assertTrue(starved.contains(">20"), starved);
    }

    @Test
    void sampledTableRuns() {
        String t = ColdStartTable.sampledTable(new ColdStart(16, 0.5, 5_000), new double[] {1e-1}, 1);
        assertTrue(t.contains("GARL q=0.75") && t.strip().split("\n").length == 2, t);
    }
}
