package dev.tapegrad.nn;

import dev.tapegrad.CustomOp;
import dev.tapegrad.Tensor;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;

/**
 * Straight-through and surrogate-gradient estimators: ops whose forward is a step function (sign, round,
 * ReLU's hard zero) and whose backward passes a chosen surrogate derivative instead of the true one, which
 * is 0 almost everywhere. Each is one {@link CustomOp} made by {@link #elementwise}: forward y = f(x),
 * backward x̄ = ȳ·s(x) and forward-mode tangent ẏ = s(x)·ẋ, with s the declared surrogate derivative (the
 * Jacobian diag(s(x)) read both ways, so forward and reverse mode agree).
 *
 * <p>Finite differences of the forward say nothing about these derivatives. Instead, each surrogate s is the
 * derivative of a known "reference" function R, and tests check the backward and the JVP against central
 * differences of R with {@code GradCheck.checkAgainst(op, R, x)} and {@code JvpCheck.checkAgainst(op, R, x)};
 * each method's javadoc names its R.
 */
public final class StraightThrough {
    private StraightThrough() {}

    /** The half-width m of ReSTE's central interval, as in the authors' code. */
    public static final double RESTE_INTERVAL = 0.1;

    /**
     * An elementwise custom op: forward y = f(x) computed in double precision (f need not be differentiable),
     * backward x̄ = ȳ·derivative(x) and JVP ẏ = derivative(x)·ẋ, where {@code derivative} is written with tensor
     * ops (so both rules are themselves differentiable). The mechanism behind every estimator here.
     */
    static Tensor elementwise(String name, DoubleUnaryOperator f, UnaryOperator<Tensor> derivative, Tensor x) {
        CustomOp op = CustomOp.of(name,
                in -> Activations.mapValues(name, in[0], f),
                (g, in, out) -> new Tensor[] {g.mul(derivative.apply(in[0]))},
                (t, in, out) -> t[0].mul(derivative.apply(in[0])));
        return op.apply(x);
    }

    /** 1 where low ≤ x ≤ high, else 0, in x's dtype. */
    private static Tensor inside(Tensor x, double low, double high) {
        return x.ge(low).to(x.dtype()).mul(x.le(high).to(x.dtype()));
    }

    /**
     * sign(x) forward (−1, 0 or 1), identity gradient backward: the straight-through estimator of Bengio,
     * Léonard &amp; Courville (2013), "Estimating or Propagating Gradients Through Stochastic Neurons".
     * Reference function R(x) = x.
     */
    public static Tensor sign(Tensor x) {
        return elementwise("sign_ste", Math::signum, v -> Tensor.ones(v.dtype(), v.shape()), x);
    }

    /**
     * sign(x) forward, backward ȳ·1[|x| ≤ clip]: the clipped straight-through estimator of BinaryConnect /
     * BinaryNet (Hubara et al., 2016), usually with clip = 1. Reference function R(x) = clamp(x, −clip, clip).
     */
    public static Tensor sign(Tensor x, double clip) {
        if (!(clip > 0)) throw new IllegalArgumentException("sign STE: clip must be positive, got " + clip);
        return elementwise("sign_ste_clipped", Math::signum, v -> inside(v, -clip, clip), x);
    }

    /**
     * round(x) forward (to nearest, ties to even, as {@code torch.round}), identity gradient backward: the
     * straight-through estimator used in quantisation-aware training. Reference function R(x) = x.
     */
    public static Tensor round(Tensor x) {
        return elementwise("round_ste", Math::rint, v -> Tensor.ones(v.dtype(), v.shape()), x);
    }

    /**
     * The rectified straight-through estimator ReSTE (Wu, Zheng, Liu &amp; Zheng, ICCV 2023, "Estimator Meets
     * Equilibrium Perspective: A Rectified Straight Through Estimator for Binary Neural Networks Training"):
     * forward sign(x); backward ȳ·s(x) with the derivative of the power function sign(x)·|x|^(1/o), rectified
     * near 0 and cut off at t:
     * <pre>
     *   s(x) = m^((1−o)/o)              for |x| ≤ m   (m = {@value #RESTE_INTERVAL}; the slope of the chord from 0 to m)
     *   s(x) = (1/o)·|x|^((1−o)/o)      for m &lt; |x| ≤ t
     *   s(x) = 0                        for |x| &gt; t
     * </pre>
     * o ≥ 1 sets the trade-off between estimation error and gradient stability: o = 1 is the clipped STE,
     * and larger o approaches sign itself (the authors increase o during training, with t = 1.5). The form
     * follows the authors' public code. Reference function R(x) = x·m^((1−o)/o) for |x| ≤ m and
     * sign(x)·min(|x|, t)^(1/o) beyond.
     */
    public static Tensor reste(Tensor x, double o, double t) {
        if (!(o >= 1) || !(t > RESTE_INTERVAL) || Double.isInfinite(o)) {
            throw new IllegalArgumentException("ReSTE: need 1 <= o < infinity and t > " + RESTE_INTERVAL + ", got o = " + o
                    + ", t = " + t);
        }
        double m = RESTE_INTERVAL;
        double p = (1 - o) / o;
        double centre = Math.pow(m, p);
        return elementwise("reste", Math::signum, v -> {
            Tensor a = v.abs();
            // |x| clamped into [m, t] keeps the power finite where its branch is not selected.
            Tensor power = a.clamp(m, t).pow(p).mul(1 / o).mul(a.le(t).to(v.dtype()));
            return Tensor.where(a.le(m), Tensor.full(centre, v.dtype()), power);
        }, x);
    }

    /**
     * HeLU, the hysteresis ReLU ("Hysteresis Activation Function for Efficient Inference", 2024): ReLU
     * forward, but the gradient also passes where −α &lt; x ≤ 0, i.e. backward ȳ·1[x &gt; −α], which keeps
     * units just below zero from dying (the authors' code uses α = 0.05). Reference function R(x) = max(x, −α).
     */
    public static Tensor helu(Tensor x, double alpha) {
        if (!(alpha >= 0)) throw new IllegalArgumentException("HeLU: alpha must be >= 0, got " + alpha);
        return elementwise("helu", v -> v > 0 ? v : 0.0, v -> v.gt(-alpha).to(v.dtype()), x);
    }
}
