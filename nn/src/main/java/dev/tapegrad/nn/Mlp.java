package dev.tapegrad.nn;

import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A builder of multi-layer perceptrons as a {@link Sequential}:
 * <pre>{@code
 * Sequential net = Mlp.builder(784).hidden(64, ReluModule::new).hidden(32, ReluModule::new).out(10)
 *         .dropout(0.1).build(new Generator(0));
 * }</pre>
 * builds Linear(784, 64), activation, Dropout, Linear(64, 32), activation, Dropout, Linear(32, 10): each
 * hidden layer is a {@link Linear} followed by a fresh activation from its supplier and, when the dropout
 * probability is positive, a {@link Dropout}; the output layer is a bare Linear. Children are named 0, 1,
 * 2, ... as in PyTorch's {@code nn.Sequential}, so the example's parameters are {@code 0.weight},
 * {@code 0.bias}, {@code 3.weight}, ...
 */
public final class Mlp {
    private Mlp() {}

    /** Starts an MLP whose input has {@code in} features. */
    public static Builder builder(int in) {
        return new Builder(in);
    }

    /** Collects the layer sizes and options; {@link #build} creates the modules. */
    public static final class Builder {
        private record Hidden(int size, Supplier<? extends UnaryModule> activation) {}

        private final int in;
        private final List<Hidden> hidden = new ArrayList<>();
        private Integer out;
        private double dropout;
        private DType dtype = DType.FLOAT32;

        private Builder(int in) {
            this.in = positive("input size", in);
        }

        /** Adds a hidden layer of {@code size} units followed by an activation made by {@code activation}. */
        public Builder hidden(int size, Supplier<? extends UnaryModule> activation) {
            hidden.add(new Hidden(positive("hidden size", size), Objects.requireNonNull(activation, "Mlp: activation")));
            return this;
        }

        /** Sets the output size (a Linear layer without activation). */
        public Builder out(int size) {
            out = positive("output size", size);
            return this;
        }

        /** Sets the dropout probability after each hidden activation (0, the default, adds no Dropout). */
        public Builder dropout(double p) {
            Layers.checkDropoutP("Mlp", p);
            dropout = p;
            return this;
        }

        /** Sets the dtype of the parameters (float32 by default). */
        public Builder dtype(DType d) {
            dtype = Objects.requireNonNull(d);
            return this;
        }

        /**
         * Creates the network, initialising every Linear from {@code gen} in order; each Dropout gets its own
         * generator seeded from {@code gen}.
         */
        public Sequential build(Generator gen) {
            if (out == null) throw new IllegalStateException("Mlp: call out(size) before build");
            Sequential net = new Sequential();
            int width = in;
            for (Hidden h : hidden) {
                net.add(Linear.builder(width, h.size()).dtype(dtype).build(gen));
                net.add(Objects.requireNonNull(h.activation().get(), "Mlp: the activation supplier returned null"));
                if (dropout > 0) net.add(new Dropout(new Generator(gen.nextLong()), dropout));
                width = h.size();
            }
            net.add(Linear.builder(width, out).dtype(dtype).build(gen));
            return net;
        }

        private static int positive(String what, int n) {
            if (n <= 0) throw new IllegalArgumentException("Mlp: " + what + " must be positive, got " + n);
            return n;
        }
    }
}
