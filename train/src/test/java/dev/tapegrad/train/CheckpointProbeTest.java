package dev.tapegrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tapegrad.train.CheckpointFuzz.Counts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The long checkpoint probe: 10,000 single-bit flips, a truncation at every offset, duplicate entries, out-of-range
 * numbers and 4 GiB zip bombs in every entry; prints one line per kind. Run with
 * {@code mvn -B -ntp test -Pprobes -pl train -am -Dtest=CheckpointProbeTest -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("probe")
class CheckpointProbeTest {
    @TempDir
    Path tmp;

    @Test
    void hostileCheckpoints() throws IOException {
        Map<String, Counts> counts = CheckpointFuzz.run(tmp, 10_000, 1, 4L << 30);
        StringBuilder report = new StringBuilder();
        counts.forEach((kind, c) -> report.append(kind).append(": ").append(c).append('\n'));
        System.out.print(report);
        System.err.print(report);
        counts.forEach((kind, c) -> {
            assertEquals(0, c.changed, kind + ": " + c);
            assertEquals(0, c.crashed, kind + ": " + c + " " + c.crashes);
        });
    }
}
