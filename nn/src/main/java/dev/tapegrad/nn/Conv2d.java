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
        this(gen, builder(in, out, kernel));
    }

    private Conv2d(Generator gen, Builder b) {
        int in = b.in, out = b.out, groups = b.groups;
        int[] kernel = b.kernel, stride = b.stride, padding = b.padding, dilation = b.dilation;
        boolean bias = b.bias;
        DType dtype = b.dtype;
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

    /** A builder of a layer with a square kernel; see {@link #builder(int, int, int, int)}. */
    public static Builder builder(int in, int out, int kernel) {
        return new Builder(in, out, Convolution.pair(kernel));
    }

    /**
     * A builder of a layer from {@code in} to {@code out} channels with a kernel of the given height and width,
     * with every option of PyTorch's {@code nn.Conv2d} (zero padding); by default float32 with a bias, stride 1,
     * no padding, dilation 1 and one group. Stride, padding and dilation take one value for both axes or
     * (height, width).
     */
    public static Builder builder(int in, int out, int kernelHeight, int kernelWidth) {
        return new Builder(in, out, new int[] {kernelHeight, kernelWidth});
    }

    /** The optional settings of a {@link Conv2d} layer. */
    public static final class Builder {
        private final int in, out;
        private final int[] kernel;
        private int[] stride = Convolution.pair(1), padding = Convolution.pair(0), dilation = Convolution.pair(1);
        private int groups = 1;
        private boolean bias = true;
        private DType dtype = DType.FLOAT32;

        private Builder(int in, int out, int[] kernel) {
            this.in = in;
            this.out = out;
            this.kernel = kernel;
        }

        /** The stride along both axes (default 1). */
        public Builder stride(int stride) {
            return stride(stride, stride);
        }

        /** The stride along height and width (default 1, 1). */
        public Builder stride(int height, int width) {
            this.stride = new int[] {height, width};
            return this;
        }

        /** The zero padding on each side of both axes (default 0). */
        public Builder padding(int padding) {
            return padding(padding, padding);
        }

        /** The zero padding on each side along height and width (default 0, 0). */
        public Builder padding(int height, int width) {
            this.padding = new int[] {height, width};
            return this;
        }

        /** The spacing of the kernel's taps along both axes (default 1). */
        public Builder dilation(int dilation) {
            return dilation(dilation, dilation);
        }

        /** The spacing of the kernel's taps along height and width (default 1, 1). */
        public Builder dilation(int height, int width) {
            this.dilation = new int[] {height, width};
            return this;
        }

        /** The number of groups, dividing {@code in} and {@code out} (default 1). */
        public Builder groups(int groups) {
            this.groups = groups;
            return this;
        }

        /** Whether the layer has a bias (default true). */
        public Builder bias(boolean bias) {
            this.bias = bias;
            return this;
        }

        /** The dtype of the parameters (default float32). */
        public Builder dtype(DType dtype) {
            this.dtype = java.util.Objects.requireNonNull(dtype, "Conv2d: dtype");
            return this;
        }

        /** The layer, initialised from {@code gen}. */
        public Conv2d build(Generator gen) {
            return new Conv2d(gen, this);
        }
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
