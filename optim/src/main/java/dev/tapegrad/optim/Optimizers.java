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
        registerClassic();
        registerFromPapers();
    }

    // ---- classic optimizers (Adagrad, RMSprop, Adamax, NAdam, RAdam, Lion, LAMB, LARS)

    private static void registerClassic() {
    }

    // ---- optimizers from the papers behind this project (AdaBound, AdamP/SGDP, AdaBelief, SPAM, D-Adaptation, AdaGrad-Norm)

    private static void registerFromPapers() {
        BY_NAME.put("adabound", Optimizers::adaBound);
        BY_NAME.put("amsbound", Optimizers::amsBound);
        BY_NAME.put("adamp", Optimizers::adamP);
        BY_NAME.put("sgdp", Optimizers::sgdP);
        BY_NAME.put("adabelief", Optimizers::adaBelief);
        BY_NAME.put("spam", Optimizers::spam);
        BY_NAME.put("dadaptsgd", Optimizers::dAdaptSgd);
        BY_NAME.put("dadaptadam", Optimizers::dAdaptAdam);
        BY_NAME.put("adagradnorm", Optimizers::adaGradNorm);
    }

    /**
     * AdaBound (Luo et al., "Adaptive Gradient Methods with Dynamic Bound of Learning Rate", ICLR 2019;
     * reference {@code Luolc/AdaBound}): coupled L2 g ← g + wd·θ, then Adam moments with
     * θ ← θ − clamp(lr·√(1−β₂ᵗ)/(1−β₁ᵗ)/(√v + ε), η*(1 − 1/(γt+1)), η*(1 + 1/(γt)))·m, η* → finalLr.
     * ε is on √v before the bias correction (unlike torch Adam). How finalLr follows a scheduled lr (the
     * reference's {@code base_lrs} scaling) is described in {@link ScaleByAdaBound}. Defaults: lr 1e-3,
     * betas (0.9, 0.999), finalLr 0.1, gamma 1e-3, eps 1e-8, weightDecay 0, amsbound off.
     */
    public static Chain adaBound() {
        return Chain.of("adabound", WeightDecay.coupled(0.0), new ScaleByAdaBound(false));
    }

    /** AMSBound: {@link #adaBound()} with the running maximum of the raw v in the denominator (amsbound on). */
    public static Chain amsBound() {
        return Chain.of("amsbound", WeightDecay.coupled(0.0), new ScaleByAdaBound(true));
    }

    /**
     * AdamP (Heo et al., "AdamP: Slowing Down the Slowdown for Momentum Optimizers on Scale-invariant
     * Weights", ICLR 2021; reference {@code clovaai/AdamP}): the Adam direction p = m/(√v/√(1−β₂ᵗ) + ε)
     * (ε after the bias correction; Nesterov numerator β₁m + (1−β₁)g optional), projected for ≥2-D
     * parameters onto the tangent space of θ per channel or else per layer when |cos(g, θ)| &lt; δ/√dim
     * ({@link RadialProjection}), then θ ← θ·(1 − lr·wd·r) − lr/(1−β₁ᵗ)·p with r = wdRatio if projected, else 1
     * (decoupled decay). 1-D parameters are never projected. Defaults: lr 1e-3, betas (0.9, 0.999), eps
     * 1e-8, weightDecay 0, delta 0.1, wdRatio 0.1, nesterov off.
     */
    public static Chain adamP() {
        return Chain.of("adamp", new AdamDirection(), new RadialProjection("adamp", false), new ScaleByLearningRate(1e-3));
    }

    /**
     * SGDP (same paper and reference as {@link #adamP()}): momentum b ← μb + (1−dampening)g with b starting
     * at zero (not at g as in torch SGD), direction b or g + μb (Nesterov), the same projection, then
     * θ ← θ·(1 − lr·wd·r/(1−μ)) − lr·direction. The reference requires an lr; ours defaults to 1e-3 (as torch
     * SGD). Defaults: momentum 0, dampening 0, weightDecay 0, nesterov off, eps 1e-8, delta 0.1, wdRatio 0.1;
     * momentum must be &lt; 1 (the decay divides by 1 − μ).
     */
    public static Chain sgdP() {
        return Chain.of("sgdp", new SgdpMomentum(), new RadialProjection("sgdp", true), new ScaleByLearningRate(1e-3));
    }

    /**
     * AdaBelief (Zhuang et al., NeurIPS 2020; reference {@code adabelief_pytorch} 0.2.1): Adam on the
     * "belief" s = EMA((g − m)²) + ε, with ε added into s every step and again outside the root, optional
     * AMSGrad over s (including its ε), RAdam-style rectification that degenerates to momentum SGD while
     * ρ_t &lt; 5, and decoupled (lr-scaled or fixed) or coupled decay; see {@link ScaleByAdaBelief}. Defaults
     * (≥ 0.1.0): lr 1e-3, betas (0.9, 0.999), eps 1e-16, weightDecay 0, amsgrad off, weightDecouple on,
     * fixedDecay off, rectify on, degeneratedToSgd on. (optax's adabelief and torch-optimizer use other
     * defaults: no rectification, eps 1e-8 / coupled decay.)
     */
    public static Chain adaBelief() {
        return Chain.of("adabelief", new ScaleByAdaBelief());
    }

    /**
     * SPAM (Huang et al., ICLR 2025; reference {@code TianjinYellow/SPAM-Optimizer}): Adam with ε before the
     * bias correction, spike clipping g ← sign(g)√(threshold·v_{t−1}) where g² &gt; threshold·v_{t−1}, moment
     * reset every deltaT steps (the bias-correction step is not reset), a cosine warm-up of the step after
     * each reset, no clipping during gradAccuSteps steps after a reset, and decoupled decay θ ← θ − lr·wd·θ
     * after the update; see {@link ScaleBySpam}. Dense momentum only (the random sparse-momentum variant is
     * not implemented). Defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-6, weightDecay 0, warmupSteps 150,
     * threshold 5000, deltaT 500, gradAccuSteps 20.
     */
    public static Chain spam() {
        return Chain.of("spam", new ScaleBySpam());
    }

    /**
     * D-Adapted SGD (Defazio and Mishchenko, ICML 2023; reference {@code facebookresearch/dadaptation}):
     * coupled L2, then dual averaging s ← s + (d·lr/‖g₀‖)·g, θ → x₀ − s, with the distance estimate
     * d ← max(d, 2·Σₖ dlrₖ⟨gₖ, sₖ₋₁⟩/‖s‖); see {@link DAdaptSgd}. A zero first gradient skips the step (the reference divides by zero).
     * Defaults: lr 1.0, momentum 0, weightDecay 0, d0 1e-6, growthRate ∞.
     */
    public static Chain dAdaptSgd() {
        return Chain.of("dadaptsgd", WeightDecay.coupled(0.0), new DAdaptSgd());
    }

    /**
     * D-Adapted Adam (Defazio and Mishchenko, ICML 2023; reference {@code facebookresearch/dadaptation}
     * version 3): Adam whose step d·lr comes from a running lower bound on the distance to the solution,
     * coupled or decoupled (decouple) decay, optional bias correction; see {@link DAdaptAdam}. Defaults: lr
     * 1.0, betas (0.9, 0.999), eps 1e-8, weightDecay 0, d0 1e-6, growthRate ∞, decouple off, biasCorrection off.
     */
    public static Chain dAdaptAdam() {
        return Chain.of("dadaptadam", new DAdaptAdam());
    }

    /**
     * AdaGrad-Norm (Ward, Wu, Bottou, ICML 2019): one scalar b² ← b² + ‖g‖² for the whole group, then
     * x ← x − (lr/b)·g; see {@link ScaleByAdaGradNorm}. No library implements it; defaults lr 1.0, b0 1.0.
     */
    public static Chain adaGradNorm() {
        return Chain.of("adagradnorm", new ScaleByAdaGradNorm(), new ScaleByLearningRate(1.0));
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
