package dev.tapegrad.examples;

import static org.junit.jupiter.api.Assertions.*;

import dev.tapegrad.train.SharpnessMonitor;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tiny run of the curvature example: readings on schedule, a density that is a distribution, charts written. */
class DigitsCurvatureTest {

    /** 8 hidden units (n = 610 parameters), one epoch of 45 steps, a reading every 15. */
    private static final DigitsCurvature.Config TINY = new DigitsCurvature.Config(8, 1, 32, 1.0, 64, 15, 20, 2, 30, 3L);

    @Test
    void tinyRunReportsSharpnessAgainstTwoOverLrAndWritesCharts(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("run");
        DigitsCurvature.Result r = DigitsCurvature.runAndWrite(TINY, out, false);
        assertEquals(610, r.parameters());
        assertEquals(45, r.losses().length);
        assertEquals(java.util.List.of(0L, 15L, 30L, 45L), r.readings().stream().map(SharpnessMonitor.Reading::step).toList());
        for (SharpnessMonitor.Reading reading : r.readings()) {
            assertEquals(2.0, reading.threshold(), 0);
            assertTrue(reading.lambdaMax() > 0 && Double.isFinite(reading.lambdaMax()), reading.toString());
        }
        // the last reading and the density's top node are the same λ_max of the same Hessian, from different starts
        double last = r.readings().get(r.readings().size() - 1).lambdaMax();
        assertEquals(last, r.density().maxNode(), 1e-4 * last);
        assertEquals(last, r.topEigenvalues()[r.topEigenvalues().length - 1], 1e-4 * last);
        assertEquals(1, r.density().moment(0), 1e-12);
        assertTrue(r.density().minNode() < 0.05 * last, "a bulk near zero below the outliers");
        assertTrue(r.testAccuracy() > 0.5, "it learned: " + r.testAccuracy());
        String sharp = Files.readString(out.resolve("sharpness.svg")), spectrum = Files.readString(out.resolve("spectrum.svg"));
        assertTrue(sharp.startsWith("<svg") && sharp.contains("2/η") && sharp.contains("λ_max"), sharp.substring(0, 200));
        assertTrue(spectrum.startsWith("<svg") && spectrum.contains("density") && spectrum.contains("log scale"));
        // a run folder is never overwritten
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DigitsCurvature.runAndWrite(TINY, out, false));
        assertTrue(e.getMessage().contains("not empty"), e.getMessage());
    }

    /**
     * The same seed gives the same readings. Within one JVM the vector exp/tanh/log kernels may round the last bit
     * differently once JIT-compiled (docs/ARCHITECTURE.md, threads and determinism), so values agree to 1e-9
     * rather than bit for bit; a different seed gives different readings.
     */
    @Test
    void sameSeedSameReadings() {
        DigitsCurvature.Config c = TINY.withDensity(1, 5);
        var a = DigitsCurvature.run(c, false).readings();
        var b = DigitsCurvature.run(c, false).readings();
        var other = DigitsCurvature.run(c.withSeed(4), false).readings();
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).step(), b.get(i).step());
            assertEquals(a.get(i).threshold(), b.get(i).threshold(), 0);
            assertEquals(a.get(i).lambdaMax(), b.get(i).lambdaMax(), 1e-9 * a.get(i).lambdaMax(), "reading " + i);
        }
        assertNotEquals(a.get(0).lambdaMax(), other.get(0).lambdaMax(), 1e-3, "another seed, another network");
    }
}
