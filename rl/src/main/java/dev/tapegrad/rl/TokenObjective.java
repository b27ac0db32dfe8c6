package dev.tapegrad.rl;

import dev.tapegrad.Tensor;

/**
 * An objective defined token by token: a per-token loss ℓ_{i,t} (e.g. the clipped surrogate
 * −min(r·Â, clip(r)·Â)) reduced by an {@link Aggregation}.
 *
 * <p>Exposing {@link #perTokenLoss} lets objectives be combined before aggregation (COPO's blend of a global
 * and a local term, a KL penalty added per token as in GRPO) without duplicating their formulas.
 */
public interface TokenObjective extends PolicyObjective {

    /** ℓ_{i,t}, shape [B,T]; values at masked positions are ignored by the aggregation (and must be finite). */
    Tensor perTokenLoss(PolicyBatch batch);

    /** How the per-token losses become one scalar. */
    Aggregation aggregation();

    @Override
    default Tensor loss(PolicyBatch batch) {
        return aggregation().apply(perTokenLoss(batch), batch.mask());
    }
}
