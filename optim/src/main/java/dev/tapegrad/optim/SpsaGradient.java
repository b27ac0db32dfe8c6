package dev.tapegrad.optim;

import dev.tapegrad.Autograd;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The two-forward gradient estimate (SPSA, simultaneous perturbation stochastic approximation, Spall 1992), for
 * devices where neither a backward pass nor forward-mode tangents fit: two evaluations of the loss, no
 * derivatives at all.
 * <pre>
 *   g̃ = (f(θ + cΔ) − f(θ − cΔ)) / (2c) · Δ⁻¹,     Δᵢ = ±1 with probability ½ each (Rademacher)
 * </pre>
 * (Δ⁻¹ is elementwise, and equals Δ for ±1 entries). The central difference is ∇f·Δ + O(c²), and E[Δ⁻¹Δᵀ] = I
 * for independent Rademacher entries, so E[g̃] = ∇f + O(c²): unbiased up to the difference's truncation error,
 * which vanishes for quadratics. Its variance, like the forward gradient's, grows with the number of
 * parameters. The same two-call form is what on-device training with fixed-point arithmetic uses ("directional
 * derivatives computed from two forward calls").
 *
 * <p>The parameters are perturbed in place (they must be dense tensors; no copy of the model is made), the
 * loss is evaluated under {@link Autograd#noGrad()}, and the original values are written back exactly before
 * this returns, also when the loss throws. For float32 parameters θ ± cΔ is rounded to float32, which adds an
 * error of about ulp(θ)/c to the difference: prefer float64, or c well above the parameters' ulp. Δ is drawn in
 * the sorted order of the parameter names.
 */
public final class SpsaGradient {
    private SpsaGradient() {}

    /**
     * One SPSA estimate with perturbation size {@code c} and Rademacher directions drawn from {@code gen}.
     *
     * @param gen    draws Δ
     * @param params the parameters by name (dense, floating point); restored exactly before this returns
     * @param c      the perturbation size, &gt; 0 and finite
     * @param loss   computes the scalar loss from the parameters' current values
     */
    public static GradientEstimate estimate(Generator gen, Map<String, Tensor> params, double c, Supplier<Tensor> loss) {
        Objects.requireNonNull(gen, "gen");
        Objects.requireNonNull(loss, "loss");
        if (!(c > 0 && Double.isFinite(c))) throw new IllegalArgumentException("SpsaGradient: c must be > 0 and finite, got " + c);
        Map<String, double[]> theta = new LinkedHashMap<>(), delta = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : ForwardGradient.sorted(params, "spsa").entrySet()) {
            Tensor p = e.getValue();
            if (!p.isDense()) throw new IllegalArgumentException("SpsaGradient: parameter '" + e.getKey() + "' is not dense (a view)");
            theta.put(e.getKey(), p.toDoubleArray());
            double[] d = new double[p.numel()];
            for (int i = 0; i < d.length; i++) d[i] = gen.nextDouble() < 0.5 ? -1 : 1;
            delta.put(e.getKey(), d);
        }
        double plus, minus;
        try {
            plus = evaluateAt(params, theta, delta, c, loss);
            minus = evaluateAt(params, theta, delta, -c, loss);
        } finally {
            theta.forEach((name, t) -> WeightEma.write(params.get(name), t));
        }
        double slope = (plus - minus) / (2 * c);
        Map<String, Tensor> gradient = new LinkedHashMap<>();
        params.forEach((name, p) -> {
            double[] d = delta.get(name), g = new double[d.length];
            for (int i = 0; i < g.length; i++) g[i] = slope / d[i];
            gradient.put(name, Tensor.of(g, p.shape()).to(p.dtype()));
        });
        return new GradientEstimate((plus + minus) / 2, slope, gradient);
    }

    /** f(θ + s·Δ), with the parameters written in place. */
    private static double evaluateAt(Map<String, Tensor> params, Map<String, double[]> theta, Map<String, double[]> delta,
                                     double s, Supplier<Tensor> loss) {
        theta.forEach((name, t) -> {
            double[] d = delta.get(name), moved = new double[t.length];
            for (int i = 0; i < t.length; i++) moved[i] = t[i] + s * d[i];
            WeightEma.write(params.get(name), moved);
        });
        try (var scope = Autograd.noGrad()) {
            Tensor f = loss.get();
            if (f.numel() != 1) {
                throw new IllegalArgumentException("SpsaGradient: the loss must be a single number, got shape " + Arrays.toString(f.shape()));
            }
            return f.item();
        }
    }
}
