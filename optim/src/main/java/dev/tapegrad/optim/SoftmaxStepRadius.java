package dev.tapegrad.optim;

import dev.tapegrad.Autograd;
import dev.tapegrad.DType;
import dev.tapegrad.Tensor;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How far a softmax classifier can move along a direction before the Taylor series of its cross-entropy stops
 * converging: the safe step radius of "Ghosts of Softmax".
 *
 * <p><b>The math.</b> Let z(θ) be one example's logits (K classes) and u an update direction over the
 * parameters. Along the line θ + t·v, with v = u/‖u‖ the unit direction, the logits change to first order as
 * z_k + t·a_k with a_k = ∇z_k·v, the directional derivatives that one Jacobian-vector product gives for all k
 * at once. The cross-entropy with label y along that line is
 * <pre>
 *   ℓ(t) = log Σ_k exp(z_k + t·a_k) − z_y − t·a_y.
 * </pre>
 * ℓ is analytic on the real line, but its partition function Σ_k exp(z_k + t·a_k) has zeros in the complex
 * t-plane, where the logarithm is singular, and the Taylor series of ℓ around t = 0 converges only inside the
 * disc that reaches the nearest one. For two classes the partition function is e^{z_1+t a_1}(1 + e^{δ + tΔ}),
 * with δ = z_2 − z_1 and Δ = a_2 − a_1, which vanishes where δ + tΔ = iπ(2m + 1): the nearest zeros lie at
 * distance √(δ² + π²)/|Δ| ≥ π/|Δ|, and exactly π/|Δ| when the two logits are equal. For K classes the
 * spread Δ_a = max_k a_k − min_k a_k plays the part of |Δ|: no zero of the partition function lies within
 * |t| &lt; π/Δ_a (write t = s + iw; the k-th term exp(z_k + t·a_k) has the phase w·a_k, and while |w|·Δ_a &lt; π
 * these phases lie on an arc shorter than π, so all terms lie in one open half-plane and cannot cancel). So
 * <pre>
 *   ρ_a = π / Δ_a                 (per example; the batch radius is the minimum over the examples)
 * </pre>
 * is a lower bound on the radius of convergence: a step of length τ &lt; ρ_a stays where the local quadratic
 * (and every higher-order) picture of the loss is still meaningful, while beyond it the loss can change in
 * ways no Taylor expansion at θ sees (the "ghost" singularities). π is the imaginary distance at which
 * exp(i·t·Δ) first turns a positive sum into a cancelling one.
 *
 * <p><b>The normalised step.</b> For a step θ ← θ + u, the step length is τ = ‖u‖ (Euclidean, over all
 * parameters) and
 * <pre>
 *   r = τ / ρ_a = ‖u‖·Δ_a(v) / π = Δ_a(u) / π,
 * </pre>
 * where Δ_a(u) is the spread of ∇z_k·u along the unnormalised update: r does not depend on how u is split
 * into a length and a direction. r &lt; 1 is a safe step; scaling u by s scales r by s. When the logits are
 * linear in θ (a softmax-regression model), the bound is also global: along any direction each example's
 * loss changes by at most |t|·Δ_a, so the batch's mean loss changes by at most π·r.
 *
 * <pre>{@code
 * SoftmaxStepRadius rho = SoftmaxStepRadius.measure(params, update, () -> model.forward(x));
 * if (rho.normalisedStep() >= 1) { ... the update leaves the safe disc ... }
 * }</pre>
 *
 * @param spreads       Δ_a(u) = max_k ∇z_k·u − min_k ∇z_k·u for each example, along the unnormalised direction u
 * @param directionNorm ‖u‖
 */
public record SoftmaxStepRadius(double[] spreads, double directionNorm) {

    /** Copies the spreads and checks that they and the norm are ≥ 0 (NaN is kept: it reports a non-finite JVP). */
    public SoftmaxStepRadius {
        Objects.requireNonNull(spreads, "spreads");
        spreads = spreads.clone();
        for (double d : spreads) {
            if (d < 0) throw new IllegalArgumentException("SoftmaxStepRadius: a spread is negative (" + d + ")");
        }
        if (directionNorm < 0) throw new IllegalArgumentException("SoftmaxStepRadius: direction norm " + directionNorm + " is negative");
    }

    /**
     * Measures the radius of the logits {@code logits.get()} (computed from {@code params}, class axis last;
     * every leading axis indexes examples, e.g. {@code [batch, classes]} or {@code [batch, seq, vocab]}) along the
     * update {@code direction}, with one Jacobian-vector product: the direction is attached as the parameters'
     * tangent in a forward-mode level, the logits are computed once (nothing is recorded on the tape), and their
     * tangent is ∇z·u.
     *
     * @param params    the parameters by name, as the logits read them
     * @param direction the update u by parameter name (same shape and dtype as the parameter); a parameter it
     *                  does not name does not move
     * @param logits    computes the logits from the parameters' current values (e.g. the model on the current batch)
     * @throws IllegalArgumentException when the direction names an unknown parameter or does not match its
     *                                  shape or dtype, or the logits are a scalar or not floating point
     */
    public static SoftmaxStepRadius measure(Map<String, Tensor> params, Map<String, Tensor> direction, Supplier<Tensor> logits) {
        Objects.requireNonNull(logits, "logits");
        double sumSquares = 0;
        for (Map.Entry<String, Tensor> e : direction.entrySet()) {
            Tensor p = params.get(e.getKey());
            Tensor u = e.getValue();
            if (p == null) {
                throw new IllegalArgumentException("SoftmaxStepRadius: the direction names '" + e.getKey()
                        + "', which is not a parameter (known: " + new java.util.TreeSet<>(params.keySet()) + ")");
            }
            if (!Arrays.equals(p.shape(), u.shape()) || p.dtype() != u.dtype()) {
                throw new IllegalArgumentException("SoftmaxStepRadius: direction '" + e.getKey() + "' is " + Arrays.toString(u.shape())
                        + " " + u.dtype() + ", the parameter " + Arrays.toString(p.shape()) + " " + p.dtype());
            }
            for (double x : u.toDoubleArray()) sumSquares += x * x;
        }
        Tensor a;
        try (var level = Autograd.dualLevel(); var scope = Autograd.noGrad()) {
            direction.forEach((name, u) -> level.setTangent(params.get(name), u));
            Tensor z = logits.get();
            if (z.dim() == 0 || !z.dtype().isFloating()) {
                throw new IllegalArgumentException("SoftmaxStepRadius: the logits must be floating point with the class axis last,"
                        + " got " + Arrays.toString(z.shape()) + " " + z.dtype());
            }
            a = level.tangent(z);
        }
        return fromLogitDerivatives(a, Math.sqrt(sumSquares));
    }

    /**
     * The radius from directional logit derivatives already computed: {@code a[..., k]} = ∇z_k·u along the
     * unnormalised direction u of norm {@code directionNorm} (class axis last, leading axes index examples).
     * An example with a NaN or infinite derivative gets the spread NaN (unmeasurable), so the batch's r is NaN.
     */
    public static SoftmaxStepRadius fromLogitDerivatives(Tensor a, double directionNorm) {
        if (a.dim() == 0 || !a.dtype().isFloating()) {
            throw new IllegalArgumentException("SoftmaxStepRadius: logit derivatives must be floating point with the class axis last,"
                    + " got " + Arrays.toString(a.shape()) + " " + a.dtype());
        }
        int classes = a.size(a.dim() - 1);
        double[] values = a.to(DType.FLOAT64).contiguous().toDoubleArray();
        int examples = classes == 0 ? 0 : values.length / classes;
        double[] spreads = new double[examples];
        for (int i = 0; i < examples; i++) {
            double max = Double.NEGATIVE_INFINITY, min = Double.POSITIVE_INFINITY;
            boolean finite = true;
            for (int k = 0; k < classes; k++) {
                double v = values[i * classes + k];
                finite &= Double.isFinite(v);
                max = Math.max(max, v);
                min = Math.min(min, v);
            }
            // A NaN or infinite derivative means the update itself was not finite: its spread cannot be measured
            // (not even when every derivative is the same infinity, which would otherwise look like no spread).
            spreads[i] = finite ? max - min : Double.NaN;
        }
        return new SoftmaxStepRadius(spreads, directionNorm);
    }

    /** The spreads Δ_a(u), one per example (a copy). */
    @Override
    public double[] spreads() {
        return spreads.clone();
    }

    /** The largest spread over the batch, max_i Δ_a(u) (0 for an empty batch; NaN if any is NaN). */
    public double spread() {
        double max = 0;
        for (double d : spreads) {
            if (Double.isNaN(d)) return Double.NaN;
            max = Math.max(max, d);
        }
        return max;
    }

    /** Each example's radius ρ_a = π/Δ_a(v) = π·‖u‖/Δ_a(u), in parameter-space distance (+∞ where Δ_a = 0). */
    public double[] radii() {
        double[] rho = new double[spreads.length];
        for (int i = 0; i < rho.length; i++) rho[i] = radiusFor(spreads[i]);
        return rho;
    }

    /** The batch radius: the smallest of {@link #radii()} (+∞ when no logit spreads along the direction). */
    public double radius() {
        return radiusFor(spread());
    }

    /** The normalised step r = τ/ρ_a = Δ_a(u)/π of the whole update u (batch maximum); r &lt; 1 is safe. */
    public double normalisedStep() {
        return spread() / Math.PI;
    }

    private double radiusFor(double spread) {
        if (Double.isNaN(spread)) return Double.NaN;
        return spread == 0 ? Double.POSITIVE_INFINITY : Math.PI * directionNorm / spread;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SoftmaxStepRadius other && Arrays.equals(spreads, other.spreads)
                && Double.compare(directionNorm, other.directionNorm) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(spreads) + Double.hashCode(directionNorm);
    }

    @Override
    public String toString() {
        return "SoftmaxStepRadius[examples=" + spreads.length + ", radius=" + radius() + ", r=" + normalisedStep() + "]";
    }
}
