package dev.tapegrad.curvature;

import dev.tapegrad.Generator;

/**
 * The spectral density of a symmetric operator A (size n, eigenvalues λ₁…λ_n), μ = (1/n)·Σᵢ δ(λ − λᵢ), estimated
 * by stochastic Lanczos quadrature (Golub and Meurant; Lin, Saad and Yang 2016; used on network Hessians by
 * Ghorbani, Krishnan and Xiao, "An investigation into neural net optimization via Hessian eigenvalue density",
 * 2019).
 *
 * <p>For a unit vector v, vᵀf(A)v = Σᵢ (vᵀuᵢ)² f(λᵢ) is the integral of f against the measure with weight (vᵀuᵢ)²
 * at λᵢ; m Lanczos steps from v give the Gauss quadrature of that measure: nodes θⱼ (the Ritz values) and
 * weights τⱼ² (the squared first components of T_m's eigenvectors), exact for polynomials of degree ≤ 2m − 1.
 * For a random v with E[vvᵀ] = I/n (a Rademacher vector divided by √n), E[vᵀf(A)v] = tr f(A)/n = ∫ f dμ. Averaging
 * over n_v start vectors,
 * <pre>
 *   μ ≈ (1/n_v)·Σ_l Σⱼ τ_{l,j}²·δ(λ − θ_{l,j}),     φ_σ(t) = (1/n_v)·Σ_l Σⱼ τ_{l,j}²·𝒩(t; θ_{l,j}, σ²),
 * </pre>
 * the second a smooth density for plotting. Extreme eigenvalues (outliers) show up as isolated nodes whose
 * weight is about 1/n each; the bulk near zero carries almost all the mass. That is the shape "Empirical
 * analysis of the Hessian of over-parametrized neural networks" (Sagun et al., 2017) reports for trained
 * networks: a bulk near zero that grows with the number of parameters, and a few data-dependent outliers. The moments ∫λᵏdμ = tr(Aᵏ)/n are
 * estimated without bias for k ≤ 2m − 1, with the spread over the start vectors as standard error.
 */
public final class SpectralDensity {
    private final double[][] nodes;   // [probe][j]
    private final double[][] weights; // [probe][j], each row sums to 1
    private final int dimension;

    private SpectralDensity(double[][] nodes, double[][] weights, int dimension) {
        this.nodes = nodes;
        this.weights = weights;
        this.dimension = dimension;
    }

    /**
     * The estimate from {@code probes} Rademacher start vectors drawn from {@code gen}, each followed by
     * {@code steps} Lanczos steps (at most n). Costs probes·steps products.
     */
    public static SpectralDensity estimate(Generator gen, SymmetricOperator a, int probes, int steps) {
        if (probes < 1) throw new IllegalArgumentException("SpectralDensity: probes must be ≥ 1, got " + probes);
        if (steps < 1) throw new IllegalArgumentException("SpectralDensity: steps must be ≥ 1, got " + steps);
        double[][] nodes = new double[probes][];
        double[][] weights = new double[probes][];
        for (int l = 0; l < probes; l++) {
            Lanczos.Result r = Lanczos.run(gen, a, steps);
            nodes[l] = r.ritzValues();
            weights[l] = r.weights();
        }
        return new SpectralDensity(nodes, weights, a.layout().size());
    }

    /** The number of start vectors n_v. */
    public int probes() {
        return nodes.length;
    }

    /** n, the size of the operator. */
    public int dimension() {
        return dimension;
    }

    /** All quadrature nodes θ_{l,j}, probe after probe. */
    public double[] nodes() {
        return flatten(nodes);
    }

    /** The weights of {@link #nodes()}, τ_{l,j}²/n_v (they sum to 1). */
    public double[] weights() {
        double[] w = flatten(weights);
        for (int i = 0; i < w.length; i++) w[i] /= nodes.length;
        return w;
    }

    /** The smallest node (an estimate of λ_min from above). */
    public double minNode() {
        double m = Double.POSITIVE_INFINITY;
        for (double[] p : nodes) m = Math.min(m, p[0]);
        return m;
    }

    /** The largest node (an estimate of λ_max from below). */
    public double maxNode() {
        double m = Double.NEGATIVE_INFINITY;
        for (double[] p : nodes) m = Math.max(m, p[p.length - 1]);
        return m;
    }

    /** The estimate of ∫λᵏdμ = tr(Aᵏ)/n: Σ_{l,j} τ_{l,j}²θ_{l,j}ᵏ / n_v. */
    public double moment(int k) {
        double s = 0;
        for (int l = 0; l < nodes.length; l++) s += probeMoment(l, k);
        return s / nodes.length;
    }

    /** The standard error of {@link #moment}: the sample standard deviation over the probes / √n_v (NaN for one probe). */
    public double momentStandardError(int k) {
        int p = nodes.length;
        if (p < 2) return Double.NaN;
        double mean = moment(k), ss = 0;
        for (int l = 0; l < p; l++) {
            double d = probeMoment(l, k) - mean;
            ss += d * d;
        }
        return Math.sqrt(ss / (p - 1) / p);
    }

    /** Σⱼ τ_{l,j}²θ_{l,j}ᵏ: the quadrature of λᵏ for probe l (= vₗᵀAᵏvₗ/‖vₗ‖² for k ≤ 2m − 1). */
    public double probeMoment(int probe, int k) {
        if (probe < 0 || probe >= nodes.length) {
            throw new IllegalArgumentException("SpectralDensity.probeMoment: probe must be in [0, " + nodes.length + "), got " + probe);
        }
        if (k < 0) throw new IllegalArgumentException("SpectralDensity.moment: k must be ≥ 0, got " + k);
        double s = 0;
        for (int j = 0; j < nodes[probe].length; j++) s += weights[probe][j] * Math.pow(nodes[probe][j], k);
        return s;
    }

    /** The smoothed density φ_σ(t) = Σ weights·𝒩(t; node, σ²) (σ &gt; 0); it integrates to 1. */
    public double density(double t, double sigma) {
        if (!(sigma > 0)) throw new IllegalArgumentException("SpectralDensity.density: sigma must be > 0, got " + sigma);
        double s = 0, c = 1 / (sigma * Math.sqrt(2 * Math.PI));
        for (int l = 0; l < nodes.length; l++) {
            for (int j = 0; j < nodes[l].length; j++) {
                double z = (t - nodes[l][j]) / sigma;
                s += weights[l][j] * c * Math.exp(-0.5 * z * z);
            }
        }
        return s / nodes.length;
    }

    /** φ_σ at {@code points} equally spaced values from {@code from} to {@code to} (inclusive): the {t} then the {φ}. */
    public double[][] densityOnGrid(double from, double to, int points, double sigma) {
        if (points < 2 || !(to > from)) {
            throw new IllegalArgumentException("SpectralDensity.densityOnGrid: need points ≥ 2 and to > from, got "
                    + points + ", [" + from + ", " + to + "]");
        }
        double[] t = new double[points], phi = new double[points];
        for (int i = 0; i < points; i++) {
            t[i] = from + (to - from) * i / (points - 1);
            phi[i] = density(t[i], sigma);
        }
        return new double[][] {t, phi};
    }

    private static double[] flatten(double[][] rows) {
        int total = 0;
        for (double[] r : rows) total += r.length;
        double[] out = new double[total];
        int at = 0;
        for (double[] r : rows) {
            System.arraycopy(r, 0, out, at, r.length);
            at += r.length;
        }
        return out;
    }
}
