package dev.tapegrad.nn;

import dev.tapegrad.Tensor;

/**
 * Average pooling (padding counted) over one spatial axis: y = {@link Convolution#avgPool1d(Tensor, int, int, int) avgPool1d}(x), on inputs
 * {@code [N, C, L]} (or {@code [C, L]}).
 * That is, y[n, c, j] = (1/k) Σ_i x̃[n, c, j·s + i − p] (x̃ padded with zeros, which count). No parameters;
 * PyTorch's {@code nn.AvgPool1d} with floor output sizes.
 */
public final class AvgPool1d extends UnaryModule {
    private final int kernel, stride, padding;

    /** Pooling with stride = kernel and no padding. */
    public AvgPool1d(int kernel) {
        this(kernel, kernel, 0);
    }

    /** Pooling with the given kernel, stride and padding (at most half the kernel). */
    public AvgPool1d(int kernel, int stride, int padding) {
        Convolution.poolWindow("AvgPool1d", new int[] {kernel}, new int[] {stride}, new int[] {padding});
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Convolution.pool("AvgPool1d", x, new int[] {kernel}, new int[] {stride}, new int[] {padding}, false);
    }
}
