package dev.tapegrad.rl;

import dev.tapegrad.DType;
import dev.tapegrad.Tensor;
import java.util.Arrays;

/**
 * The masked power (Hölder) mean of positive values given by their logarithms, computed in log space: for row
 * i of d [B,T] (d = log x, e.g. token log-ratios) and a 0/1 mask with n_i = Σ_t m_{i,t} valid entries,
 * <pre>
 *   M_p(x_i) = ( (1/n_i) Σ_t x_{i,t}^p )^(1/p)                      p ≠ 0
 *   log M_p  = ( logsumexp_t(p·d_{i,t} over valid t) − log n_i ) / p
 *   M_0(x_i) = exp( (1/n_i) Σ_t d_{i,t} )                           the geometric mean (p → 0)
 * </pre>
 * p = 1 is the arithmetic mean, p = −1 the harmonic mean, p → ±∞ the maximum / minimum; M_p is non-decreasing
 * in p, lies between min and max, and is homogeneous: M_p(λx) = λ·M_p(x). Its gradient is
 * ∂ log M_p / ∂d_{i,t} = w_{i,t} = softmax_t(p·d_{i,t}) over the valid t ({@link #weights}), a probability
 * distribution: p = 0 weighs every entry 1/n_i, p &gt; 0 favours large entries, p &lt; 0 small ones (HölderPO,
 * arXiv 2605.12058; the log-space form follows the official verl port's {@code masked_log_holder_mean}).
 *
 * <p><b>Accuracy for small |p|.</b> Written as log-sum-exp minus log n, the formula would lose about
 * u·log n/|p| to cancellation (u the unit roundoff). It is evaluated instead as
 * log M_p = (m + log1p((1/n) Σ_t expm1(p·d_t − m)))/p with m = max_t p·d_t (a constant shift, so the gradient
 * is exact): every term has the same sign and expm1/log1p keep their relative accuracy, so the error stays
 * at a few u·|max d| for every p ≠ 0, and large |p| cannot overflow (p·d − m ≤ 0).
 *
 * <p><b>Near p = 0.</b> log M_p = K(p)/p, where K is the cumulant generating function of d under the uniform
 * distribution on the valid entries, so log M_p = κ₁ + κ₂·p/2 + κ₃·p²/6 + O(κ₄·p³) with κ₁ the mean, κ₂ the
 * (population) variance and κ₃ the third central moment of d. This second-order series is used when
 * |p|·max(1, s) is below {@link #seriesThreshold} τ = (24u)^(1/3) ≈ 10⁻⁵, where s = max d − min d is the spread
 * of the valid entries of the batch: it is exact at p = 0 (the geometric mean, GSPO's ratio: the masked mean
 * of d), and its truncation error, of order (|p|·s)³·s/24, is then at the level of the rounding error, so the
 * switch is continuous to rounding whatever the spread. Its gradient (1/n)(1 + p·c + p²(c² − κ₂)/2),
 * c = d − κ₁, is the same expansion of the softmax weights. (Without the spread in the test, a spread of 1000
 * would use the series where p·c is of order 1, and its "weights" would turn negative.)
 *
 * <p><b>Precision.</b> Everything is computed in float64 and the result converted to d's dtype (the gradient
 * flows back through the conversion). In float32 the series would need τ ≈ 10⁻², and its truncation error
 * at log-ratio spreads of 30–60 was 0.6–10% of M_p; in float64 the result is float32's rounding of an
 * accurate value.
 *
 * <p><b>Large |p|</b> stays finite: p = ±10³ gives ≈ max / min (up to log n/|p|). p must be finite.
 *
 * <p><b>Empty rows</b> (n_i = 0) are defined as log M_p = 0 (M_p = 1, a neutral ratio) with a zero gradient;
 * objectives then leave such sequences out of their mean. Values of d at masked positions are never read (they
 * may be ±∞ or NaN).
 */
public final class PowerMean {
    private PowerMean() {}

    /**
     * τ ≈ (24u)^(1/3) = 10⁻⁵ for the unit roundoff u of float64, the precision every dtype is computed in: the
     * series in p is used where |p|·max(1, spread of d) &lt; τ, where its truncation error is below rounding.
     * The same for every dtype (the argument is kept for callers that ask per dtype).
     */
    public static double seriesThreshold(DType dtype) {
        return 1e-5;
    }

    /**
     * log M_p of each row of exp(d) over the valid entries, shape [B] in d's dtype; 0 for an empty row (and
     * for a batch with no tokens). Differentiable in d. Computed in float64 (see the class comment).
     */
    public static Tensor logMean(Tensor d, Tensor mask, double p) {
        mask = checkedMask(d, mask, p);
        if (d.size(1) == 0) return d.sum(1); // no tokens at all: zeros [B], with a zero gradient
        if (d.dtype() == DType.FLOAT64) return logMean64(d, mask, p);
        return logMean64(d.to(DType.FLOAT64), mask.to(DType.FLOAT64), p).to(d.dtype());
    }

    /** {@link #logMean} of float64 d and mask. */
    private static Tensor logMean64(Tensor d, Tensor mask, double p) {
        Tensor valid = mask.gt(0.5);
        Tensor dm = MaskedReductions.masked(d, mask);
        if (Math.abs(p) * Math.max(1, spread(dm, mask)) < seriesThreshold(DType.FLOAT64)) {
            Tensor mean = MaskedReductions.maskedMean(dm, mask);                     // κ₁ (0 for an empty row)
            Tensor c = MaskedReductions.masked(dm.sub(mean.unsqueeze(1)), mask);     // centred d, 0 where masked
            Tensor k2 = MaskedReductions.maskedMean(c.square(), mask);
            Tensor k3 = MaskedReductions.maskedMean(c.square().mul(c), mask);
            return mean.add(k2.mul(p / 2)).add(k3.mul(p * p / 6));
        }
        Tensor scaled = dm.mul(p);
        Tensor max = Tensor.where(valid, scaled, Tensor.full(Double.NEGATIVE_INFINITY, d.dtype(), d.shape()))
                .max(new int[] {1}, true).detach();
        Tensor shift = Tensor.where(max.eq(Double.NEGATIVE_INFINITY), Tensor.zeros(d.dtype(), max.shape()), max); // 0 for an empty row
        // masked before expm1, so masked positions contribute expm1(0) = 0 and never reach an exp
        Tensor meanExpm1 = MaskedReductions.maskedMean(MaskedReductions.masked(scaled.sub(shift), mask).expm1(), mask);
        return shift.squeeze(1).add(meanExpm1.log1p()).div(p);
    }

    /** max − min of d over the valid entries of the whole batch (0 when there are none). */
    private static double spread(Tensor dm, Tensor mask) {
        double[] v = dm.detach().toDoubleArray(), m = mask.toDoubleArray();
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < v.length; i++) {
            if (m[i] > 0.5) {
                lo = Math.min(lo, v[i]);
                hi = Math.max(hi, v[i]);
            }
        }
        return hi >= lo ? hi - lo : 0;
    }

    /**
     * M_p = exp(log M_p), shape [B]; 1 for an empty row. log M_p is capped at log(largest finite value of the
     * dtype) before exp, so the result is finite (with zero gradient beyond the cap).
     */
    public static Tensor mean(Tensor d, Tensor mask, double p) {
        return expCapped(logMean(d, mask, p));
    }

    /**
     * The gradient weights w_{i,t} = ∂ log M_p/∂d_{i,t} = softmax_t(p·d_{i,t}) over the valid t (0 at masked
     * positions and in empty rows); each non-empty row sums to 1. Returned detached (a diagnostic).
     */
    public static Tensor weights(Tensor d, Tensor mask, double p) {
        mask = checkedMask(d, mask, p);
        if (d.size(1) == 0) return Tensor.zeros(d.dtype(), d.shape());
        Tensor valid = mask.gt(0.5);
        Tensor dm = MaskedReductions.masked(d.detach(), mask);
        Tensor logW = Tensor.where(valid, dm.mul(p), Tensor.full(Double.NEGATIVE_INFINITY, d.dtype(), d.shape()));
        Tensor lse = logW.logsumexp(new int[] {1}, true);
        Tensor w = logW.sub(Tensor.where(lse.eq(Double.NEGATIVE_INFINITY), Tensor.zeros(d.dtype(), lse.shape()), lse)).exp();
        return MaskedReductions.masked(w, mask).detach();
    }

    /** exp(min(x, log(max finite value of x's dtype))). */
    static Tensor expCapped(Tensor logValue) {
        double cap = Math.log(logValue.dtype() == DType.FLOAT32 ? Float.MAX_VALUE : Double.MAX_VALUE);
        return logValue.clampMax(cap).exp();
    }

    /** Validates the arguments; returns the mask (detached) in d's dtype. */
    private static Tensor checkedMask(Tensor d, Tensor mask, double p) {
        if (d.dim() != 2 || !d.dtype().isFloating()) {
            throw new IllegalArgumentException("PowerMean: d must be a floating [B,T] tensor, got " + d.dtype() + " "
                    + Arrays.toString(d.shape()));
        }
        if (!Arrays.equals(d.shape(), mask.shape())) {
            throw new IllegalArgumentException("PowerMean: mask " + Arrays.toString(mask.shape())
                    + " must have the shape of d " + Arrays.toString(d.shape()));
        }
        if (!Double.isFinite(p)) throw new IllegalArgumentException("PowerMean: p must be finite, got " + p);
        return (mask.dtype() == d.dtype() ? mask : mask.to(d.dtype())).detach();
    }
}
