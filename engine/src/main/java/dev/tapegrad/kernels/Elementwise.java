package dev.tapegrad.kernels;

import dev.tapegrad.DType;

/**
 * Elementwise kernels over strided inputs writing a fresh contiguous output.
 *
 * <p>Inputs have already been broadcast to the output shape (stride 0 on broadcast axes). Outputs are
 * contiguous arrays of {@code size} elements starting at index 0, of the same element type as the inputs
 * (an {@code int[]} for comparisons).
 *
 * <p>Typed entry points: the caller, which knows its tensors' {@link DType}, names the element type of the
 * arrays, and each entry point dispatches once on it. Float32 and float64 go to the SIMD kernels
 * ({@code FloatKernels}, {@code DoubleKernels}), which walk the layout row by row (adjacent axes merged, so
 * contiguous inputs are one row) and vectorise rows whose inputs have stride 1 or 0; int32 and bool, and
 * conversions between types, use {@link ReferenceKernels}, the scalar definitions. Every dispatch is a
 * {@code switch} that lists each DType and ends with {@code case null}: the {@code case null} makes it a switch
 * the compiler requires to be exhaustive, so a DType added without a kernel here (or in {@link Gemm},
 * {@link Reductions}, {@link NormKernels}, {@link SoftmaxKernels}) is a compile error, not a silent fallback.
 */
public final class Elementwise {
    private Elementwise() {}

    /** out[i] = op(x[i]); x and out of {@code dtype}. */
    public static void unary(DType dtype, UnaryOp op, Strided x, Object out) {
        switch (dtype) {
            case FLOAT32 -> FloatKernels.unary(op, x, (float[]) out);
            case FLOAT64 -> DoubleKernels.unary(op, x, (double[]) out);
            case INT32, BOOL -> ReferenceKernels.unary(op, x, out);
            case null -> throw noDType("unary");
        }
    }

    /** out[i] = op(a[i], b[i]); a, b and out of {@code dtype}. */
    public static void binary(DType dtype, BinaryOp op, Strided a, Strided b, Object out) {
        switch (dtype) {
            case FLOAT32 -> FloatKernels.binary(op, a, b, (float[]) out);
            case FLOAT64 -> DoubleKernels.binary(op, a, b, (double[]) out);
            case INT32, BOOL -> ReferenceKernels.binary(op, a, b, out);
            case null -> throw noDType("binary");
        }
    }

    /**
     * out[i] = a[i] + value·b[i]·c[i] (PyTorch's addcmul) in one pass, for a, b, c already broadcast to one
     * shape, all of {@code dtype}. Float and double arrays use one fused multiply-add per element (so the result
     * may differ from a separate multiply and add by the rounding of the product); int arrays use
     * {@link ReferenceKernels}.
     */
    public static void addcmul(DType dtype, Strided a, Strided b, Strided c, double value, Object out) {
        switch (dtype) {
            case FLOAT32 -> FloatKernels.addcmul(a, b, c, value, (float[]) out);
            case FLOAT64 -> DoubleKernels.addcmul(a, b, c, value, (double[]) out);
            case INT32, BOOL -> ReferenceKernels.addcmul(a, b, c, value, out);
            case null -> throw noDType("addcmul");
        }
    }

    /** out[i] = op(a[i], b[i]) ? 1 : 0, for a of {@code aType} and b of {@code bType} (values of mixed types compare as doubles). */
    public static void compare(DType aType, DType bType, CompareOp op, Strided a, Strided b, int[] out) {
        if (aType != bType) {
            ReferenceKernels.compare(op, a, b, out);
            return;
        }
        switch (aType) {
            case FLOAT32 -> FloatKernels.compare(op, a, b, out);
            case FLOAT64 -> DoubleKernels.compare(op, a, b, out);
            case INT32, BOOL -> ReferenceKernels.compare(op, a, b, out);
            case null -> throw noDType("compare");
        }
    }

    /** out[i] = mask[i] != 0 ? a[i] : b[i]; a, b and out of {@code dtype}, the mask an int (bool) array. */
    public static void where(DType dtype, Strided mask, Strided a, Strided b, Object out) {
        switch (dtype) {
            case FLOAT32 -> FloatKernels.where(mask, a, b, (float[]) out);
            case FLOAT64 -> DoubleKernels.where(mask, a, b, (double[]) out);
            case INT32, BOOL -> ReferenceKernels.where(mask, a, b, out);
            case null -> throw noDType("where");
        }
    }

    /** out[i] = clamp(x[i], lo, hi) (NaN stays NaN); x and out of {@code dtype}. */
    public static void clamp(DType dtype, Strided x, double lo, double hi, Object out) {
        switch (dtype) {
            case FLOAT32 -> FloatKernels.clamp(x, lo, hi, (float[]) out);
            case FLOAT64 -> DoubleKernels.clamp(x, lo, hi, (double[]) out);
            case INT32, BOOL -> ReferenceKernels.clamp(x, lo, hi, out);
            case null -> throw noDType("clamp");
        }
    }

    /**
     * Copies a strided layout of type {@code from} into a contiguous array of type {@code to}, converting the
     * element type when they differ (float to int truncates toward zero).
     */
    public static void copy(DType from, DType to, Strided x, Object out) {
        if (from != to) {
            ReferenceKernels.copy(x, out);
            return;
        }
        switch (from) {
            case FLOAT32 -> FloatKernels.copy(x, (float[]) out, false);
            case FLOAT64 -> DoubleKernels.copy(x, (double[]) out, false);
            case INT32, BOOL -> ReferenceKernels.copy(x, out);
            case null -> throw noDType("copy");
        }
    }

    /**
     * Writes the values of a contiguous array of type {@code from} into a strided layout of type {@code to}
     * (the inverse of {@link #copy}).
     */
    public static void scatterInto(DType from, DType to, Object src, Strided dst) {
        if (from != to) {
            ReferenceKernels.scatterInto(src, dst);
            return;
        }
        switch (from) {
            case FLOAT32 -> FloatKernels.copy(dst, (float[]) src, true);
            case FLOAT64 -> DoubleKernels.copy(dst, (double[]) src, true);
            case INT32, BOOL -> ReferenceKernels.scatterInto(src, dst);
            case null -> throw noDType("scatterInto");
        }
    }

    /** The failure of a dispatch given no dtype. */
    static NullPointerException noDType(String kernel) {
        return new NullPointerException(kernel + ": the arrays' dtype is null");
    }

    /** The failure of a kernel that exists for float32 and float64 only. */
    static IllegalArgumentException floatingOnly(String kernel, DType dtype) {
        return new IllegalArgumentException(kernel + ": the kernel takes float32 or float64 arrays, got " + dtype);
    }
}
