package dev.tapegrad.kernels;

/**
 * Fused row kernels of the softmax family for float and double arrays (SIMD, one kernel per row; see
 * {@link SoftmaxFloat} for the layout and the treatment of infinite rows).
 *
 * <p>Inputs are contiguous blocks {@code [outer, n, inner]} starting at an offset, where n is the length
 * of the softmax (class) axis; outputs are fresh contiguous arrays of the same layout (per-row outputs:
 * {@code [outer, inner]}), of the inputs' element type.
 */
public final class SoftmaxKernels {
    private SoftmaxKernels() {}

    /**
     * Along each row x of length n: softmax sₖ = e^(xₖ−m)/Σⱼ e^(xⱼ−m) with m = max x, or, with {@code log},
     * log-softmax (xₖ − m) − log Σⱼ e^(xⱼ−m).
     */
    public static void softmax(boolean log, Object x, int xOff, int outer, int n, int inner, Object out) {
        if (x instanceof float[] a && out instanceof float[] o) SoftmaxFloat.softmax(log, a, xOff, outer, n, inner, o);
        else SoftmaxDouble.softmax(log, (double[]) x, xOff, outer, n, inner, (double[]) out);
    }

    /**
     * The gradient of {@link #softmax} from its output y and the output's gradient g, along each row:
     * x̄ = y·(g − Σ g·y) for softmax, x̄ = g − e^y·Σ g for log-softmax.
     */
    public static void softmaxBackward(boolean log, Object y, int yOff, Object g, int gOff, int outer, int n, int inner,
                                       Object out) {
        if (y instanceof float[] a && g instanceof float[] b && out instanceof float[] o) {
            SoftmaxFloat.softmaxBackward(log, a, yOff, b, gOff, outer, n, inner, o);
        } else {
            SoftmaxDouble.softmaxBackward(log, (double[]) y, yOff, (double[]) g, gOff, outer, n, inner, (double[]) out);
        }
    }

    /**
     * Cross-entropy of logits z with class-index targets, per row r with label t = {@code target[r]} (labels
     * must be in [0, n) or equal {@code ignore}): {@code lse[r]} = log Σⱼ e^(zⱼ) and
     * {@code loss[r]} = lse − (1 − ε)·z_t − (ε/n)·Σⱼ zⱼ, i.e. −log p_t smoothed with ε towards the uniform
     * distribution; an ignored row gets loss 0.
     */
    public static void crossEntropy(Object z, int zOff, int outer, int n, int inner, int[] target, int ignore,
                                    double eps, Object loss, Object lse) {
        if (z instanceof float[] a && loss instanceof float[] l && lse instanceof float[] s) {
            SoftmaxFloat.crossEntropy(a, zOff, outer, n, inner, target, ignore, eps, l, s);
        } else {
            SoftmaxDouble.crossEntropy((double[]) z, zOff, outer, n, inner, target, ignore, eps, (double[]) loss,
                    (double[]) lse);
        }
    }

    /**
     * The gradient of {@link #crossEntropy} from its saved {@code lse} and the per-row gradient g (row r's at
     * {@code g[gOff + r*gStride]}): z̄ⱼ = g·(softmax(z)ⱼ − ε/n − (1 − ε)·[j = t]), 0 on ignored rows.
     */
    public static void crossEntropyBackward(Object z, int zOff, int outer, int n, int inner, int[] target, int ignore,
                                            double eps, Object lse, Object g, int gOff, int gStride, Object out) {
        if (z instanceof float[] a && lse instanceof float[] s && g instanceof float[] b && out instanceof float[] o) {
            SoftmaxFloat.crossEntropyBackward(a, zOff, outer, n, inner, target, ignore, eps, s, b, gOff, gStride, o);
        } else {
            SoftmaxDouble.crossEntropyBackward((double[]) z, zOff, outer, n, inner, target, ignore, eps,
                    (double[]) lse, (double[]) g, gOff, gStride, (double[]) out);
        }
    }
}
