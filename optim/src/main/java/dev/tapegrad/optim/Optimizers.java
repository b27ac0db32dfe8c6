package dev.tapegrad.optim;

import dev.tapegrad.Tensor;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The named optimizers, each a {@link Chain} of small transforms, and a factory by name for programs that
 * choose the optimizer from a flag or a config file.
 */
public final class Optimizers {
    private Optimizers() {}

    private static final Map<String, Supplier<Transform>> BY_NAME = new TreeMap<>();

    static {
        BY_NAME.put("sgd", Optimizers::sgd);
        BY_NAME.put("adam", Optimizers::adam);
        BY_NAME.put("adamw", Optimizers::adamW);
        BY_NAME.put("adamw-fused", Optimizers::adamWFused);
        registerClassic();
        registerFromPapers();
    }

    // ---- classic optimizers (Adagrad, RMSprop, Adamax, NAdam, RAdam, Lion, LAMB, LARS)

    private static void registerClassic() {
    }

    // ---- optimizers from the papers behind this project (AdaBound, AdamP/SGDP, AdaBelief, SPAM, D-Adaptation, AdaGrad-Norm)

    private static void registerFromPapers() {
    }

    /**
     * SGD (PyTorch semantics): coupled weight decay, momentum with dampening and optional Nesterov, then
     * θ ← θ − lr·u. Defaults: lr 1e-3, momentum 0, dampening 0, nesterov off, weightDecay 0.
     */
    public static Chain sgd() {
        return Chain.of("sgd", WeightDecay.coupled(0.0), new SgdMomentum(), new ScaleByLearningRate(1e-3));
    }

    /** Adam (with optional AMSGrad) and coupled L2 weight decay, as {@code torch.optim.Adam}. Defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8. */
    public static Chain adam() {
        return Chain.of("adam", WeightDecay.coupled(0.0), new ScaleByAdam(), new ScaleByLearningRate(1e-3));
    }

    /** AdamW: Adam with decoupled weight decay (default 0.01), as {@code torch.optim.AdamW}. */
    public static Chain adamW() {
        return Chain.of("adamw", new ScaleByAdam(), WeightDecay.decoupled(0.01), new ScaleByLearningRate(1e-3));
    }

    /**
     * AdamW as one fused Vector API pass per parameter ({@link FusedAdamW}): the same math, hyper-parameters
     * and state as {@link #adamW()}, bit for bit, in one read and write of g, m, v and θ instead of four
     * passes. Name {@code adamw-fused}.
     */
    public static FusedRule adamWFused() {
        return new FusedAdamW();
    }

    /** The rule registered under {@code name} (case-insensitive). */
    public static Transform byName(String name) {
        Supplier<Transform> s = BY_NAME.get(name.toLowerCase(java.util.Locale.ROOT));
        if (s == null) throw new IllegalArgumentException("unknown optimizer '" + name + "' (known: " + BY_NAME.keySet() + ")");
        return s.get();
    }

    /** Names accepted by {@link #byName}. */
    public static java.util.Set<String> names() {
        return java.util.Collections.unmodifiableSet(BY_NAME.keySet());
    }

    /** An optimizer by name over the given parameters with the given hyper-parameter values. */
    public static Optimizer create(String name, Map<String, Double> hyper, Map<String, Tensor> params) {
        Optimizer.Builder b = Optimizer.builder(byName(name)).params(params);
        hyper.forEach(b::set);
        return b.build();
    }
}
