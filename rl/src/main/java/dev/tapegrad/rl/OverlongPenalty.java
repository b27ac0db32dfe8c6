package dev.tapegrad.rl;

import dev.tapegrad.Tensor;

/**
 * DAPO's soft overlong punishment (arXiv 2503.14476, Eq. 13), a length-dependent reward added to the
 * outcome reward:
 *
 * <pre>
 * R_len(|y|) = 0                                  if |y| ≤ L_max − L_cache
 *            = ((L_max − L_cache) − |y|) / L_cache  if L_max − L_cache &lt; |y| ≤ L_max
 *            = −1                                 if |y| &gt; L_max
 * </pre>
 *
 * a ramp from 0 to −1 over the last L_cache tokens (continuous at both ends). trl:
 * {@code get_soft_overlong_punishment}; verl and OpenRLHF multiply it by a penalty factor (1 here).
 *
 * @param maxLength L_max, the length from which the penalty is −1
 * @param cache     L_cache, the width of the ramp, 0 &lt; L_cache ≤ L_max
 */
public record OverlongPenalty(double maxLength, double cache) {

    public OverlongPenalty {
        if (!(cache > 0) || !(maxLength >= cache) || Double.isInfinite(maxLength)) {
            throw new IllegalArgumentException("OverlongPenalty: need 0 < L_cache <= L_max < inf, got L_max = "
                    + maxLength + ", L_cache = " + cache);
        }
    }

    /** DAPO's setting: L_max = 20480, L_cache = 4096. */
    public static OverlongPenalty dapo() {
        return new OverlongPenalty(20480, 4096);
    }

    /** R_len(|y|) for one length |y| ≥ 0. */
    public double penalty(double length) {
        if (!(length >= 0) || Double.isInfinite(length)) {
            throw new IllegalArgumentException("OverlongPenalty: a length must be finite and >= 0, got " + length);
        }
        double start = maxLength - cache;
        if (length <= start) return 0.0;
        if (length <= maxLength) return (start - length) / cache;
        return -1.0;
    }

    /** R_len of each length, shape [B], float64. */
    public Tensor penalties(Tensor lengths) {
        double[] len = lengths.toDoubleArray();
        double[] out = new double[len.length];
        for (int i = 0; i < len.length; i++) out[i] = penalty(len[i]);
        return Tensor.of(out, out.length);
    }

    /** The rewards shaped by the penalty, R_i + R_len(|o_i|); needs {@link Rewards#lengths()}. */
    public Rewards shape(Rewards rewards) {
        if (rewards.lengths() == null) {
            throw new IllegalArgumentException("OverlongPenalty.shape needs the sequence lengths: use Rewards.withLengths");
        }
        return new Rewards(rewards.values().add(penalties(rewards.lengths())), rewards.groupIds(), rewards.lengths());
    }
}
