package dev.tapegrad.curvature;

import dev.tapegrad.Generator;

/**
 * Hutchinson's estimators of the trace and the diagonal of a symmetric operator A from products with random
 * Rademacher vectors z (entries ±1 with probability ½; Hutchinson 1989; Bekas, Kokiopoulou and Saad 2007 for the
 * diagonal). Since E[zzᵀ] = I,
 * <pre>
 *   E[zᵀA·z] = tr A,    Var = 2·Σ_{i≠j} A_ij²;          E[z ⊙ A·z] = diag A,    Var_i = Σ_{j≠i} A_ij².
 * </pre>
 * The diagonal estimate is the preconditioner of Hessian-scaled methods (AdaHessian; "SANIA: Polyak-type optimization framework leads
 * to scale invariant stochastic algorithms", whose preconditioners include this estimate). Both are reported with
 * their standard errors, the sample standard deviation over the N probes divided by √N: an estimate is
 * usually within two or three standard errors of the truth. Exact, with zero error, for a diagonal A.
 */
public final class Hutchinson {
    private Hutchinson() {}

    /**
     * An estimate of tr A.
     *
     * @param estimate      (1/N)·Σ zₖᵀA·zₖ
     * @param standardError the sample standard deviation of zₖᵀA·zₖ over √N (NaN for N = 1)
     * @param probes        N
     */
    public record TraceEstimate(double estimate, double standardError, int probes) {}

    /**
     * An estimate of diag A.
     *
     * @param estimate      (1/N)·Σ zₖ ⊙ A·zₖ, entry by entry
     * @param standardError the per-entry sample standard deviation over √N (NaN entries for N = 1)
     * @param probes        N
     */
    public record DiagonalEstimate(ParamVector estimate, ParamVector standardError, int probes) {}

    /** tr A from {@code probes} Rademacher probes drawn from {@code gen} (N products). */
    public static TraceEstimate trace(Generator gen, SymmetricOperator a, int probes) {
        requireProbes(probes);
        double[] samples = new double[probes];
        for (int k = 0; k < probes; k++) {
            ParamVector z = ParamVector.rademacher(gen, a.layout());
            samples[k] = z.dot(a.apply(z));
        }
        double mean = 0;
        for (double s : samples) mean += s;
        mean /= probes;
        return new TraceEstimate(mean, standardError(samples, mean), probes);
    }

    /** diag A from {@code probes} Rademacher probes drawn from {@code gen} (N products). */
    public static DiagonalEstimate diagonal(Generator gen, SymmetricOperator a, int probes) {
        requireProbes(probes);
        int n = a.layout().size();
        double[] mean = new double[n], m2 = new double[n]; // Welford's running mean and sum of squared deviations
        for (int k = 0; k < probes; k++) {
            ParamVector z = ParamVector.rademacher(gen, a.layout());
            ParamVector az = a.apply(z);
            for (int i = 0; i < n; i++) {
                double s = z.get(i) * az.get(i);
                double d = s - mean[i];
                mean[i] += d / (k + 1);
                m2[i] += d * (s - mean[i]);
            }
        }
        double[] se = new double[n];
        for (int i = 0; i < n; i++) se[i] = probes < 2 ? Double.NaN : Math.sqrt(m2[i] / (probes - 1) / probes);
        return new DiagonalEstimate(ParamVector.wrap(a.layout(), mean), ParamVector.wrap(a.layout(), se), probes);
    }

    private static double standardError(double[] samples, double mean) {
        if (samples.length < 2) return Double.NaN;
        double ss = 0;
        for (double s : samples) ss += (s - mean) * (s - mean);
        return Math.sqrt(ss / (samples.length - 1) / samples.length);
    }

    private static void requireProbes(int probes) {
        if (probes < 1) throw new IllegalArgumentException("Hutchinson: probes must be ≥ 1, got " + probes);
    }
}
