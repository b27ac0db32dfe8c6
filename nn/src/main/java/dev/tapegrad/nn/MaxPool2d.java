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
    public static Builder builder(int kernel) {
        return new Builder(kernel, kernel);
    }

    /** A builder of a pooling with a (height, width) kernel; by default stride = kernel and no padding. */
    public static Builder builder(int kernelHeight, int kernelWidth) {
        return new Builder(kernelHeight, kernelWidth);
    }

    /** The optional settings of a {@link MaxPool2d}. */
    public static final class Builder {
        private final int[] kernel;
        private int[] stride, padding = Convolution.pair(0);

        private Builder(int kernelHeight, int kernelWidth) {
            this.kernel = new int[] {kernelHeight, kernelWidth};
            this.stride = kernel.clone();
        }

        /** The stride along both axes (default: the kernel size). */
        public Builder stride(int stride) {
            return stride(stride, stride);
        }

        /** The stride along height and width (default: the kernel size). */
        public Builder stride(int height, int width) {
            this.stride = new int[] {height, width};
            return this;
        }

        /** The padding on each side of both axes, at most half the kernel (default 0). */
        public Builder padding(int padding) {
            return padding(padding, padding);
        }

        /** The padding on each side along height and width, at most half the kernel (default 0, 0). */
        public Builder padding(int height, int width) {
            this.padding = new int[] {height, width};
            return this;
        }

        /** The pooling. */
        public MaxPool2d build() {
            return new MaxPool2d(kernel, stride, padding);
        }
    }
}
