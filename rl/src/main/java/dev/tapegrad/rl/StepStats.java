package dev.tapegrad.rl;

/**
 * What one {@link Trainer#step()} did.
 *
 * @param step         the step's index (0 for the first)
 * @param meanReward   (1/B) Σ_i R_i over the step's B completions
 * @param successRate  the fraction of completions that succeeded ({@link Task#isSuccess})
 * @param loss         the objective's loss, averaged over the PPO epochs
 * @param meanRatio    the mean of r = π_θ/π_old over the real tokens of every epoch (1 in the first epoch)
 * @param clipFraction the fraction of those ratios with |r − 1| &gt; ε (ε = the trainer's {@code clipRange})
 * @param tokens       Σ_i |o_i|, the completion tokens of the step
 * @param seconds      wall time of the step (rollout, scoring, updates)
 */
public record StepStats(int step, double meanReward, double successRate, double loss, double meanRatio,
                        double clipFraction, long tokens, double seconds) {

    @Override
    public String toString() {
        return String.format("step %d: reward %.3f success %.3f loss %.4f ratio %.4f clip %.3f tokens %d %.0f ms",
                step, meanReward, successRate, loss, meanRatio, clipFraction, tokens, seconds * 1e3);
    }
}
