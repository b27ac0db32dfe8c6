package dev.tapegrad.rl;

import dev.tapegrad.Tensor;

/**
 * A policy-optimisation objective, written as the scalar <em>loss</em> to minimise (the negated objective J).
 *
 * <p>Implementations are small immutable records holding their hyper-parameters (clip ranges, temperatures,
 * p, q, ...) and a pure {@link #loss} over a {@link PolicyBatch}; the only differentiable input is
 * {@link PolicyBatch#logProbs()}, everything else is a constant. A training loop calls
 * {@code objective.loss(batch).backward()} and steps an optimizer.
 */
@FunctionalInterface
public interface PolicyObjective {
    /** The scalar loss −J(θ) for this batch; 0 (with a zero gradient) when every token is masked. */
    Tensor loss(PolicyBatch batch);
}
