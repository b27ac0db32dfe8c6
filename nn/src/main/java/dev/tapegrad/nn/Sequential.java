package dev.tapegrad.nn;

import dev.tapegrad.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Modules applied one after the other: forward(x) = mₙ(...m₂(m₁(x))). Children are named {@code 0},
 * {@code 1}, ... as in PyTorch, so their parameters are {@code 0.weight}, {@code 2.bias}, ...
 */
public final class Sequential extends UnaryModule {
    private final List<UnaryModule> layers = new ArrayList<>();

    /** A sequence of the given modules. */
    public Sequential(UnaryModule... modules) {
        for (UnaryModule m : modules) add(m);
    }

    /** Appends a module. Returns this. */
    public Sequential add(UnaryModule m) {
        child(Integer.toString(layers.size()), m);
        layers.add(m);
        return this;
    }

    /** The i-th module. */
    public UnaryModule get(int i) {
        return layers.get(i);
    }

    /** Number of modules. */
    public int size() {
        return layers.size();
    }

    @Override
    public Tensor forward(Tensor x) {
        for (UnaryModule m : layers) x = m.forward(x);
        return x;
    }
}
