package dev.tapegrad.rl;

import dev.tapegrad.Tensor;

/**
 * Token entropy of the policy and the entropy bonus (trl entropy_coef, verl entropy_coeff, OpenRLHF
 * --actor.entropy_coef).
 * <pre>
 *   H_{i,t} = −Σ_v p_v log p_v,   log p = log_softmax(z_{i,t,·})
 *   bonus loss = −c·agg(H)        (added to the loss: minimising it raises the entropy)
 * </pre>
 * Terms with p_v = 0 (logits −∞, e.g. after top-k masking) count as 0 in value and gradient (0·log 0 = 0),
 * never NaN.
 */
public final class Entropy {
    private Entropy() {}

    /** H_{i,t} from logits of shape [..., V] (typically [B,T,V]), shape [...]. */
    public static Tensor perToken(Tensor logits) {
        if (logits.dim() < 1 || !logits.dtype().isFloating()) {
            throw new IllegalArgumentException("Entropy.perToken: need floating logits [..., V], got " + logits.dtype() + " "
                    + java.util.Arrays.toString(logits.shape()));
        }
        int v = logits.dim() - 1;
        Tensor logP = logits.logSoftmax(v);
        Tensor p = logP.exp();
        Tensor positive = p.gt(0.0);
        Tensor safeLogP = Tensor.where(positive, logP, Tensor.zeros(logP.dtype(), logP.shape()));
        return p.mul(safeLogP).sum(v).neg();
    }

    /** The bonus as a loss term −c·agg(H) for logits [B,T,V] and a mask [B,T]. */
    public static Tensor bonus(Tensor logits, Tensor mask, double coefficient, Aggregation aggregation) {
        if (logits.dim() != 3 || mask.dim() != 2 || logits.size(0) != mask.size(0) || logits.size(1) != mask.size(1)) {
            throw new IllegalArgumentException("Entropy.bonus: need logits [B,T,V] and mask [B,T], got "
                    + java.util.Arrays.toString(logits.shape()) + " and " + java.util.Arrays.toString(mask.shape()));
        }
        return aggregation.apply(perToken(logits), mask.to(logits.dtype())).mul(-coefficient);
    }
}
