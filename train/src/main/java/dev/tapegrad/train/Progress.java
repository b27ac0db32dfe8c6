package dev.tapegrad.train;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Shows how far a training run has got. On a terminal ({@code interactive}) it redraws one line in place with
 * {@code \r}: run name, step/total, a bar, the headline metrics, steps per second and the estimated time left.
 * Otherwise (CI logs, pipes) it prints a plain line at every tenth of the run, at most every five seconds in
 * between, and at the last step, so a 1000-step run logs about a dozen lines.
 *
 * <p>Rate and ETA: with {@code n} steps done and {@code t} seconds since the first one finished, the rate is
 * {@code r = (n - 1) / t} and the time left is {@code (total - n) / r}.
 */
public final class Progress {
    /** Metrics shown on the line, in this order, when present. */
    static final String[] SHOWN = {"loss", "reward", "accuracy", "success"};
    private static final int BAR = 24;
    private static final long REDRAW_NANOS = 100_000_000L, LOG_NANOS = 5_000_000_000L;

    private final PrintStream out;
    private final boolean interactive;
    private final LongSupplier clock;
    private String run;
    private long start, lastPrint;
    private int lastTenth;
    private boolean lineOpen;

    private Progress(PrintStream out, boolean interactive, LongSupplier clockNanos) {
        this.out = out;
        this.interactive = interactive;
        this.clock = clockNanos;
    }

    /** A live line redrawn in place on a terminal, written to {@code out}, timed by {@code clockNanos} (e.g. {@code System::nanoTime}). */
    public static Progress liveLine(PrintStream out, LongSupplier clockNanos) {
        return new Progress(out, true, clockNanos);
    }

    /** Plain log lines (for CI logs and pipes), written to {@code out}, timed by {@code clockNanos}. */
    public static Progress logLines(PrintStream out, LongSupplier clockNanos) {
        return new Progress(out, false, clockNanos);
    }

    /** {@link #liveLine} when {@code terminal}, else {@link #logLines}. */
    public static Progress forOutput(PrintStream out, boolean terminal, LongSupplier clockNanos) {
        return terminal ? liveLine(out, clockNanos) : logLines(out, clockNanos);
    }

    /** Records that step {@code step} (0-based) of {@code totalSteps} of {@code run} finished with these metrics. */
    public void update(String run, int step, int totalSteps, Map<String, Double> metrics) {
        long now = clock.getAsLong();
        if (!run.equals(this.run)) {
            finish();
            this.run = run;
            start = now;
            lastPrint = now;
            lastTenth = 0;
        }
        int done = step + 1;
        boolean last = done >= totalSteps;
        if (interactive) {
            if (last || done == 1 || now - lastPrint >= REDRAW_NANOS) {
                out.print("\r" + line(done, totalSteps, metrics, now, true) + "\u001b[K");
                out.flush();
                lineOpen = true;
                lastPrint = now;
            }
            if (last) finish();
        } else {
            int tenth = totalSteps > 0 ? (int) (10L * done / totalSteps) : 0;
            if (last || tenth > lastTenth || now - lastPrint >= LOG_NANOS) {
                out.println(line(done, totalSteps, metrics, now, false));
                lastPrint = now;
                lastTenth = tenth;
            }
        }
    }

    /** Ends an open in-place line with a newline (called when a run ends or the report closes). */
    public void finish() {
        if (lineOpen) {
            out.println();
            out.flush();
            lineOpen = false;
        }
    }

    /** One progress line: {@code GRPO  120/400 [#####.....] loss 0.412 reward 0.31  8.2 steps/s  ETA 0:34}. */
    private String line(int done, int total, Map<String, Double> metrics, long now, boolean bar) {
        StringBuilder sb = new StringBuilder();
        int width = Integer.toString(total).length();
        sb.append(run).append("  ").append(String.format(Locale.ROOT, "%" + width + "d/%d", done, total));
        if (bar) {
            int filled = total > 0 ? (int) ((long) BAR * Math.min(done, total) / total) : 0;
            sb.append(" [").append("#".repeat(filled)).append(".".repeat(BAR - filled)).append(']');
        } else {
            sb.append(String.format(Locale.ROOT, " (%3d%%)", total > 0 ? 100L * done / total : 0));
        }
        for (String name : SHOWN) {
            Double v = metrics.get(name);
            if (v != null) sb.append(' ').append(name).append(' ').append(String.format(Locale.ROOT, "%.4g", v));
        }
        double seconds = (now - start) / 1e9; // time since the first step finished
        if (seconds > 0 && done > 1) {
            double rate = (done - 1) / seconds;
            sb.append(String.format(Locale.ROOT, "  %.1f steps/s", rate));
            if (done < total) sb.append("  ETA ").append(clockTime((total - done) / rate));
        }
        return sb.toString();
    }

    /** Seconds as {@code m:ss} (or {@code h:mm:ss}). */
    static String clockTime(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
