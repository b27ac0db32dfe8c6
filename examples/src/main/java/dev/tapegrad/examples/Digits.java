package dev.tapegrad.examples;

import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The UCI handwritten digits (1797 images of 8×8 pixels with values 0..16, classes 0..9; E. Alpaydin and
 * C. Kaynak, 1998, CC BY 4.0), bundled as a resource, with a seeded train/test split.
 *
 * @param features float32 {@code [n, 64]}, pixels scaled to [0, 1]
 * @param labels   int32 {@code [n]}
 */
public record Digits(Tensor features, Tensor labels) {

    /** Number of pixels per image. */
    public static final int PIXELS = 64;
    /** Number of classes. */
    public static final int CLASSES = 10;

    /** Loads all 1797 samples. */
    public static Digits load() {
        try (InputStream raw = Digits.class.getResourceAsStream("data/digits.csv.gz")) {
            if (raw == null) throw new IllegalStateException("digits data resource is missing from the examples jar");
            BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.US_ASCII));
            List<String[]> rows = new ArrayList<>();
            for (String line; (line = in.readLine()) != null; ) {
                if (!line.isBlank()) rows.add(line.split(","));
            }
            float[] x = new float[rows.size() * PIXELS];
            int[] y = new int[rows.size()];
            for (int r = 0; r < rows.size(); r++) {
                String[] cells = rows.get(r);
                if (cells.length != PIXELS + 1) {
                    throw new IllegalStateException("digits line " + (r + 1) + " has " + cells.length + " fields, expected 65");
                }
                for (int c = 0; c < PIXELS; c++) x[r * PIXELS + c] = Integer.parseInt(cells[c].trim()) / 16f;
                y[r] = Integer.parseInt(cells[PIXELS].trim());
            }
            return new Digits(Tensor.of(x, rows.size(), PIXELS), Tensor.of(y));
        } catch (IOException e) {
            throw new UncheckedIOException("reading the digits data", e);
        }
    }

    /** Number of samples. */
    public int size() {
        return labels.size(0);
    }

    /** The samples at the given positions (int32 indices). */
    public Digits subset(Tensor indices) {
        return new Digits(features.indexSelect(0, indices), labels.indexSelect(0, indices));
    }

    /** A seeded shuffle split into (train, test) with {@code testSize} test samples. */
    public List<Digits> split(int testSize, long seed) {
        Tensor order = Tensor.randperm(new Generator(seed), size());
        Tensor test = order.slice(0, 0, testSize);
        Tensor train = order.slice(0, testSize, size());
        return List.of(subset(train.contiguous()), subset(test.contiguous()));
    }

    /** Features converted to the given dtype. */
    public Tensor features(DType dtype) {
        return features.to(dtype);
    }
}
