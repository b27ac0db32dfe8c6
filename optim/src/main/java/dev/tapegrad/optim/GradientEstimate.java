package dev.tapegrad.optim;

import dev.tapegrad.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A gradient estimated without a backward pass, by {@link ForwardGradient} or {@link SpsaGradient}.
 * {@link #setGrads} hands it to an {@link Optimizer}, which then steps as if backward had written it.
 *
 * @param loss                  f(θ); for {@link SpsaGradient}, the mean of the two perturbed values, f(θ) + O(c²)
 * @param directionalDerivative the derivative of f along the tangent the estimate used: ∇f·v (forward mode), or
 *                              its central difference (f(θ + cΔ) − f(θ − cΔ))/(2c) along Δ (SPSA)
 * @param gradient              the estimate, by parameter name (each of the parameter's shape and dtype)
 */
public record GradientEstimate(double loss, double directionalDerivative, Map<String, Tensor> gradient) {

    /** Copies the map (unmodifiable, order kept). */
    public GradientEstimate {
        gradient = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(gradient, "gradient")));
    }

    /**
     * Sets each parameter's {@link Tensor#grad()} to its estimate (replacing what was there), so that
     * {@link Optimizer#step()} uses it.
     *
     * @throws IllegalArgumentException when {@code params} lacks a parameter of the estimate
     */
    public void setGrads(Map<String, Tensor> params) {
        for (String name : gradient.keySet()) {
            if (!params.containsKey(name)) {
                throw new IllegalArgumentException("GradientEstimate.setGrads: no parameter '" + name + "' (given: " + params.keySet() + ")");
            }
        }
        gradient.forEach((name, g) -> params.get(name).setGrad(g.clone()));
    }
}
