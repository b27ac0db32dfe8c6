package dev.tapegrad.train;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * Appends one JSON object per training step to a file (JSON Lines): {@code {"run":"GRPO","step":3,"loss":0.41,...}}.
 * Each line is flushed as it is written, so the file is readable while a run is in progress and survives a crash.
 * JSON has no NaN or infinity, so non-finite values are written as {@code null}.
 */
public final class MetricsLog implements Closeable {
    private final BufferedWriter out;

    /** Opens {@code file} for appending (created if missing). */
    public MetricsLog(Path file) throws IOException {
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /**
     * Writes and flushes one line for step {@code step} of {@code run}, metrics sorted by name (so the same run
     * writes the same bytes whatever map the caller used: {@code Map.of}'s order changes between JVMs).
     */
    public void write(String run, int step, Map<String, Double> metrics) {
        try {
            out.write(line(run, step, metrics));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JSON object for one step, without the newline. */
    static String line(String run, int step, Map<String, Double> metrics) {
        StringBuilder sb = new StringBuilder("{\"run\":").append(quote(run)).append(",\"step\":").append(step);
        for (Map.Entry<String, Double> e : new java.util.TreeMap<>(metrics).entrySet()) {
            Double v = e.getValue();
            sb.append(',').append(quote(e.getKey())).append(':');
            sb.append(v == null || !Double.isFinite(v) ? "null" : number(v));
        }
        return sb.append('}').toString();
    }

    /** A finite double as a JSON number: integers without a fraction, others in Java's shortest round-trip form. */
    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** A JSON string literal: quotes, backslashes and control characters escaped. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
