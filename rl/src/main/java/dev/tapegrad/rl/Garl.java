package dev.tapegrad.rl;

import dev.tapegrad.Tensor;

/**
 * GARL, the prior-form Monte-Carlo estimator of ∇J_Q = ∇ ln_q P (Lin &amp; Ie, arXiv 2604.25907): sample
 * z_1..z_M from the policy, score them, and amplify the RL gradient by P̂^{−q}.
 *
 * <pre>
 *   ∇P = E_{z~π_θ}[ r(z) ∇log π_θ(z) ]                         (prior factorisation)
 *   P̂ = (1/M) Σ_m r_m,    Â_m = P̂^{−q} · (r_m − b)            (this estimator's advantages)
 *   ĝ = (1/M) Σ_m Â_m ∇log π_θ(z_m)                            (what {@link Tsallis#surrogate} descends)
 * </pre>
 * per group (the M samples of one prompt), with r_m ∈ [0, 1] and baseline b = 0 ({@link Baseline#NONE}) or
 * b = P̂ ({@link Baseline#GROUP_MEAN}, which at q = 0 gives Dr. GRPO's advantages). P̂^{−q} and r_m are
 * constants (stop-gradient). At q = 0 without baseline this is REINFORCE; at q = 1 it is the gradient of the
 * log marginal likelihood log P. Note that P̂^{−q} is a biased estimate of P^{−q} (the abstract states a bias
 * O(q/(M P^{q+1})) in v1 and O(q/(M P^q)) in v2), and with b = P̂ the sample's own reward is in its baseline,
 * which scales the expected gradient by (1 − 1/M).
 *
 * <p><b>No success in a group</b> (Σ_m r_m = 0, so P̂ = 0): every Â_m of the group is 0. The amplification
 * P̂^{−q} is infinite there, but what it multiplies is exactly zero (r_m = 0 and b ∈ {0, P̂} = 0), so
 * 0·∞ is resolved to its only sensible limit: the samples say nothing about which direction raises P, and the
 * group contributes no gradient (clamping P̂ at 1/M would give the same zeros). This is the cold-start regime
 * the paper targets: larger M, or q closer to 1 once a success appears, is what helps.
 *
 * <p><b>Derived from the abstract; the paper's exact estimator was not available</b> (the baseline choice,
 * the zero-success rule and whether P̂ is leave-one-out are not known).
 *
 * @param q        the Tsallis index, finite (the paper's range is [0, 1]; q = 0.75 escapes cold starts there)
 * @param baseline b
 */
public record Garl(double q, Baseline baseline) implements AdvantageEstimator {

    /** The baseline b subtracted from each reward. */
    public enum Baseline {
        /** b = 0: the plain score-function estimator (unbiased for ∇P, up to the P̂^{−q} factor). */
        NONE,
        /** b = P̂, the group's mean reward (GRPO/Dr. GRPO-style centring; expected gradient × (1 − 1/M)). */
        GROUP_MEAN
    }

    public Garl {
        Tsallis.checkQ(q);
        if (baseline == null) throw new IllegalArgumentException("Garl: baseline is required (NONE or GROUP_MEAN)");
    }

    /** GARL without baseline. */
    public static Garl of(double q) {
        return new Garl(q, Baseline.NONE);
    }

    /** The abstract's cold-start setting, q = 0.75 (its baseline is not stated; none is used). */
    public static Garl coldStart() {
        return of(0.75);
    }

    /** Â_m = P̂^{−q}·(r_m − b) per sequence, [B] float64; 0 for every member of a group without success. */
    @Override
    public Tensor advantages(Rewards rewards) {
        Tsallis.Groups g = Tsallis.Groups.of(rewards, "Garl");
        double[] a = new double[g.rewards().length];
        for (int i = 0; i < a.length; i++) {
            double p = g.mean(i);
            if (g.sum()[i] == 0.0) continue;   // no success: zero weight (see the class comment)
            double b = baseline == Baseline.GROUP_MEAN ? p : 0.0;
            a[i] = Math.pow(p, -q) * (g.rewards()[i] - b);
        }
        return Tensor.of(a, a.length);
    }

    @Override
    public String toString() {
        return "GARL(q=" + q + ", b=" + (baseline == Baseline.NONE ? "0" : "mean") + ")";
    }
}
