package dev.tapegrad.optim;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import java.util.function.Consumer;
import jdk.incubator.vector.DoubleVector;
import org.junit.jupiter.api.Test;

/**
 * Every Vector API kernel of the transforms against its scalar reference, bit for bit (signed zeros and
 * NaN included), on sizes with no vector at all, tails shorter than a vector, and many vectors. The last
 * size is run {@value #ROUNDS} times so that the kernels are also checked once the JIT has compiled them
 * (the interpreter runs the Vector API's Java fallback, compiled code the CPU's vector instructions).
 */
class VectorKernelsTest {

    private static final int L = Lanes.S.length();
    private static final int[] SIZES = {0, 1, 2, L - 1, L, L + 1, 2 * L + L / 2 + 1, 1000};
    private static final int ROUNDS = 200;

    /**
     * Runs {@code kernel} and {@code reference} on identical copies of {@code count} random arrays of size n
     * and asserts that every array ends up bit-identical. Array 0 holds gradient-like values of mixed signs
     * and magnitudes (with some ±0), the others non-negative state-like values (with some zeros).
     */
    private static void check(String name, int count, Consumer<double[][]> kernel, Consumer<double[][]> reference) {
        Random rnd = new Random(name.hashCode());
        for (int n : SIZES) {
            double[][] a = new double[count][n];
            for (int k = 0; k < count; k++) {
                for (int i = 0; i < n; i++) {
                    double x = rnd.nextGaussian() * Math.pow(10, rnd.nextInt(7) - 3);
                    int special = rnd.nextInt(20);
                    if (special == 0) x = 0.0;
                    else if (special == 1) x = -0.0;
                    a[k][i] = k == 0 ? x : Math.abs(x);
                }
            }
            double[][] expected = copy(a);
            reference.accept(expected);
            for (int round = 0; round < (n == 1000 ? ROUNDS : 1); round++) {
                double[][] actual = copy(a);
                kernel.accept(actual);
                for (int k = 0; k < count; k++) {
                    assertArrayEquals(expected[k], actual[k], name + ": array " + k + " differs at size " + n);
                }
            }
        }
    }

    private static double[][] copy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int k = 0; k < a.length; k++) c[k] = a[k].clone();
        return c;
    }

    @Test
    void adam() {
        for (boolean ams : new boolean[] {false, true}) {
            check("adam " + ams, 4,
                    a -> ScaleByAdam.kernel(a[0], a[1], a[2], ams ? a[3] : a[2], 0.9, 0.999, 1e-8, 0.271, 0.0447, ams),
                    a -> ScaleByAdam.reference(a[0], a[1], a[2], ams ? a[3] : a[2], 0.9, 0.999, 1e-8, 0.271, 0.0447,
                            ams, 0, a[0].length));
        }
    }

    @Test
    void sgdMomentum() {
        for (boolean first : new boolean[] {false, true}) {
            for (boolean nesterov : new boolean[] {false, true}) {
                check("momentum " + first + nesterov, 2,
                        a -> SgdMomentum.kernel(a[0], a[1], 0.9, nesterov ? 0 : 0.1, first, nesterov),
                        a -> SgdMomentum.reference(a[0], a[1], 0.9, nesterov ? 0 : 0.1, first, nesterov, 0, a[0].length));
            }
        }
    }

    @Test
    void rmsprop() {
        for (boolean centered : new boolean[] {false, true}) {
            check("rmsprop " + centered, 3,
                    a -> ScaleByRms.kernel(a[0], a[1], centered ? a[2] : null, 0.99, 1e-8, centered),
                    a -> ScaleByRms.reference(a[0], a[1], centered ? a[2] : null, 0.99, 1e-8, centered, 0, a[0].length));
        }
    }

    @Test
    void adagrad() {
        check("adagrad", 2, a -> ScaleByAdagrad.kernel(a[0], a[1], 1e-10),
                a -> ScaleByAdagrad.reference(a[0], a[1], 1e-10, 0, a[0].length));
    }

    @Test
    void adamax() {
        check("adamax", 3, a -> ScaleByAdamax.kernel(a[0], a[1], a[2], 0.9, 0.999, 1e-8, 0.19),
                a -> ScaleByAdamax.reference(a[0], a[1], a[2], 0.9, 0.999, 1e-8, 0.19, 0, a[0].length));
    }

    @Test
    void nadam() {
        check("nadam", 3, a -> ScaleByNadam.kernel(a[0], a[1], a[2], 0.9, 0.999, 1e-8, 0.003, 0.53, 0.81),
                a -> ScaleByNadam.reference(a[0], a[1], a[2], 0.9, 0.999, 1e-8, 0.003, 0.53, 0.81, 0, a[0].length));
    }

    @Test
    void radam() {
        for (boolean rectify : new boolean[] {false, true}) {
            check("radam " + rectify, 3, a -> ScaleByRadam.kernel(a[0], a[1], a[2], 0.9, 0.999, 1e-8, 0.34, rectify, 0.07),
                    a -> ScaleByRadam.reference(a[0], a[1], a[2], 0.9, 0.999, 1e-8, 0.34, rectify, 0.07, 0, a[0].length));
        }
    }

    @Test
    void lion() {
        // β₁ = 0 makes the interpolation exactly g, so the ±0 gradients reach signum
        for (double b1 : new double[] {0.9, 0.0}) {
            check("lion " + b1, 2, a -> ScaleByLion.kernel(a[0], a[1], b1, 0.99),
                    a -> ScaleByLion.reference(a[0], a[1], b1, 0.99, 0, a[0].length));
        }
    }

    @Test
    void adabound() {
        for (boolean ams : new boolean[] {false, true}) {
            // bounds narrow enough that both clamps bind for some coordinates
            check("adabound " + ams, 4,
                    a -> ScaleByAdaBound.kernel(a[0], a[1], a[2], ams ? a[3] : a[2], 0.9, 0.999, 1e-8, 1e-3, 0.05, 2.0, ams),
                    a -> ScaleByAdaBound.reference(a[0], a[1], a[2], ams ? a[3] : a[2], 0.9, 0.999, 1e-8, 1e-3, 0.05, 2.0,
                            ams, 0, a[0].length));
        }
    }

    @Test
    void adabelief() {
        // (rectify, rho, factor): not rectified; rectified adaptive; SGD fallback; no step
        double[][] modes = {{0, 10, 0.3}, {1, 10, 0.3}, {1, 3, 0.3}, {1, 3, -1}};
        for (int k = 0; k < modes.length; k++) {
            double[] mode = modes[k];
            for (int flags = 0; flags < 4; flags++) {
                // fixedDecay only changes the shrink factor's value: alternate it with the mode
                boolean decouple = (flags & 1) != 0, ams = (flags & 2) != 0, fixed = k % 2 == 1;
                boolean rectify = mode[0] == 1;
                double rho = mode[1], factor = mode[2], wd = 0.1, lr = 1e-2;
                double shrink = !decouple ? 0 : fixed ? wd : lr * wd, l2 = decouple ? 0 : wd;
                check("adabelief " + rectify + rho + factor + flags, 5,
                        a -> ScaleByAdaBelief.kernel(a[0], a[1], a[2], a[3], ams ? a[4] : a[3], 0.9, 0.999, 1e-16, lr,
                                l2, shrink, decouple, ams, rectify, rho, factor, 0.1, 0.002),
                        a -> ScaleByAdaBelief.reference(a[0], a[1], a[2], a[3], ams ? a[4] : a[3], 0.9, 0.999, 1e-16, lr,
                                l2, shrink, decouple, ams, rectify, rho, factor, 0.1, 0.002, 0, a[0].length));
            }
        }
    }

    @Test
    void clipByValue() {
        check("clip", 1, a -> ClipByValue.kernel(a[0], 0.5), a -> ClipByValue.reference(a[0], 0.5, 0, a[0].length));
    }

    @Test
    void sharedElementwiseHelpers() {
        check("scale", 1, a -> Lanes.scale(a[0], -0.37), a -> {
            for (int i = 0; i < a[0].length; i++) a[0][i] *= -0.37;
        });
        check("divide", 1, a -> Lanes.divide(a[0], 3.0), a -> {
            for (int i = 0; i < a[0].length; i++) a[0][i] /= 3.0;
        });
        check("addScaled", 2, a -> Lanes.addScaled(a[0], 0.01, a[1]), a -> {
            for (int i = 0; i < a[0].length; i++) a[0][i] += 0.01 * a[1][i];
        });
        check("add", 2, a -> Lanes.add(a[0], a[1]), a -> {
            for (int i = 0; i < a[0].length; i++) a[0][i] += a[1][i];
        });
    }

    /** The lane-wise operations the kernels rely on agree with java.lang.Math on NaN, ±0 and ±∞. */
    @Test
    void laneOperationsMatchMathOnSpecialValues() {
        double[] special = {Double.NaN, -0.0, 0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1.5, -1.5,
                Double.MIN_VALUE, -Double.MIN_VALUE};
        int n = special.length * special.length;
        int padded = (n + L - 1) / L * L;
        double[] x = new double[padded], y = new double[padded];
        for (int i = 0; i < n; i++) {
            x[i] = special[i / special.length];
            y[i] = special[i % special.length];
        }
        double[] max = new double[padded], min = new double[padded], sign = new double[padded];
        for (int round = 0; round < 50 * ROUNDS; round++) { // interpreted, then compiled (the last round counts)
            for (int i = 0; i < padded; i += L) {
                DoubleVector xi = DoubleVector.fromArray(Lanes.S, x, i), yi = DoubleVector.fromArray(Lanes.S, y, i);
                xi.max(yi).intoArray(max, i);
                xi.min(yi).intoArray(min, i);
                Lanes.signum(xi).intoArray(sign, i);
            }
        }
        for (int i = 0; i < n; i++) {
            String pair = "(" + x[i] + ", " + y[i] + ")";
            assertEquals(Double.doubleToLongBits(Math.max(x[i], y[i])), Double.doubleToLongBits(max[i]), "max" + pair);
            assertEquals(Double.doubleToLongBits(Math.min(x[i], y[i])), Double.doubleToLongBits(min[i]), "min" + pair);
            assertEquals(Double.doubleToLongBits(Math.signum(x[i])), Double.doubleToLongBits(sign[i]), "signum " + x[i]);
        }
    }
}
