package dev.tapegrad.nn;

import dev.tapegrad.Tensor;

/**
 * Average pooling over one spatial axis, PyTorch's {@code nn.AvgPool1d} (floor output sizes,
 * {@code count_include_pad = true}), on inputs {@code [N, C, L]} (or {@code [C, L]}):
 * <pre>  y[n, c, j] = (1/k) Σ_i x̃[n, c, j·s + i − p]</pre>
 * with x̃ padded with zeros, which count. See {@link Convolution#avgPool1d(Tensor, int, int, int)}. No parameters.
 */
public final class AvgPool1d extends Pool {

    /** Pooling with stride = kernel and no padding. */
    public AvgPool1d(int kernel) {
        this(kernel, kernel, 0);
    }

    private AvgPool1d(int kernel, int stride, int padding) {
        super("AvgPool1d", 1, new int[] {kernel}, new int[] {stride}, new int[] {padding}, false);
    }

    /** A builder of a pooling with the given kernel; by default stride = kernel and no padding. */
    public static Pool1dBuilder<AvgPool1d> builder(int kernel) {
        return new Pool1dBuilder<>(kernel, AvgPool1d::new);
    }
}
