package dev.tapegrad.examples;

import dev.tapegrad.Generator;
import dev.tapegrad.rl.AdvantageEstimator;
import dev.tapegrad.rl.ColdStart;
import dev.tapegrad.rl.Garl;
import dev.tapegrad.rl.Paft;
import java.util.Locale;

/**
 * The cold-start claim of the Tsallis loss continuum (arXiv 2604.25907) in miniature: a softmax policy over K = 16
 * latent trajectories, one correct, starts with success probability p0 and ascends J_Q = ln_q P with the exact
 * gradient at learning rate 0.5. The table gives the steps until P ≥ 1/2 for each p0 (rows) and q (columns):
 * at q = 0 (expected reward) they grow like 1/p0, at q = 1 (log-likelihood) like ln(1/p0). A second table does
 * the same with Monte-Carlo estimators on 8 samples per step (mean over seeds): REINFORCE (GARL q = 0), GARL at
 * the abstract's q = 0.75, and PAFT at q = 1 (SFT on resampled successes).
 */
public final class ColdStartTable {
    private ColdStartTable() {}

    /** p0 of the rows. */
    static final double[] P0 = {1e-1, 1e-2, 1e-3, 1e-4};
    /** q of the columns. */
    static final double[] Q = {0, 0.25, 0.5, 0.75, 1};

    public static void main(String[] args) {
        ColdStart exact = new ColdStart(16, 0.5, 200_000);
        System.out.println("Escape steps (P >= 0.5), exact gradient of ln_q P, K = 16, lr = 0.5:");
        System.out.println(table(exact, P0, Q));
        System.out.println("Monte-Carlo, 8 samples per step, mean over 3 seeds:");
        System.out.println(sampledTable(exact, new double[] {1e-1, 1e-2, 1e-3}, 3));
    }

    /** The exact-gradient table of {@link #main}, for the p0 of {@link #P0} (rows) and the q of {@link #Q} (columns). */
    public static String table(ColdStart cs) {
        return table(cs, P0, Q);
    }

    /** The exact-gradient table, with steps·p0 (≈ constant at q = 0) and steps/ln(1/p0) (≈ constant at q = 1). */
    static String table(ColdStart cs, double[] p0s, double[] qs) {
        int[][] steps = cs.escapeSteps(p0s, qs);
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%8s", "p0 \\ q"));
        for (double q : qs) out.append(String.format(Locale.ROOT, "%9.2f", q));
        out.append(String.format(Locale.ROOT, "  %12s %16s%n", "p0*n(q=0)", "n(q=1)/ln(1/p0)"));
        for (int i = 0; i < p0s.length; i++) {
            out.append(String.format(Locale.ROOT, "%8.0e", p0s[i]));
            for (int s : steps[i]) out.append(s < 0 ? String.format(Locale.ROOT, "%9s", ">" + cs.maxSteps()) : String.format(Locale.ROOT, "%9d", s));
            int first = steps[i][0], last = steps[i][qs.length - 1];
            out.append(String.format(Locale.ROOT, "  %12s %16s%n", first < 0 ? "-" : String.format(Locale.ROOT, "%.3f", first * p0s[i]),
                    last < 0 ? "-" : String.format(Locale.ROOT, "%.3f", last / Math.log(1 / p0s[i]))));
        }
        return out.toString();
    }

    /** Mean escape steps of the sampled estimators over {@code seeds} seeds. */
    static String sampledTable(ColdStart cs, double[] p0s, int seeds) {
        String[] names = {"GARL q=0", "GARL q=0.75", "PAFT q=1"};
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%8s", "p0"));
        for (String n : names) out.append(String.format(Locale.ROOT, "%13s", n));
        out.append('\n');
        for (double p0 : p0s) {
            out.append(String.format(Locale.ROOT, "%8.0e", p0));
            for (int e = 0; e < names.length; e++) {
                double total = 0;
                for (long seed = 1; seed <= seeds; seed++) {
                    AdvantageEstimator est = switch (e) {
                        case 0 -> Garl.of(0);
                        case 1 -> Garl.of(0.75);
                        default -> Paft.resampling(new Generator(seed + 1000), 1, 4);
                    };
                    total += cs.runSampled(new Generator(seed), p0, est, 8).steps();
                }
                out.append(String.format(Locale.ROOT, "%13.1f", total / seeds));
            }
            out.append('\n');
        }
        return out.toString();
    }
}
