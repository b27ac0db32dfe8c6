package dev.tapegrad.nn;

import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;

/**
 * A 2-D convolution layer, y = {@link Convolution#conv2d(Tensor, Tensor, Tensor, int[], int[], int[], int)
 * conv2d}(x, W, b), on inputs {@code [N, in, H, W]} (or {@code [in, H, W]}). PyTorch's names and layout:
 * {@code weight} of shape {@code [out, in/groups, kH, kW]}, {@code bias} of shape {@code [out]}.
 *
 * <p>Initialisation as PyTorch's {@code nn.Conv2d}: W, then b, uniform in ±1/√fan_in with
 * fan_in = (in/groups)·kH·kW (Kaiming uniform with a = √5 reduces to this bound).
 */
public final class Conv2d extends UnaryModule {
    private final Tensor weight;
    private final Tensor bias;
    private final int[] stride, padding, dilation;
    private final int groups;

    /** A float32 layer with a square kernel, a bias, stride 1, no padding, dilation 1 and one group. */
    public Conv2d(Generator gen, int in, int out, int kernel) {
        this(gen, in, out, Convolution.pair(kernel), Convolution.pair(1), Convolution.pair(0), Convolution.pair(1), 1, true,
                DType.FLOAT32);
    }

    /**
     * A layer with every option of PyTorch's {@code nn.Conv2d} (zero padding); kernel, stride, padding and
     * dilation give (height, width).
     */
    public Conv2d(Generator gen, int in, int out, int[] kernel, int[] stride, int[] padding, int[] dilation, int groups,
                  boolean bias, DType dtype) {
        Convolution.checkLayer("Conv2d", in, out, kernel, stride, padding, dilation, groups);
        if (kernel.length != 2) {
            throw new IllegalArgumentException("Conv2d: kernel " + Convolution.str(kernel) + " needs 2 values (height, width)");
        }
        this.stride = stride.clone();
        this.padding = padding.clone();
        this.dilation = dilation.clone();
        this.groups = groups;
        double bound = Convolution.initBound(in, groups, kernel);
        this.weight = param("weight", Tensor.uniform(gen, -bound, bound, dtype, out, in / groups, kernel[0], kernel[1]));
        this.bias = bias ? param("bias", Tensor.uniform(gen, -bound, bound, dtype, out)) : null;
    }

    /** The weight, {@code [out, in/groups, kH, kW]}. */
    public Tensor weight() {
        return weight;
    }

    /** The bias, {@code [out]}, or {@code null}. */
    public Tensor bias() {
        return bias;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Convolution.convolve("Conv2d", x, weight, bias, stride, padding, dilation, groups);
    }
}
