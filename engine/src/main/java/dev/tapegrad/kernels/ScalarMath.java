package dev.tapegrad.kernels;

/** Scalar special functions the JDK's {@code Math} lacks. */
public final class ScalarMath {
    private ScalarMath() {}

    /**
     * The error function erf(x) = 2/√π ∫₀ˣ e^(−t²) dt, to about 1e-15 relative error.
     *
     * <p>For |x| &lt; 2.5 the Maclaurin series Σ (−1)ⁿ x^(2n+1) / (n! (2n+1)) converges fast; beyond, the
     * continued fraction for erfc (Lentz's method) is used, and erf = 1 − erfc.
     */
    public static double erf(double x) {
        if (Double.isNaN(x)) return Double.NaN;
        double ax = Math.abs(x);
        if (ax < 2.5) {
            double term = x, sum = x, x2 = x * x;
            for (int n = 1; n < 60; n++) {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
            }
            return 2.0 / Math.sqrt(Math.PI) * sum;
        }
        if (ax > 6.0) return Math.copySign(1.0, x);
        // erfc(z) = e^(−z²)/√π · 1/(z + 1/2 / (z + 1 / (z + 3/2 / (z + 2 / (z + ...)))))
        double tiny = 1e-300;
        double f = ax, c = ax, d = 0;
        for (int k = 1; k < 200; k++) {
            double a = k / 2.0;
            d = ax + a * d;
            d = d == 0 ? tiny : d;
            c = ax + a / c;
            c = c == 0 ? tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-16) break;
        }
        double erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
        return Math.copySign(1.0 - erfc, x);
    }
}
