package dev.tapegrad.rl;

import dev.tapegrad.CustomOp;
import dev.tapegrad.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Tsallis q-logarithm and the loss continuum J_Q built on it (Lin &amp; Ie, "The Tsallis loss continuum",
 * arXiv 2604.25907).
 *
 * <pre>
 *   ln_q(x) = (x^{1−q} − 1)/(1 − q)   (q ≠ 1),      ln_1(x) = ln x   (the limit q → 1)
 *   d ln_q(x)/dx = x^{−q},   ln_q(1) = 0,   ln_0(x) = x − 1
 *   J_Q(θ) = E_{(x,y*)} [ ln_q P_θ(y*|x) ],   P_θ(y*|x) = Σ_z π_θ(z|x)·1[answer(z) = y*]
 *   ∇ ln_q P = P^{−q} ∇P
 * </pre>
 * q = 0 gives the expected reward E[P] − 1 (RL with verifiable rewards, the "exploitation pole"); q = 1 gives the
 * log marginal likelihood E[log P] (the "density-estimation pole"). Every q has the same per-example gradient
 * direction as RL, amplified by P^{−q}: small-P examples, which RL ignores, get large weights as q → 1.
 * Its two Monte-Carlo estimators are {@link Garl} (prior samples) and {@link Paft} (posterior resampling).
 *
 * <p><b>Derived from the abstract; the paper's exact estimator was not available.</b> The formulas here follow
 * the abstract's statements.
 *
 * <p>Numerics: ln_q is computed as expm1((1−q)·ln x)/(1−q), which is accurate near q = 1 (no cancellation in
 * x^{1−q} − 1; the relative error stays at rounding level as 1 − q → 0, and q = 1 itself uses ln x) and near
 * x = 1, and stays finite as x → 0 for q &lt; 1 (ln_q(0) = −1/(1−q)). Because 1 − q for a double q ≠ 1 is never
 * below 2^−53, the product (1−q)·ln x cannot underflow into lost precision.
 */
public final class Tsallis {
    private Tsallis() {}

    /** ln_q(x) = expm1((1−q)·ln x)/(1−q), and ln x at q = 1; x ≥ 0 (NaN for x &lt; 0, as ln). */
    public static double lnQ(double x, double q) {
        return lnQOfLog(Math.log(x), q);
    }

    /** ln_q(e^u) = expm1((1−q)·u)/(1−q), and u at q = 1: the q-logarithm of a probability given as a log-probability. */
    public static double lnQOfLog(double logX, double q) {
        checkQ(q);
        double a = 1.0 - q;
        return a == 0.0 ? logX : Math.expm1(a * logX) / a;
    }

    /**
     * ln_q(x) elementwise, differentiable: d ln_q(x)/dx = x^{−q} (the chain expm1' = exp, log' = 1/x gives
     * exp((1−q) ln x)/x = x^{−q}); second order works too. Same dtype and shape as x.
     */
    public static Tensor lnQ(Tensor x, double q) {
        return lnQOfLog(x.log(), q);
    }

    /**
     * ln_q(e^u) elementwise for log-probabilities u, differentiable: d/du = e^{(1−q)u} = x^{1−q}. Preferred over
     * {@link #lnQ(Tensor, double)} when the policy gives log-probabilities (tiny P stay exact).
     *
     * <p>One op with its own rules: the forward is expm1((1−q)u)/(1−q), the backward ḡ·exp((1−q)u) and the JVP
     * exp((1−q)u)·u̇ (the same slope, so forward and reverse mode agree), written with differentiable ops (so
     * second order works). Composing expm1 would be exact in value but its derivative 1 + expm1(v) cancels when
     * x^{1−q} is tiny (relative error 1e-8 at x^{1−q} = 1e-8); exp(v) does not.
     */
    public static Tensor lnQOfLog(Tensor logX, double q) {
        checkQ(q);
        double a = 1.0 - q;
        if (a == 0.0) return logX;
        return CustomOp.of("ln_q",
                in -> in[0].mul(a).expm1().div(a),
                (g, in, out) -> new Tensor[] {g.mul(in[0].mul(a).exp())},
                (t, in, out) -> t[0].mul(in[0].mul(a).exp())).apply(logX);
    }

    /**
     * J_Q = (1/N) Σ_n ln_q P_n, the Tsallis objective (to maximise) of N examples given their success
     * log-probabilities log P_n (any shape; a scalar for one example). ∇J_Q = (1/N) Σ_n P_n^{−q} ∇P_n.
     */
    public static Tensor objective(Tensor logSuccess, double q) {
        return lnQOfLog(logSuccess, q).mean();
    }

    /**
     * The on-policy score-function surrogate that both estimators plug into:
     * <pre>  L = −(1/B') Σ_i Â_i Σ_t m_{i,t} log π_θ(o_{i,t}),     ∇L = −(1/B') Σ_i Â_i ∇log π_θ(o_i)</pre>
     * (B' = non-empty sequences; the sequence log-likelihood log π_θ(o_i) is the sum of its token log-probs).
     * With {@link Garl} advantages this is GARL's loss, with {@link Paft} weights it is PAFT's weighted SFT loss.
     * Only {@code batch.logProbs()} is differentiated; advantages are constants (the batch detaches them). Any
     * ratio-based surrogate (PPO clip, ...) gives the same gradient on-policy.
     */
    public static Tensor surrogate(PolicyBatch batch) {
        // masked first: a −∞ log-prob at a masked position times a zero advantage would be NaN
        Tensor perToken = batch.tokenAdvantages().mul(MaskedReductions.masked(batch.logProbs(), batch.mask())).neg();
        return Aggregation.seqMeanTokenSum().apply(perToken, batch.mask());
    }

    static void checkQ(double q) {
        if (!Double.isFinite(q)) throw new IllegalArgumentException("Tsallis: q must be finite, got " + q);
    }

    /**
     * The groups of a reward batch with, per sequence, its group's size M, reward sum Σr and mean P̂ = Σr/M.
     * Rewards must lie in [0, 1] (they estimate a success probability).
     */
    record Groups(double[] rewards, int[] groupIds, int[] size, double[] sum) {

        static Groups of(Rewards rewards, String who) {
            double[] r = rewards.values().toDoubleArray();
            int[] ids = rewards.groupIds();
            for (int i = 0; i < r.length; i++) {
                if (!(r[i] >= 0.0 && r[i] <= 1.0)) {
                    throw new IllegalArgumentException(who + ": rewards must lie in [0, 1] (a success indicator or"
                            + " probability), got r[" + i + "] = " + r[i]);
                }
            }
            Map<Integer, int[]> count = new LinkedHashMap<>();
            Map<Integer, double[]> total = new LinkedHashMap<>();
            for (int i = 0; i < r.length; i++) {
                count.computeIfAbsent(ids[i], k -> new int[1])[0]++;
                total.computeIfAbsent(ids[i], k -> new double[1])[0] += r[i];
            }
            int[] size = new int[r.length];
            double[] sum = new double[r.length];
            for (int i = 0; i < r.length; i++) {
                size[i] = count.get(ids[i])[0];
                sum[i] = total.get(ids[i])[0];
            }
            return new Groups(r, ids, size, sum);
        }

        /** P̂ of sequence i's group. */
        double mean(int i) {
            return sum[i] / size[i];
        }
    }
}
