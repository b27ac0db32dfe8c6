package dev.tapegrad.kernels;

/**
 * Elementwise kernels over strided inputs writing a fresh contiguous output.
 *
 * <p>Inputs have already been broadcast to the output shape (stride 0 on broadcast axes). Outputs are
 * contiguous arrays of {@code size} elements starting at index 0, of the same element type as the inputs
 * (an {@code int[]} for comparisons).
 *
 * <p>Float and double arrays go to the SIMD kernels ({@code FloatKernels}, {@code DoubleKernels}), which
 * walk the layout row by row (adjacent axes merged, so contiguous inputs are one row) and vectorise rows
 * whose inputs have stride 1 or 0; int arrays, mixed element types and conversions use
 * {@link ReferenceKernels}, the scalar definitions.
 */
public final class Elementwise {
    private Elementwise() {}

    /** out[i] = op(x[i]). */
    public static void unary(UnaryOp op, Strided x, Object out) {
        if (out instanceof float[] o && x.data() instanceof float[]) FloatKernels.unary(op, x, o);
        else if (out instanceof double[] o && x.data() instanceof double[]) DoubleKernels.unary(op, x, o);
        else ReferenceKernels.unary(op, x, out);
    }

    /** out[i] = op(a[i], b[i]). */
    public static void binary(BinaryOp op, Strided a, Strided b, Object out) {
        if (out instanceof float[] o && a.data() instanceof float[] && b.data() instanceof float[]) {
            FloatKernels.binary(op, a, b, o);
        } else if (out instanceof double[] o && a.data() instanceof double[] && b.data() instanceof double[]) {
            DoubleKernels.binary(op, a, b, o);
        } else {
            ReferenceKernels.binary(op, a, b, out);
        }
    }

    /**
     * out[i] = a[i] + value·b[i]·c[i] (PyTorch's addcmul) in one pass, for a, b, c already broadcast to one
     * shape. Float and double arrays use one fused multiply-add per element (so the result may differ from
     * a separate multiply and add by the rounding of the product); other types use {@link ReferenceKernels}.
     */
    public static void addcmul(Strided a, Strided b, Strided c, double value, Object out) {
        if (out instanceof float[] o && a.data() instanceof float[] && b.data() instanceof float[] && c.data() instanceof float[]) {
            FloatKernels.addcmul(a, b, c, value, o);
        } else if (out instanceof double[] o && a.data() instanceof double[] && b.data() instanceof double[]
                && c.data() instanceof double[]) {
            DoubleKernels.addcmul(a, b, c, value, o);
        } else {
            ReferenceKernels.addcmul(a, b, c, value, out);
        }
    }

    /** out[i] = op(a[i], b[i]) ? 1 : 0. */
    public static void compare(CompareOp op, Strided a, Strided b, int[] out) {
        if (a.data() instanceof float[] && b.data() instanceof float[]) FloatKernels.compare(op, a, b, out);
        else if (a.data() instanceof double[] && b.data() instanceof double[]) DoubleKernels.compare(op, a, b, out);
        else ReferenceKernels.compare(op, a, b, out);
    }

    /** out[i] = mask[i] != 0 ? a[i] : b[i]. */
    public static void where(Strided mask, Strided a, Strided b, Object out) {
        if (out instanceof float[] o && a.data() instanceof float[] && b.data() instanceof float[]) {
            FloatKernels.where(mask, a, b, o);
        } else if (out instanceof double[] o && a.data() instanceof double[] && b.data() instanceof double[]) {
            DoubleKernels.where(mask, a, b, o);
        } else {
            ReferenceKernels.where(mask, a, b, out);
        }
    }

    /** out[i] = clamp(x[i], lo, hi) (NaN stays NaN). */
    public static void clamp(Strided x, double lo, double hi, Object out) {
        if (out instanceof float[] o && x.data() instanceof float[]) FloatKernels.clamp(x, lo, hi, o);
        else if (out instanceof double[] o && x.data() instanceof double[]) DoubleKernels.clamp(x, lo, hi, o);
        else ReferenceKernels.clamp(x, lo, hi, out);
    }

    /**
     * Copies a strided layout into a contiguous array, converting the element type when {@code out} is of
     * another type (float to int truncates toward zero).
     */
    public static void copy(Strided x, Object out) {
        if (out instanceof float[] o && x.data() instanceof float[]) FloatKernels.copy(x, o, false);
        else if (out instanceof double[] o && x.data() instanceof double[]) DoubleKernels.copy(x, o, false);
        else ReferenceKernels.copy(x, out);
    }

    /** Writes the values of a contiguous array into a strided layout (the inverse of {@link #copy}). */
    public static void scatterInto(Object src, Strided dst) {
        if (src instanceof float[] s && dst.data() instanceof float[]) FloatKernels.copy(dst, s, true);
        else if (src instanceof double[] s && dst.data() instanceof double[]) DoubleKernels.copy(dst, s, true);
        else ReferenceKernels.scatterInto(src, dst);
    }
}
