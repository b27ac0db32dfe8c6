package dev.tapegrad.train;

import dev.tapegrad.io.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The output of one launcher run: progress on the console ({@link Progress}), every step's metrics in
 * {@code metrics.jsonl} ({@link MetricsLog}), and a self-contained chart {@code chart.html} with inline SVG
 * ({@link SvgChart}) in the output folder, written when the report closes: one panel per metric, one line per run.
 * A report never overwrites results: it refuses a folder that already holds a metrics file or a chart.
 * {@link #step} has the shape of a program's per-step callback, so {@code report::step} can be handed to one.
 */
public final class RunReport implements AutoCloseable {
    /** Metrics charted first, in this order; any others follow in order of first appearance. */
    private static final List<String> PREFERRED = List.of("loss", "accuracy", "success", "reward");

    private final Path dir;
    private final String title;
    private final Progress progress;
    private final MetricsLog log;
    /** run → metric → (step, value) pairs, in arrival order. */
    private final Map<String, Map<String, Points>> data = new LinkedHashMap<>();
    private boolean closed;

    private RunReport(Path dir, String title, Progress progress) throws IOException {
        this.dir = dir;
        this.title = title;
        this.progress = progress;
        this.log = new MetricsLog(dir.resolve("metrics.jsonl"));
    }

    /**
     * Opens a report writing into {@code dir} (created if missing), progress on {@code System.out}.
     * Throws {@link java.nio.file.FileAlreadyExistsException} when {@code dir} already holds
     * {@code metrics.jsonl} or {@code chart.html} (the results of another run, which are never truncated).
     * On a terminal the progress is a live line; otherwise (CI logs, pipes) periodic plain log lines.
     */
    public static RunReport open(Path dir, String title) throws IOException {
        return open(dir, title, Progress.forOutput(System.out, System.console() != null, System::nanoTime));
    }

    /** Opens a report with the given progress display (e.g. one writing to a test's stream). */
    public static RunReport open(Path dir, String title, Progress progress) throws IOException {
        for (String name : new String[] {"metrics.jsonl", "chart.html"}) {
            Path old = dir.resolve(name);
            if (Files.exists(old, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new java.nio.file.FileAlreadyExistsException(old.toString(), null, "results of an earlier run; choose a new folder");
            }
        }
        Files.createDirectories(dir);
        return new RunReport(dir, title, progress);
    }

    /** Whether standard output looks like a terminal (a console is attached and not redirected). */
    public static boolean isTerminal() {
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }

    /** Shows progress, appends the step's metrics to {@code metrics.jsonl}, and keeps them for the chart. */
    public synchronized void step(String run, int step, int totalSteps, Map<String, Double> metrics) {
        if (closed) throw new IllegalStateException("RunReport.step: the report for " + dir + " is closed");
        progress.update(run, step, totalSteps, metrics);
        log.write(run, step, metrics);
        Map<String, Points> byMetric = data.computeIfAbsent(run, r -> new LinkedHashMap<>());
        for (Map.Entry<String, Double> e : metrics.entrySet()) {
            Double v = e.getValue();
            byMetric.computeIfAbsent(e.getKey(), k -> new Points()).add(step, v == null ? Double.NaN : v);
        }
    }

    /** Where the chart is (or will be) written. */
    public Path chartPath() {
        return dir.resolve("chart.html");
    }

    /** Where the metrics are written, one JSON object per line. */
    public Path metricsPath() {
        return dir.resolve("metrics.jsonl");
    }

    /**
     * The chart page for everything recorded so far. Runs that report the same set of metrics form a group (e.g. the
     * digits classifier vs the three policy-optimisation runs); each group gets one panel per metric, one line per run.
     */
    public synchronized String chartHtml() {
        List<String> runs = new ArrayList<>(data.keySet());
        Map<Set<String>, List<String>> groups = new LinkedHashMap<>();
        for (String run : runs) groups.computeIfAbsent(data.get(run).keySet(), k -> new ArrayList<>()).add(run);
        List<String> panels = new ArrayList<>();
        for (List<String> group : groups.values()) {
            String suffix = groups.size() == 1 ? "" : " — " + groupName(group);
            for (String m : metricOrder(group)) {
                List<SvgChart.Series> series = new ArrayList<>();
                for (String run : group) {
                    Points p = data.get(run).get(m);
                    series.add(new SvgChart.Series(run, runs.indexOf(run), p.x(), p.y()));
                }
                String words = m.replace('_', ' '); // metric names use snake case: test_accuracy → "Test accuracy"
                String title = Character.toUpperCase(words.charAt(0)) + words.substring(1) + suffix;
                panels.add(SvgChart.panel(title, "step", words, series, m.contains("loss") && SvgChart.wantsLog(series)));
            }
        }
        List<String> metrics = metricOrder(runs);
        double[][] finals = new double[runs.size()][metrics.size()];
        for (int r = 0; r < runs.size(); r++)
            for (int c = 0; c < metrics.size(); c++) {
                Points p = data.get(runs.get(r)).get(metrics.get(c));
                finals[r][c] = p == null ? Double.NaN : p.lastFinite();
            }
        return SvgChart.html(title, panels, metrics, runs, finals);
    }

    /** A short name for a group of runs: the run itself, the runs joined with "vs" if short, else their count. */
    private static String groupName(List<String> group) {
        String joined = String.join(" vs ", group);
        return joined.length() <= 32 ? joined : group.size() + " runs";
    }

    /** Ends the progress display, closes the metrics file and writes the chart ({@link AtomicFile}: whole or not at all). */
    @Override
    public synchronized void close() throws IOException {
        if (closed) return;
        closed = true;
        progress.finish();
        log.close();
        AtomicFile.write(chartPath(), chartHtml().getBytes(StandardCharsets.UTF_8));
    }

    /** The metric names of these runs: the preferred ones present, then the rest in order of first appearance. */
    private List<String> metricOrder(List<String> runs) {
        Set<String> seen = new LinkedHashSet<>();
        for (String run : runs) seen.addAll(data.get(run).keySet());
        List<String> order = new ArrayList<>();
        for (String p : PREFERRED) if (seen.remove(p)) order.add(p);
        order.addAll(seen);
        return order;
    }

    @Override
    public String toString() {
        return "RunReport[" + title + " → " + dir + "]";
    }

    /** A growable list of (step, value) points. */
    private static final class Points {
        private double[] x = new double[64], y = new double[64];
        private int n;

        void add(double step, double value) {
            if (n == x.length) {
                x = Arrays.copyOf(x, 2 * n);
                y = Arrays.copyOf(y, 2 * n);
            }
            x[n] = step;
            y[n++] = value;
        }

        double[] x() { return Arrays.copyOf(x, n); }

        double[] y() { return Arrays.copyOf(y, n); }

        double lastFinite() {
            for (int i = n - 1; i >= 0; i--) if (Double.isFinite(y[i])) return y[i];
            return Double.NaN;
        }
    }

}
