package dev.tapegrad.nn;

import dev.tapegrad.Tensor;
import java.util.Arrays;

/**
 * How a loss turns its per-element values ℓᵢ into the returned tensor, as PyTorch's {@code reduction}
 * argument. Losses with weights document their own weighted mean (e.g. cross-entropy divides by the sum
 * of the weights of the counted targets, not by their number).
 */
public enum Reduction {
    /** The per-element losses, unreduced. */
    NONE,
    /** (1/n)·Σᵢ ℓᵢ over all n elements (NaN when n = 0, as in PyTorch). */
    MEAN,
    /** Σᵢ ℓᵢ. */
    SUM,
    /** Σᵢ ℓᵢ / (size of the first axis): only for {@link Losses#klDiv}, where it gives the true KL divergence per sample. */
    BATCH_MEAN;

    /** Applies this reduction to per-element losses (BATCH_MEAN only where the loss allows it). */
    Tensor apply(Tensor perElement) {
        return switch (this) {
            case NONE -> perElement;
            case MEAN -> perElement.mean();
            case SUM -> perElement.sum();
            case BATCH_MEAN -> perElement.dim() == 0 ? perElement.sum() : perElement.sum().div(perElement.size(0));
        };
    }

    /** Refuses BATCH_MEAN for losses other than KL divergence, as PyTorch does. */
    Reduction requireStandard(String loss, Tensor input) {
        if (this == BATCH_MEAN) {
            throw new IllegalArgumentException(loss + ": reduction BATCH_MEAN is only defined for klDiv (input "
                    + Arrays.toString(input.shape()) + "); use MEAN, SUM or NONE");
        }
        return this;
    }
}
