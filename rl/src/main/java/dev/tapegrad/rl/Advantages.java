package dev.tapegrad.rl;

import dev.tapegrad.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The catalogue of outcome-reward {@link AdvantageEstimator}s: each maps rewards R_i of B sequences, grouped by
 * prompt, to per-sequence advantages Â_i (float64 constants, shape [B]).
 *
 * <p>Notation: group g has n_g sequences with mean μ_g = (1/n_g) Σ_j R_j and Bessel-corrected standard
 * deviation σ_g = sqrt(Σ_j (R_j − μ_g)² / (n_g − 1)); |o_i| is the length of sequence i (from
 * {@link Rewards#lengths()}, needed only by the length-aware estimators).
 *
 * <p>Edge cases, the same for every estimator:
 * <ul>
 * <li>All rewards of a group equal: the group's advantages are exactly 0 (an explicit branch, not the residue
 * of a floating-point variance; single-precision E[x²] − E[x]² leaves ~1e-4 and multiplies advantages by 1e4,
 * NeMo-RL #1518).</li>
 * <li>A group of one: advantage 0 (no baseline exists). verl gives the raw reward R instead (it uses μ = 0,
 * σ = 1 for singletons); trl gives 0; OpenRLHF refuses groups of one.</li>
 * <li>A NaN or infinite reward: {@link IllegalArgumentException} naming the sequence (trl silently drops NaN
 * rewards; here a failed scorer must be handled by the caller, e.g. by {@link DynamicSampling}).</li>
 * <li>Statistics are computed in double precision, two-pass (mean first, then squared deviations), with the
 * deviations scaled by their maximum so that tiny or huge reward spreads neither underflow nor overflow.</li>
 * <li>Length-aware estimators: a sequence of length 0 has no tokens; its advantage is 0 and it does not enter
 * any statistic.</li>
 * </ul>
 */
public final class Advantages {
    private Advantages() {}

    /** verl's ε for GRPO (trl uses 1e-4, OpenRLHF 1e-9, oat/HölderPO 1e-8; the DeepSeekMath paper states none). */
    public static final double GRPO_EPS = 1e-6;

    /** verl's ε in masked whitening (REINFORCE++): Â = (x − μ)/sqrt(σ² + 1e-8). */
    public static final double WHITEN_EPS = 1e-8;

    /** trl's ε for {@code scale_rewards="batch"}. */
    public static final double BATCH_STD_EPS = 1e-4;

    /** Group z-score with verl's ε = 1e-6: see {@link #grpo(double)}. */
    public static AdvantageEstimator grpo() {
        return grpo(GRPO_EPS);
    }

    /**
     * GRPO (DeepSeekMath, arXiv 2402.03300): Â_i = (R_i − μ_g)/(σ_g + ε), σ_g Bessel-corrected as in trl, verl
     * and OpenRLHF. Within a group whose rewards differ, Σ_i Â_i = 0 and the sample std of Â is σ_g/(σ_g + ε).
     *
     * @param eps ε ≥ 0 (verl 1e-6, trl 1e-4, OpenRLHF 1e-9, oat 1e-8)
     */
    public static AdvantageEstimator grpo(double eps) {
        checkEps("grpo", eps);
        return named("grpo(eps=" + eps + ")", r -> grpoValues(values(r, "Advantages.grpo"), r.groupIds(), eps));
    }

    /** Dr. GRPO (arXiv 2503.20783): Â_i = R_i − μ_g, no division by σ_g (removes the question-difficulty bias). */
    public static AdvantageEstimator drGrpo() {
        return named("drGrpo", r -> perGroup(values(r, "Advantages.drGrpo"), null, r.groupIds(), 1, (n, s) -> 1.0));
    }

    /**
     * Group mean, batch standard deviation (Lite-PPO of "Tricks or Traps? A Deep Dive into RL for LLM
     * Reasoning", 2025; trl {@code scale_rewards="batch"}):
     * Â_i = (R_i − μ_g)/(σ_B + ε), σ_B the Bessel-corrected std of all B rewards of the batch.
     *
     * @param eps ε ≥ 0 (trl 1e-4)
     */
    public static AdvantageEstimator batchStd(double eps) {
        checkEps("batchStd", eps);
        return named("batchStd(eps=" + eps + ")", r -> {
            double[] x = values(r, "Advantages.batchStd");
            double[] centred = perGroup(x, null, r.groupIds(), 1, (n, s) -> 1.0);
            double[] batchStd = new double[1]; // σ_B, read off the batch as one group (stays 0 if all equal)
            perGroup(x, null, new int[x.length], 1, (n, s) -> batchStd[0] = s);
            return scale(centred, batchStd[0] + eps);
        });
    }

    /**
     * RLOO (arXiv 2402.14740): Â_i = R_i − (1/(n_g − 1)) Σ_{j≠i} R_j = n_g/(n_g − 1)·(R_i − μ_g). verl's
     * {@code rloo} gives R for a group of one, its {@code rloo_vectorized} gives 0, as here.
     */
    public static AdvantageEstimator rloo() {
        return named("rloo", r -> perGroup(values(r, "Advantages.rloo"), null, r.groupIds(), 1, (n, s) -> n / (n - 1.0)));
    }

    /** REINFORCE++ with verl's ε = 1e-8: see {@link #reinforcePlusPlus(double)}. */
    public static AdvantageEstimator reinforcePlusPlus() {
        return reinforcePlusPlus(false, WHITEN_EPS);
    }

    /**
     * REINFORCE++ (arXiv 2501.03262) for outcome rewards with γ = 1: x_i = R_i whitened over the batch,
     * Â_i = (x_i − μ)/sqrt(σ² + ε); the batch statistics are those of {@link #reinforcePlusPlusBaseline(double)}.
     */
    public static AdvantageEstimator reinforcePlusPlus(double eps) {
        return reinforcePlusPlus(false, eps);
    }

    /** REINFORCE++-baseline with verl's ε = 1e-8: see {@link #reinforcePlusPlusBaseline(double)}. */
    public static AdvantageEstimator reinforcePlusPlusBaseline() {
        return reinforcePlusPlus(true, WHITEN_EPS);
    }

    /**
     * REINFORCE++-baseline (arXiv 2501.03262) for outcome rewards with γ = 1: x_i = R_i − μ_g (0 for groups of
     * one or of equal rewards; plain {@link #reinforcePlusPlus(double) REINFORCE++} has x_i = R_i), then whitened
     * over the batch: Â_i = (x_i − μ)/sqrt(σ² + ε).
     *
     * <p>Every token carries its sequence's return, so when lengths are given the batch statistics are over
     * tokens: μ = Σ|o_i| x_i / N, σ² = Σ|o_i| (x_i − μ)² / (N − 1), N = Σ|o_i| (verl's masked whitening,
     * Bessel-corrected) — sequences weigh by their length. Without lengths each sequence counts once. A batch
     * whose x are all equal, or with N ≤ 1, gives 0. Note that the batch re-centring moves the advantages of
     * an all-equal group away from 0 (as in the paper and verl).
     *
     * @param eps ε ≥ 0 under the square root (verl 1e-8)
     */
    public static AdvantageEstimator reinforcePlusPlusBaseline(double eps) {
        return reinforcePlusPlus(true, eps);
    }

    /** REINFORCE++ with or without the group baseline; see {@link #reinforcePlusPlusBaseline(double)}. */
    private static AdvantageEstimator reinforcePlusPlus(boolean groupBaseline, double eps) {
        checkEps("reinforcePlusPlus", eps);
        String name = "reinforcePlusPlus(groupBaseline=" + groupBaseline + ", eps=" + eps + ")";
        return named(name, r -> {
            double[] x = values(r, "Advantages.reinforcePlusPlus");
            if (groupBaseline) x = perGroup(x, null, r.groupIds(), 1, (n, s) -> 1.0);
            double[] w = r.lengths() == null ? null : lengths(r, "Advantages.reinforcePlusPlus");
            return perGroup(x, w, new int[x.length], 1, (n, s) -> 1 / Math.sqrt(s * s + eps));
        });
    }

    /**
     * Stratified advantage normalisation blended with the group estimate (Stratified GRPO, arXiv 2510.06214):
     * A_SAN,i = (R_i − μ_k)/(σ_k + ε) over the sequences of i's stratum k within its group, A_GN,i the GRPO
     * z-score of the group, and Â_i = α·A_SAN,i + (1 − α)·A_GN,i. A stratum of one sequence has no
     * statistics: it falls back to A_SAN,i = A_GN,i; a stratum of equal rewards has A_SAN = 0. α = 0 is GRPO.
     *
     * <p>Derived from the abstract (and a third-party summary); the paper's exact estimator and default α were
     * not available.
     *
     * @param strata the stratum of each sequence (e.g. its number of tool calls), length B; strata are
     *               within groups (stratum k of group g is unrelated to stratum k of another group)
     * @param alpha  α ∈ [0, 1]
     * @param eps    ε ≥ 0, used for both z-scores
     */
    public static AdvantageEstimator stratified(int[] strata, double alpha, double eps) {
        checkEps("stratified", eps);
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("Advantages.stratified: alpha must be in [0, 1], got " + alpha);
        }
        int[] s = strata.clone();
        return named("stratified(alpha=" + alpha + ", eps=" + eps + ")", r -> {
            double[] x = values(r, "Advantages.stratified");
            if (s.length != x.length) {
                throw new IllegalArgumentException("Advantages.stratified: " + s.length + " strata for " + x.length
                        + " sequences");
            }
            int[] g = r.groupIds();
            int[] cell = new int[x.length]; // the (group, stratum) pair as one id
            int[] cellSize = new int[x.length];
            Map<Long, Integer> ids = new HashMap<>();
            for (int i = 0; i < x.length; i++) {
                cell[i] = ids.computeIfAbsent(((long) g[i] << 32) | (s[i] & 0xffffffffL), k -> ids.size());
                cellSize[cell[i]]++;
            }
            double[] gn = grpoValues(x, g, eps);
            double[] san = grpoValues(x, cell, eps);
            double[] a = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                a[i] = alpha * (cellSize[cell[i]] == 1 ? gn[i] : san[i]) + (1 - alpha) * gn[i];
            }
            return a;
        });
    }

    /** HAPO's token-level group average with ε = 1e-6: see {@link #hapoTokenGroupAverage(double)}. */
    public static AdvantageEstimator hapoTokenGroupAverage() {
        return hapoTokenGroupAverage(GRPO_EPS);
    }

    /**
     * HAPO's token-level group average (arXiv 2509.16591, official code): each token carries its sequence's
     * reward and the group statistics are over the group's tokens — μ_g = Σ|o_i| R_i / N_g,
     * σ_g = sqrt(Σ|o_i| (R_i − μ_g)² / N_g) (population), N_g = Σ|o_i| — and Â_i = (R_i − μ_g)/(σ_g + ε). If
     * any |Â_i| ≥ 5 in a group (a rare reward on a short sequence among long ones), that group falls back to
     * the GRPO advantage. Requires lengths.
     *
     * @param eps ε ≥ 0 (HAPO 1e-6), also used by the GRPO fallback
     */
    public static AdvantageEstimator hapoTokenGroupAverage(double eps) {
        checkEps("hapoTokenGroupAverage", eps);
        return named("hapoTokenGroupAverage(eps=" + eps + ")", r -> {
            double[] x = values(r, "Advantages.hapoTokenGroupAverage");
            int[] g = r.groupIds();
            double[] a = perGroup(x, lengths(r, "Advantages.hapoTokenGroupAverage"), g, 0, (n, s) -> 1 / (s + eps));
            double[] fallback = grpoValues(x, g, eps);
            for (int[] members : groups(g)) {
                if (Arrays.stream(members).anyMatch(i -> Math.abs(a[i]) >= 5)) {
                    for (int i : members) a[i] = fallback[i];
                }
            }
            return a;
        });
    }

    /**
     * OPO's length-weighted baseline ("On-Policy RL with Optimal Reward Baseline", 2025; verl's {@code opo}):
     * Â_i = R_i − Σ_j |o_j| R_j / Σ_j |o_j| over the group. Requires lengths. verl gives R for a group of one.
     */
    public static AdvantageEstimator opo() {
        return named("opo", r -> perGroup(values(r, "Advantages.opo"), lengths(r, "Advantages.opo"), r.groupIds(), 0,
                (n, s) -> 1.0));
    }

    // ------------------------------------------------------------------------------------------ mechanism

    /** How a group's centred values are scaled, given its member count n and standard deviation σ. */
    @FunctionalInterface
    private interface Scale {
        double factor(int n, double std);
    }

    private static double[] grpoValues(double[] x, int[] groupIds, double eps) {
        return perGroup(x, null, groupIds, 1, (n, s) -> 1 / (s + eps));
    }

    /**
     * The one mechanism behind every estimator: per group, Â_i = (x_i − μ)·scale(n, σ) with the w-weighted
     * mean μ = Σ w x / Σ w and σ = sqrt(Σ w (x − μ)² / (Σ w − correction)) over the members with w > 0
     * (w = null: every member weighs 1). Members with w = 0 get 0; a group with fewer than two weighted
     * members, with all weighted values equal, or with Σ w ≤ correction gets 0.
     */
    private static double[] perGroup(double[] x, double[] w, int[] groupIds, int correction, Scale scale) {
        double[] a = new double[x.length];
        for (int[] all : groups(groupIds)) {
            int[] m = w == null ? all : Arrays.stream(all).filter(i -> w[i] > 0).toArray();
            double sumW = 0;
            for (int i : m) sumW += weight(w, i);
            if (m.length < 2 || sumW <= correction || allEqual(x, m)) continue;
            double mean = 0;
            for (int i : m) mean += weight(w, i) / sumW * x[i];
            double maxDev = 0;
            for (int i : m) maxDev = Math.max(maxDev, Math.abs(x[i] - mean));
            double sq = 0;
            for (int i : m) {
                double d = (x[i] - mean) / maxDev;
                sq += weight(w, i) * d * d;
            }
            double std = maxDev * Math.sqrt(sq / (sumW - correction));
            double f = scale.factor(m.length, std);
            // f is infinite only for a spread so small that σ (+ ε = 0) underflows to 0: no usable signal
            for (int i : m) a[i] = Double.isFinite(f) ? (x[i] - mean) * f : 0.0;
        }
        return a;
    }

    private static double weight(double[] w, int i) {
        return w == null ? 1.0 : w[i];
    }

    private static boolean allEqual(double[] x, int[] members) {
        for (int i : members) if (x[i] != x[members[0]]) return false;
        return true;
    }

    private static double[] scale(double[] x, double divisor) {
        double[] out = new double[x.length];
        // divisor is 0 only when all rewards of the batch are equal (ε = 0), and then x is all 0
        if (divisor != 0) for (int i = 0; i < x.length; i++) out[i] = x[i] / divisor;
        return out;
    }

    /** The members of each group, groups in order of first appearance, members in batch order. */
    static int[][] groups(int[] groupIds) {
        Map<Integer, List<Integer>> members = new LinkedHashMap<>();
        for (int i = 0; i < groupIds.length; i++) members.computeIfAbsent(groupIds[i], k -> new ArrayList<>()).add(i);
        return members.values().stream().map(m -> m.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
    }

    /** The rewards as doubles; a NaN or infinite one is rejected, naming the sequence. */
    static double[] values(Rewards r, String who) {
        double[] x = r.values().toDoubleArray();
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i])) {
                throw new IllegalArgumentException(who + ": the reward of sequence " + i + " (group "
                        + r.groupIds()[i] + ") is " + x[i] + "; rewards must be finite");
            }
        }
        return x;
    }

    /** The sequence lengths, required, finite and ≥ 0. */
    static double[] lengths(Rewards r, String who) {
        if (r.lengths() == null) {
            throw new IllegalArgumentException(who + " needs the sequence lengths: use Rewards.withLengths");
        }
        double[] len = r.lengths().toDoubleArray();
        for (int i = 0; i < len.length; i++) {
            if (!(len[i] >= 0) || Double.isInfinite(len[i])) {
                throw new IllegalArgumentException(who + ": the length of sequence " + i + " is " + len[i]
                        + "; lengths must be finite and >= 0");
            }
        }
        return len;
    }

    private static void checkEps(String who, double eps) {
        if (!(eps >= 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("Advantages." + who + ": eps must be finite and >= 0, got " + eps);
        }
    }

    private static AdvantageEstimator named(String name, Function<Rewards, double[]> f) {
        return new Named(name, f);
    }

    /** An estimator with a readable name (for test and log messages). */
    private record Named(String name, Function<Rewards, double[]> f) implements AdvantageEstimator {
        @Override
        public Tensor advantages(Rewards rewards) {
            double[] a = f.apply(rewards);
            return Tensor.of(a, a.length);
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
