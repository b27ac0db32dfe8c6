package dev.tapegrad.examples;

import static org.junit.jupiter.api.Assertions.*;

import dev.tapegrad.optim.Optimizers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The examples run, learn, and match what the README shows. */
class ExamplesTest {

    @Test
    void digitsNetworkLearnsInAFewEpochs() {
        DigitsMlp.Result r = DigitsMlp.train(DigitsMlp.Config.defaults().withEpochs(3), false);
        assertTrue(r.testAccuracy() > 0.9, "test accuracy " + r.testAccuracy());
        assertTrue(r.finalTrainLoss() < 0.5, "train loss " + r.finalTrainLoss());
    }

    /** Learning rates that train this network; names not listed get one by their family (see {@link #lrFor}). */
    private static final Map<String, Double> LR = Map.ofEntries(
            Map.entry("sgd", 0.1), Map.entry("sgdp", 0.1), Map.entry("lars", 0.1),
            Map.entry("lion", 1e-3), Map.entry("rmsprop", 1e-3),
            Map.entry("adagradnorm", 0.1), Map.entry("dadaptsgd", 0.3), Map.entry("dadaptadam", 0.3));

    /** The table's rate, else 1.0 for D-Adaptation-like names, 0.1 for SGD-like ones and 1e-2 (Adam-like) otherwise. */
    static double lrFor(String name) {
        if (LR.containsKey(name)) return LR.get(name);
        if (name.startsWith("dadapt")) return 0.3;
        return name.contains("sgd") ? 0.1 : 1e-2;
    }

    /** Every registered optimizer, including ones added later, trains the digits network for an epoch. */
    @Test
    void everyOptimizerByNameLowersTheTrainingLossInOneEpoch() {
        List<String> failures = new ArrayList<>();
        for (String name : Optimizers.names()) {
            DigitsMlp.Config c = DigitsMlp.Config.defaults().withEpochs(1).withOptimizer(name, Map.of("lr", lrFor(name)));
            DigitsMlp.Result r = DigitsMlp.train(c, false);
            // the last epoch's mean batch loss against the whole training set's loss before any step
            if (!(r.finalTrainLoss() < r.initialTrainLoss())) {
                failures.add(name + " (lr " + lrFor(name) + "): loss " + r.initialTrainLoss() + " -> " + r.finalTrainLoss());
            }
        }
        assertTrue(failures.isEmpty(), "training loss did not go down: " + failures);
        assertTrue(Optimizers.names().containsAll(List.of("sgd", "adam", "adamw", "adamw-fused")));
    }

    @Test
    void digitsFlagsChooseTheOptimizerAndBadOnesAreRefusedInOneLine() {
        DigitsMlp.Config c = DigitsMlp.parseArgs(new String[] {"--optimizer", "adamw", "--lr", "0.01", "--epochs", "2"});
        assertEquals("adamw", c.optimizer());
        assertEquals(Map.of("lr", 0.01), c.hyper());
        assertEquals(2, c.epochs());
        assertEquals(DigitsMlp.Config.defaults(), DigitsMlp.parseArgs(new String[0]));
        assertEquals(Map.of("lr", 0.5, "momentum", 0.9), DigitsMlp.parseArgs(new String[] {"--lr", "0.5"}).hyper());
        String[][] bad = {{"--optimzer", "adam"}, {"--lr"}, {"--lr", "fast"}, {"--epochs", "0"}, {"--epochs", "1.5"},
                {"--optimizer", "adamm"}, {"--lr", "-1"}, {"3"}};
        for (String[] args : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DigitsMlp.parseArgs(args),
                    String.join(" ", args));
            assertFalse(e.getMessage().isBlank() || e.getMessage().contains("\n"), e.getMessage());
        }
    }

    /** The main job's default run: fixed seed and split, nn modules, at least 96% test accuracy. */
    @Test
    void digitsDefaultRunReachesNinetySixPercent() {
        DigitsMlp.Result r = DigitsMlp.train(DigitsMlp.Config.defaults(), false);
        assertTrue(r.testAccuracy() >= 0.96, "test accuracy " + r.testAccuracy());
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

    /** The README lists every registered optimizer (the list cannot silently drift from the code). */
    @Test
    void readmeListsEveryOptimizer() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        for (String name : dev.tapegrad.optim.Optimizers.names()) {
            Pattern word = Pattern.compile("(?<![\\w-])" + Pattern.quote(name) + "(?![\\w-])");
            assertTrue(word.matcher(readme).find(), "README does not list optimizer " + name);
        }
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
