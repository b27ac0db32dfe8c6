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
    public static Builder builder(int kernel) {
        return new Builder(kernel, kernel);
    }

    /** A builder of a pooling with a (height, width) kernel; by default stride = kernel and no padding. */
    public static Builder builder(int kernelHeight, int kernelWidth) {
        return new Builder(kernelHeight, kernelWidth);
    }

    /** The optional settings of a {@link AvgPool2d}. */
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
        public AvgPool2d build() {
            return new AvgPool2d(kernel, stride, padding);
        }
    }
}
