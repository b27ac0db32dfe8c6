package dev.tapegrad.rl;

import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PAFT, the posterior-form Monte-Carlo estimator of ∇J_Q = ∇ ln_q P (Lin &amp; Ie, arXiv 2604.25907): resample
 * the successful samples from the posterior and run standard SFT on them, attenuated by P̂^{1−q} ≤ 1.
 *
 * <pre>
 *   ∇P = P · E_{z~π_θ(z|x,y*)}[ ∇log π_θ(z) ],   π_θ(z|x,y*) ∝ π_θ(z|x) r(z)     (posterior factorisation)
 *   ∇ ln_q P = P^{1−q} · E_post[ ∇log π_θ(z) ]
 *   ĝ = P̂^{1−q} Σ_m c_m ∇log π_θ(z_m),   c_m = r_m / Σ_j r_j             (exact expectation of the resampling)
 *                                          c_m = (times z_m is drawn)/K    (K draws with weights r_m/Σr)
 * </pre>
 * per group of M samples with r_m ∈ [0, 1], P̂ = (1/M) Σ r_m. As an {@link AdvantageEstimator} it returns
 * Â_m = M · P̂^{1−q} · c_m, so that {@link Tsallis#surrogate}'s mean over the M sequences, (1/M) Σ_m Â_m ∇log π,
 * is exactly ĝ: an SFT loss on the group's successes with total weight P̂^{1−q}. At q = 1 this is plain SFT on
 * the successful samples (rejection-sampling fine-tuning); at q = 0 it is P̂·(mean SFT gradient) =
 * (1/M) Σ r_m ∇log π (REINFORCE without baseline). Since Σr = M·P̂, the exact form's Â_m = P̂^{−q}·r_m is
 * identical to {@link Garl} without baseline: the two factorisations give one estimator in expectation over the
 * resampling, and differ only through the resampling noise (and, in the paper, in how samples are drawn).
 *
 * <p><b>No success in a group</b> (Σ r = 0): there is no posterior sample to resample, so the group is skipped
 * (all its Â_m = 0; the same limit as GARL's, since P̂^{1−q}·c would be 0·(0/0)).
 *
 * <p><b>Derived from the abstract; the paper's exact estimator was not available</b> (the resampling size K and
 * the zero-success rule are this library's choices).
 *
 * @param q         the Tsallis index, finite
 * @param draws     K, the number of resampled draws per group; 0 means the exact expectation c_m = r_m/Σr
 * @param gen       the seeded source of the draws (required iff draws &gt; 0); advanced on every call
 */
public record Paft(Generator gen, double q, int draws) implements AdvantageEstimator {

    public Paft {
        Tsallis.checkQ(q);
        if (draws < 0) throw new IllegalArgumentException("Paft: draws must be ≥ 0 (0 = exact expectation), got " + draws);
        if ((draws > 0) != (gen != null)) {
            throw new IllegalArgumentException("Paft: a generator is needed exactly when draws > 0 (draws = " + draws + ")");
        }
    }

    /** PAFT with the exact expectation of the resampling: SFT weights P̂^{1−q}·r_m/Σr. */
    public static Paft exact(double q) {
        return new Paft(null, q, 0);
    }

    /** PAFT with K draws per group from the successful samples (weights r_m/Σr), seeded by {@code gen}. */
    public static Paft resampling(Generator gen, double q, int draws) {
        if (draws < 1) throw new IllegalArgumentException("Paft.resampling: draws must be ≥ 1, got " + draws);
        return new Paft(gen, q, draws);
    }

    /** Â_m = M·P̂^{1−q}·c_m per sequence, [B] float64; 0 for every member of a group without success. */
    @Override
    public Tensor advantages(Rewards rewards) {
        Tsallis.Groups g = Tsallis.Groups.of(rewards, "Paft");
        double[] r = g.rewards();
        double[] a = new double[r.length];
        Map<Integer, List<Integer>> members = new LinkedHashMap<>();
        for (int i = 0; i < r.length; i++) members.computeIfAbsent(g.groupIds()[i], k -> new ArrayList<>()).add(i);
        for (List<Integer> group : members.values()) {
            int first = group.get(0);
            double total = g.sum()[first];
            if (total == 0.0) continue;   // no success: nothing to resample (see the class comment)
            double[] c = new double[group.size()];
            if (draws == 0) {
                for (int j = 0; j < c.length; j++) c[j] = r[group.get(j)] / total;
            } else {
                for (int k = 0; k < draws; k++) c[drawIndex(group, r, total)] += 1.0 / draws;
            }
            double scale = g.size()[first] * Math.pow(g.mean(first), 1.0 - q);
            for (int j = 0; j < c.length; j++) a[group.get(j)] = scale * c[j];
        }
        return Tensor.of(a, a.length);
    }

    /** One index j of the group drawn with probability r_j/total (inverse CDF). */
    private int drawIndex(List<Integer> group, double[] r, double total) {
        double u = gen.nextDouble() * total;
        int last = 0;
        for (int j = 0; j < group.size(); j++) {
            double rj = r[group.get(j)];
            if (rj == 0.0) continue;
            last = j;
            u -= rj;
            if (u < 0) return j;
        }
        return last;   // rounding left u ≥ 0 after the last success: it is the last success
    }

    @Override
    public String toString() {
        return "PAFT(q=" + q + (draws == 0 ? ", exact" : ", K=" + draws) + ")";
    }
}
