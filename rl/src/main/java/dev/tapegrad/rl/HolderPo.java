package dev.tapegrad.rl;

import dev.tapegrad.Tensor;

/**
 * HölderPO (Hölder Policy Optimisation, arXiv 2605.12058): the sequence ratio is the power mean M_p of the
 * token ratios r_{i,t} = π_θ/π_old ({@link PowerMean}) instead of GSPO's geometric mean (p → 0) or the
 * arithmetic mean (p = 1), with p following a {@link PSchedule} over training steps. Formulas as in the
 * official code ({@code YihangChen9/HolderPO}, {@code train_zero_math_holder.py}, {@code --critic_type_modify};
 * clipping in log space as in its verl port):
 * <table>
 * <caption>variants (A_i = the sequence's advantage: given per sequence, or the masked mean of per-token
 * advantages; ε_lo, ε_hi the clip range)</caption>
 * <tr><th>variant</th><th>per-sequence loss ℓ_i</th></tr>
 * <tr><td>{@link Variant#SEQUENCE} ({@code holder})</td><td>ρ_i = M_p(r_i);
 *     ℓ_i = max(−A_i·ρ_i, −A_i·clip(ρ_i, 1 − ε_lo, 1 + ε_hi))</td></tr>
 * <tr><td>{@link Variant#SEQUENCE_W_CLIP} ({@code sequence_w_clip})</td><td>as SEQUENCE after clamping each
 *     log-ratio d_{i,t} to [−log(1 + ε_lo), log(1 + ε_hi)] (the code's ±log(1 + ε) for a symmetric ε)</td></tr>
 * <tr><td>{@link Variant#TOKEN} ({@code holder_token}, paper App. D)</td><td>A_i &gt; 0: ℓ_i = −A_i·M_p(min(r, clip r));
 *     A_i &lt; 0: ℓ_i = −A_i·M_p(max(r, clip r)); A_i = 0: ℓ_i = 0</td></tr>
 * </table>
 * The loss is the mean of ℓ_i over the non-empty sequences (an all-masked batch gives 0 with a zero gradient).
 * Since exp is monotone, the sequence clipping is done on log ρ: min(log ρ, log(1 + ε_hi)) for A &gt; 0 and
 * max(log ρ, log(1 − ε_lo)) for A &lt; 0, and the token clipping likewise on d.
 *
 * <p>Gradient inside the clip range: ∂ℓ_i/∂log π_θ(o_{i,t}) = −A_i·ρ_i·w_{i,t} with w = softmax_t(p·d_{i,t}),
 * so on-policy (all r = 1) every p gives −A_i/|o_i|, the GSPO / GRPO sequence-mean gradient.
 *
 * <p>Immutable: {@link #at(long)} gives the objective of a training step, whose p is {@code schedule.at(step)}.
 *
 * @param variant  where the clipping happens
 * @param schedule p as a function of the step
 * @param clipLow  ε_lo ∈ [0, 1)
 * @param clipHigh ε_hi ≥ 0
 * @param step     the training step p is evaluated at, ≥ 0
 */
public record HolderPo(Variant variant, PSchedule schedule, double clipLow, double clipHigh, long step)
        implements PolicyObjective {

    /** Where the clipping is applied. */
    public enum Variant {
        /** Clip the sequence ratio ρ = M_p(r) (PPO-style max of two). */
        SEQUENCE,
        /** Clamp each token log-ratio to ±log(1 + ε) first, then as {@link #SEQUENCE}. */
        SEQUENCE_W_CLIP,
        /** Clip token ratios by the advantage's sign before the power mean (no sequence clip). */
        TOKEN
    }

    /** The clip ε of the released HölderPO script. */
    public static final double RELEASED_CLIP = 0.2;

    /** Validates the clip range, the step and that variant and schedule are given. */
    public HolderPo {
        if (variant == null || schedule == null) throw new IllegalArgumentException("HolderPo: variant and schedule are required");
        if (!(clipLow >= 0 && clipLow < 1) || !(clipHigh >= 0) || Double.isInfinite(clipHigh)) {
            throw new IllegalArgumentException("HolderPo: need 0 <= clipLow < 1 and finite clipHigh >= 0, got clipLow "
                    + clipLow + ", clipHigh " + clipHigh);
        }
        if (step < 0) throw new IllegalArgumentException("HolderPo: step must be >= 0, got " + step);
    }

    /** A variant with a fixed p and the symmetric clip ε = 0.2 of the released script, at step 0. */
    public static HolderPo of(Variant variant, double p) {
        return of(variant, PSchedule.constant(p));
    }

    /** A variant with a p schedule and the symmetric clip ε = 0.2 of the released script, at step 0. */
    public static HolderPo of(Variant variant, PSchedule schedule) {
        return new HolderPo(variant, schedule, RELEASED_CLIP, RELEASED_CLIP, 0);
    }

    /** The released script's setting: SEQUENCE, ε = 0.2, p linear from 2 down to −2 over 500 steps. */
    public static HolderPo released() {
        return of(Variant.SEQUENCE, PSchedule.released());
    }

    /** The same objective at another training step. */
    public HolderPo at(long newStep) {
        return new HolderPo(variant, schedule, clipLow, clipHigh, newStep);
    }

    /** The same objective with another (asymmetric) clip range. */
    public HolderPo withClip(double low, double high) {
        return new HolderPo(variant, schedule, low, high, step);
    }

    /** p at this objective's step. */
    public double p() {
        return schedule.at(step);
    }

    /** The mean over non-empty sequences of ℓ_i (see the class comment). */
    @Override
    public Tensor loss(PolicyBatch batch) {
        return MaskedReductions.meanOverSequences(perSequenceLoss(batch), batch.mask());
    }

    /** ℓ_i, shape [B]; empty sequences get −A_i (ρ = 1) and are left out by {@link #loss}. */
    public Tensor perSequenceLoss(PolicyBatch batch) {
        Tensor d = LogRatios.logRatio(batch);
        Tensor mask = batch.mask();
        Tensor a = batch.sequenceAdvantages();
        Tensor positive = a.gt(0.0);
        double p = p();
        double lo = Math.log1p(-clipLow);
        double hi = Math.log1p(clipHigh);
        Tensor logRho = switch (variant) {
            case SEQUENCE -> clipBySign(PowerMean.logMean(d, mask, p), positive, lo, hi);
            case SEQUENCE_W_CLIP -> clipBySign(PowerMean.logMean(d.clamp(-Math.log1p(clipLow), hi), mask, p), positive, lo, hi);
            case TOKEN -> Tensor.where(positive, PowerMean.logMean(d.clampMax(hi), mask, p),
                    PowerMean.logMean(d.clampMin(lo), mask, p));
        };
        return a.neg().mul(PowerMean.expCapped(logRho));
    }

    /** log of the PPO-clipped ratio chosen by the advantage's sign: min(x, hi) for A &gt; 0, max(x, lo) otherwise. */
    private static Tensor clipBySign(Tensor logRho, Tensor positive, double lo, double hi) {
        return Tensor.where(positive, logRho.clampMax(hi), logRho.clampMin(lo));
    }
}
