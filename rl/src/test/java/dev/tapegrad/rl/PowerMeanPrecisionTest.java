package dev.tapegrad.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.Autograd;
import dev.tapegrad.DType;
import dev.tapegrad.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link PowerMean} in float32 at small |p| and large log-ratio spreads agrees with a float64 reference to
 * float32 rounding, and its gradient weights stay a probability distribution. (The float32 series once used
 * for |p| &lt; 10⁻² was off by 0.6–10% at spreads 30–60 and gave negative weights at spread 1000.)
 */
class PowerMeanPrecisionTest {
    static final int B = 3, T = 8;

    @Test
    void float32MatchesAFloat64ReferenceAtLargeSpreads() {
        StringBuilder failures = new StringBuilder();
        for (double spread : new double[] {30, 60, 1000}) {
            float[] d = rows(spread);
            float[] mask = new float[B * T];
            for (int i = 0; i < mask.length; i++) mask[i] = i % T == T - 1 && i / T == 2 ? 0 : 1; // one masked entry
            for (double p : new double[] {-5e-3, -1e-3, 0, 1e-3, 5e-3}) {
                Tensor dt = Tensor.of(d, B, T).requiresGrad(true);
                Tensor lm = PowerMean.logMean(dt, Tensor.of(mask, B, T), p);
                assertEquals(DType.FLOAT32, lm.dtype());
                double[] got = lm.toDoubleArray();
                double[] w = Autograd.grad(lm.sum(), new Tensor[] {dt})[0].toDoubleArray();
                for (int i = 0; i < B; i++) {
                    double[] ref = reference(d, mask, i, p);
                    double tol = 2 * Math.ulp((float) ref[0]) + 1e-12 * spread;
                    if (!(Math.abs(got[i] - ref[0]) <= tol)) {
                        failures.append("spread ").append(spread).append(" p ").append(p).append(" row ").append(i)
                                .append(": log M_p ").append(got[i]).append(" vs ").append(ref[0])
                                .append(String.format(" (M_p off by %.3g%%)%n", 100 * Math.expm1(Math.abs(got[i] - ref[0]))));
                    }
                    double sum = 0;
                    for (int t = 0; t < T; t++) {
                        double wt = w[i * T + t], wr = ref[1 + t];
                        sum += wt;
                        if (!(wt >= 0 && Math.abs(wt - wr) <= 1e-6 * wr + 1e-30)) {
                            failures.append("spread ").append(spread).append(" p ").append(p).append(" row ").append(i)
                                    .append(" weight ").append(t).append(": ").append(wt).append(" vs ").append(wr).append('\n');
                        }
                    }
                    assertEquals(1, sum, 1e-5, "weights of row " + i + " sum to 1");
                }
            }
        }
        assertTrue(failures.isEmpty(), failures.toString());
    }

    /** Three rows of the given spread: evenly spaced, random, and one outlier among values near 0. */
    static float[] rows(double spread) {
        SplittableRandom rnd = new SplittableRandom(3);
        float[] d = new float[B * T];
        for (int t = 0; t < T; t++) {
            d[t] = (float) (-spread / 2 + spread * t / (T - 1));
            d[T + t] = (float) rnd.nextDouble(-spread / 2, spread / 2);
            d[2 * T + t] = (float) rnd.nextDouble(-1, 1);
        }
        d[T] = (float) (-spread / 2);
        d[T + 1] = (float) (spread / 2);
        d[2 * T + 3] = (float) spread;
        d[2 * T + T - 1] = Float.NEGATIVE_INFINITY; // masked
        return d;
    }

    /**
     * log M_p of row i and its weights softmax(p·d) over the valid entries, in float64 from the float32 values:
     * log-sum-exp for p ≠ 0 (error about u·log n/|p| ≈ 10⁻¹², far below float32 rounding), the mean at p = 0.
     */
    static double[] reference(float[] d, float[] mask, int i, double p) {
        double[] out = new double[1 + T];
        int n = 0;
        double max = Double.NEGATIVE_INFINITY, mean = 0;
        for (int t = 0; t < T; t++) {
            if (mask[i * T + t] == 0) continue;
            n++;
            mean += d[i * T + t];
            max = Math.max(max, p * d[i * T + t]);
        }
        mean /= n;
        double sum = 0;
        for (int t = 0; t < T; t++) if (mask[i * T + t] != 0) sum += Math.exp(p * d[i * T + t] - max);
        out[0] = p == 0 ? mean : (max + Math.log(sum / n)) / p;
        for (int t = 0; t < T; t++) {
            if (mask[i * T + t] != 0) out[1 + t] = p == 0 ? 1.0 / n : Math.exp(p * d[i * T + t] - max) / sum;
        }
        return out;
    }
}
