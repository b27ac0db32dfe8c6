package dev.tapegrad.rl;

import dev.tapegrad.Tensor;

/**
 * Turns outcome rewards into per-sequence advantages Â_i (constants): GRPO's group z-score, Dr. GRPO's
 * centring, RLOO's leave-one-out baseline, and so on (see {@code Advantages} for the catalogue).
 */
@FunctionalInterface
public interface AdvantageEstimator {
    /** Â, shape [B], float64, detached. */
    Tensor advantages(Rewards rewards);
}
