package dev.tapegrad.check;

import dev.tapegrad.Tensor;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;

/** Formats counterexamples for failure messages: arrays, collections and tensors in full (exact doubles). */
final class Show {
    private Show() {}

    /** Tensors with more elements are abbreviated. */
    private static final int MAX_TENSOR_ELEMENTS = 256;

    static String value(Object v) {
        return switch (v) {
            case null -> "null";
            case Tensor t -> tensor(t);
            case int[] a -> Arrays.toString(a);
            case long[] a -> Arrays.toString(a);
            case double[] a -> Arrays.toString(a);
            case float[] a -> Arrays.toString(a);
            case boolean[] a -> Arrays.toString(a);
            case Object[] a -> Arrays.stream(a).map(Show::value).collect(Collectors.joining(", ", "[", "]"));
            case Collection<?> c -> c.stream().map(Show::value).collect(Collectors.joining(", ", "[", "]"));
            case Map<?, ?> m -> m.entrySet().stream().map(e -> value(e.getKey()) + "=" + value(e.getValue()))
                    .collect(Collectors.joining(", ", "{", "}"));
            case Gen.Pair<?, ?> p -> "(" + value(p.first()) + ", " + value(p.second()) + ")";
            default -> String.valueOf(v);
        };
    }

    /** {@code float64 [2, 2] [[1.0, -0.5], [0.25, 2.0]]}: dtype, shape and every value, exactly. */
    static String tensor(Tensor t) {
        if (t.numel() > MAX_TENSOR_ELEMENTS) return t.toString();
        StringBuilder sb = new StringBuilder().append(t.dtype()).append(' ').append(Arrays.toString(t.shape())).append(' ');
        double[] v = t.toDoubleArray();
        block(sb, t.shape(), v, 0, 0);
        return sb.toString();
    }

    private static void block(StringBuilder sb, int[] shape, double[] v, int axis, int base) {
        if (axis == shape.length) {
            sb.append(v[base]);
            return;
        }
        int inner = 1;
        for (int a = axis + 1; a < shape.length; a++) inner *= shape[a];
        sb.append('[');
        for (int i = 0; i < shape[axis]; i++) {
            if (i > 0) sb.append(", ");
            block(sb, shape, v, axis + 1, base + i * inner);
        }
        sb.append(']');
    }

    /** "ClassName: message" of a failure, with continuation lines indented. */
    static String reason(Throwable t) {
        String msg = t.getMessage();
        String head = t.getClass().getSimpleName();
        return (msg == null ? head : head + ": " + msg).replace("\n", "\n    ");
    }

    /** The row-major multi-index of a flat position in a shape. */
    static int[] multiIndex(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int a = shape.length - 1; a >= 0; a--) {
            idx[a] = flat % shape[a];
            flat /= shape[a];
        }
        return idx;
    }
}
