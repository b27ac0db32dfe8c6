package dev.tapegrad.optim;

import dev.tapegrad.Autograd;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Forward gradients: a gradient estimate from one forward pass in forward mode, with no backward pass and no
 * tape (so the memory of a forward, whatever the depth).
 *
 * <p>For a tangent v over all the parameters, one Jacobian-vector product gives the directional derivative
 * ∇f·v exactly, and
 * <pre>
 *   g̃ = (∇f·v)·v
 * </pre>
 * is the forward gradient. <b>{@link #sample}</b> draws v ~ N(0, I): then E[g̃] = E[v vᵀ]·∇f = ∇f, an unbiased
 * estimate (Baydin et al., "Gradients without backpropagation"), whose variance grows with the number of
 * parameters n (E‖g̃‖² = (n + 2)‖∇f‖²), so it suits small models or many averaged samples.
 *
 * <p><b>{@link #alongGuess}</b> replaces the random tangent with a guess u of where the gradient points (the
 * gradient of a local or auxiliary loss, the previous step's update, a cheaper model's gradient, ...), and
 * returns the gradient's exact projection onto it,
 * <pre>
 *   g̃ = (∇f·û)·û,   û = u/‖u‖.
 * </pre>
 * This is biased (it keeps only the component along the guess, and is exact only when the guess is parallel
 * to ∇f) but has no sampling noise: its cosine with the true gradient is the guess's, which for a guess even
 * roughly aligned with ∇f is far above the ≈ √(2/(πn)) of a random tangent. That is the finding of "Can forward
 * gradient match backpropagation?": guesses from local losses improve on isotropic noise by a wide margin.
 *
 * <p>The loss closure computes a scalar from the parameters' current values; it is called once per estimate
 * inside a forward-mode level with the tangent attached to the parameters, and without recording a tape.
 * Tangents are drawn in the sorted order of the parameter names, so a seed gives the same estimate whatever
 * the map's iteration order. The estimate's map follows {@code params}' order.
 */
public final class ForwardGradient {
    private ForwardGradient() {}

    /**
     * The tangent-sampled estimate (∇f·v)·v with v ~ N(0, I) drawn from {@code gen} (one JVP; unbiased).
     *
     * @param gen    draws the tangent
     * @param params the parameters by name (floating point)
     * @param loss   computes the scalar loss from the parameters' current values
     */
    public static GradientEstimate sample(Generator gen, Map<String, Tensor> params, Supplier<Tensor> loss) {
        Objects.requireNonNull(gen, "gen");
        Map<String, Tensor> tangent = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : sorted(params, "sample").entrySet()) {
            tangent.put(e.getKey(), Tensor.randn(gen, e.getValue().dtype(), e.getValue().shape()));
        }
        double[] fd = jvp(params, tangent, loss, "sample");
        return new GradientEstimate(fd[0], fd[1], scaled(params, tangent, fd[1]));
    }

    /**
     * The projection (∇f·û)·û of the gradient onto a guessed direction u (one JVP; exact along u, biased).
     *
     * @param params the parameters by name (floating point)
     * @param guess  the guessed direction by parameter name (each of its parameter's shape; converted to its
     *               dtype); a parameter it does not name has a zero component
     * @param loss   computes the scalar loss from the parameters' current values
     * @throws IllegalArgumentException when the guess names an unknown parameter, has a wrong shape, or is zero
     */
    public static GradientEstimate alongGuess(Map<String, Tensor> params, Map<String, Tensor> guess, Supplier<Tensor> loss) {
        sorted(params, "alongGuess");
        double sumSquares = 0;
        Map<String, Tensor> unit = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : new TreeMap<>(guess).entrySet()) {
            Tensor p = params.get(e.getKey());
            if (p == null) {
                throw new IllegalArgumentException("ForwardGradient.alongGuess: the guess names '" + e.getKey()
                        + "', which is not a parameter (known: " + new TreeMap<>(params).keySet() + ")");
            }
            if (!Arrays.equals(p.shape(), e.getValue().shape())) {
                throw new IllegalArgumentException("ForwardGradient.alongGuess: guess '" + e.getKey() + "' has shape "
                        + Arrays.toString(e.getValue().shape()) + ", the parameter " + Arrays.toString(p.shape()));
            }
            for (double x : e.getValue().toDoubleArray()) sumSquares += x * x;
        }
        double norm = Math.sqrt(sumSquares);
        if (!(norm > 0 && Double.isFinite(norm))) {
            throw new IllegalArgumentException("ForwardGradient.alongGuess: the guess must be finite and not zero, its norm is " + norm);
        }
        guess.forEach((name, u) -> unit.put(name, u.to(params.get(name).dtype()).div(norm)));
        double[] fd = jvp(params, unit, loss, "alongGuess");
        return new GradientEstimate(fd[0], fd[1], scaled(params, unit, fd[1]));
    }

    /** {f(θ), ∇f·v}: one forward pass in forward mode with tangent v, recording nothing on the tape. */
    private static double[] jvp(Map<String, Tensor> params, Map<String, Tensor> tangent, Supplier<Tensor> loss, String op) {
        Objects.requireNonNull(loss, "loss");
        try (var level = Autograd.dualLevel(); var scope = Autograd.noGrad()) {
            tangent.forEach((name, v) -> level.setTangent(params.get(name), v));
            Tensor f = loss.get();
            if (f.numel() != 1) {
                throw new IllegalArgumentException("ForwardGradient." + op + ": the loss must be a single number, got shape "
                        + Arrays.toString(f.shape()));
            }
            return new double[] {f.item(), level.tangent(f).item()};
        }
    }

    /** s·v for every parameter (zeros where the tangent has no component), in {@code params}' order. */
    private static Map<String, Tensor> scaled(Map<String, Tensor> params, Map<String, Tensor> tangent, double s) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        params.forEach((name, p) -> {
            Tensor v = tangent.get(name);
            out.put(name, v == null ? Tensor.zeros(p.dtype(), p.shape()) : v.mul(s));
        });
        return out;
    }

    /** The parameters in sorted name order, checked to be floating point and at least one. */
    static TreeMap<String, Tensor> sorted(Map<String, Tensor> params, String op) {
        if (params.isEmpty()) throw new IllegalArgumentException("ForwardGradient." + op + ": no parameters given");
        TreeMap<String, Tensor> sorted = new TreeMap<>(params);
        sorted.forEach((name, p) -> {
            if (!p.dtype().isFloating()) {
                throw new IllegalArgumentException("ForwardGradient." + op + ": parameter '" + name + "' is " + p.dtype()
                        + "; only float32 and float64 parameters have gradients");
            }
        });
        return sorted;
    }
}
