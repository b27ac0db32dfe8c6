package dev.tapegrad.nn;

import dev.tapegrad.Tensor;

/**
 * Max pooling over one spatial axis, PyTorch's {@code nn.MaxPool1d} (floor output sizes), on inputs
 * {@code [N, C, L]} (or {@code [C, L]}):
 * <pre>  y[n, c, j] = max_i x̃[n, c, j·s + i − p]</pre>
 * with x̃ padded with −∞; the gradient goes to the first maximum of each window. See
 * {@link Convolution#maxPool1d(Tensor, int, int, int)}. No parameters.
 */
public final class MaxPool1d extends Pool {

    /** Pooling with stride = kernel and no padding. */
    public MaxPool1d(int kernel) {
        this(kernel, kernel, 0);
    }

    private MaxPool1d(int kernel, int stride, int padding) {
        super("MaxPool1d", 1, new int[] {kernel}, new int[] {stride}, new int[] {padding}, true);
    }

    /** A builder of a pooling with the given kernel; by default stride = kernel and no padding. */
    public static Pool1dBuilder<MaxPool1d> builder(int kernel) {
        return new Pool1dBuilder<>(kernel, MaxPool1d::new);
    }
}
