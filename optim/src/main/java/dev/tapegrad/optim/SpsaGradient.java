package dev.tapegrad.optim;

import dev.tapegrad.Autograd;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import dev.tapegrad.curvature.ParamVector;
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
        Map<String, Tensor> sorted = ForwardGradient.sorted(params, "spsa");
        sorted.forEach((name, p) -> {
            if (!p.isDense()) throw new IllegalArgumentException("SpsaGradient: parameter '" + name + "' is not dense (a view)");
        });
        ParamVector theta = ParamVector.of(sorted);
        ParamVector delta = ParamVector.rademacher(gen, theta.layout());
        double plus, minus;
        try {
            plus = evaluateAt(theta.axpy(c, delta), params, loss);
            minus = evaluateAt(theta.axpy(-c, delta), params, loss);
        } finally {
            theta.writeTo(params);
        }
        double slope = (plus - minus) / (2 * c);
        Map<String, Tensor> estimate = delta.scale(slope).toTensors();      // slope·Δ = slope/Δ for Δ = ±1
        Map<String, Tensor> gradient = new LinkedHashMap<>();
        params.forEach((name, p) -> gradient.put(name, estimate.get(name)));
        return new GradientEstimate((plus + minus) / 2, slope, gradient);
    }

    /** f(θ'), with the parameters set to θ' in place. */
    private static double evaluateAt(ParamVector moved, Map<String, Tensor> params, Supplier<Tensor> loss) {
        moved.writeTo(params);
        try (var scope = Autograd.noGrad()) {
            Tensor f = loss.get();
            if (f.numel() != 1) {
                throw new IllegalArgumentException("SpsaGradient: the loss must be a single number, got shape " + Arrays.toString(f.shape()));
            }
            return f.item();
        }
    }
}
