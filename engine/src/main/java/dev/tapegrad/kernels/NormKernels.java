package dev.tapegrad.kernels;

import dev.tapegrad.DType;

/**
 * Fused layer norm and RMS norm over the rows of a contiguous [rows, n] array (float or double; see
 * {@link NormFloat} for the math). With μ the row mean (0 when not {@code centre}, RMS norm) and
 * r = 1/√(mean((x − μ)²) + ε), x̂ = (x − μ)·r. Each entry point dispatches once on the arrays' {@link DType},
 * with every dtype listed (see {@link Elementwise}); there are no int kernels.
 */
public final class NormKernels {
    private NormKernels() {}

    /**
     * out = x̂·w + b per row, storing μ (if {@code mean} is non-null) and r per row. Arrays are all of
     * {@code dtype}, float32 or float64; w and b may be null (1 and 0). {@code out}, {@code mean} and
     * {@code rstd} start at 0.
     */
    public static void forward(DType dtype, boolean centre, int rows, int n, Object x, int xOff, Object w, Object b,
                               double eps, Object out, Object mean, Object rstd) {
        switch (dtype) {
            case FLOAT32 -> NormFloat.forward(centre, rows, n, (float[]) x, xOff, (float[]) w, (float[]) b, eps,
                    (float[]) out, (float[]) mean, (float[]) rstd);
            case FLOAT64 -> NormDouble.forward(centre, rows, n, (double[]) x, xOff, (double[]) w, (double[]) b, eps,
                    (double[]) out, (double[]) mean, (double[]) rstd);
            case INT32, BOOL -> throw Elementwise.floatingOnly("norm", dtype);
            case null -> throw Elementwise.noDType("norm");
        }
    }

    /**
     * dx = r·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) per row with ĝ = g·w (RMS: without mean(ĝ)); when non-null,
     * dw = Σ_rows g·x̂ and db = Σ_rows g. μ and r are those stored by {@link #forward}; arrays of {@code dtype}.
     */
    public static void backward(DType dtype, boolean centre, int rows, int n, Object x, int xOff, Object g, int gOff,
                                Object w, Object mean, Object rstd, Object dx, Object dw, Object db) {
        switch (dtype) {
            case FLOAT32 -> NormFloat.backward(centre, rows, n, (float[]) x, xOff, (float[]) g, gOff, (float[]) w,
                    (float[]) mean, (float[]) rstd, (float[]) dx, (float[]) dw, (float[]) db);
            case FLOAT64 -> NormDouble.backward(centre, rows, n, (double[]) x, xOff, (double[]) g, gOff, (double[]) w,
                    (double[]) mean, (double[]) rstd, (double[]) dx, (double[]) dw, (double[]) db);
            case INT32, BOOL -> throw Elementwise.floatingOnly("norm backward", dtype);
            case null -> throw Elementwise.noDType("norm backward");
        }
    }
}
