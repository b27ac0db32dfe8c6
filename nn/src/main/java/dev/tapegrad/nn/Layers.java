package dev.tapegrad.nn;

import dev.tapegrad.Autograd;
import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import java.util.Arrays;

/**
 * The math of the basic layers as functions of tensors (like {@code torch.nn.functional}): linear and
 * bilinear maps, embedding lookup, dropout, and the normalisations (layer, RMS, batch).
 *
 * <p>Every function is built from the engine's differentiable ops, so gradients flow to every tensor
 * argument (inputs and parameters alike) and gradients of gradients work too. Modules such as
 * {@link Linear} or {@link LayerNorm} own the parameters and call these functions. Shapes are checked first,
 * and a mismatch is an {@link IllegalArgumentException} naming the function and the shapes.
 */
public final class Layers {
    private Layers() {}

    /** The ε that {@link #layerNorm} and {@link #batchNorm} add to the variance unless told otherwise (PyTorch's). */
    public static final double NORM_EPS = 1e-5;
    /** The default running-statistics momentum of {@link #batchNorm} (PyTorch's). */
    public static final double BATCH_NORM_MOMENTUM = 0.1;

    // ---------------------------------------------------------------- linear maps

    /**
     * The affine map y = x·Wᵀ + b over the last axis.
     *
     * @param x      input {@code [*, in]} (leading axes are batch axes)
     * @param weight W, {@code [out, in]} (PyTorch's layout)
     * @param bias   b, {@code [out]}, or {@code null} for none
     * @return {@code [*, out]}
     * @throws IllegalArgumentException from the engine's {@link Tensor#linear}, which checks the shapes and dtypes
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return Tensor.linear(x, weight, bias); // one GEMM accumulating onto the broadcast bias
    }

    /**
     * The bilinear map y_k = x₁ᵀ·W_k·x₂ + b_k for k = 0..out−1 (PyTorch's {@code F.bilinear}).
     *
     * <p>Computed as two contractions: t = x₁·W viewed as {@code [in1, out·in2]}, then y_k = Σⱼ t_kj·x₂ⱼ.
     *
     * @param x1     {@code [*, in1]}
     * @param x2     {@code [*, in2]}, with the same leading axes as x1
     * @param weight W, {@code [out, in1, in2]}
     * @param bias   b, {@code [out]}, or {@code null}
     * @return {@code [*, out]}
     */
    public static Tensor bilinear(Tensor x1, Tensor x2, Tensor weight, Tensor bias) {
        if (weight.dim() != 3) {
            throw new IllegalArgumentException("bilinear: weight must be [out, in1, in2], got shape " + str(weight));
        }
        int out = weight.size(0), in1 = weight.size(1), in2 = weight.size(2);
        if (x1.dim() == 0 || x2.dim() == 0 || x1.size(-1) != in1 || x2.size(-1) != in2
                || !Arrays.equals(lead(x1), lead(x2))) {
            throw new IllegalArgumentException("bilinear: inputs of shapes " + str(x1) + " and " + str(x2)
                    + " must be [*, " + in1 + "] and [*, " + in2 + "] with the same leading axes, for the weight " + str(weight));
        }
        requireParam("bilinear", "bias", bias, x1, out);
        int[] lead = lead(x1);
        Tensor a = x1.reshape(-1, in1);                                         // [N, in1]
        Tensor b = x2.reshape(-1, 1, in2);                                      // [N, 1, in2]
        Tensor w = weight.permute(1, 0, 2).reshape(in1, out * in2);             // [in1, out·in2]
        Tensor y = a.matmul(w).reshape(-1, out, in2).mul(b).sum(2);             // [N, out]
        if (bias != null) y = y.add(bias);
        int[] shape = Arrays.copyOf(lead, lead.length + 1);
        shape[lead.length] = out;
        return y.reshape(shape);
    }

    // ---------------------------------------------------------------- embedding

    /**
     * Embedding lookup: out[..., :] = weight[indices[...], :].
     *
     * @param weight  {@code [num, dim]}
     * @param indices int32 indices in [0, num), any shape
     * @return {@code indices.shape + [dim]}
     */
    public static Tensor embedding(Tensor weight, Tensor indices) {
        return Tensor.embedding(weight, indices);
    }

    /**
     * Embedding lookup in which row {@code paddingIdx} receives no gradient (PyTorch's {@code padding_idx}):
     * the output is the same as {@link #embedding(Tensor, Tensor)}, but the gradient of that row stays 0
     * however often it is looked up, so a padding vector stays what it was initialised to (zeros in
     * {@link Embedding}). Implemented as weight' = where(row = paddingIdx, stopGradient(W), W).
     *
     * @param paddingIdx a row index in [−num, num); negative counts from the end
     */
    public static Tensor embedding(Tensor weight, Tensor indices, int paddingIdx) {
        if (weight.dim() != 2) {
            throw new IllegalArgumentException("embedding: weight must be [num, dim], got shape " + str(weight));
        }
        int row = paddingRow("embedding", paddingIdx, weight.size(0));
        Tensor isPad = Tensor.arange(weight.size(0)).eq(row).reshape(weight.size(0), 1);
        return Tensor.embedding(Tensor.where(isPad, weight.detach(), weight), indices);
    }

    /** The padding row in [0, num) for a padding index in [−num, num). */
    static int paddingRow(String op, int paddingIdx, int num) {
        if (paddingIdx < -num || paddingIdx >= num) {
            throw new IllegalArgumentException(op + ": padding index " + paddingIdx + " is out of range for " + num
                    + " rows (valid: " + -num + ".." + (num - 1) + ")");
        }
        return paddingIdx < 0 ? paddingIdx + num : paddingIdx;
    }

    // ---------------------------------------------------------------- dropout

    /**
     * Inverted dropout (Srivastava et al., "Dropout: a simple way to prevent neural networks from
     * overfitting", JMLR 2014): in training, y = x·m/(1 − p) with m ~ Bernoulli(1 − p) drawn independently
     * per element, so E[y] = x; otherwise y = x (the same tensor).
     *
     * @param p        probability of zeroing an element, in [0, 1)
     * @param training whether to drop; {@code false} returns x
     * @param gen      source of the mask (one draw per element, in row-major order)
     */
    public static Tensor dropout(Generator gen, Tensor x, double p, boolean training) {
        checkDropoutP("dropout", p);
        if (!training || p == 0) return x;
        if (!x.dtype().isFloating()) {
            throw new IllegalArgumentException("dropout: needs a float32 or float64 input, got " + x.dtype() + " " + str(x));
        }
        Tensor keep = Tensor.bernoulli(gen, 1 - p, x.dtype(), x.shape());
        return x.mul(keep.mul(1 / (1 - p)));
    }

    static void checkDropoutP(String op, double p) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException(op + ": drop probability p must be in [0, 1), got " + p);
        }
    }

    // ---------------------------------------------------------------- normalisation

    /**
     * Layer normalisation (Ba, Kiros and Hinton, "Layer Normalization", 2016) over the last k axes, whose
     * sizes are {@code normalizedShape}: with μ and σ² the mean and biased variance of those k axes,
     * y = (x − μ)/√(σ² + ε) ⊙ w + b. Runs the engine's fused kernels ({@link Tensor#layerNorm}) on the last
     * k axes viewed as one.
     *
     * @param normalizedShape the sizes of the last k ≥ 1 axes of x
     * @param weight          w of shape {@code normalizedShape}, or {@code null} (w = 1)
     * @param bias            b of shape {@code normalizedShape}, or {@code null} (b = 0)
     * @param eps             ε &gt; 0 (PyTorch's default is {@link #NORM_EPS})
     */
    public static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        lastAxes("layerNorm", x, normalizedShape, eps);
        requireParam("layerNorm", "weight", weight, x, normalizedShape);
        requireParam("layerNorm", "bias", bias, x, normalizedShape);
        return overLastAxis(x, normalizedShape, weight, bias, (rows, w, b) -> rows.layerNorm(w, b, eps));
    }

    /** {@link #layerNorm(Tensor, int[], Tensor, Tensor, double)} with ε = {@link #NORM_EPS}. */
    public static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias) {
        return layerNorm(x, normalizedShape, weight, bias, NORM_EPS);
    }

    /**
     * Root-mean-square normalisation (Zhang and Sennrich, "Root Mean Square Layer Normalization", 2019)
     * over the last k axes: y = x/√(mean(x²) + ε) ⊙ w, with no centring and no bias. Runs the engine's fused
     * kernels ({@link Tensor#rmsNorm}) on the last k axes viewed as one.
     *
     * <p>ε defaults differ between libraries: PyTorch's {@code nn.RMSNorm} (2.4+) uses the machine epsilon of
     * the input's dtype when ε is not given ({@link #rmsNormDefaultEps}); LLaMA-style models set 1e-6 or 1e-5
     * explicitly. Pass the value the checkpoint was trained with.
     *
     * @param normalizedShape the sizes of the last k ≥ 1 axes of x
     * @param weight          w of shape {@code normalizedShape}, or {@code null} (w = 1)
     * @param eps             ε &gt; 0
     */
    public static Tensor rmsNorm(Tensor x, int[] normalizedShape, Tensor weight, double eps) {
        lastAxes("rmsNorm", x, normalizedShape, eps);
        requireParam("rmsNorm", "weight", weight, x, normalizedShape);
        return overLastAxis(x, normalizedShape, weight, null, (rows, w, b) -> rows.rmsNorm(w, eps));
    }

    /** A norm over the last axis (the engine's fused kernels): (rows, w, b) ↦ y. */
    private interface RowNorm {
        Tensor apply(Tensor rows, Tensor weight, Tensor bias);
    }

    /**
     * Applies a fused last-axis norm over the last k axes by viewing them as one axis of their product size
     * (x, w and b reshaped, and the result reshaped back; views when the layout allows).
     */
    private static Tensor overLastAxis(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, RowNorm norm) {
        if (normalizedShape.length == 1) return norm.apply(x, weight, bias);
        int n = 1;
        for (int s : normalizedShape) n *= s;
        int[] flat = Arrays.copyOf(x.shape(), x.dim() - normalizedShape.length + 1);
        flat[flat.length - 1] = n;
        Tensor y = norm.apply(x.reshape(flat), weight == null ? null : weight.reshape(n), bias == null ? null : bias.reshape(n));
        return y.reshape(x.shape());
    }

    /** {@link #rmsNorm(Tensor, int[], Tensor, double)} with PyTorch's default ε, {@link #rmsNormDefaultEps}. */
    public static Tensor rmsNorm(Tensor x, int[] normalizedShape, Tensor weight) {
        return rmsNorm(x, normalizedShape, weight, rmsNormDefaultEps(x.dtype()));
    }

    /**
     * PyTorch's default RMSNorm ε: the machine epsilon of the dtype ({@code torch.finfo(dtype).eps}),
     * 2⁻²³ ≈ 1.19e-7 for float32 and 2⁻⁵² ≈ 2.22e-16 for float64.
     */
    public static double rmsNormDefaultEps(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> Math.ulp(1.0f);
            case FLOAT64 -> Math.ulp(1.0);
            default -> throw new IllegalArgumentException("rmsNorm: needs a float32 or float64 input, got " + dtype);
        };
    }

    /**
     * Batch normalisation (Ioffe and Szegedy, "Batch Normalization", 2015) of x of shape {@code [N, C]} or
     * {@code [N, C, L...]} per channel c:
     * y = (x − μ_c)/√(σ²_c + ε) ⊙ w_c + b_c.
     *
     * <p>In training (or when there are no running statistics), μ_c and σ²_c are the mean and the
     * <em>biased</em> variance of channel c over the batch (and length) axes, and the running statistics,
     * if given, are updated in place without being recorded:
     * running_mean ← (1 − m)·running_mean + m·μ, running_var ← (1 − m)·running_var + m·σ²·n/(n − 1) (the
     * <em>unbiased</em> variance, n = values per channel). In evaluation, μ and σ² are the running
     * statistics. This is PyTorch's {@code F.batch_norm}.
     *
     * @param runningMean {@code [C]}, or {@code null} (then both running statistics must be null)
     * @param runningVar  {@code [C]}, or {@code null}
     * @param weight      w, {@code [C]}, or {@code null}
     * @param bias        b, {@code [C]}, or {@code null}
     * @param training    use (and update) batch statistics
     * @param momentum    m in [0, 1] (PyTorch's default {@link #BATCH_NORM_MOMENTUM})
     * @param eps         ε &gt; 0 (PyTorch's default {@link #NORM_EPS})
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, double momentum, double eps) {
        if (x.dim() < 2 || x.numel() == 0) {
            throw new IllegalArgumentException("batchNorm: input must be a non-empty [N, C] or [N, C, L...], got shape " + str(x));
        }
        int c = x.size(1);
        requireParam("batchNorm", "running_mean", runningMean, x, c);
        requireParam("batchNorm", "running_var", runningVar, x, c);
        requireParam("batchNorm", "weight", weight, x, c);
        requireParam("batchNorm", "bias", bias, x, c);
        if ((runningMean == null) != (runningVar == null)) {
            throw new IllegalArgumentException("batchNorm: give both running statistics or neither");
        }
        if (!(eps > 0) || !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("batchNorm: need eps > 0 and momentum in [0, 1], got eps " + eps
                    + ", momentum " + momentum);
        }
        int[] axes = new int[x.dim() - 1];                  // every axis but the channel axis
        for (int i = 0; i < axes.length; i++) axes[i] = i == 0 ? 0 : i + 1;
        int[] channelShape = new int[x.dim()];              // [1, C, 1, ...]: broadcasts against x
        Arrays.fill(channelShape, 1);
        channelShape[1] = c;
        boolean batchStats = training || runningMean == null;
        Tensor mean, var;
        if (batchStats) {
            int n = x.numel() / c;
            if (training && n <= 1) {
                throw new IllegalArgumentException("batchNorm: training needs more than one value per channel, got input "
                        + "of shape " + str(x));
            }
            mean = x.mean(axes, true);
            var = x.sub(mean).square().mean(axes, true);
            if (training && runningMean != null) {
                try (var scope = Autograd.noGrad()) {
                    runningMean.mulInPlace(1 - momentum).addInPlace(mean.reshape(c), momentum);
                    runningVar.mulInPlace(1 - momentum).addInPlace(var.reshape(c).mul((double) n / (n - 1)), momentum);
                }
            }
        } else {
            mean = runningMean.reshape(channelShape);
            var = runningVar.reshape(channelShape);
        }
        Tensor y = x.sub(mean).mul(var.add(eps).rsqrt());
        return affine(y, weight == null ? null : weight.reshape(channelShape), bias == null ? null : bias.reshape(channelShape));
    }

    // ---------------------------------------------------------------- helpers

    /** y·w + b, skipping absent terms. */
    private static Tensor affine(Tensor y, Tensor weight, Tensor bias) {
        if (weight != null) y = y.mul(weight);
        if (bias != null) y = y.add(bias);
        return y;
    }

    /** The last k axes of x, after checking they have the sizes {@code normalized} and that ε &gt; 0. */
    private static int[] lastAxes(String op, Tensor x, int[] normalized, double eps) {
        int k = normalized.length, rank = x.dim();
        int[] shape = x.shape();
        if (k == 0 || k > rank || !Arrays.equals(Arrays.copyOfRange(shape, rank - k, rank), normalized)) {
            throw new IllegalArgumentException(op + ": input of shape " + str(x) + " does not end with the normalized shape "
                    + Arrays.toString(normalized));
        }
        if (!(eps > 0)) throw new IllegalArgumentException(op + ": eps must be positive, got " + eps);
        int[] axes = new int[k];
        for (int i = 0; i < k; i++) axes[i] = rank - k + i;
        return axes;
    }

    /** Checks that an optional tensor (null allowed) has the input's dtype and the expected shape. */
    private static void requireParam(String op, String what, Tensor t, Tensor x, int... expected) {
        if (t == null) return;
        if (!Arrays.equals(t.shape(), expected)) {
            throw new IllegalArgumentException(op + ": " + what + " must have shape " + Arrays.toString(expected)
                    + ", got " + str(t));
        }
        if (t.dtype() != x.dtype()) {
            throw new IllegalArgumentException(op + ": " + what + " is " + t.dtype() + " but the input is " + x.dtype()
                    + " " + str(x) + "; convert one with to(DType)");
        }
    }

    /** The shape without its last axis. */
    private static int[] lead(Tensor x) {
        return Arrays.copyOf(x.shape(), x.dim() - 1);
    }

    static String str(Tensor t) {
        return Arrays.toString(t.shape());
    }
}
