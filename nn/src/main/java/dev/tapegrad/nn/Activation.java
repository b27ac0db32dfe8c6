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
public final class Activation extends UnaryModule {
    private final String name;
    private final UnaryOperator<Tensor> f;

    private Activation(String name, UnaryOperator<Tensor> f) {
        this.name = name;
        this.f = f;
    }

    /** A module applying any elementwise function f, shown under the given name. */
    public static Activation of(String name, UnaryOperator<Tensor> f) {
        return new Activation(Objects.requireNonNull(name), Objects.requireNonNull(f));
    }

    /** ReLU: max(x, 0). */
    public static Activation relu() { return of("ReLU", Activations::relu); }
    /** LeakyReLU with the given negative slope (PyTorch's default is 0.01). */
    public static Activation leakyRelu(double slope) { return of("LeakyReLU(" + slope + ")", x -> Activations.leakyRelu(x, slope)); }
    /** ELU with the given α (PyTorch's default is 1). */
    public static Activation elu(double alpha) { return of("ELU(" + alpha + ")", x -> Activations.elu(x, alpha)); }
    /** SELU with the exact constants. */
    public static Activation selu() { return of("SELU", Activations::selu); }
    /** GELU, exact (x·Φ(x) through erf). */
    public static Activation gelu() { return of("GELU", Activations::gelu); }
    /** GELU, tanh approximation. */
    public static Activation geluTanh() { return of("GELU(tanh)", Activations::geluTanh); }
    /** SiLU (Swish): x·σ(x). */
    public static Activation silu() { return of("SiLU", Activations::silu); }
    /** Mish: x·tanh(softplus(x)). */
    public static Activation mish() { return of("Mish", Activations::mish); }
    /** Softplus with β = 1, threshold 20. */
    public static Activation softplus() { return softplus(1.0, 20.0); }
    /** Softplus with the given β and threshold. */
    public static Activation softplus(double beta, double threshold) {
        if (!(beta > 0)) throw new IllegalArgumentException("Softplus: beta must be positive, got " + beta);
        return of("Softplus(" + beta + ", " + threshold + ")", x -> Activations.softplus(x, beta, threshold));
    }
    /** tanh. */
    public static Activation tanh() { return of("Tanh", Activations::tanh); }
    /** Logistic sigmoid. */
    public static Activation sigmoid() { return of("Sigmoid", Activations::sigmoid); }
    /** Hardtanh on [−1, 1]. */
    public static Activation hardtanh() { return hardtanh(-1.0, 1.0); }
    /** Hardtanh on [min, max]. */
    public static Activation hardtanh(double min, double max) {
        if (!(min < max)) throw new IllegalArgumentException("Hardtanh: min " + min + " must be less than max " + max);
        return of("Hardtanh(" + min + ", " + max + ")", x -> Activations.hardtanh(x, min, max));
    }
    /** GoLU: x·exp(−exp(−x)). */
    public static Activation golu() { return of("GoLU", Activations::golu); }

    @Override
    public Tensor forward(Tensor x) {
        return f.apply(x);
    }

    @Override
    public String toString() {
        return name;
    }
}
