package dev.tapegrad.nn;

import dev.tapegrad.Tensor;

/** A module with one input and one output: y = forward(x). Such modules compose in a {@link Sequential}. */
public abstract class UnaryModule extends Module {

    /** Computes the module's output. */
    public abstract Tensor forward(Tensor x);
}
