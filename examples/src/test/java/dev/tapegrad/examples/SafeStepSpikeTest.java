package dev.tapegrad.examples;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tiny version of the learning-rate spike experiment: the plain run breaks, the controlled run does not. */
class SafeStepSpikeTest {

    @Test
    void theControllerSurvivesTheSpikeThatBreaksPlainTraining(@TempDir Path dir) throws Exception {
        SafeStepSpike.Result r = SafeStepSpike.run(SafeStepSpike.Config.tiny(), false);
        double reference = r.run("plain").finalLoss();
        double plain = r.run("plain, spike").finalLoss(), controlled = r.run("safe step, spike").finalLoss();
        String table = r.table();
        assertTrue(Double.isFinite(reference) && reference < 1.5, table);
        assertTrue(!Double.isFinite(plain) || plain > 10 * reference, "plain training survived the spike:\n" + table);
        assertTrue(Math.abs(controlled - reference) < 0.25 * reference, "the controlled run did not recover:\n" + table);
        SafeStepSpike.Run spiked = r.run("safe step, spike");
        assertTrue(spiked.limitedSteps() >= r.config().spikeLength(), table);       // at least the spike's steps were cut
        assertTrue(spiked.largestR() > 1, table);                                   // and they would have left the radius
        // Without a spike no step reaches r_max (the largest r is about 0.34, well below 0.5, so rounding cannot
        // change that), and the controller changes nothing. (Not compared bit for bit: the engine's exp and tanh
        // kernels may round differently once the JIT has compiled them.)
        SafeStepSpike.Run quiet = r.run("safe step");
        assertTrue(quiet.largestR() < 0.8 * r.config().maxNormalisedStep(), table);
        assertEquals(0, quiet.limitedSteps(), table);
        assertArrayEquals(r.run("plain").batchLoss(), quiet.batchLoss(), 1e-4, table);
        for (String name : new String[] {"plain", "plain, spike", "clipped, spike", "safe step, spike", "safe step"}) {
            assertTrue(table.contains(name), table);
        }

        // (a) inside the radius no step more than doubles the loss; outside, at every scanned point, one does
        assertEquals(6, r.scans().size(), r.scanTable());
        for (SafeStepSpike.Scan scan : r.scans()) {
            assertTrue(scan.worstRatio(true) < 2, r.scanTable());
            assertTrue(scan.worstRatio(false) > 2, r.scanTable());
        }

        Path chart = SafeStepSpike.writeChart(r, dir.resolve("run"));
        String svg = Files.readString(chart, StandardCharsets.UTF_8);
        assertTrue(svg.startsWith("<svg") && svg.contains("safe step, spike") && svg.contains("10,000"), svg.substring(0, 200));
    }

    @Test
    void settingsOutsideTheRunAreRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> new SafeStepSpike.Config(10, 8, 4, 0.1, 0.9, 9, 3, 1e4, 0.5, 0));
        assertTrue(e.getMessage().contains("within the 10 steps"), e.getMessage());
    }
}
