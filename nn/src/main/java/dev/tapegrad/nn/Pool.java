package dev.tapegrad.nn;

import dev.tapegrad.Tensor;

/**
 * What the pooling modules share: a window checked when the module is built (padding at most half the
 * kernel, one value per spatial axis) and a forward that calls {@link Convolution#pool}. Max pooling
 * y = max over the window of x̃ (padded with −∞); average pooling y = (1/|window|)·Σ over the window of x̃
 * (padded with zeros that count). No parameters.
 */
abstract sealed class Pool extends UnaryModule permits AvgPool1d, AvgPool2d, MaxPool1d, MaxPool2d {
    private final String name;
    private final int[] kernel, stride, padding;
    private final boolean max;

    /**
     * @param name the layer's name (starts every error message)
     * @param axes the number of spatial axes (1 or 2); kernel, stride and padding need that many values
     * @param max  max pooling rather than average pooling
     */
    Pool(String name, int axes, int[] kernel, int[] stride, int[] padding, boolean max) {
        Convolution.poolWindow(name, kernel, stride, padding);
        if (kernel.length != axes) {
            throw new IllegalArgumentException(name + ": kernel " + Convolution.str(kernel) + " needs "
                    + (axes == 1 ? "1 value" : axes + " values (height, width)"));
        }
        this.name = name;
        this.kernel = kernel.clone();
        this.stride = stride.clone();
        this.padding = padding.clone();
        this.max = max;
    }

    @Override
    public final Tensor forward(Tensor x) {
        return Convolution.pool(name, x, kernel, stride, padding, max);
    }
}
