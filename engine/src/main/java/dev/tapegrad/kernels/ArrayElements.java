package dev.tapegrad.kernels;

/** Reads and writes one element of a {@code float[]}, {@code double[]} or {@code int[]} as a double. */
public final class ArrayElements {
    private ArrayElements() {}

    public static double get(Object array, int i) {
        return switch (array) {
            case double[] d -> d[i];
            case float[] f -> f[i];
            case int[] n -> n[i];
            default -> throw new IllegalArgumentException("not a numeric array: " + array.getClass());
        };
    }

    public static void set(Object array, int i, double v) {
        switch (array) {
            case double[] d -> d[i] = v;
            case float[] f -> f[i] = (float) v;
            case int[] n -> n[i] = (int) v;
            default -> throw new IllegalArgumentException("not a numeric array: " + array.getClass());
        }
    }
}
