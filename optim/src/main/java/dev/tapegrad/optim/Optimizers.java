package dev.tapegrad.optim;

import dev.tapegrad.Tensor;
import java.util.ArrayList;
import java.util.List;
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
        BY_NAME.put("adagrad", Optimizers::adagrad);
        BY_NAME.put("rmsprop", Optimizers::rmsprop);
        BY_NAME.put("adamax", Optimizers::adamax);
        BY_NAME.put("nadam", Optimizers::nadam);
        BY_NAME.put("radam", Optimizers::radam);
        BY_NAME.put("lion", Optimizers::lion);
        BY_NAME.put("lamb", Optimizers::lamb);
        BY_NAME.put("lars", Optimizers::lars);
    }

    /**
     * Adagrad, as {@code torch.optim.Adagrad}: coupled L2 decay, then
     * <pre>
     *   s ← s + g²,   θ ← θ − lr/(1 + (t−1)·lrDecay) · g/(√s + ε)
     * </pre>
     * (Duchi, Hazan and Singer, JMLR 2011). Defaults: lr 1e-2, lrDecay 0, weightDecay 0, eps 1e-10,
     * initialAccumulator 0. torch adds ε outside the root; optax's {@code adagrad} puts it inside and starts
     * the sum at 0.1.
     */
    public static Chain adagrad() {
        return Chain.of("adagrad", WeightDecay.coupled(0.0), new ScaleByAdagrad(), new InverseTimeDecay(),
                new ScaleByLearningRate(1e-2));
    }

    /**
     * RMSprop, as {@code torch.optim.RMSprop}: coupled L2 decay, then
     * <pre>
     *   v ← αv + (1−α)g²,   d = √v + ε   (centered: m ← αm + (1−α)g,  d = √(v − m²) + ε)
     *   b ← μb + g/d   (momentum μ &gt; 0, b starts at 0; otherwise b = g/d),   θ ← θ − lr·b
     * </pre>
     * (Tieleman and Hinton 2012; centered form Graves 2013). Defaults: lr 1e-2, alpha 0.99, eps 1e-8,
     * weightDecay 0, momentum 0, centered off. optax's {@code rmsprop} differs: ε inside the root, decay 0.9.
     */
    public static Chain rmsprop() {
        return Chain.of("rmsprop", WeightDecay.coupled(0.0), new ScaleByRms(),
                new Configured("rmsprop", new SgdMomentum(), Map.of(), Map.of("dampening", 0.0, "nesterov", 0.0)),
                new ScaleByLearningRate(1e-2));
    }

    /**
     * Adamax, as {@code torch.optim.Adamax}: coupled L2 decay, then
     * <pre>
     *   m ← β₁m + (1−β₁)g,   n ← max(β₂n, |g| + ε),   θ ← θ − lr · m/((1−β₁ᵗ)·n)
     * </pre>
     * (Kingma and Ba, ICLR 2015, §7.1). Defaults: lr 2e-3, betas (0.9, 0.999), eps 1e-8, weightDecay 0.
     * ε sits inside the max (torch); optax adds it after the max.
     */
    public static Chain adamax() {
        return Chain.of("adamax", WeightDecay.coupled(0.0), new ScaleByAdamax(), new ScaleByLearningRate(2e-3));
    }

    /**
     * NAdam, as {@code torch.optim.NAdam} (2.x): coupled L2 decay, then with μ_t = β₁(1 − ½·0.96^(t·ψ)) and
     * Π_t = μ₁⋯μ_t,
     * <pre>
     *   m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  d = √(v/(1−β₂ᵗ)) + ε
     *   θ ← θ − lr·[(1−μ_t)/(1−Π_t) · g/d + μ_{t+1}/(1−Π_t·μ_{t+1}) · m/d]
     * </pre>
     * (Dozat, ICLR 2016 workshop). Defaults: lr 2e-3, betas (0.9, 0.999), eps 1e-8, weightDecay 0,
     * momentumDecay ψ 4e-3. Π_t is saved state. torch ≤ 1.13 used Π_t·μ_t·μ_{t+1} in the second
     * denominator (a bug fixed in 2.x, which is followed here); optax's {@code nadam} has no μ schedule.
     * torch 2.x's optional decoupled decay is not offered (use {@link WeightDecay#decoupled} in your own chain).
     */
    public static Chain nadam() {
        return Chain.of("nadam", WeightDecay.coupled(0.0), new ScaleByNadam(), new ScaleByLearningRate(2e-3));
    }

    /**
     * RAdam, as {@code torch.optim.RAdam}: coupled L2 decay, then with m̂ = m/(1−β₁ᵗ),
     * ρ∞ = 2/(1−β₂) − 1, ρ_t = ρ∞ − 2tβ₂ᵗ/(1−β₂ᵗ):
     * <pre>
     *   θ ← θ − lr · m̂ · r_t · √(1−β₂ᵗ)/(√v + ε)   if ρ_t &gt; 5,   r_t = √((ρ_t−4)(ρ_t−2)ρ∞/((ρ∞−4)(ρ∞−2)ρ_t))
     *   θ ← θ − lr · m̂                              otherwise (the first few steps)
     * </pre>
     * (Liu et al., ICLR 2020). Defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weightDecay 0. The threshold
     * 5 is torch's and optax's (the paper uses 4); ε is added to √v before bias correction, as torch does.
     */
    public static Chain radam() {
        return Chain.of("radam", WeightDecay.coupled(0.0), new ScaleByRadam(), new ScaleByLearningRate(1e-3));
    }

    /**
     * Lion (Chen et al., "Symbolic Discovery of Optimization Algorithms", NeurIPS 2023), as the authors'
     * {@code lion_pytorch.py}:
     * <pre>
     *   θ ← θ − lr·(sign(β₁m + (1−β₁)g) + wd·θ),   m ← β₂m + (1−β₂)g
     * </pre>
     * Decoupled weight decay (the reference multiplies θ by 1 − lr·wd first, the same step). Defaults: lr
     * 1e-4, betas (0.9, 0.99), weightDecay 0 (optax's {@code lion} defaults weight decay to 1e-3). Not in torch.
     */
    public static Chain lion() {
        return Chain.of("lion", new ScaleByLion(), WeightDecay.decoupled(0.0), new ScaleByLearningRate(1e-4));
    }

    /**
     * LAMB (You et al., "Large Batch Optimization for Deep Learning: Training BERT in 76 minutes", ICLR 2020),
     * in optax's form {@code chain(scale_by_adam(eps=1e-6), add_decayed_weights(wd), scale_by_trust_ratio(),
     * scale_by_learning_rate(lr))}:
     * <pre>
     *   a = m̂/(√v̂ + ε) + wd·θ   (Adam direction, bias-corrected, plus decoupled decay)
     *   θ ← θ − lr · (‖θ‖/‖a‖) · a,   the ratio := 1 when ‖θ‖ = 0 or ‖a‖ = 0
     * </pre>
     * VectorNorms are per parameter tensor. Defaults: lr 1e-3 (optax has none; pytorch_optimizer's), betas
     * (0.9, 0.999), eps 1e-6, weightDecay 0. A zero-norm (e.g. zero-initialised) parameter takes the plain
     * step −lr·a, as in optax and pytorch_optimizer (the authors' reference later gained the same rule,
     * cybertronai/pytorch-lamb PR 6); implementations that clip the ratio (e.g. to 10) or drop bias
     * correction differ. Not in torch.
     */
    public static Chain lamb() {
        return Chain.of("lamb",
                new Configured("lamb", new ScaleByAdam(), Map.of("eps", 1e-6), Map.of("amsgrad", 0.0)),
                WeightDecay.decoupled(0.0),
                new Configured("lamb", new ScaleByTrustRatio(), Map.of(), Map.of("trustCoefficient", 1.0, "eps", 0.0)),
                new ScaleByLearningRate(1e-3));
    }

    /**
     * LARS (You, Gitman and Ginsburg, "Large Batch Training of Convolutional Networks", arXiv 1708.03888), in
     * optax's form {@code chain(add_decayed_weights(wd), scale_by_trust_ratio(tc, eps),
     * scale_by_learning_rate(lr), trace(momentum, nesterov))}:
     * <pre>
     *   a = g + wd·θ,   r = tc·‖θ‖/(‖a‖ + eps)  (r := 1 when ‖θ‖ = 0 or ‖a‖ = 0)
     *   b ← μb − lr·r·a   (b starts at 0),   θ ← θ + b   (Nesterov: θ ← θ + μb − lr·r·a)
     * </pre>
     * Defaults: lr 1e-3 (optax has none; pytorch_optimizer's), momentum 0.9, weightDecay 0,
     * trustCoefficient 1e-3, eps 0, nesterov off. <b>Three libraries disagree</b> (on a
     * 2×3 quadratic, 20 steps, the losses are 1.94, 1.45 and 0.078): the paper and torch-optimizer use
     * ‖g‖ + wd‖θ‖ (not ‖g + wd·θ‖) in the ratio, scale only when wd ≠ 0, trust coefficient 0.01, and put
     * the learning rate after the momentum; pytorch_optimizer leaves the decay out of the ratio, skips 1-D
     * parameters and seeds the momentum with the raw gradient. This class follows optax, whose momentum
     * accumulates lr-scaled steps (so a learning-rate schedule acts on new steps only). All three agree that a
     * zero parameter moves by −lr·g on its first step.
     */
    public static Chain lars() {
        return Chain.of("lars", WeightDecay.coupled(0.0), new ScaleByTrustRatio(), new ScaleByLearningRate(1e-3),
                new Configured("lars", new SgdMomentum(), Map.of("momentum", 0.9), Map.of("dampening", 0.0)));
    }

    /**
     * The optimizer registered under {@code name} with {@code first} applied before it, e.g. gradient
     * clipping: {@code prepend("adamw", ClipByNorm.global(1.0))} is chain(clip, adamw). The chain is named
     * after its parts ({@code clipByGlobalNorm+adamw}), so saved state records the clipping too.
     */
    public static Chain prepend(String name, Transform... first) {
        Transform optimizer = byName(name);
        List<Transform> parts = new ArrayList<>(List.of(first));
        parts.add(optimizer);
        StringBuilder chainName = new StringBuilder();
        for (Transform t : first) chainName.append(t.name()).append('+');
        return new Chain(chainName.append(optimizer.name()).toString(), parts);
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
        BY_NAME.put("adagradnorm", Optimizers::adagradNorm);
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
     * after the update; see {@link ScaleBySpam}. Dense momentum only: the paper's random sparse-momentum variant is
     * left out. Defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-6, weightDecay 0, warmupSteps 150,
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
     * x ← x − (lr/b)·g; see {@link ScaleByAdagradNorm}. No library implements it; defaults lr 1.0, b0 1.0.
     */
    public static Chain adagradNorm() {
        return Chain.of("adagradnorm", new ScaleByAdagradNorm(), new ScaleByLearningRate(1.0));
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
