package dev.tapegrad.nn;

/**
 * The optional settings of a one-axis pooling ({@link MaxPool1d}, {@link AvgPool1d}): stride (default: the
 * kernel size) and padding on each side (default 0, at most half the kernel).
 *
 * @param <P> the pooling module built
 */
public final class Pool1dBuilder<P extends Module> {
    /** Makes the pooling from kernel, stride and padding. */
    interface Factory<P> {
        P make(int kernel, int stride, int padding);
    }

    private final Factory<P> factory;
    private final int kernel;
    private int stride, padding = 0;

    Pool1dBuilder(int kernel, Factory<P> factory) {
        this.factory = factory;
        this.kernel = kernel;
        this.stride = kernel;
    }

    /** The stride (default: the kernel size). */
    public Pool1dBuilder<P> stride(int stride) {
        this.stride = stride;
        return this;
    }

    /** The padding on each side, at most half the kernel (default 0). */
    public Pool1dBuilder<P> padding(int padding) {
        this.padding = padding;
        return this;
    }

    /** The pooling module. */
    public P build() {
        return factory.make(kernel, stride, padding);
    }
}
