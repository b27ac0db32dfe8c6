package dev.tapegrad.curvature;

import dev.tapegrad.Autograd;
import dev.tapegrad.DType;
import dev.tapegrad.DualLevel;
import dev.tapegrad.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The Hessian of a model's loss as a matrix-free operator: v ↦ H·v with H = ∇²_θ L(θ), θ the named parameters
 * (the map {@code Module.namedParameters()} or an optimizer uses) and L the loss that {@code loss} recomputes from
 * their current values (on a fixed batch, so that every product sees the same function). H is never formed: one
 * product costs about two gradient evaluations whatever the number of parameters n, which is what makes the
 * spectrum of a network with thousands or millions of parameters reachable (Pearlmutter, "Fast exact
 * multiplication by the Hessian", 1994).
 *
 * <p>Two ways of computing the product, which agree to rounding (the outer pass, {@link Autograd.Mode}, as in
 * {@link Autograd#hvp(java.util.function.Function, Tensor, Tensor, Autograd.Mode)}):
 * <ul>
 *   <li>{@link Autograd.Mode#FORWARD forward over reverse}: inside a {@link DualLevel} every parameter carries
 *       its part of v as tangent through the forward and the backward pass, and the gradient's tangent is
 *       d/dε ∇L(θ + εv) at ε = 0, which is H·v. No second tape is recorded (the default; a custom op in the
 *       loss needs a JVP rule);</li>
 *   <li>{@link Autograd.Mode#REVERSE reverse over reverse}: g = ∇L(θ) with the backward pass recorded, then
 *       H·v = ∇_θ⟨g, v⟩. Works for any op whose VJP rule is differentiable.</li>
 * </ul>
 *
 * <pre>{@code
 * Map<String, Tensor> params = model.namedParameters();
 * HessianOperator h = HessianOperator.of(params, () -> Losses.crossEntropy(model.forward(x), y));
 * ParamVector hv = h.apply(ParamVector.rademacher(gen, h.layout()));
 * }</pre>
 * The loss supplier must not change the parameters, and should be deterministic (no dropout): power iteration and
 * Lanczos assume the same H at every product. Parameters' {@code grad} fields are left untouched.
 */
public final class HessianOperator implements SymmetricOperator {
    /** The outer pass {@link #of} uses: forward over reverse, as {@link Autograd#hvp(java.util.function.Function, Tensor, Tensor)}. */
    static final Autograd.Mode DEFAULT_MODE = Autograd.Mode.FORWARD;

    private final Tensor[] tensors;
    private final Supplier<Tensor> loss;
    private final ParamLayout layout;
    private final Autograd.Mode mode;
    private final AtomicLong products = new AtomicLong();

    private HessianOperator(Map<String, Tensor> params, Supplier<Tensor> loss, Autograd.Mode mode) {
        this.layout = ParamLayout.of(params);
        Map<String, Tensor> ordered = new LinkedHashMap<>(params);
        this.tensors = ordered.values().toArray(Tensor[]::new);
        this.loss = java.util.Objects.requireNonNull(loss, "HessianOperator: loss");
        this.mode = mode;
        for (Map.Entry<String, Tensor> e : ordered.entrySet()) {
            if (!e.getValue().requiresGrad()) {
                throw new IllegalArgumentException("HessianOperator: parameter '" + e.getKey() + "' (shape "
                        + Arrays.toString(e.getValue().shape()) + ") does not require grad; call requiresGrad(true) on it");
            }
        }
    }

    /** The Hessian of {@code loss} over {@code params}, products forward over reverse ({@link #builder} for the other). */
    public static HessianOperator of(Map<String, Tensor> params, Supplier<Tensor> loss) {
        return builder(params, loss).build();
    }

    /** Starts building a Hessian operator with other settings than {@link #of}'s. */
    public static Builder builder(Map<String, Tensor> params, Supplier<Tensor> loss) {
        return new Builder(params, loss);
    }

    /** Optional settings of a {@link HessianOperator}. */
    public static final class Builder {
        private final Map<String, Tensor> params;
        private final Supplier<Tensor> loss;
        private Autograd.Mode mode = DEFAULT_MODE;

        private Builder(Map<String, Tensor> params, Supplier<Tensor> loss) {
            this.params = params;
            this.loss = loss;
        }

        /** The outer pass of the products: forward over reverse (the default), or reverse over reverse. */
        public Builder mode(Autograd.Mode outer) {
            this.mode = java.util.Objects.requireNonNull(outer, "mode");
            return this;
        }

        /** The operator. */
        public HessianOperator build() {
            return new HessianOperator(params, loss, mode);
        }
    }

    @Override
    public ParamLayout layout() {
        return layout;
    }

    /** The outer pass of the products: {@link Autograd.Mode#FORWARD} (forward over reverse) or {@link Autograd.Mode#REVERSE}. */
    public Autograd.Mode mode() {
        return mode;
    }

    /** The number of Hessian-vector products computed so far (the cost of an analysis). */
    public long products() {
        return products.get();
    }

    /** The current loss L(θ) (recomputed, nothing recorded). */
    public double lossValue() {
        try (var s = Autograd.noGrad()) {
            return checkedLoss().item();
        }
    }

    /** ∇L(θ) at the current parameters, as a vector ({@code grad} fields untouched). */
    public ParamVector gradient() {
        try (var s = Autograd.enableGrad()) {
            Tensor[] g = Autograd.grad(checkedLoss(), tensors);
            return vector(g);
        }
    }

    @Override
    public ParamVector apply(ParamVector v) {
        layout.requireSame(v.layout(), "HessianOperator.apply");
        products.incrementAndGet();
        return switch (mode) {
            case FORWARD -> forwardOverReverse(v);
            case REVERSE -> reverseOverReverse(v);
        };
    }

    private ParamVector forwardOverReverse(ParamVector v) {
        try (var s = Autograd.enableGrad(); DualLevel level = Autograd.dualLevel()) {
            for (int i = 0; i < tensors.length; i++) level.setTangent(tensors[i], v.get(layout.names().get(i)));
            Tensor[] g = Autograd.grad(checkedLoss(), tensors); // ∇L, each carrying its tangent d/dε ∇L(θ + εv)
            Tensor[] hv = new Tensor[g.length];
            for (int i = 0; i < g.length; i++) hv[i] = level.tangent(g[i]);
            return vector(hv);
        }
    }

    private ParamVector reverseOverReverse(ParamVector v) {
        try (var s = Autograd.enableGrad()) {
            Tensor[] g = Autograd.grad(checkedLoss(), tensors, null, true, true); // ∇L, itself recorded
            Tensor gv = null;                                                       // ⟨∇L, v⟩
            for (int i = 0; i < tensors.length; i++) {
                Tensor term = g[i].mul(v.get(layout.names().get(i))).sum();
                gv = gv == null ? term : gv.add(term);
            }
            return vector(Autograd.grad(gv, tensors)); // ∇⟨∇L, v⟩ = H·v (zeros where ∇L does not depend on θ)
        }
    }

    private ParamVector vector(Tensor[] perParam) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < perParam.length; i++) m.put(layout.names().get(i), perParam[i]);
        return ParamVector.of(layout, m);
    }

    /** Calls the loss supplier and checks that it gave one floating-point number. */
    private Tensor checkedLoss() {
        Tensor l = loss.get();
        if (l == null) throw new IllegalStateException("HessianOperator: the loss supplier returned null");
        if (l.numel() != 1 || (l.dtype() != DType.FLOAT32 && l.dtype() != DType.FLOAT64)) {
            throw new IllegalStateException("HessianOperator: the loss must be one float32 or float64 number, got "
                    + l.dtype() + " of shape " + Arrays.toString(l.shape()));
        }
        return l;
    }
}
