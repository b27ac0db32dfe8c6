package dev.tapegrad.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Small self-written line charts as SVG: one panel per metric, one coloured line per run, with a title, a legend,
 * grid lines, axis titles and "nice" tick values (1, 2 or 5 times a power of ten), linear or logarithmic y.
 * Long noisy series are drawn faintly per step with a centred moving average on top. {@link #html} wraps panels
 * and a table of final values into one self-contained HTML page.
 */
public final class SvgChart {
    /** Okabe–Ito colours, distinguishable with the common forms of colour blindness (yellow, the weakest, last). */
    static final String[] PALETTE = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"};
    static final int WIDTH = 600, HEIGHT = 360;
    private static final int LEFT = 72, RIGHT = 24, BOTTOM = 52, TITLE_Y = 24, LEGEND_Y = 46, LEGEND_ROW = 18;
    private static final double CHAR_W = 7.2; // approximate width of a 12px sans-serif character
    /** Series longer than this get a moving average drawn over the faint raw line. */
    static final int SMOOTH_ABOVE = 60;

    private SvgChart() {}

    /** One run's line: its name, its colour index into {@link #PALETTE}, and its points (x[i], y[i]). */
    public record Series(String name, int colour, double[] x, double[] y) {}

    /**
     * Tick values for an axis covering [{@code lo}, {@code hi}] with about {@code target} intervals: the spacing is
     * the smallest of {1, 2, 5}·10^k at least {@code (hi - lo) / target}; the first tick is the largest multiple of
     * the spacing ≤ lo and the last the smallest ≥ hi, so the ticks always cover the range.
     */
    public static double[] niceTicks(double lo, double hi, int target) {
        if (!(lo <= hi) || !Double.isFinite(lo) || !Double.isFinite(hi) || target < 1)
            throw new IllegalArgumentException("niceTicks: need finite lo <= hi and target >= 1, got " + lo + ", " + hi + ", " + target);
        if (lo == hi) {
            double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1;
            lo -= pad;
            hi += pad;
        }
        double step = niceStep((hi - lo) / target);
        long first = (long) Math.floor(lo / step + 1e-9), last = (long) Math.ceil(hi / step - 1e-9);
        double[] ticks = new double[(int) (last - first + 1)];
        for (int i = 0; i < ticks.length; i++) ticks[i] = (first + i) * step;
        return ticks;
    }

    /** The smallest of 1·10^k, 2·10^k, 5·10^k that is ≥ {@code raw} (raw > 0). */
    static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5, 10}) if (m * p >= raw * (1 - 1e-9)) return m * p;
        return 10 * p;
    }

    /**
     * Tick values for a logarithmic axis covering [{@code lo}, {@code hi}] (both > 0): the powers of ten from
     * 10^⌊log₁₀ lo⌋ to 10^⌈log₁₀ hi⌉, plus 2·10^k and 5·10^k when that spans at most two decades.
     */
    public static double[] logTicks(double lo, double hi) {
        if (!(lo > 0) || !(lo <= hi) || !Double.isFinite(hi))
            throw new IllegalArgumentException("logTicks: need 0 < lo <= hi, got " + lo + ", " + hi);
        int a = (int) Math.floor(Math.log10(lo) + 1e-9), b = (int) Math.ceil(Math.log10(hi) - 1e-9);
        if (b == a) b++;
        List<Double> ticks = new ArrayList<>();
        for (int k = a; k <= b; k++) {
            double p = Math.pow(10, k);
            ticks.add(p);
            if (b - a <= 2 && k < b) {
                ticks.add(2 * p);
                ticks.add(5 * p);
            }
        }
        return ticks.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Whether a log scale suits these values: all finite ones positive and spanning at least two decades. */
    public static boolean wantsLog(List<Series> series) {
        double lo = Double.POSITIVE_INFINITY, hi = 0;
        for (Series s : series)
            for (double v : s.y()) {
                if (!Double.isFinite(v)) continue;
                if (v <= 0) return false;
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        return hi > 0 && hi / lo >= 100;
    }

    /** A tick label: fixed-point with as many decimals as the spacing needs, scientific for very large/small. */
    static String label(double v, double spacing) {
        if (v == 0) return "0";
        double a = Math.abs(v);
        if (a >= 1e6 || a < 1e-4 || spacing < 1e-4) {
            String s = String.format(Locale.ROOT, "%.2e", v); // e.g. 1.50e-05 → 1.5e-5
            String mant = s.substring(0, s.indexOf('e')).replaceAll("\\.?0+$", "");
            return mant + "e" + Integer.parseInt(s.substring(s.indexOf('e') + 1));
        }
        int decimals = Math.max(0, (int) Math.ceil(-Math.log10(spacing) - 1e-9));
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** A label on a log axis: each tick (1, 2 or 5 · 10^k) needs exactly the digits of its own magnitude. */
    static String logLabel(double v) {
        return label(v, v);
    }

    /**
     * One panel as a standalone SVG element: {@code title} on top, the legend under it, the plot with grid lines,
     * x axis titled {@code xLabel} and y axis titled {@code yLabel}; log-scale y if {@code logY}.
     */
    public static String panel(String title, String xLabel, String yLabel, List<Series> series, boolean logY) {
        // legend rows: entries laid left to right, wrapping at the panel width
        List<double[]> legendAt = new ArrayList<>();
        double lx = LEFT, ly = LEGEND_Y;
        for (Series s : series) {
            double w = 28 + s.name().length() * CHAR_W + 18;
            if (lx + w > WIDTH - RIGHT && lx > LEFT) {
                lx = LEFT;
                ly += LEGEND_ROW;
            }
            legendAt.add(new double[] {lx, ly});
            lx += w;
        }
        double top = ly + 16, bottom = HEIGHT - BOTTOM, left = LEFT, right = WIDTH - RIGHT;

        double xlo = Double.POSITIVE_INFINITY, xhi = Double.NEGATIVE_INFINITY;
        double ylo = Double.POSITIVE_INFINITY, yhi = Double.NEGATIVE_INFINITY;
        for (Series s : series)
            for (int i = 0; i < s.x().length; i++) {
                double y = s.y()[i];
                if (!Double.isFinite(y) || logY && y <= 0) continue;
                xlo = Math.min(xlo, s.x()[i]);
                xhi = Math.max(xhi, s.x()[i]);
                ylo = Math.min(ylo, y);
                yhi = Math.max(yhi, y);
            }
        if (xlo > xhi) { // nothing to draw
            xlo = 0;
            xhi = 1;
            ylo = logY ? 1 : 0;
            yhi = logY ? 10 : 1;
        }
        double[] xt = niceTicks(xlo, xhi, 6);
        double[] yt = logY ? logTicks(ylo, yhi) : niceTicks(ylo, yhi, 5);
        Axis ax = new Axis(xt[0], xt[xt.length - 1], left, right, false);
        Axis ay = new Axis(yt[0], yt[yt.length - 1], bottom, top, logY);

        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "font-family=\"system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif\" font-size=\"12\">\n",
                WIDTH, HEIGHT, WIDTH, HEIGHT));
        sb.append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
        sb.append(text(WIDTH / 2.0, TITLE_Y, "middle", "font-size=\"15\" font-weight=\"600\"", title));
        // grid and tick labels
        sb.append("<g stroke=\"#e3e3e3\" stroke-width=\"1\">\n");
        for (double t : xt) sb.append(line(ax.map(t), top, ax.map(t), bottom));
        for (double t : yt) sb.append(line(left, ay.map(t), right, ay.map(t)));
        sb.append("</g>\n<g fill=\"#444444\">\n");
        double xSpacing = xt.length > 1 ? xt[1] - xt[0] : 1, ySpacing = yt.length > 1 ? yt[1] - yt[0] : 1;
        for (double t : xt) sb.append(text(ax.map(t), bottom + 18, "middle", "", label(t, xSpacing)));
        for (double t : yt)
            sb.append(text(left - 8, ay.map(t) + 4, "end", "", logY ? logLabel(t) : label(t, ySpacing)));
        sb.append("</g>\n");
        sb.append(String.format(Locale.ROOT,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#888888\"/>\n",
                left, top, right - left, bottom - top));
        // axis titles
        sb.append(text((left + right) / 2, HEIGHT - 12, "middle", "font-size=\"13\"", xLabel));
        sb.append(String.format(Locale.ROOT, "<text x=\"0\" y=\"0\" text-anchor=\"middle\" font-size=\"13\" "
                + "transform=\"translate(18 %.1f) rotate(-90)\">%s</text>\n", (top + bottom) / 2,
                escape(yLabel + (logY ? " (log scale)" : ""))));
        // lines, clipped to the plot area
        String clip = "clip-" + Integer.toHexString((title + yLabel).hashCode());
        sb.append(String.format(Locale.ROOT, "<clipPath id=\"%s\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                + "height=\"%.1f\"/></clipPath>\n<g clip-path=\"url(#%s)\" fill=\"none\" stroke-linejoin=\"round\">\n",
                clip, left, top - 2, right - left, bottom - top + 4, clip));
        for (Series s : series) {
            String colour = PALETTE[Math.floorMod(s.colour(), PALETTE.length)];
            boolean smooth = s.y().length > SMOOTH_ABOVE;
            if (smooth) {
                sb.append(path(s.x(), s.y(), ax, ay, colour, "raw", 1, 0.28));
                sb.append(path(s.x(), movingAverage(s.y(), smoothingWindow(s.y().length)), ax, ay, colour, "series", 2, 1));
            } else {
                sb.append(path(s.x(), s.y(), ax, ay, colour, "series", 2, 1));
            }
        }
        sb.append("</g>\n<g class=\"legend\">\n");
        for (int i = 0; i < series.size(); i++) {
            double[] at = legendAt.get(i);
            String colour = PALETTE[Math.floorMod(series.get(i).colour(), PALETTE.length)];
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                    + "stroke-width=\"3\"/>\n", at[0], at[1] - 4, at[0] + 22, at[1] - 4, colour));
            sb.append(text(at[0] + 28, at[1], "start", "class=\"legend-entry\"", series.get(i).name()));
        }
        sb.append("</g>\n</svg>\n");
        return sb.toString();
    }

    /** The moving-average window for {@code n} points: about n/30, odd, at least 3. */
    static int smoothingWindow(int n) {
        return Math.max(3, n / 30) | 1;
    }

    /** Centred moving average over {@code window} points (fewer at the ends), ignoring non-finite values. */
    static double[] movingAverage(double[] y, int window) {
        int n = y.length, half = window / 2;
        double[] sum = new double[n + 1];
        int[] count = new int[n + 1];
        for (int i = 0; i < n; i++) {
            boolean ok = Double.isFinite(y[i]);
            sum[i + 1] = sum[i] + (ok ? y[i] : 0);
            count[i + 1] = count[i] + (ok ? 1 : 0);
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            int a = Math.max(0, i - half), b = Math.min(n, i + half + 1);
            int c = count[b] - count[a];
            out[i] = Double.isFinite(y[i]) && c > 0 ? (sum[b] - sum[a]) / c : Double.NaN;
        }
        return out;
    }

    /** Maps data values to pixels: linearly, or linearly in log₁₀ v. */
    private record Axis(double lo, double hi, double from, double to, boolean log) {
        double map(double v) {
            double a = log ? Math.log10(lo) : lo, b = log ? Math.log10(hi) : hi, t = log ? Math.log10(v) : v;
            return from + (t - a) / (b - a) * (to - from);
        }
    }

    /** A polyline through the finite points, broken where a value is missing (NaN/∞, or ≤ 0 on a log axis). */
    private static String path(double[] x, double[] y, Axis ax, Axis ay, String colour, String cls, double width, double opacity) {
        StringBuilder d = new StringBuilder();
        boolean pen = false;
        for (int i = 0; i < y.length; i++) {
            if (!Double.isFinite(y[i]) || ay.log() && y[i] <= 0) {
                pen = false;
                continue;
            }
            d.append(pen ? 'L' : 'M').append(String.format(Locale.ROOT, "%.1f %.1f", ax.map(x[i]), ay.map(y[i])));
            pen = true;
        }
        return String.format(Locale.ROOT, "<path class=\"%s\" d=\"%s\" stroke=\"%s\" stroke-width=\"%s\" stroke-opacity=\"%s\"/>\n",
                cls, d.length() == 0 ? "M0 0" : d, colour, width, opacity);
    }

    private static String line(double x1, double y1, double x2, double y2) {
        return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", x1, y1, x2, y2);
    }

    private static String text(double x, double y, String anchor, String attrs, String content) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" %s>%s</text>\n",
                x, y, anchor, attrs, escape(content));
    }

    /** Escapes text for XML/HTML content and attribute values. */
    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /**
     * A self-contained HTML page: {@code title}, the SVG panels in a grid, a note on smoothing, and a table with
     * one row per run and one column per metric (— where a run has no value for that metric).
     */
    public static String html(String title, List<String> panels, List<String> columns, List<String> rows, double[][] values) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(escape(title)).append("</title>\n<style>\n")
                .append("body{font-family:system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;margin:24px 32px;color:#222}\n")
                .append("h1{font-size:22px;font-weight:600;margin:0 0 4px}\n")
                .append("p.note{color:#555;font-size:13px;margin:0 0 16px}\n")
                .append(".panels{display:flex;flex-wrap:wrap;gap:16px}\n")
                .append(".panels svg{border:1px solid #ddd;border-radius:4px;max-width:100%;height:auto}\n")
                .append("table{border-collapse:collapse;margin-top:20px;font-size:13px}\n")
                .append("th,td{padding:4px 12px;border-bottom:1px solid #ddd}th{text-align:left}td{text-align:right;font-variant-numeric:tabular-nums}\n")
                .append("</style>\n</head>\n<body>\n<h1>").append(escape(title)).append("</h1>\n")
                .append("<p class=\"note\">Curves with more than ").append(SMOOTH_ABOVE)
                .append(" steps: faint line per step, solid line a centred moving average.</p>\n")
                .append("<div class=\"panels\">\n");
        for (String p : panels) sb.append(p);
        sb.append("</div>\n<table>\n<caption style=\"text-align:left;font-weight:600;padding-bottom:6px\">Final values</caption>\n<tr><th>run</th>");
        for (String c : columns) sb.append("<th style=\"text-align:right\">").append(escape(c)).append("</th>");
        sb.append("</tr>\n");
        for (int r = 0; r < rows.size(); r++) {
            sb.append("<tr><th>").append(escape(rows.get(r))).append("</th>");
            for (double v : values[r])
                sb.append("<td>").append(Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.4g", v)).append("</td>");
            sb.append("</tr>\n");
        }
        return sb.append("</table>\n</body>\n</html>\n").toString();
    }
}
