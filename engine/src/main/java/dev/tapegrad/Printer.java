package dev.tapegrad;

/** Formats a tensor for {@link Tensor#toString()}: header, then values (elided in the middle when large). */
final class Printer {
    private Printer() {}

    private static final int EDGE = 3;

    static String format(Tensor t) {
        StringBuilder sb = new StringBuilder("tensor(");
        double[] v = t.toDoubleArray();
        appendBlock(sb, t, v, 0, 0);
        sb.append(", shape=").append(Shapes.str(t.shape)).append(", dtype=").append(t.dtype());
        if (t.gradFn != null) sb.append(", gradFn=").append(t.gradFn.op);
        else if (t.requiresGrad) sb.append(", requiresGrad=true");
        return sb.append(')').toString();
    }

    private static void appendBlock(StringBuilder sb, Tensor t, double[] v, int axis, int base) {
        if (axis == t.shape.length) {
            appendValue(sb, t.dtype(), v[base]);
            return;
        }
        int n = t.shape[axis];
        int inner = 1;
        for (int a = axis + 1; a < t.shape.length; a++) inner *= t.shape[a];
        sb.append('[');
        for (int i = 0; i < n; i++) {
            if (n > 2 * EDGE && i == EDGE) {
                sb.append("..., ");
                i = n - EDGE;
            }
            appendBlock(sb, t, v, axis + 1, base + i * inner);
            if (i < n - 1) sb.append(", ");
        }
        sb.append(']');
    }

    private static void appendValue(StringBuilder sb, DType dtype, double x) {
        if (dtype.isFloating()) sb.append(String.format(java.util.Locale.ROOT, "%.4g", x));
        else if (dtype == DType.BOOL) sb.append(x != 0);
        else sb.append((long) x);
    }
}
