package dev.tapegrad.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.DType;
import dev.tapegrad.Tensor;
import dev.tapegrad.check.Gen;
import dev.tapegrad.check.GradCheck;
import dev.tapegrad.check.Property;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class PowerMeanTest {
    /** Exponents from "almost min" to "almost max", across both sides of the series switch. */
    static final double[] PS = {-1000, -50, -2, -1, -0.5, -1e-3, -1.0001e-5, -0.9999e-5, -1e-6, 0, 1e-6, 0.9999e-5,
                                1.0001e-5, 1e-3, 0.5, 1, 2, 50, 1000};
    static final double JUNK = 40; // value at masked positions: must never be read

    /** Rows of log-values d [B,T] with a prefix mask; rows are non-empty unless {@code allowEmpty}. */
    record Rows(Tensor d, Tensor mask, double[][] valid) {
        @Override
        public String toString() {
            return java.util.Arrays.deepToString(valid);
        }
    }

    static Gen<Rows> rows(double low, double high, boolean allowEmpty) {
        return Gen.zip(Gen.ints(1, 4), Gen.ints(1, 6), (b, t) -> new int[] {b, t}).flatMap(s -> {
            Gen<List<Double>> values = Gen.sequence(Collections.nCopies(s[0] * s[1], Gen.doubles(low, high)));
            Gen<List<Integer>> lengths = Gen.sequence(Collections.nCopies(s[0], Gen.ints(allowEmpty ? 0 : 1, s[1])));
            return Gen.zip(values, lengths, (v, len) -> build(s[0], s[1], v, len));
        });
    }

    static Rows build(int b, int t, List<Double> v, List<Integer> len) {
        double[] d = new double[b * t], m = new double[b * t];
        double[][] valid = new double[b][];
        for (int i = 0; i < b; i++) {
            valid[i] = new double[len.get(i)];
            for (int j = 0; j < t; j++) {
                boolean on = j < len.get(i);
                m[i * t + j] = on ? 1 : 0;
                d[i * t + j] = on ? v.get(i * t + j) : JUNK;
                if (on) valid[i][j] = v.get(i * t + j);
            }
        }
        return new Rows(Tensor.of(d, b, t), Tensor.of(m, b, t), valid);
    }

    static double[] logMean(Rows r, double p) {
        return PowerMean.logMean(r.d, r.mask, p).toDoubleArray();
    }

    @Test
    void pOneIsTheArithmeticMeanAndPZeroTheGeometricMean() {
        Property.forAll(rows(-2, 2, false)).tries(50).check(r -> {
            double[] arithmetic = PowerMean.mean(r.d, r.mask, 1).toDoubleArray();
            double[] geometric = logMean(r, 0);
            for (int i = 0; i < r.valid.length; i++) {
                double sum = 0, logSum = 0;
                for (double x : r.valid[i]) {
                    sum += Math.exp(x);
                    logSum += x;
                }
                int n = r.valid[i].length;
                assertEquals(sum / n, arithmetic[i], 1e-14 * sum / n, "row " + i);
                assertEquals(logSum / n, geometric[i], 1e-15, "row " + i);
            }
        });
    }

    @Test
    void continuousAcrossTheSeriesThresholdAndAtZero() {
        double thr = PowerMean.seriesThreshold(DType.FLOAT64);
        Property.forAll(rows(-3, 3, false)).tries(50).check(r -> {
            for (double sign : new double[] {-1, 1}) {
                double[] below = logMean(r, sign * thr * (1 - 1e-9));
                double[] above = logMean(r, sign * thr * (1 + 1e-9));
                assertArrayEquals(below, above, 1e-11, "switch at p = " + sign * thr);
            }
            // approaching 0 from both sides lands on the geometric mean
            assertArrayEquals(logMean(r, 0), logMean(r, 1e-12), 1e-11);
            assertArrayEquals(logMean(r, 0), logMean(r, -1e-12), 1e-11);
        });
    }

    @Test
    void monotoneInPAndBetweenMinAndMax() {
        Property.forAll(rows(-3, 3, false)).tries(50).check(r -> {
            double[] previous = null;
            for (double p : PS) {
                double[] lm = logMean(r, p);
                for (int i = 0; i < lm.length; i++) {
                    double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
                    for (double x : r.valid[i]) {
                        min = Math.min(min, x);
                        max = Math.max(max, x);
                    }
                    assertTrue(lm[i] >= min - 1e-12 && lm[i] <= max + 1e-12, "row " + i + " p " + p + ": " + lm[i]
                            + " outside [" + min + ", " + max + "]");
                    if (previous != null) assertTrue(lm[i] >= previous[i] - 1e-12, "row " + i + " decreases at p " + p);
                    if (Math.abs(p) == 1000) {
                        // M_±∞ = max / min, up to log(n)/|p|
                        assertEquals(p > 0 ? max : min, lm[i], Math.log(r.valid[i].length) / 1000 + 1e-12);
                    }
                }
                previous = lm;
            }
        });
    }

    @Test
    void constantRowsAndHomogeneity() {
        Property.forAll(Gen.pair(rows(-2, 2, false), Gen.doubles(-3, 3))).tries(40).check(pair -> {
            Rows r = pair.first();
            double logLambda = pair.second();
            Tensor constant = Tensor.full(logLambda, DType.FLOAT64, r.d.shape());
            for (double p : PS) {
                // M_p(c, ..., c) = c
                for (double v : PowerMean.logMean(constant, r.mask, p).toDoubleArray()) assertEquals(logLambda, v, 1e-12);
                // M_p(λx) = λ M_p(x): log-values shift by log λ
                double[] shifted = PowerMean.logMean(r.d.add(logLambda), r.mask, p).toDoubleArray();
                double[] plain = logMean(r, p);
                for (int i = 0; i < plain.length; i++) assertEquals(plain[i] + logLambda, shifted[i], 1e-11, "p " + p);
            }
        });
    }

    @Test
    void gradientWeightsAreASoftmaxSummingToOne() {
        Property.forAll(rows(-2, 2, true)).tries(40).check(r -> {
            for (double p : new double[] {-2, -1e-5, 0, 0.7, 3}) {
                Tensor d = r.d.detach().requiresGrad(true);
                PowerMean.logMean(d, r.mask, p).sum().backward();
                double[] g = d.grad().toDoubleArray();
                assertArrayEquals(PowerMean.weights(r.d, r.mask, p).toDoubleArray(), g, 1e-12, "p " + p);
                int t = r.d.size(1);
                for (int i = 0; i < r.valid.length; i++) {
                    double sum = 0;
                    for (int j = 0; j < t; j++) {
                        if (j >= r.valid[i].length) assertEquals(0.0, g[i * t + j], 0.0, "masked entry gets no gradient");
                        sum += g[i * t + j];
                    }
                    assertEquals(r.valid[i].length == 0 ? 0.0 : 1.0, sum, 1e-12, "row " + i + ", p " + p);
                }
            }
        });
    }

    @Test
    void gradientsMatchCentralDifferences() {
        GradCheck.Options strict = GradCheck.Options.DEFAULT.withAtol(1e-8).withRtol(1e-6);
        Property.forAll(rows(-2, 2, true)).tries(12).check(r -> {
            for (double p : new double[] {-2.5, -1, -3e-6, 0, 2e-5, 0.5, 1, 4}) {
                GradCheck.check(d -> PowerMean.logMean(d, r.mask, p), r.d, strict);
                GradCheck.check(d -> PowerMean.mean(d, r.mask, p), r.d, strict);
            }
        });
        Rows r = rows(-1, 1, true).sample(new dev.tapegrad.Generator(7));
        GradCheck.checkSecondOrder(d -> PowerMean.logMean(d, r.mask, 1.5), r.d);
        GradCheck.checkSecondOrder(d -> PowerMean.logMean(d, r.mask, 1e-5), r.d);
    }

    @Test
    void emptyRowsAreNeutralAndJunkIsNeverRead() {
        double nan = Double.NaN;
        Tensor d = Tensor.of(new double[] {0.5, nan, nan, nan, nan, nan, -0.25, 0.75, Double.POSITIVE_INFINITY}, 3, 3);
        Tensor mask = Tensor.of(new double[] {1, 0, 0, 0, 0, 0, 1, 1, 0}, 3, 3);
        for (double p : new double[] {-1000, -2, -1e-6, 0, 1e-6, 1, 1000}) {
            Tensor x = d.detach().requiresGrad(true);
            Tensor lm = PowerMean.logMean(x, mask, p);
            assertEquals(0.5, lm.get(0), 1e-15);
            assertEquals(0.0, lm.get(1), 0.0, "empty row: log M_p = 0");
            assertEquals(1.0, PowerMean.mean(x, mask, p).get(1), "empty row: M_p = 1");
            assertTrue(lm.isAllFinite());
            lm.sum().backward();
            assertArrayEquals(new double[] {1, 0, 0, 0, 0, 0}, java.util.Arrays.copyOf(x.grad().toDoubleArray(), 6), 1e-12,
                    "p " + p);
            assertTrue(x.grad().isAllFinite(), "p " + p);
        }
    }

    @Test
    void largeExponentsAndLargeValuesStayFinite() {
        Tensor d = Tensor.of(new double[] {300, -300, 5, 0.1}, 1, 4);
        Tensor mask = Tensor.ones(DType.FLOAT64, 1, 4);
        assertEquals(300 - Math.log(4) / 1e3, PowerMean.logMean(d, mask, 1e3).item(), 1e-12);
        assertEquals(-300 + Math.log(4) / 1e3, PowerMean.logMean(d, mask, -1e3).item(), 1e-12);
        // M_p itself would be e^300 here; beyond the dtype's range it saturates instead of becoming ∞
        assertTrue(PowerMean.mean(d.mul(3), mask, 1e3).isAllFinite());
    }

    @Test
    void float32AgreesWithFloat64() {
        Rows r = rows(-2, 2, true).sample(new dev.tapegrad.Generator(3));
        for (double p : new double[] {-2, -5e-3, 0, 5e-3, 0.02, 1, 30}) {
            double[] single = PowerMean.logMean(r.d.to(DType.FLOAT32), r.mask.to(DType.FLOAT32), p).toDoubleArray();
            assertArrayEquals(logMean(r, p), single, 2e-5, "p " + p);
        }
    }

    @Test
    void rejectsBadArguments() {
        Tensor d = Tensor.zeros(DType.FLOAT64, 2, 3);
        assertThrows(IllegalArgumentException.class, () -> PowerMean.logMean(d, Tensor.ones(DType.FLOAT64, 2, 3), Double.NaN));
        assertThrows(IllegalArgumentException.class,
                () -> PowerMean.logMean(d, Tensor.ones(DType.FLOAT64, 2, 3), Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> PowerMean.logMean(d, Tensor.ones(DType.FLOAT64, 3, 2), 1));
        assertThrows(IllegalArgumentException.class,
                () -> PowerMean.logMean(Tensor.zeros(DType.FLOAT64, 3), Tensor.ones(DType.FLOAT64, 3), 1));
    }
}
