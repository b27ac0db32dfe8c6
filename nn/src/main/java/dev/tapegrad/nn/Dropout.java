package dev.tapegrad.nn;

import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;

/**
 * Inverted dropout (see {@link Layers#dropout}): in training mode each element is zeroed with probability p
 * and the others are scaled by 1/(1 − p); in evaluation mode it is the identity. The masks come from this
 * module's own generator.
 */
public final class Dropout extends UnaryModule {
    private final double p;
    private final Generator gen;

    /** Dropout with probability p in [0, 1), drawing masks from {@code gen}. */
    public Dropout(Generator gen, double p) {
        Layers.checkDropoutP("Dropout", p);
        this.p = p;
        this.gen = java.util.Objects.requireNonNull(gen, "Dropout: generator");
    }

    /** The drop probability. */
    public double p() {
        return p;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Layers.dropout(gen, x, p, isTraining());
    }
}
