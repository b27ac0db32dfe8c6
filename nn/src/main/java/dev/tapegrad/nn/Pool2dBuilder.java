package dev.tapegrad.nn;

/**
 * The optional settings of a two-axis pooling ({@link MaxPool2d}, {@link AvgPool2d}): stride (default: the
 * kernel size) and padding on each side (default 0, at most half the kernel), each for both axes or per axis
 * (height, width).
 *
 * @param <P> the pooling module built
 */
public final class Pool2dBuilder<P extends Module> {
    /** Makes the pooling from kernel, stride and padding, each {height, width}. */
    interface Factory<P> {
        P make(int[] kernel, int[] stride, int[] padding);
    }

    private final Factory<P> factory;
    private final int[] kernel;
    private int[] stride, padding = {0, 0};

    Pool2dBuilder(int kernelHeight, int kernelWidth, Factory<P> factory) {
        this.factory = factory;
        this.kernel = new int[] {kernelHeight, kernelWidth};
        this.stride = kernel.clone();
    }

    /** The stride along both axes (default: the kernel size). */
    public Pool2dBuilder<P> stride(int stride) {
        return stride(stride, stride);
    }

    /** The stride along height and width (default: the kernel size). */
    public Pool2dBuilder<P> stride(int height, int width) {
        this.stride = new int[] {height, width};
        return this;
    }

    /** The padding on each side of both axes, at most half the kernel (default 0). */
    public Pool2dBuilder<P> padding(int padding) {
        return padding(padding, padding);
    }

    /** The padding on each side along height and width, at most half the kernel (default 0, 0). */
    public Pool2dBuilder<P> padding(int height, int width) {
        this.padding = new int[] {height, width};
        return this;
    }

    /** The pooling module. */
    public P build() {
        return factory.make(kernel, stride, padding);
    }
}
