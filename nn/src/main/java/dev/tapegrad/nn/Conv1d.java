package dev.tapegrad.nn;

import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;

/**
 * A 1-D convolution layer, y = {@link Convolution#conv1d(Tensor, Tensor, Tensor, int, int, int, int) conv1d}(x,
 * W, b), on inputs {@code [N, in, L]} (or {@code [in, L]}). PyTorch's names and layout: {@code weight} of shape
 * {@code [out, in/groups, kernel]}, {@code bias} of shape {@code [out]}.
 *
 * <p>Initialisation as PyTorch's {@code nn.Conv1d}: W, then b, uniform in ±1/√fan_in with
 * fan_in = (in/groups)·kernel (Kaiming uniform with a = √5 reduces to this bound).
 */
public final class Conv1d extends UnaryModule {
    private final Tensor weight;
    private final Tensor bias;
    private final int stride, padding, dilation, groups;

    /** A float32 layer with a bias, stride 1, no padding, dilation 1 and one group. */
    public Conv1d(Generator gen, int in, int out, int kernel) {
        this(gen, builder(in, out, kernel));
    }

    private Conv1d(Generator gen, Builder b) {
        int in = b.in, out = b.out, kernel = b.kernel, stride = b.stride, padding = b.padding, dilation = b.dilation;
        int groups = b.groups;
        boolean bias = b.bias;
        DType dtype = b.dtype;
        Convolution.checkLayer("Conv1d", in, out, new int[] {kernel}, new int[] {stride}, new int[] {padding},
                new int[] {dilation}, groups);
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
        this.groups = groups;
        double bound = Convolution.initBound(in, groups, new int[] {kernel});
        this.weight = param("weight", Tensor.uniform(gen, -bound, bound, dtype, out, in / groups, kernel));
        this.bias = bias ? param("bias", Tensor.uniform(gen, -bound, bound, dtype, out)) : null;
    }

    /**
     * A builder of a layer from {@code in} to {@code out} channels with the given kernel size, with every option
     * of PyTorch's {@code nn.Conv1d} (zero padding); by default float32 with a bias, stride 1, no padding,
     * dilation 1 and one group.
     */
    public static Builder builder(int in, int out, int kernel) {
        return new Builder(in, out, kernel);
    }

    /** The optional settings of a {@link Conv1d} layer. */
    public static final class Builder {
        private final int in, out, kernel;
        private int stride = 1, padding = 0, dilation = 1, groups = 1;
        private boolean bias = true;
        private DType dtype = DType.FLOAT32;

        private Builder(int in, int out, int kernel) {
            this.in = in;
            this.out = out;
            this.kernel = kernel;
        }

        /** The stride (default 1). */
        public Builder stride(int stride) {
            this.stride = stride;
            return this;
        }

        /** The zero padding on each side (default 0). */
        public Builder padding(int padding) {
            this.padding = padding;
            return this;
        }

        /** The spacing of the kernel's taps (default 1). */
        public Builder dilation(int dilation) {
            this.dilation = dilation;
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
            this.dtype = java.util.Objects.requireNonNull(dtype, "Conv1d: dtype");
            return this;
        }

        /** The layer, initialised from {@code gen}. */
        public Conv1d build(Generator gen) {
            return new Conv1d(gen, this);
        }
    }

    /** The weight, {@code [out, in/groups, kernel]}. */
    public Tensor weight() {
        return weight;
    }

    /** The bias, {@code [out]}, or {@code null}. */
    public Tensor bias() {
        return bias;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Convolution.convolve("Conv1d", x, weight, bias, new int[] {stride}, new int[] {padding},
                new int[] {dilation}, groups);
    }
}
