package dev.tapegrad.nn;

import dev.tapegrad.Tensor;

/**
 * Average pooling over two spatial axes, PyTorch's {@code nn.AvgPool2d} (floor output sizes,
 * {@code count_include_pad = true}), on inputs {@code [N, C, H, W]} (or {@code [C, H, W]}):
 * <pre>  y[n, c, u, v] = (1/(k₀k₁)) Σ_{i, j} x̃[n, c, u·s₀ + i − p₀, v·s₁ + j − p₁]</pre>
 * with x̃ padded with zeros, which count. See {@link Convolution#avgPool2d(Tensor, int[], int[], int[])}.
 * No parameters.
 */
public final class AvgPool2d extends Pool {

    /** Pooling with a square kernel, stride = kernel and no padding. */
    public AvgPool2d(int kernel) {
        this(Convolution.pair(kernel), Convolution.pair(kernel), Convolution.pair(0));
    }

    private AvgPool2d(int[] kernel, int[] stride, int[] padding) {
        super("AvgPool2d", 2, kernel, stride, padding, false);
    }

    /** A builder of a pooling with a square kernel; see {@link #builder(int, int)}. */
    public static Pool2dBuilder<AvgPool2d> builder(int kernel) {
        return builder(kernel, kernel);
    }

    /** A builder of a pooling with a (height, width) kernel; by default stride = kernel and no padding. */
    public static Pool2dBuilder<AvgPool2d> builder(int kernelHeight, int kernelWidth) {
        return new Pool2dBuilder<>(kernelHeight, kernelWidth, AvgPool2d::new);
    }
}
