package dev.tapegrad.nn;

import dev.tapegrad.DType;
import dev.tapegrad.Tensor;
import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;

/**
 * ActivationModule functions, as differentiable functions of tensors (like {@code torch.nn.functional}). Every
 * function is elementwise, keeps the dtype (float32 or float64) and is built from engine ops, so first and
 * second derivatives come from the engine's rules. The modules {@link ActivationModule} and {@link ExpandedGating}
 * wrap them.
 *
 * <p>Where a formula would overflow in an unused branch (ELU's eˣ for large x, GoLU's e^(−x) for very
 * negative x) the argument is clamped first, so values and gradients stay finite for any finite input.
 */
public final class Activations {
    private Activations() {}

    /** SELU's α, to the precision of Klambauer et al. (2017). */
    public static final double SELU_ALPHA = 1.6732632423543772848170429916717;
    /** SELU's scale λ, to the precision of Klambauer et al. (2017). */
    public static final double SELU_SCALE = 1.0507009873554804934193349852946;

    private static final double SQRT_HALF = Math.sqrt(0.5);
    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);
    /** Below this, GoLU's gate exp(−exp(−x)) is exactly 0 in float64 (e^7 &gt; 1096 and exp(−1096) underflows). */
    private static final double GOLU_CUTOFF = -7.0;

    /** ReLU(x) = max(x, 0); the derivative at 0 is taken as 0 (Nair &amp; Hinton, 2010). */
    public static Tensor relu(Tensor x) {
        return x.relu();
    }

    /** LeakyReLU(x) = x for x &gt; 0, slope·x otherwise (Maas et al., 2013). PyTorch's default slope is 0.01. */
    public static Tensor leakyRelu(Tensor x, double slope) {
        return Tensor.where(x.gt(0.0), x, x.mul(slope));
    }

    /**
     * ELU(x) = x for x &gt; 0, α·(eˣ − 1) otherwise (Clevert et al., 2016, "Fast and Accurate Deep Network
     * Learning by Exponential Linear Units"). eˣ − 1 is computed as expm1(min(x, 0)).
     */
    public static Tensor elu(Tensor x, double alpha) {
        return Tensor.where(x.gt(0.0), x, x.clampMax(0.0).expm1().mul(alpha));
    }

    /**
     * SELU(x) = λ·ELU(x, α) with λ = {@value #SELU_SCALE} and α = {@value #SELU_ALPHA}
     * (Klambauer et al., 2017, "Self-Normalizing Neural Networks").
     */
    public static Tensor selu(Tensor x) {
        return elu(x, SELU_ALPHA).mul(SELU_SCALE);
    }

    /** Φ(x) = ½·(1 + erf(x/√2)), the standard normal CDF. */
    static Tensor normalCdf(Tensor x) {
        return x.mul(SQRT_HALF).erf().add(1.0).mul(0.5);
    }

    /**
     * GELU(x) = x·Φ(x), with Φ the standard normal CDF computed through erf (Hendrycks &amp; Gimpel, 2016,
     * "Gaussian Error Linear Units"); PyTorch's {@code gelu(approximate='none')}.
     */
    public static Tensor gelu(Tensor x) {
        return x.mul(normalCdf(x));
    }

    /**
     * The tanh approximation of GELU: ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) (Hendrycks &amp; Gimpel,
     * 2016); PyTorch's {@code gelu(approximate='tanh')}.
     */
    public static Tensor geluTanh(Tensor x) {
        Tensor inner = x.add(x.mul(x).mul(x).mul(0.044715)).mul(SQRT_2_OVER_PI);
        return x.mul(inner.tanh().add(1.0)).mul(0.5);
    }

    /**
     * SiLU(x) = Swish(x) = x·σ(x) (Elfwing et al., 2018, "Sigmoid-Weighted Linear Units"; Ramachandran et
     * al., 2017, "Searching for Activation Functions").
     */
    public static Tensor silu(Tensor x) {
        return x.mul(x.sigmoid());
    }

    /** Mish(x) = x·tanh(softplus(x)) (Misra, 2019, "Mish: A Self Regularized Non-Monotonic Activation Function"). */
    public static Tensor mish(Tensor x) {
        return x.mul(x.softplus().tanh());
    }

    /**
     * PyTorch's thresholded softplus with β = 1 and threshold 20: log(1 + eˣ), and x itself where x &gt; 20; see
     * {@link #thresholdedSoftplus(Tensor, double, double)}. For the exact log(1 + eˣ) use {@link Tensor#softplus()}.
     */
    public static Tensor thresholdedSoftplus(Tensor x) {
        return thresholdedSoftplus(x, 1.0, 20.0);
    }

    /**
     * PyTorch's {@code Softplus(β, threshold)}: (1/β)·log(1 + e^(βx)), and x itself where βx &gt; threshold
     * (there the gradient is exactly 1). Requires β &gt; 0.
     *
     * <p>Not the same function as the engine's {@link Tensor#softplus()}, which is the exact, stable
     * log(1 + eˣ) everywhere (and is what {@link #mish} and the losses use): above the threshold the two differ
     * by (1/β)·log(1 + e^(−βx)) &lt; e^(−threshold)/β, about 2·10⁻⁹ at PyTorch's default 20, but by up to
     * log(1 + e^(−t))/β for a small threshold t. Hence the different name.
     */
    public static Tensor thresholdedSoftplus(Tensor x, double beta, double threshold) {
        if (!(beta > 0)) throw new IllegalArgumentException("thresholdedSoftplus: beta must be positive, got " + beta);
        Tensor bx = x.mul(beta);
        Tensor smooth = beta == 1.0 ? x.softplus() : bx.softplus().div(beta);
        return Tensor.where(bx.gt(threshold), x, smooth);
    }

    /** tanh(x) = (eˣ − e⁻ˣ)/(eˣ + e⁻ˣ). */
    public static Tensor tanh(Tensor x) {
        return x.tanh();
    }

    /** σ(x) = 1/(1 + e⁻ˣ). */
    public static Tensor sigmoid(Tensor x) {
        return x.sigmoid();
    }

    /**
     * Hardtanh(x) = min(max(x, min), max); the gradient is 1 on [min, max] (inclusive, where PyTorch uses the
     * open interval: they differ only exactly at the two corners) and 0 outside. Requires min &lt; max.
     */
    public static Tensor hardtanh(Tensor x, double min, double max) {
        if (!(min < max)) throw new IllegalArgumentException("hardtanh: min " + min + " must be less than max " + max);
        return x.clamp(min, max);
    }

    /**
     * GoLU(x) = x·Gompertz(x) = x·exp(−exp(−x)) (Das et al., 2025, "Gompertz Linear Units: Leveraging
     * Asymmetry for Enhanced Learning Dynamics"). Its derivative is e^(−e^(−x))·(1 + x·e^(−x)).
     *
     * <p>For very negative x, e^(−x) overflows and the naive derivative is 0·∞ = NaN. The gate is computed
     * from max(x, −7) instead: below −7 the gate exp(−e^7) ≈ e^(−1097) is exactly 0 in float32 and float64,
     * so the value (x·0) and the derivative (0) are exact, and finite for every finite x.
     */
    public static Tensor golu(Tensor x) {
        Tensor gate = x.clampMin(GOLU_CUTOFF).neg().exp().neg().exp();
        return x.mul(gate);
    }

    /**
     * The gates g(x) ∈ (0, 1) of the gated linear activations x·g(x), which {@link #expandedGating} widens.
     */
    public enum Gate {
        /** g = Φ, the standard normal CDF: x·g(x) is GELU. */
        GAUSSIAN_CDF("xGELU"),
        /** g = σ, the logistic sigmoid: x·g(x) is SiLU. */
        SIGMOID("xSiLU"),
        /** g = arctan(x)/π + ½: x·g(x) is ATLU, the arctan linear unit. */
        ARCTAN("xATLU");

        private final String expandedName;

        Gate(String expandedName) {
            this.expandedName = expandedName;
        }

        /** The name of the expanded activation, e.g. "xGELU". */
        public String expandedName() {
            return expandedName;
        }

        /** g(x). */
        public Tensor apply(Tensor x) {
            return switch (this) {
                case GAUSSIAN_CDF -> normalCdf(x);
                case SIGMOID -> x.sigmoid();
                case ARCTAN -> atan(x).mul(1.0 / Math.PI).add(0.5);
            };
        }
    }

    /**
     * An expanded gated activation x·g_α(x) with g_α(x) = (1 + 2α)·g(x) − α (Huang, 2024, "Expanded Gating
     * Ranges Improve Activation Functions"): the gate's range (0, 1) becomes (−α, 1 + α), and α = 0 gives back
     * x·g(x). α is a tensor (usually a trainable scalar, shape [] or [1]) that broadcasts against x and is
     * differentiated like x.
     */
    public static Tensor expandedGating(Tensor x, Gate gate, Tensor alpha) {
        if (alpha.dtype() != x.dtype()) {
            throw new IllegalArgumentException(gate.expandedName() + ": alpha is " + alpha.dtype() + " "
                    + Arrays.toString(alpha.shape()) + " but x is " + x.dtype() + " " + Arrays.toString(x.shape()));
        }
        Tensor widened = gate.apply(x).mul(alpha.mul(2.0).add(1.0)).sub(alpha);
        return x.mul(widened);
    }

    /** xGELU(x) = x·(½ + (½ + α)·erf(x/√2)): {@link #expandedGating} with the Gaussian CDF gate. */
    public static Tensor xgelu(Tensor x, Tensor alpha) {
        return expandedGating(x, Gate.GAUSSIAN_CDF, alpha);
    }

    /** xSiLU(x) = x·((1 + 2α)·σ(x) − α): {@link #expandedGating} with the sigmoid gate. */
    public static Tensor xsilu(Tensor x, Tensor alpha) {
        return expandedGating(x, Gate.SIGMOID, alpha);
    }

    /** xATLU(x) = x·((1 + 2α)·(arctan(x)/π + ½) − α): {@link #expandedGating} with the arctan gate. */
    public static Tensor xatlu(Tensor x, Tensor alpha) {
        return expandedGating(x, Gate.ARCTAN, alpha);
    }

    /**
     * arctan(x), with derivative 1/(1 + x²). The engine has no arctan primitive, so it is an elementwise
     * custom op (see {@link StraightThrough#elementwise}) whose backward is the exact derivative, written with
     * tensor ops so that it is itself differentiable.
     */
    static Tensor atan(Tensor x) {
        return StraightThrough.elementwise("atan", Math::atan, v -> v.square().add(1.0).reciprocal(), x);
    }

    /** A fresh tensor of x's shape and dtype holding f(xᵢ) computed in double precision (no tape). */
    static Tensor mapValues(String name, Tensor x, DoubleUnaryOperator f) {
        if (!x.dtype().isFloating()) {
            throw new IllegalArgumentException(name + ": expected a float32 or float64 tensor, got " + x.dtype() + " "
                    + Arrays.toString(x.shape()));
        }
        double[] v = x.toDoubleArray();
        Tensor out = Tensor.zeros(DType.FLOAT64, x.shape());
        double[] d = out.doubleData();
        for (int i = 0; i < v.length; i++) d[i] = f.applyAsDouble(v[i]);
        return out.to(x.dtype());
    }
}
