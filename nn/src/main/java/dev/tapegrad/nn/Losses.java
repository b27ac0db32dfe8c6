package dev.tapegrad.nn;

import dev.tapegrad.DType;
import dev.tapegrad.Tensor;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.BinaryOperator;

/**
 * Loss functions with PyTorch's semantics (those of {@code torch.nn.functional} in 1.13): the same formulas,
 * the same weighted means and the same {@link Reduction}s, so values and gradients agree with PyTorch.
 *
 * <p>Every loss that takes logits works in log space (log-softmax, softplus), so logits of any finite
 * magnitude, ±1e4 included, give finite values and gradients in float32 and float64. Inputs are checked
 * before any work: targets must have the documented shape and dtype (IllegalArgumentException naming the
 * loss and the shapes) and class labels must lie in [0, C) or equal the ignore index
 * (IndexOutOfBoundsException naming the label and its position).
 *
 * <p>Shapes of classification inputs follow PyTorch: scores {@code [N, C]} or {@code [N, C, d₁, ...]} (class
 * axis 1), or {@code [C]} for one unbatched sample (class axis 0); class-index targets have the scores'
 * shape without the class axis.
 */
public final class Losses {
    private Losses() {}

    /** PyTorch's default ignore index: no real class has it. */
    public static final int DEFAULT_IGNORE_INDEX = -100;

    // ---------------------------------------------------------------- regression

    /** Mean squared error: ℓᵢ = (xᵢ − yᵢ)², averaged. */
    public static Tensor mse(Tensor input, Tensor target) {
        return mse(input, target, Reduction.MEAN);
    }

    /** Squared error ℓᵢ = (xᵢ − yᵢ)², reduced; input and target have the same shape. */
    public static Tensor mse(Tensor input, Tensor target, Reduction reduction) {
        return pointwise("mse", input, target, reduction, (x, y) -> x.sub(y).square());
    }

    /** Mean absolute error: ℓᵢ = |xᵢ − yᵢ|, averaged. */
    public static Tensor l1(Tensor input, Tensor target) {
        return l1(input, target, Reduction.MEAN);
    }

    /** Absolute error ℓᵢ = |xᵢ − yᵢ| (gradient sign(xᵢ − yᵢ), 0 at equality), reduced. */
    public static Tensor l1(Tensor input, Tensor target, Reduction reduction) {
        return pointwise("l1", input, target, reduction, (x, y) -> x.sub(y).abs());
    }

    /**
     * Huber loss (Huber, 1964): with a = |xᵢ − yᵢ|, ℓᵢ = ½a² for a ≤ δ and δ·(a − ½δ) beyond; quadratic near
     * 0, linear in the tails, continuously differentiable. Requires δ &gt; 0.
     */
    public static Tensor huber(Tensor input, Tensor target, double delta, Reduction reduction) {
        if (!(delta > 0)) throw new IllegalArgumentException("huber: delta must be positive, got " + delta);
        return pointwise("huber", input, target, reduction, (x, y) -> huberTerms(x.sub(y), delta));
    }

    /**
     * Smooth L1 loss (Girshick, 2015, "Fast R-CNN"): ℓᵢ = ½a²/β for a &lt; β and a − ½β beyond, with
     * a = |xᵢ − yᵢ|; it is Huber(δ = β)/β, and β = 0 gives L1 (as in PyTorch). Requires β ≥ 0.
     */
    public static Tensor smoothL1(Tensor input, Tensor target, double beta, Reduction reduction) {
        if (!(beta >= 0)) throw new IllegalArgumentException("smoothL1: beta must be >= 0, got " + beta);
        return pointwise("smoothL1", input, target, reduction,
                (x, y) -> beta == 0 ? x.sub(y).abs() : huberTerms(x.sub(y), beta).div(beta));
    }

    /** ½a² for a ≤ δ, δ(a − ½δ) beyond, with a = |d|: both are q·(a − ½q) with q = min(a, δ). */
    private static Tensor huberTerms(Tensor d, double delta) {
        Tensor a = d.abs();
        Tensor q = a.clampMax(delta);
        return q.mul(a.sub(q.mul(0.5)));
    }

    private static Tensor pointwise(String name, Tensor input, Tensor target, Reduction reduction,
                                    BinaryOperator<Tensor> loss) {
        requireFloatPair(name, input, "target", target);
        requireSameShape(name, input, "target", target);
        return reduction.requireStandard(name, input).apply(loss.apply(input, target));
    }

    // ---------------------------------------------------------------- classification

    /**
     * Options of {@link #crossEntropy(Tensor, Tensor, CrossEntropyOptions)}, as PyTorch's keyword arguments.
     *
     * @param weight         per-class weights w, shape {@code [C]} and the scores' dtype, or {@code null} for all 1
     * @param ignoreIndex    class-index targets equal to this contribute nothing (not even to the mean's denominator)
     * @param labelSmoothing ε in [0, 1]: the target becomes (1 − ε)·(its distribution) + ε·uniform
     * @param reduction      NONE, MEAN (weighted, see the loss) or SUM
     */
    public record CrossEntropyOptions(Tensor weight, int ignoreIndex, double labelSmoothing, Reduction reduction) {
        /** No weights, ignore index −100, no smoothing, mean. */
        public static final CrossEntropyOptions DEFAULT =
                new CrossEntropyOptions(null, DEFAULT_IGNORE_INDEX, 0.0, Reduction.MEAN);

        /** Validates ε and the reduction. */
        public CrossEntropyOptions {
            if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
                throw new IllegalArgumentException("crossEntropy: labelSmoothing must be in [0, 1], got " + labelSmoothing);
            }
            Objects.requireNonNull(reduction, "reduction");
        }

        /** These options with class weights (or {@code null}). */
        public CrossEntropyOptions withWeight(Tensor w) { return new CrossEntropyOptions(w, ignoreIndex, labelSmoothing, reduction); }
        /** These options with another ignore index. */
        public CrossEntropyOptions withIgnoreIndex(int i) { return new CrossEntropyOptions(weight, i, labelSmoothing, reduction); }
        /** These options with label smoothing ε. */
        public CrossEntropyOptions withLabelSmoothing(double e) { return new CrossEntropyOptions(weight, ignoreIndex, e, reduction); }
        /** These options with another reduction. */
        public CrossEntropyOptions withReduction(Reduction r) { return new CrossEntropyOptions(weight, ignoreIndex, labelSmoothing, r); }
    }

    /** Cross-entropy from logits with default options (mean over the targets). */
    public static Tensor crossEntropy(Tensor logits, Tensor target) {
        return crossEntropy(logits, target, CrossEntropyOptions.DEFAULT);
    }

    /**
     * Cross-entropy from unnormalised logits z, with log pᵢ = logSoftmax(zᵢ) along the class axis.
     *
     * <p><b>Class indices</b> (int32 target yᵢ ∈ [0, C) or the ignore index): ℓᵢ = −w_{yᵢ}·log pᵢ[yᵢ], and
     * with label smoothing ε, ℓᵢ = (1 − ε)·(−w_{yᵢ}·log pᵢ[yᵢ]) + (ε/C)·(−Σ_c w_c·log pᵢ[c]). Ignored targets
     * give ℓᵢ = 0. MEAN is PyTorch's weighted mean Σᵢ ℓᵢ / Σᵢ w_{yᵢ} over the targets that are not ignored
     * (with no weights: divided by their count; NaN if every target is ignored, as in PyTorch).
     *
     * <p><b>Probabilities</b> (float target of the logits' shape and dtype, e.g. soft labels):
     * ℓᵢ = −Σ_c w_c·tᵢ[c]·log pᵢ[c] with t smoothed to (1 − ε)·t + ε/C; MEAN divides by the number of samples
     * (not by the weights), and the ignore index does not apply. The target is differentiated too.
     *
     * <p>Class-index targets without weights, or with weights and no smoothing, use the engine's fused
     * {@link Tensor#crossEntropy(Tensor, int, int, double)} (no log-softmax or one-hot is materialised).
     */
    public static Tensor crossEntropy(Tensor logits, Tensor target, CrossEntropyOptions options) {
        String name = "crossEntropy";
        requireFloating(name, "input", logits);
        int axis = classAxis(name, logits);
        int classes = logits.size(axis);
        Tensor wAxis = weightAlongAxis(name, options.weight(), logits, axis);
        Reduction reduction = options.reduction().requireStandard(name, logits);
        double eps = options.labelSmoothing();
        Tensor logp;
        if (target.dtype().isFloating()) {
            requireFloatPair(name, logits, "probability target", target);
            requireSameShape(name, logits, "probability target", target);
            logp = logits.logSoftmax(axis);
            Tensor t = eps > 0 ? target.mul(1 - eps).add(eps / classes) : target;
            Tensor terms = logp.mul(t);
            if (wAxis != null) terms = terms.mul(wAxis);
            return reduction.apply(terms.sum(axis).neg());
        }
        Picked picked = pick(name, logits, axis, target, options.weight(), options.ignoreIndex());
        if (wAxis == null || eps == 0) { // the engine's fused op: one pass forward, one backward
            Tensor perTarget = logits.crossEntropy(target, axis, options.ignoreIndex(), eps);
            return picked.reduce(wAxis == null ? perTarget : perTarget.mul(picked.weight()), reduction);
        }
        logp = logits.logSoftmax(axis);
        Tensor perTarget = picked.nll(logp);
        if (eps > 0) {
            Tensor all = wAxis == null ? logp : logp.mul(wAxis);
            Tensor uniform = all.sum(axis).neg().mul(picked.kept());
            perTarget = perTarget.mul(1 - eps).add(uniform.mul(eps / classes));
        }
        return picked.reduce(perTarget, reduction);
    }

    /**
     * Negative log-likelihood of log-probabilities s (e.g. from {@code logSoftmax}) with class-index targets:
     * ℓᵢ = −w_{yᵢ}·sᵢ[yᵢ], 0 for ignored targets; MEAN is Σᵢ ℓᵢ / Σᵢ w_{yᵢ} over the targets not ignored, as
     * PyTorch's {@code nll_loss}. {@code weight} may be {@code null}.
     */
    public static Tensor nll(Tensor logProbs, Tensor target, Tensor weight, int ignoreIndex, Reduction reduction) {
        String name = "nll";
        requireFloating(name, "input", logProbs);
        int axis = classAxis(name, logProbs);
        weightAlongAxis(name, weight, logProbs, axis);
        reduction.requireStandard(name, logProbs);
        Picked picked = pick(name, logProbs, axis, target, weight, ignoreIndex);
        return picked.reduce(picked.nll(logProbs), reduction);
    }

    /** {@link #nll(Tensor, Tensor, Tensor, int, Reduction)} without weights, ignore index −100, mean. */
    public static Tensor nll(Tensor logProbs, Tensor target) {
        return nll(logProbs, target, null, DEFAULT_IGNORE_INDEX, Reduction.MEAN);
    }

    /**
     * Class-index targets resolved against the scores: where to pick (ignored targets replaced by class 0),
     * each target's weight w_{yᵢ} (0 where ignored) and the kept mask (1, or 0 where ignored).
     */
    private record Picked(int axis, Tensor index, Tensor weight, Tensor kept) {
        /** −w_{yᵢ}·sᵢ[yᵢ], 0 where ignored. */
        Tensor nll(Tensor scores) {
            return scores.gather(axis, index.unsqueeze(axis)).squeeze(axis).mul(weight).neg();
        }

        /** PyTorch's weighted reduction: MEAN divides by Σ w_{yᵢ} over the kept targets. */
        Tensor reduce(Tensor perTarget, Reduction reduction) {
            return reduction == Reduction.MEAN ? perTarget.sum().div(weight.sum()) : reduction.apply(perTarget);
        }
    }

    private static Picked pick(String name, Tensor scores, int axis, Tensor target, Tensor weight, int ignoreIndex) {
        if (target.dtype() != DType.INT32) {
            throw new IllegalArgumentException(name + ": class-index targets must be int32, got " + target.dtype() + " "
                    + shape(target) + " (input " + shape(scores) + ")");
        }
        int[] expected = withoutAxis(scores.shape(), axis);
        if (!Arrays.equals(expected, target.shape())) {
            throw new IllegalArgumentException(name + ": target of shape " + shape(target) + " does not match input "
                    + shape(scores) + "; class-index targets need shape " + Arrays.toString(expected));
        }
        int classes = scores.size(axis);
        int[] labels = target.toIntArray();
        for (int i = 0; i < labels.length; i++) {
            int y = labels[i];
            if (y != ignoreIndex && (y < 0 || y >= classes)) {
                throw new IndexOutOfBoundsException(name + ": target label " + y + " at flat position " + i
                        + " is out of range for " + classes + " classes (input " + shape(scores) + ", ignore index "
                        + ignoreIndex + ")");
            }
        }
        Tensor keep = target.ne(ignoreIndex);
        Tensor index = Tensor.where(keep, target, Tensor.zeros(DType.INT32));
        Tensor kept = keep.to(scores.dtype());
        Tensor w = weight == null ? kept : weight.gather(0, index.reshape(-1)).reshape(target.shape()).mul(kept);
        return new Picked(axis, index, w, kept);
    }

    /**
     * Binary cross-entropy from logits z with targets t ∈ [0, 1] of the same shape:
     * ℓᵢ = −wᵢ·[pᵢ·tᵢ·log σ(zᵢ) + (1 − tᵢ)·log(1 − σ(zᵢ))], computed stably as
     * wᵢ·[(1 − tᵢ)·zᵢ + (1 + (pᵢ − 1)·tᵢ)·softplus(−zᵢ)]. {@code weight} (w) and {@code posWeight} (p, the
     * weight of positive examples, broadcast along the last axis: one per class) may be {@code null} and
     * must broadcast to the logits' shape. As PyTorch's {@code binary_cross_entropy_with_logits}.
     */
    public static Tensor bceWithLogits(Tensor logits, Tensor target, Tensor weight, Tensor posWeight,
                                       Reduction reduction) {
        String name = "bceWithLogits";
        requireFloatPair(name, logits, "target", target);
        requireSameShape(name, logits, "target", target);
        requireBroadcastsTo(name, "weight", weight, logits);
        requireBroadcastsTo(name, "posWeight", posWeight, logits);
        reduction.requireStandard(name, logits);
        Tensor logWeight = posWeight == null ? null : target.mul(posWeight.sub(1.0)).add(1.0);
        Tensor softplusNeg = logits.neg().softplus();
        Tensor loss = target.neg().add(1.0).mul(logits).add(logWeight == null ? softplusNeg : logWeight.mul(softplusNeg));
        if (weight != null) loss = loss.mul(weight);
        return reduction.apply(loss);
    }

    /** {@link #bceWithLogits(Tensor, Tensor, Tensor, Tensor, Reduction)} without weights, mean. */
    public static Tensor bceWithLogits(Tensor logits, Tensor target) {
        return bceWithLogits(logits, target, null, null, Reduction.MEAN);
    }

    /**
     * Kullback–Leibler divergence with PyTorch's {@code kl_div} convention: {@code input} holds log-probabilities
     * log q, {@code target} holds probabilities p (or log p when {@code logTarget}), and ℓᵢ = pᵢ·(log pᵢ − log qᵢ),
     * with 0·log 0 = 0. Σᵢ ℓᵢ = KL(p ‖ q). MEAN averages over all elements; BATCH_MEAN (the mathematically
     * meaningful one for {@code [N, C]} input) divides the sum by N.
     *
     * <p><b>Zero target probabilities</b> (p = 0, given as 0, or as log p = −∞ when {@code logTarget}) follow
     * the convention x·log x = 0: such an element contributes 0 to the value and 0 to the gradient in both
     * arguments, whatever its input (even log q = −∞). This differs from PyTorch on purpose in two cases where
     * PyTorch returns NaN: {@code log_target=True} with a −∞ target (PyTorch computes exp(t)·(t − x) = 0·(−∞)),
     * and a zero target with a −∞ input (PyTorch's xlogy(p, p) − p·x = 0·(−∞)); and the gradient in a zero
     * probability target is 0 here, where PyTorch's is log 0 + 1 − x = −∞. Everywhere else the values and
     * gradients are PyTorch's; a negative probability still gives NaN, as there.
     */
    public static Tensor klDiv(Tensor input, Tensor target, boolean logTarget, Reduction reduction) {
        String name = "klDiv";
        requireFloatPair(name, input, "target", target);
        requireSameShape(name, input, "target", target);
        Tensor p = logTarget ? target.exp() : target;
        Tensor absent = p.eq(0.0);
        Tensor zeros = Tensor.zeros(input.dtype(), input.shape());
        // select before any arithmetic, so neither −∞ (a log target or an input) ever meets a 0
        Tensor logP = logTarget
                ? Tensor.where(absent, zeros, target)
                : Tensor.where(absent, Tensor.full(1.0, target.dtype()), target).log();
        Tensor logQ = Tensor.where(absent, zeros, input);
        Tensor loss = Tensor.where(absent, zeros, p.mul(logP.sub(logQ)));
        return reduction.apply(loss);
    }

    /**
     * Cosine embedding loss for pairs (x₁, x₂) with labels y ∈ {1, −1}: with
     * cos = ⟨x₁, x₂⟩ / √((‖x₁‖² + ε)(‖x₂‖² + ε)), ε = 10⁻¹², ℓ = 1 − cos for y = 1 and max(0, cos − margin) for
     * y = −1. Inputs are {@code [N, D]} with y {@code [N]}, or {@code [D]} with a scalar y; y may be any dtype.
     */
    public static Tensor cosineEmbedding(Tensor x1, Tensor x2, Tensor y, double margin, Reduction reduction) {
        String name = "cosineEmbedding";
        requireFloatPair(name, x1, "x2", x2);
        requireSameShape(name, x1, "x2", x2);
        if (x1.dim() != 1 && x1.dim() != 2) {
            throw new IllegalArgumentException(name + ": inputs must be [N, D] or [D], got " + shape(x1));
        }
        int axis = x1.dim() - 1;
        int[] expected = withoutAxis(x1.shape(), axis);
        if (!Arrays.equals(expected, y.shape())) {
            throw new IllegalArgumentException(name + ": labels of shape " + shape(y) + " do not match inputs "
                    + shape(x1) + "; expected " + Arrays.toString(expected));
        }
        for (double v : y.toDoubleArray()) {
            if (v != 1 && v != -1) throw new IllegalArgumentException(name + ": labels must be 1 or -1, got " + v);
        }
        reduction.requireStandard(name, x1);
        double eps = 1e-12;
        Tensor dot = x1.mul(x2).sum(axis);
        Tensor norms = x1.square().sum(axis).add(eps).mul(x2.square().sum(axis).add(eps)).sqrt();
        Tensor cos = dot.div(norms);
        Tensor loss = Tensor.where(y.eq(1.0), cos.neg().add(1.0), cos.sub(margin).clampMin(0.0));
        return reduction.apply(loss);
    }

    // ---------------------------------------------------------------- checks

    private static String shape(Tensor t) {
        return Arrays.toString(t.shape());
    }

    private static int[] withoutAxis(int[] shape, int axis) {
        int[] out = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) if (i != axis) out[j++] = shape[i];
        return out;
    }

    /** The class axis: 1 for [N, C, ...], 0 for an unbatched [C]. */
    private static int classAxis(String name, Tensor scores) {
        if (scores.dim() == 0) {
            throw new IllegalArgumentException(name + ": input must be [C], [N, C] or [N, C, d1, ...], got a scalar");
        }
        return scores.dim() == 1 ? 0 : 1;
    }

    /** Checks class weights ([C], the scores' dtype) and returns them shaped to broadcast along the class axis. */
    private static Tensor weightAlongAxis(String name, Tensor weight, Tensor scores, int axis) {
        if (weight == null) return null;
        int classes = scores.size(axis);
        if (weight.dim() != 1 || weight.size(0) != classes || weight.dtype() != scores.dtype()) {
            throw new IllegalArgumentException(name + ": class weights must be a " + scores.dtype() + " vector of " + classes
                    + " (the classes of input " + shape(scores) + "), got " + weight.dtype() + " " + shape(weight));
        }
        int[] s = new int[scores.dim()];
        Arrays.fill(s, 1);
        s[axis] = classes;
        return weight.reshape(s);
    }

    private static void requireFloating(String name, String what, Tensor t) {
        if (!t.dtype().isFloating()) {
            throw new IllegalArgumentException(name + ": " + what + " must be float32 or float64, got " + t.dtype() + " "
                    + shape(t));
        }
    }

    private static void requireFloatPair(String name, Tensor input, String what, Tensor other) {
        requireFloating(name, "input", input);
        if (other.dtype() != input.dtype()) {
            throw new IllegalArgumentException(name + ": " + what + " is " + other.dtype() + " " + shape(other)
                    + " but input is " + input.dtype() + " " + shape(input) + "; convert one with to(dtype)");
        }
    }

    private static void requireSameShape(String name, Tensor input, String what, Tensor other) {
        if (!Arrays.equals(input.shape(), other.shape())) {
            throw new IllegalArgumentException(name + ": " + what + " of shape " + shape(other)
                    + " does not match input of shape " + shape(input));
        }
    }

    /** t (if present) must have the input's dtype and broadcast to its shape without enlarging it. */
    private static void requireBroadcastsTo(String name, String what, Tensor t, Tensor input) {
        if (t == null) return;
        boolean ok = t.dtype() == input.dtype() && t.dim() <= input.dim();
        for (int i = 1; ok && i <= t.dim(); i++) {
            int a = t.size(t.dim() - i), b = input.size(input.dim() - i);
            ok = a == b || a == 1;
        }
        if (!ok) {
            throw new IllegalArgumentException(name + ": " + what + " " + t.dtype() + " " + shape(t)
                    + " does not broadcast to input " + input.dtype() + " " + shape(input));
        }
    }
}
