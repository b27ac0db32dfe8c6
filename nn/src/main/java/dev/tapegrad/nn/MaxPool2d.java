package dev.tapegrad.nn;

import dev.tapegrad.Tensor;

/**
 * Max pooling over two spatial axes, PyTorch's {@code nn.MaxPool2d} (floor output sizes), on inputs
 * {@code [N, C, H, W]} (or {@code [C, H, W]}):
 * <pre>  y[n, c, u, v] = max_{i, j} x̃[n, c, u·s₀ + i − p₀, v·s₁ + j − p₁]</pre>
 * with x̃ padded with −∞; the gradient goes to the first maximum of each window (row-major scan). See
 * {@link Convolution#maxPool2d(Tensor, int[], int[], int[])}. No parameters.
 */
public final class MaxPool2d extends Pool {

    /** Pooling with a square kernel, stride = kernel and no padding. */
    public MaxPool2d(int kernel) {
        this(Convolution.pair(kernel), Convolution.pair(kernel), Convolution.pair(0));
    }

    private MaxPool2d(int[] kernel, int[] stride, int[] padding) {
        super("MaxPool2d", 2, kernel, stride, padding, true);
    }

    /** A builder of a pooling with a square kernel; see {@link #builder(int, int)}. */
    public static Pool2dBuilder<MaxPool2d> builder(int kernel) {
        return builder(kernel, kernel);
    }

    /** A builder of a pooling with a (height, width) kernel; by default stride = kernel and no padding. */
    public static Pool2dBuilder<MaxPool2d> builder(int kernelHeight, int kernelWidth) {
        return new Pool2dBuilder<>(kernelHeight, kernelWidth, MaxPool2d::new);
    }
}
