package dev.tapegrad.kernels;

import java.util.function.DoubleUnaryOperator;

/**
 * Chebyshev coefficients for the vectorised erf, computed once at class load from series that converge
 * to full double precision (no magic numbers).
 *
 * <ul>
 *   <li>{@code |x| ≤ 1}: erf(x) = x · P(u), u = 2x² − 1, with P(u) = erf(x)/x from the Maclaurin series
 *       2/√π Σ (−x²)ⁿ / (n! (2n+1)).</li>
 *   <li>{@code 1 < |x| < XMAX}: erfc(|x|) = e^(−x²)/|x| · Q(u), u affine in 1/|x| ∈ [1/XMAX, 1], with
 *       Q = |x| e^(x²) erfc(|x|) = |x| / (√π · K) and K the continued fraction
 *       x + (1/2)/(x + (2/2)/(x + (3/2)/(x + …))), evaluated bottom-up from 4000 terms.</li>
 *   <li>{@code |x| ≥ XMAX}: erf = ±1 to working precision (erfc(4) ≈ 1.5e-8, erfc(6) ≈ 2e-17).</li>
 * </ul>
 * Series are truncated once coefficients fall below 1e-9 (float) or 2e-16 (double, the rounding noise of
 * the interpolation); the result is within a few ulps of the scalar erf (see the tests).
 */
final class ErfTables {
    private ErfTables() {}

    static final float FLOAT_XMAX = 4.0f;
    static final double DOUBLE_XMAX = 6.0;

    static final double[] FLOAT_SMALL = chebyshev(ErfTables::erfOverX, 1e-9);
    static final double[] DOUBLE_SMALL = chebyshev(ErfTables::erfOverX, 2e-16);
    static final double[] FLOAT_LARGE = chebyshev(u -> scaledErfc(FLOAT_XMAX, u), 1e-9);
    static final double[] DOUBLE_LARGE = chebyshev(u -> scaledErfc(DOUBLE_XMAX, u), 2e-16);

    /** u = v·scale + shift maps v = 1/|x| ∈ [1/XMAX, 1] onto [−1, 1]. */
    static final float FLOAT_LARGE_SCALE = (float) scale(FLOAT_XMAX), FLOAT_LARGE_SHIFT = (float) shift(FLOAT_XMAX);
    static final double DOUBLE_LARGE_SCALE = scale(DOUBLE_XMAX), DOUBLE_LARGE_SHIFT = shift(DOUBLE_XMAX);

    private static double scale(double xmax) {
        return 2 / (1 - 1 / xmax);
    }

    private static double shift(double xmax) {
        return -(1 + 1 / xmax) / (1 - 1 / xmax);
    }

    /** erf(x)/x at x² = (u+1)/2. */
    private static double erfOverX(double u) {
        double t = (u + 1) / 2, term = 1, sum = 1;
        for (int n = 1; n < 40; n++) {
            term *= -t / n;
            sum += term / (2 * n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }

    /** x e^(x²) erfc(x) at 1/x = v, where u = v·scale + shift. */
    private static double scaledErfc(double xmax, double u) {
        double x = 1 / ((u - shift(xmax)) / scale(xmax));
        double k = x;
        for (int j = 4000; j >= 1; j--) k = x + (j / 2.0) / k;
        return x / (Math.sqrt(Math.PI) * k);
    }

    /** Coefficients c₀…c_d of f(u) ≈ Σ c_j T_j(u) on [−1, 1], from interpolation at 64 Chebyshev nodes. */
    private static double[] chebyshev(DoubleUnaryOperator f, double tolerance) {
        int nodes = 64;
        double[] values = new double[nodes];
        for (int j = 0; j < nodes; j++) values[j] = f.applyAsDouble(Math.cos(Math.PI * (j + 0.5) / nodes));
        double[] c = new double[nodes];
        for (int k = 0; k < nodes; k++) {
            double s = 0;
            // cos(πk(j+½)/N) with the angle reduced exactly: k(2j+1) mod 4N quarter-steps of π/(2N)
            for (int j = 0; j < nodes; j++) s += values[j] * Math.cos(Math.PI * ((k * (2 * j + 1)) % (4 * nodes)) / (2 * nodes));
            c[k] = (k == 0 ? 1.0 : 2.0) / nodes * s;
        }
        // stop before the first run of four coefficients below the tolerance (beyond it lies rounding noise)
        int degree = 0;
        while (degree + 4 < nodes && !(Math.abs(c[degree + 1]) <= tolerance && Math.abs(c[degree + 2]) <= tolerance
                && Math.abs(c[degree + 3]) <= tolerance && Math.abs(c[degree + 4]) <= tolerance)) {
            degree++;
        }
        return java.util.Arrays.copyOf(c, degree + 1);
    }
}
