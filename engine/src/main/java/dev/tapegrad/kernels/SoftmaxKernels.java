package dev.tapegrad.kernels;

import dev.tapegrad.DType;

/**
 * Fused row kernels of the softmax family for float and double arrays (SIMD, one kernel per row; see
 * {@link SoftmaxFloat} for the layout and the treatment of infinite rows).
 *
 * <p>Inputs are contiguous blocks {@code [outer, n, inner]} starting at an offset, where n is the length
 * of the softmax (class) axis; outputs are fresh contiguous arrays of the same layout (per-row outputs:
 * {@code [outer, inner]}). Every floating array of a call is of the {@link DType} the caller names; each entry
 * point dispatches once on it, with every dtype listed (see {@link Elementwise}); there are no int kernels.
 */
public final class SoftmaxKernels {
    private SoftmaxKernels() {}

    /**
     * Along each row x of length n: softmax sₖ = e^(xₖ−m)/Σⱼ e^(xⱼ−m) with m = max x, or, with {@code log},
     * log-softmax (xₖ − m) − log Σⱼ e^(xⱼ−m).
     */
    public static void softmax(DType dtype, boolean log, Object x, int xOff, int outer, int n, int inner, Object out) {
        switch (dtype) {
            case FLOAT32 -> SoftmaxFloat.softmax(log, (float[]) x, xOff, outer, n, inner, (float[]) out);
            case FLOAT64 -> SoftmaxDouble.softmax(log, (double[]) x, xOff, outer, n, inner, (double[]) out);
            case INT32, BOOL -> throw Elementwise.floatingOnly("softmax", dtype);
            case null -> throw Elementwise.noDType("softmax");
        }
    }

    /**
     * The gradient of {@link #softmax} from its output y and the output's gradient g, along each row:
     * x̄ = y·(g − Σ g·y) for softmax, x̄ = g − e^y·Σ g for log-softmax.
     */
    public static void softmaxBackward(DType dtype, boolean log, Object y, int yOff, Object g, int gOff, int outer, int n,
                                       int inner, Object out) {
        switch (dtype) {
            case FLOAT32 -> SoftmaxFloat.softmaxBackward(log, (float[]) y, yOff, (float[]) g, gOff, outer, n, inner, (float[]) out);
            case FLOAT64 -> SoftmaxDouble.softmaxBackward(log, (double[]) y, yOff, (double[]) g, gOff, outer, n, inner, (double[]) out);
            case INT32, BOOL -> throw Elementwise.floatingOnly("softmax backward", dtype);
            case null -> throw Elementwise.noDType("softmax backward");
        }
    }

    /**
     * Cross-entropy of logits z with class-index targets, per row r with label t = {@code target[r]} (labels
     * must be in [0, n) or equal {@code ignore}): {@code lse[r]} = log Σⱼ e^(zⱼ) and
     * {@code loss[r]} = lse − (1 − ε)·z_t − (ε/n)·Σⱼ zⱼ, i.e. −log p_t smoothed with ε towards the uniform
     * distribution; an ignored row gets loss 0.
     */
    public static void crossEntropy(DType dtype, Object z, int zOff, int outer, int n, int inner, int[] target, int ignore,
                                    double eps, Object loss, Object lse) {
        switch (dtype) {
            case FLOAT32 -> SoftmaxFloat.crossEntropy((float[]) z, zOff, outer, n, inner, target, ignore, eps, (float[]) loss,
                    (float[]) lse);
            case FLOAT64 -> SoftmaxDouble.crossEntropy((double[]) z, zOff, outer, n, inner, target, ignore, eps, (double[]) loss,
                    (double[]) lse);
            case INT32, BOOL -> throw Elementwise.floatingOnly("crossEntropy", dtype);
            case null -> throw Elementwise.noDType("crossEntropy");
        }
    }

    /**
     * The gradient of {@link #crossEntropy} from its saved {@code lse} and the per-row gradient g (row r's at
     * {@code g[gOff + r*gStride]}): z̄ⱼ = g·(softmax(z)ⱼ − ε/n − (1 − ε)·[j = t]), 0 on ignored rows.
     */
    public static void crossEntropyBackward(DType dtype, Object z, int zOff, int outer, int n, int inner, int[] target,
                                            int ignore, double eps, Object lse, Object g, int gOff, int gStride, Object out) {
        switch (dtype) {
            case FLOAT32 -> SoftmaxFloat.crossEntropyBackward((float[]) z, zOff, outer, n, inner, target, ignore, eps,
                    (float[]) lse, (float[]) g, gOff, gStride, (float[]) out);
            case FLOAT64 -> SoftmaxDouble.crossEntropyBackward((double[]) z, zOff, outer, n, inner, target, ignore, eps,
                    (double[]) lse, (double[]) g, gOff, gStride, (double[]) out);
            case INT32, BOOL -> throw Elementwise.floatingOnly("crossEntropy backward", dtype);
            case null -> throw Elementwise.noDType("crossEntropy backward");
        }
    }
}
