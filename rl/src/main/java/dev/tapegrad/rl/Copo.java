package dev.tapegrad.rl;

import dev.tapegrad.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * COPO, consistency-aware policy optimisation (arXiv 2508.04138; formulas as in the official code,
 * hijih/copo-code): a group whose answers all agree gives GRPO no signal (equal rewards); COPO adds a global,
 * batch-normalised reward that rewards consistent groups, and blends the two losses by the group's answer
 * entropy.
 *
 * <p>For group g with n sequences, extracted answers a_i and rewards R_i:
 * <pre>
 * H_g      = −Σ_a p_a log₂ p_a                 p_a = the fraction of the group's answers equal to a
 * c_g      = 1 − λ_n H_g,  λ_n = (1 − 1/n)/log₂ n    (∈ [1/n, 1]; 1 when all answers agree or n = 1;
 *                                                   c_g = 1 when the consistency coefficient is off)
 * Rglob_g  = c_g · (1/n) Σ_i R_i
 * A_glob,i = (Rglob_g − mean_g' Rglob) / (std_g' Rglob + ε)   over the batch's groups (Bessel; 0 if one group
 *                                                             or all equal)
 * A_loc,i  = the GRPO z-score {@link Advantages#grpo(double)}
 * w_g      = σ(k (H_g − b))
 * ℓ_{i,t}  = (1 − w_g) ℓ_{i,t}(A_glob) + w_g ℓ_{i,t}(A_loc)
 * </pre>
 * where ℓ is any {@link TokenObjective}'s per-token loss (COPO uses the dual-clipped PPO surrogate), and the
 * blend is reduced by that objective's aggregation. Consistent (low-entropy) groups lean on the global term;
 * diverse ones on the local GRPO term. All weights are constants (no gradient flows through H, c, w, A).
 *
 * @param k                      the slope of the soft weight (the paper's defaults were not found)
 * @param b                      the entropy at which w = 1/2
 * @param consistencyCoefficient whether Rglob is scaled by c_g (the code's {@code reward_coef_flg})
 * @param eps                    ε ≥ 0 of both z-scores (the code: 1e-6)
 */
public record Copo(double k, double b, boolean consistencyCoefficient, double eps) {

    public Copo {
        if (!Double.isFinite(k) || !Double.isFinite(b) || !(eps >= 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("Copo: k and b must be finite and eps finite and >= 0, got k = " + k
                    + ", b = " + b + ", eps = " + eps);
        }
    }

    /** COPO with the consistency coefficient on and ε = 1e-6. */
    public static Copo of(double k, double b) {
        return new Copo(k, b, true, Advantages.GRPO_EPS);
    }

    /** This COPO with Rglob scaled by c_g or not. */
    public Copo withConsistencyCoefficient(boolean on) {
        return new Copo(k, b, on, eps);
    }

    /** This COPO with another ε ≥ 0 of both z-scores. */
    public Copo withEps(double e) {
        return new Copo(k, b, consistencyCoefficient, e);
    }

    /**
     * The per-sequence quantities of a batch, each [B] float64 (every sequence carries its group's H and w).
     *
     * @param entropy           H_g in bits
     * @param globalAdvantages  A_glob
     * @param localAdvantages   A_loc (GRPO)
     * @param localWeights      w_g, the weight of the local term
     */
    public record Signals(Tensor entropy, Tensor globalAdvantages, Tensor localAdvantages, Tensor localWeights) {

        /** The blended objective ℓ = (1 − w) ℓ(A_glob) + w ℓ(A_loc), aggregated as {@code inner} aggregates. */
        public TokenObjective blend(TokenObjective inner) {
            return new Blend(inner, this);
        }
    }

    /**
     * H_g, c_g, A_glob, A_loc and w_g of a batch.
     *
     * @param rewards the outcome rewards with their groups
     * @param answers the extracted answer of each sequence (length B), compared with {@code equals}; null (no
     *                answer extracted) is one more answer value
     */
    public Signals signals(Rewards rewards, List<?> answers) {
        int n = rewards.size();
        if (answers.size() != n) {
            throw new IllegalArgumentException("Copo.signals: " + answers.size() + " answers for " + n + " sequences");
        }
        double[] r = Advantages.values(rewards, "Copo.signals");
        int[][] groups = Advantages.groups(rewards.groupIds());
        double[] globalReward = new double[groups.length];
        double[] entropy = new double[n];
        double[] weight = new double[n];
        for (int g = 0; g < groups.length; g++) {
            int[] members = groups[g];
            Map<Object, Integer> counts = new HashMap<>();
            double mean = 0;
            for (int i : members) {
                counts.merge(answers.get(i), 1, Integer::sum);
                mean += r[i] / members.length;
            }
            double h = 0;
            for (int c : counts.values()) {
                double p = (double) c / members.length;
                h -= p * Math.log(p) / Math.log(2);
            }
            int size = members.length;
            double coefficient = !consistencyCoefficient || size == 1
                    ? 1.0 : 1 - (1 - 1.0 / size) / (Math.log(size) / Math.log(2)) * h;
            globalReward[g] = coefficient * mean;
            double w = 1 / (1 + Math.exp(-k * (h - b)));
            for (int i : members) {
                entropy[i] = h;
                weight[i] = w;
            }
        }
        // batch z-score over groups: GRPO with all groups in one "group"
        double[] groupAdvantage = Advantages.grpo(eps)
                .advantages(new Rewards(Tensor.of(globalReward, groups.length), new int[groups.length], null))
                .toDoubleArray();
        double[] global = new double[n];
        for (int g = 0; g < groups.length; g++) for (int i : groups[g]) global[i] = groupAdvantage[g];
        return new Signals(Tensor.of(entropy, n), Tensor.of(global, n), Advantages.grpo(eps).advantages(rewards),
                Tensor.of(weight, n));
    }

    /** (1 − w) ℓ(A_glob) + w ℓ(A_loc) per token; see {@link Signals#blend}. */
    private record Blend(TokenObjective inner, Signals signals) implements TokenObjective {

        @Override
        public Tensor perTokenLoss(PolicyBatch batch) {
            if (signals.localWeights().size(0) != batch.batchSize()) {
                throw new IllegalArgumentException("Copo: signals of " + signals.localWeights().size(0)
                        + " sequences for a batch of " + batch.batchSize());
            }
            Tensor w = signals.localWeights().to(batch.logProbs().dtype()).unsqueeze(1);
            Tensor global = inner.perTokenLoss(batch.withAdvantages(signals.globalAdvantages()));
            Tensor local = inner.perTokenLoss(batch.withAdvantages(signals.localAdvantages()));
            return global.mul(w.neg().add(1.0)).add(local.mul(w));
        }

        @Override
        public Aggregation aggregation() {
            return inner.aggregation();
        }

        @Override
        public String toString() {
            return "copo(" + inner + ")";
        }
    }
}
