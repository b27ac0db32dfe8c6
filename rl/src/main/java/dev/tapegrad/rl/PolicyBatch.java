package dev.tapegrad.rl;

import dev.tapegrad.Tensor;
import java.util.Arrays;

/**
 * The inputs of a policy-optimisation objective for a batch of B sampled sequences padded to T tokens.
 *
 * <p>For sequence i and token t: {@code logProbs[i,t]} = log π_θ(o_{i,t} | q, o_{i,&lt;t}) under the current
 * policy (the only differentiable input), {@code oldLogProbs} the same under the policy that sampled the batch
 * (π_old, a constant), {@code refLogProbs} under a frozen reference policy (for KL penalties; may be null),
 * {@code mask[i,t]} ∈ {0, 1} marks real tokens (padding, prompt and tool-output tokens are 0), and
 * {@code advantages} is either per sequence [B] (outcome rewards, broadcast to every token) or per token [B,T].
 * |o_i| = Σ_t mask[i,t] is the length of sequence i.
 *
 * <p>Stop-gradients are explicit: the old and reference log-probabilities and the advantages are detached
 * here, so an objective can never differentiate through them by accident. {@link #onPolicy} builds the batch of
 * the first update after sampling, where π_old = sg(π_θ): every ratio r = π_θ/π_old equals 1 numerically while
 * ∇r = ∇log π_θ (the "π / sg(π)" trick of trl and verl).
 *
 * @param logProbs    [B,T] log-probabilities of the sampled tokens under the current policy (float32 or float64)
 * @param oldLogProbs [B,T] under the sampling policy, detached
 * @param refLogProbs [B,T] under the reference policy, detached, or null when no KL term is used
 * @param mask        [B,T] 1 for tokens that count, 0 otherwise (same dtype as logProbs)
 * @param advantages  [B] or [B,T], detached
 */
public record PolicyBatch(Tensor logProbs, Tensor oldLogProbs, Tensor refLogProbs, Tensor mask, Tensor advantages) {

    public PolicyBatch {
        if (logProbs == null || oldLogProbs == null || mask == null || advantages == null) {
            throw new IllegalArgumentException("PolicyBatch: logProbs, oldLogProbs, mask and advantages are required"
                    + " (refLogProbs alone may be null)");
        }
        if (logProbs.dim() != 2 || !logProbs.dtype().isFloating()) {
            throw new IllegalArgumentException("PolicyBatch: logProbs must be a floating [B,T] tensor, got "
                    + logProbs.dtype() + " " + Arrays.toString(logProbs.shape()));
        }
        oldLogProbs = sameShape("oldLogProbs", oldLogProbs, logProbs).detach();
        if (refLogProbs != null) refLogProbs = sameShape("refLogProbs", refLogProbs, logProbs).detach();
        mask = sameShape("mask", mask, logProbs).detach();
        advantages = advantages.to(logProbs.dtype()).detach();
        int b = logProbs.size(0);
        boolean perSequence = advantages.dim() == 1 && advantages.size(0) == b;
        if (!perSequence && !Arrays.equals(advantages.shape(), logProbs.shape())) {
            throw new IllegalArgumentException("PolicyBatch: advantages must be [B] = [" + b + "] or [B,T] = "
                    + Arrays.toString(logProbs.shape()) + ", got " + Arrays.toString(advantages.shape()));
        }
    }

    /** The batch of the first update after sampling: π_old = sg(π_θ), no reference policy. */
    public static PolicyBatch onPolicy(Tensor logProbs, Tensor mask, Tensor advantages) {
        return new PolicyBatch(logProbs, logProbs.detach(), null, mask, advantages);
    }

    /** The same batch with other advantages ([B] or [B,T]). */
    public PolicyBatch withAdvantages(Tensor newAdvantages) {
        return new PolicyBatch(logProbs, oldLogProbs, refLogProbs, mask, newAdvantages);
    }

    /** The same batch with a reference policy's log-probabilities (for KL terms). */
    public PolicyBatch withReference(Tensor newRefLogProbs) {
        return new PolicyBatch(logProbs, oldLogProbs, newRefLogProbs, mask, advantages);
    }

    /** B, the number of sequences. */
    public int batchSize() {
        return logProbs.size(0);
    }

    /** T, the padded length. */
    public int length() {
        return logProbs.size(1);
    }

    /** True when the advantages are given per sequence ([B]). */
    public boolean perSequenceAdvantages() {
        return advantages.dim() == 1;
    }

    /** |o_i| = Σ_t mask[i,t], shape [B]. */
    public Tensor lengths() {
        return mask.sum(1);
    }

    /** The advantages broadcast to every token, [B,T] (detached). */
    public Tensor tokenAdvantages() {
        return perSequenceAdvantages() ? advantages.unsqueeze(1).expand(logProbs.shape()) : advantages;
    }

    /**
     * One advantage per sequence, [B]: the given one, or for per-token advantages their masked mean over the
     * sequence's tokens (0 for an empty sequence), as verl's GMPO and HölderPO ports do.
     */
    public Tensor sequenceAdvantages() {
        return perSequenceAdvantages() ? advantages : MaskedReductions.maskedMean(advantages, mask);
    }

    private static Tensor sameShape(String name, Tensor t, Tensor logProbs) {
        if (!Arrays.equals(t.shape(), logProbs.shape())) {
            throw new IllegalArgumentException("PolicyBatch: " + name + " must have the shape of logProbs "
                    + Arrays.toString(logProbs.shape()) + ", got " + Arrays.toString(t.shape()));
        }
        return t.dtype() == logProbs.dtype() ? t : t.to(logProbs.dtype());
    }
}
