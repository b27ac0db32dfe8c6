package dev.tapegrad.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

/**
 * {@link LaneOrder} against a scalar definition of its pairwise order, bit for bit, for every vector width (2 to
 * 16 lanes; the widths the machine lacks run in the Vector API's Java fallback), on values where the order
 * changes the result; and the same bits before and after the JIT compiles a loop that ends in it.
 */
class LaneOrderTest {
    static final List<VectorSpecies<Float>> FLOATS =
            List.of(FloatVector.SPECIES_64, FloatVector.SPECIES_128, FloatVector.SPECIES_256, FloatVector.SPECIES_512);
    static final List<VectorSpecies<Double>> DOUBLES =
            List.of(DoubleVector.SPECIES_128, DoubleVector.SPECIES_256, DoubleVector.SPECIES_512);

    // ---------------------------------------------------------------- the scalar definitions

    /** Lane i combined with lane i + h for i &lt; h, h = L/2, L/4, …, 1; the result is lane 0. */
    static float pairwise(float[] lanes, boolean product) {
        float[] t = lanes.clone();
        for (int h = t.length / 2; h > 0; h /= 2) {
            for (int i = 0; i < h; i++) t[i] = product ? t[i] * t[i + h] : t[i] + t[i + h];
        }
        return t[0];
    }

    static double pairwise(double[] lanes, boolean product) {
        double[] t = lanes.clone();
        for (int h = t.length / 2; h > 0; h /= 2) {
            for (int i = 0; i < h; i++) t[i] = product ? t[i] * t[i + h] : t[i] + t[i + h];
        }
        return t[0];
    }

    // ---------------------------------------------------------------- lane values

    /**
     * One lane for a sum: ±0, subnormals, the smallest normal, ±∞ and NaN now and then, and mostly values of
     * widely different magnitudes (up to 1e38 in float, 1e308 in double, where an order can overflow or cancel).
     */
    static double sumLane(SplittableRandom rnd, boolean isFloat) {
        double big = isFloat ? 1e38 : 1e308, tiny = isFloat ? Float.MIN_VALUE : Double.MIN_VALUE;
        double normal = isFloat ? Float.MIN_NORMAL : Double.MIN_NORMAL;
        return switch (rnd.nextInt(20)) {
            case 0 -> 0.0;
            case 1 -> -0.0;
            case 2 -> tiny * rnd.nextInt(-5, 6);
            case 3 -> normal * rnd.nextDouble(-2, 2);
            case 4 -> big * rnd.nextDouble(-3.4, 3.4) / 2;
            case 5 -> rnd.nextInt(50) == 0 ? Double.NaN : rnd.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
            default -> rnd.nextDouble(-1, 1) * Math.pow(2, rnd.nextInt(-40, 40));
        };
    }

    /** One lane for a product: ±0 and ±∞ rarely, subnormals, and mostly factors of widely different size. */
    static double productLane(SplittableRandom rnd, boolean isFloat) {
        int range = isFloat ? 40 : 300;
        return switch (rnd.nextInt(30)) {
            case 0 -> rnd.nextBoolean() ? 0.0 : -0.0;
            case 1 -> rnd.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
            case 2 -> (isFloat ? Float.MIN_VALUE : Double.MIN_VALUE) * rnd.nextInt(1, 1000);
            default -> rnd.nextDouble(-2, 2) * Math.pow(2, rnd.nextInt(-range, range));
        };
    }

    /** Random lanes; in one case of four the last lanes hold the identity, as after a masked tail. */
    static double[] lanes(SplittableRandom rnd, int length, boolean isFloat, boolean product) {
        double[] v = new double[length];
        int tail = rnd.nextInt(4) == 0 ? rnd.nextInt(1, length) : 0;
        for (int i = 0; i < length; i++) {
            if (i >= length - tail) v[i] = product ? 1 : 0;
            else v[i] = product ? productLane(rnd, isFloat) : sumLane(rnd, isFloat);
        }
        return v;
    }

    // ---------------------------------------------------------------- the helper equals its definition

    @Test
    void floatSumsAndProductsFollowThePairwiseOrderAtEveryWidth() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (VectorSpecies<Float> s : FLOATS) {
            int orderMatters = 0;
            for (boolean product : new boolean[] {false, true}) {
                for (int c = 0; c < 3000; c++) {
                    double[] d = lanes(rnd, s.length(), true, product);
                    float[] f = new float[d.length];
                    for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
                    FloatVector v = FloatVector.fromArray(s, f, 0);
                    float expected = pairwise(f, product);
                    float got = product ? LaneOrder.product(v) : LaneOrder.sum(v);
                    float folded = LaneOrder.fold(v, product ? VectorOperators.MUL : VectorOperators.ADD);
                    String what = (product ? "product" : "sum") + " of " + java.util.Arrays.toString(f);
                    assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(got), what);
                    assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(folded), "fold: " + what);
                    if (Float.floatToIntBits(expected) != Float.floatToIntBits(inLaneOrder(f, product))) orderMatters++;
                }
            }
            if (s.length() > 2) assertTrue(orderMatters > 100, s + ": the values should make the order matter, " + orderMatters);
        }
    }

    @Test
    void doubleSumsAndProductsFollowThePairwiseOrderAtEveryWidth() {
        SplittableRandom rnd = new SplittableRandom(12);
        for (VectorSpecies<Double> s : DOUBLES) {
            int orderMatters = 0;
            for (boolean product : new boolean[] {false, true}) {
                for (int c = 0; c < 3000; c++) {
                    double[] d = lanes(rnd, s.length(), false, product);
                    DoubleVector v = DoubleVector.fromArray(s, d, 0);
                    double expected = pairwise(d, product);
                    double got = product ? LaneOrder.product(v) : LaneOrder.sum(v);
                    double folded = LaneOrder.fold(v, product ? VectorOperators.MUL : VectorOperators.ADD);
                    String what = (product ? "product" : "sum") + " of " + java.util.Arrays.toString(d);
                    assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(got), what);
                    assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(folded), "fold: " + what);
                    if (Double.doubleToLongBits(expected) != Double.doubleToLongBits(inLaneOrder(d, product))) orderMatters++;
                }
            }
            if (s.length() > 2) assertTrue(orderMatters > 100, s + ": the values should make the order matter, " + orderMatters);
        }
    }

    /** ((v₀ ∘ v₁) ∘ v₂) ∘ …: another order, to show that the test values tell orders apart. */
    private static float inLaneOrder(float[] v, boolean product) {
        float r = v[0];
        for (int i = 1; i < v.length; i++) r = product ? r * v[i] : r + v[i];
        return r;
    }

    private static double inLaneOrder(double[] v, boolean product) {
        double r = v[0];
        for (int i = 1; i < v.length; i++) r = product ? r * v[i] : r + v[i];
        return r;
    }

    // ---------------------------------------------------------------- interpreted and compiled agree

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;

    /** Like a kernel: lane-wise sums over a row, then the lanes' sum (or lane-wise products, then their product). */
    private static float accumulateFloat(float[] row, boolean product) {
        FloatVector acc = FloatVector.broadcast(F, product ? 1.0f : 0.0f);
        for (int k = 0; k + F.length() <= row.length; k += F.length()) {
            FloatVector x = FloatVector.fromArray(F, row, k);
            acc = product ? acc.mul(x) : acc.add(x);
        }
        return product ? LaneOrder.product(acc) : LaneOrder.sum(acc);
    }

    private static double accumulateDouble(double[] row, boolean product) {
        DoubleVector acc = DoubleVector.broadcast(D, product ? 1.0 : 0.0);
        for (int k = 0; k + D.length() <= row.length; k += D.length()) {
            DoubleVector x = DoubleVector.fromArray(D, row, k);
            acc = product ? acc.mul(x) : acc.add(x);
        }
        return product ? LaneOrder.product(acc) : LaneOrder.sum(acc);
    }

    /** The scalar model of {@link #accumulateFloat}: each lane accumulated in row order, then the pairwise order. */
    private static float accumulateFloatReference(float[] row, boolean product) {
        float[] lanes = new float[F.length()];
        java.util.Arrays.fill(lanes, product ? 1.0f : 0.0f);
        for (int k = 0; k + F.length() <= row.length; k += F.length()) {
            for (int i = 0; i < lanes.length; i++) lanes[i] = product ? lanes[i] * row[k + i] : lanes[i] + row[k + i];
        }
        return pairwise(lanes, product);
    }

    private static double accumulateDoubleReference(double[] row, boolean product) {
        double[] lanes = new double[D.length()];
        java.util.Arrays.fill(lanes, product ? 1.0 : 0.0);
        for (int k = 0; k + D.length() <= row.length; k += D.length()) {
            for (int i = 0; i < lanes.length; i++) lanes[i] = product ? lanes[i] * row[k + i] : lanes[i] + row[k + i];
        }
        return pairwise(lanes, product);
    }

    /**
     * Rows summed (multiplied) by {@link #accumulateFloat} and {@link #accumulateDouble} on their first calls
     * (interpreted: the Vector API's Java fallback) and again after 30,000 calls (compiled by C2, with the
     * intrinsics) equal the scalar model bit for bit both times. With {@code reduceLanes(ADD)} in place of
     * LaneOrder the compiled results differ from the interpreted ones in about half of the rows on x86.
     */
    @Test
    void theSameBitsBeforeAndAfterTheJitCompilesTheLoop() {
        SplittableRandom rnd = new SplittableRandom(13);
        int rows = 64, n = 32 * F.length();
        float[][] fs = new float[rows][n], fp = new float[rows][n];
        double[][] ds = new double[rows][n], dp = new double[rows][n];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < n; j++) {
                ds[r][j] = rnd.nextDouble(-1, 1) * Math.pow(2, rnd.nextInt(-20, 20));
                fs[r][j] = (float) ds[r][j];
                dp[r][j] = Math.pow(2, rnd.nextDouble(-1, 1)) * (rnd.nextBoolean() ? 1 : -1);
                fp[r][j] = (float) dp[r][j];
            }
        }
        for (int round = 0; round < 2; round++) {
            for (int r = 0; r < rows; r++) {
                for (boolean product : new boolean[] {false, true}) {
                    float[] f = product ? fp[r] : fs[r];
                    double[] d = product ? dp[r] : ds[r];
                    String what = (round == 0 ? "cold " : "warm ") + (product ? "product" : "sum") + " of row " + r;
                    assertEquals(Float.floatToIntBits(accumulateFloatReference(f, product)),
                            Float.floatToIntBits(accumulateFloat(f, product)), "float " + what);
                    assertEquals(Double.doubleToLongBits(accumulateDoubleReference(d, product)),
                            Double.doubleToLongBits(accumulateDouble(d, product)), "double " + what);
                }
            }
            if (round == 0) warmUp(fs, fp, ds, dp);
        }
    }

    private static void warmUp(float[][] fs, float[][] fp, double[][] ds, double[][] dp) {
        double sink = 0;
        for (int i = 0; i < 30_000; i++) {
            int r = i % fs.length;
            sink += accumulateFloat(fs[r], false) + accumulateFloat(fp[r], true)
                    + accumulateDouble(ds[r], false) + accumulateDouble(dp[r], true);
        }
        sinkForWarmUp = sink; // keeps the results alive, so the JIT compiles the calls
    }

    static volatile double sinkForWarmUp;
}
