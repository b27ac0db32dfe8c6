package dev.tapegrad.kernels;

/**
 * Fused layer norm and RMS norm over the rows of a contiguous [rows, n] array (float or double; see
 * {@link NormFloat} for the math). With μ the row mean (0 when not {@code centre}, RMS norm) and
 * r = 1/√(mean((x − μ)²) + ε), x̂ = (x − μ)·r.
 */
public final class NormKernels {
    private NormKernels() {}

    /**
     * out = x̂·w + b per row, storing μ (if {@code mean} is non-null) and r per row. Arrays are all float[] or
     * all double[]; w and b may be null (1 and 0). {@code out}, {@code mean} and {@code rstd} start at 0.
     */
    public static void forward(boolean centre, int rows, int n, Object x, int xOff, Object w, Object b, double eps,
                               Object out, Object mean, Object rstd) {
        if (x instanceof float[] xs) {
            NormFloat.forward(centre, rows, n, xs, xOff, (float[]) w, (float[]) b, eps, (float[]) out, (float[]) mean,
                    (float[]) rstd);
        } else {
            NormDouble.forward(centre, rows, n, (double[]) x, xOff, (double[]) w, (double[]) b, eps, (double[]) out,
                    (double[]) mean, (double[]) rstd);
        }
    }

    /**
     * dx = r·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) per row with ĝ = g·w (RMS: without mean(ĝ)); when non-null,
     * dw = Σ_rows g·x̂ and db = Σ_rows g. μ and r are those stored by {@link #forward}.
     */
    public static void backward(boolean centre, int rows, int n, Object x, int xOff, Object g, int gOff, Object w,
                                Object mean, Object rstd, Object dx, Object dw, Object db) {
        if (x instanceof float[] xs) {
            NormFloat.backward(centre, rows, n, xs, xOff, (float[]) g, gOff, (float[]) w, (float[]) mean,
                    (float[]) rstd, (float[]) dx, (float[]) dw, (float[]) db);
        } else {
            NormDouble.backward(centre, rows, n, (double[]) x, xOff, (double[]) g, gOff, (double[]) w,
                    (double[]) mean, (double[]) rstd, (double[]) dx, (double[]) dw, (double[]) db);
        }
    }
}
