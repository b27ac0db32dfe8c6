package dev.tapegrad.examples;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The examples run, learn, and match what the README shows. */
class ExamplesTest {

    @Test
    void digitsNetworkLearnsInAFewEpochs() {
        DigitsMlp.Result r = DigitsMlp.train(new DigitsMlp.Config(32, 3, 32, 0.1, 0.9, 0L), false);
        assertTrue(r.testAccuracy() > 0.9, "test accuracy " + r.testAccuracy());
        assertTrue(r.finalTrainLoss() < 0.5, "train loss " + r.finalTrainLoss());
    }

    @Test
    void digitsDataLoadsWithItsKnownSize() {
        Digits d = Digits.load();
        assertEquals(1797, d.size());
        assertArrayEquals(new int[] {1797, 64}, d.features().shape());
        List<Digits> parts = d.split(359, 0);
        assertEquals(1438, parts.get(0).size());
        assertEquals(359, parts.get(1).size());
    }

    @Test
    void tourRuns() {
        assertDoesNotThrow(() -> Tour.main(new String[0]));
    }

    /** Every java block of the README appears verbatim in Tour.java, so README code compiles and runs. */
    @Test
    void readmeSnippetsAreTheTourVerbatim() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        String tour = Files.readString(Path.of("src", "main", "java", "dev", "tapegrad", "examples", "Tour.java"));
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        List<String> blocks = new ArrayList<>();
        while (m.find()) blocks.add(m.group(1));
        assertTrue(blocks.size() >= 4, "expected the tour's java blocks in the README, found " + blocks.size());
        for (String block : blocks) {
            assertTrue(tour.contains(block), "README block not found verbatim in Tour.java:\n" + block);
        }
    }
}
