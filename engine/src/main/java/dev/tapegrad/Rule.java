package dev.tapegrad;

/**
 * The vector-Jacobian product of one op: given the gradient of the loss with respect to the op's output
 * (the cotangent ḡ), return the gradient with respect to each input, ḡ·∂out/∂inputᵢ, in input order
 * ({@code null} for an input that receives none).
 *
 * <p>Rules are written with ordinary tensor ops. When {@code backward} runs with {@code createGraph}, those
 * ops are themselves recorded, which is what makes second and higher derivatives work.
 */
@FunctionalInterface
interface Rule {
    /** The gradients of the inputs, in order, given the gradient of the output. */
    Tensor[] apply(Tensor gradOutput);
}
