package dev.tapegrad.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The output of one launcher run: progress on the console, every step's metrics in {@code metrics.jsonl}, and a
 * self-contained chart ({@code chart.html} with inline SVG) in the output folder, written when the report closes.
 *
 * <p>Placeholder API: the implementation (progress bar, metrics file, SVG chart) is being written; until then
 * it only counts steps.
 */
public final class RunReport implements RunListener, AutoCloseable {
    private final Path dir;
    private final String title;

    private RunReport(Path dir, String title) {
        this.dir = dir;
        this.title = title;
    }

    /**
     * Opens a report writing into {@code dir} (created if missing). {@code interactive} chooses a live progress
     * bar (a terminal) over periodic plain log lines (CI logs).
     */
    public static RunReport open(Path dir, String title, boolean interactive) throws IOException {
        java.nio.file.Files.createDirectories(dir);
        return new RunReport(dir, title);
    }

    @Override
    public void step(String run, int step, int totalSteps, Map<String, Double> metrics) {}

    /** Where the chart is (or will be) written. */
    public Path chartPath() {
        return dir.resolve("chart.html");
    }

    /** Writes the chart and closes the metrics file. */
    @Override
    public void close() throws IOException {}

    @Override
    public String toString() {
        return "RunReport[" + title + " → " + dir + "]";
    }
}
