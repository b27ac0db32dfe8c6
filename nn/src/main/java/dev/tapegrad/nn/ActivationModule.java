package dev.tapegrad.nn;

import dev.tapegrad.Tensor;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * An activation without parameters as a module: y = f(x) for one of the functions of {@link Activations}
 * (see there for each formula and its paper). Made by the static factories, which follow PyTorch's module
 * names ({@code ReLU}, {@code GELU}, ...); {@link #toString()} shows the name and settings. Activations with
 * a trainable parameter are {@link ExpandedGating} modules.
 */
public final class ActivationModule extends UnaryModule {
    private final String name;
    private final UnaryOperator<Tensor> f;

    private ActivationModule(String name, UnaryOperator<Tensor> f) {
        this.name = name;
        this.f = f;
    }

    /** A module applying any elementwise function f, shown under the given name. */
    public static ActivationModule of(String name, UnaryOperator<Tensor> f) {
        return new ActivationModule(Objects.requireNonNull(name), Objects.requireNonNull(f));
    }

    /** ReLU: max(x, 0). */
    public static ActivationModule relu() { return of("ReLU", Activations::relu); }
    /** LeakyReLU with the given negative slope (PyTorch's default is 0.01). */
    public static ActivationModule leakyRelu(double slope) { return of("LeakyReLU(" + slope + ")", x -> Activations.leakyRelu(x, slope)); }
    /** ELU with the given α (PyTorch's default is 1). */
    public static ActivationModule elu(double alpha) { return of("ELU(" + alpha + ")", x -> Activations.elu(x, alpha)); }
    /** SELU with the exact constants. */
    public static ActivationModule selu() { return of("SELU", Activations::selu); }
    /** GELU, exact (x·Φ(x) through erf). */
    public static ActivationModule gelu() { return of("GELU", Activations::gelu); }
    /** GELU, tanh approximation. */
    public static ActivationModule geluTanh() { return of("GELU(tanh)", Activations::geluTanh); }
    /** SiLU (Swish): x·σ(x). */
    public static ActivationModule silu() { return of("SiLU", Activations::silu); }
    /** Mish: x·tanh(softplus(x)). */
    public static ActivationModule mish() { return of("Mish", Activations::mish); }
    /** PyTorch's Softplus with β = 1, threshold 20 (see {@link Activations#thresholdedSoftplus(Tensor, double, double)}). */
    public static ActivationModule thresholdedSoftplus() { return thresholdedSoftplus(1.0, 20.0); }
    /** PyTorch's Softplus with the given β and threshold (identity where βx &gt; threshold). */
    public static ActivationModule thresholdedSoftplus(double beta, double threshold) {
        if (!(beta > 0)) throw new IllegalArgumentException("Softplus: beta must be positive, got " + beta);
        return of("Softplus(" + beta + ", " + threshold + ")", x -> Activations.thresholdedSoftplus(x, beta, threshold));
    }
    /** tanh. */
    public static ActivationModule tanh() { return of("Tanh", Activations::tanh); }
    /** Logistic sigmoid. */
    public static ActivationModule sigmoid() { return of("Sigmoid", Activations::sigmoid); }
    /** Hardtanh on [−1, 1]. */
    public static ActivationModule hardtanh() { return hardtanh(-1.0, 1.0); }
    /** Hardtanh on [min, max]. */
    public static ActivationModule hardtanh(double min, double max) {
        if (!(min < max)) throw new IllegalArgumentException("Hardtanh: min " + min + " must be less than max " + max);
        return of("Hardtanh(" + min + ", " + max + ")", x -> Activations.hardtanh(x, min, max));
    }
    /** GoLU: x·exp(−exp(−x)). */
    public static ActivationModule golu() { return of("GoLU", Activations::golu); }

    @Override
    public Tensor forward(Tensor x) {
        return f.apply(x);
    }

    @Override
    public String toString() {
        return name;
    }
}
