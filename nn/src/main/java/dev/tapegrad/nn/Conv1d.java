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
        this(gen, in, out, kernel, 1, 0, 1, 1, true, DType.FLOAT32);
    }

    /** A layer with every option of PyTorch's {@code nn.Conv1d} (zero padding). */
    public Conv1d(Generator gen, int in, int out, int kernel, int stride, int padding, int dilation, int groups,
                  boolean bias, DType dtype) {
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
