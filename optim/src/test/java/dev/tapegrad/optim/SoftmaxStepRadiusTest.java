package dev.tapegrad.optim;

import static org.junit.jupiter.api.Assertions.*;

import dev.tapegrad.Autograd;
import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The safe step radius: its arithmetic, its JVP against finite differences, and the exact bound for linear logits. */
class SoftmaxStepRadiusTest {

    @Test
    void spreadRadiusAndNormalisedStepFollowTheDefinitions() {
        // Two examples, three classes; the direction has norm 2.
        Tensor a = Tensor.of(new double[] {1, -2, 0.5, 0, 0, 0}, 2, 3);
        SoftmaxStepRadius rho = SoftmaxStepRadius.fromLogitDerivatives(a, 2.0);
        assertArrayEquals(new double[] {3, 0}, rho.spreads());
        assertEquals(3, rho.spread());
        assertEquals(Math.PI * 2 / 3, rho.radii()[0], 1e-15);
        assertEquals(Double.POSITIVE_INFINITY, rho.radii()[1]);       // no spread: no singularity along the line
        assertEquals(Math.PI * 2 / 3, rho.radius(), 1e-15);            // the batch minimum
        assertEquals(3 / Math.PI, rho.normalisedStep(), 1e-15);        // r = τ/ρ = 2 / (2π/3)
        assertEquals(rho.directionNorm() / rho.radius(), rho.normalisedStep(), 1e-15);
        // Leading axes are examples: [2, 2, 2] is four examples of two classes.
        Tensor seq = Tensor.of(new double[] {0, 1, 0, -1, 5, 5, 2, 0}, 2, 2, 2);
        assertArrayEquals(new double[] {1, 1, 0, 2}, SoftmaxStepRadius.fromLogitDerivatives(seq, 1).spreads());
        // A NaN derivative makes the step unmeasurable, not safe.
        SoftmaxStepRadius nan = SoftmaxStepRadius.fromLogitDerivatives(Tensor.of(new double[] {0, Double.NaN}, 1, 2), 1);
        assertTrue(Double.isNaN(nan.normalisedStep()));
        assertTrue(Double.isNaN(nan.radius()));
        // So does an infinite one, also when every class has the same infinity (which would look like no spread).
        double inf = Double.POSITIVE_INFINITY;
        for (double[] d : new double[][] {{0, inf}, {inf, inf}, {-inf, -inf}, {-inf, inf}}) {
            SoftmaxStepRadius r = SoftmaxStepRadius.fromLogitDerivatives(Tensor.of(new double[] {1, 2, d[0], d[1]}, 2, 2), 1);
            assertTrue(Double.isNaN(r.spreads()[1]) && Double.isNaN(r.normalisedStep()), java.util.Arrays.toString(d) + ": " + r);
            assertEquals(1, r.spreads()[0]);
        }
    }

    @Test
    void badInputIsRefusedWithTheNamesAndShapes() {
        SoftmaxToy toy = new SoftmaxToy(1, 8, 3, 4, 0);
        var e = assertThrows(IllegalArgumentException.class, () -> SoftmaxStepRadius.measure(toy.params,
                Map.of("w9", Tensor.zeros(DType.FLOAT64, 3, 4)), toy::logits));
        assertTrue(e.getMessage().contains("w9") && e.getMessage().contains("w2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SoftmaxStepRadius.measure(toy.params,
                Map.of("w2", Tensor.zeros(DType.FLOAT64, 4, 3)), toy::logits));
        assertTrue(e.getMessage().contains("[4, 3]") && e.getMessage().contains("[3, 4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SoftmaxStepRadius.measure(toy.params,
                Map.of("w2", Tensor.zeros(DType.FLOAT32, 3, 4)), toy::logits));
        assertTrue(e.getMessage().contains("float32"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SoftmaxStepRadius.measure(toy.params,
                Map.of("w2", Tensor.zeros(DType.FLOAT64, 3, 4)), () -> toy.logits().sum()));
        assertTrue(e.getMessage().contains("class axis"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SoftmaxStepRadius(new double[] {-1}, 1));
    }

    /** A random direction over the toy's parameters. */
    private static Map<String, Tensor> randomDirection(Generator gen, Map<String, Tensor> params, double scale) {
        Map<String, Tensor> u = new LinkedHashMap<>();
        params.forEach((n, p) -> u.put(n, Tensor.randn(gen, DType.FLOAT64, p.shape()).mul(scale)));
        return u;
    }

    @Test
    void oneJvpGivesTheLogitsDirectionalDerivatives() {
        // Against central differences of the logits of a tanh network, for several directions.
        Generator gen = new Generator(5);
        for (int trial = 0; trial < 5; trial++) {
            SoftmaxToy toy = new SoftmaxToy(trial, 12, 4, 5, 6);
            Map<String, Tensor> u = randomDirection(gen, toy.params, 0.3);
            SoftmaxStepRadius rho = SoftmaxStepRadius.measure(toy.params, u, toy::logits);
            Map<String, double[]> base = toy.values();
            double h = 1e-5;
            Tensor plus, minus;
            try (var s = Autograd.noGrad()) {
                toy.moveTo(base, u, h);
                plus = toy.logits();
                toy.moveTo(base, u, -h);
                minus = toy.logits();
                toy.moveTo(base, u, 0);
            }
            double[] expected = SoftmaxStepRadius.fromLogitDerivatives(plus.sub(minus).div(2 * h), 1).spreads();
            double[] got = rho.spreads();
            for (int i = 0; i < got.length; i++) assertEquals(expected[i], got[i], 1e-7 * (1 + expected[i]), "example " + i);
            // the parameters are untouched and carry no tangent afterwards
            assertArrayEquals(base.get("w1"), toy.params.get("w1").toDoubleArray());
        }
    }

    @Test
    void theNormalisedStepScalesWithTheUpdateAndTheRadiusDoesNot() {
        SoftmaxToy toy = new SoftmaxToy(3, 16, 4, 5, 6);
        Map<String, Tensor> u = randomDirection(new Generator(9), toy.params, 1);
        SoftmaxStepRadius one = SoftmaxStepRadius.measure(toy.params, u, toy::logits);
        Map<String, Tensor> u7 = new LinkedHashMap<>();
        u.forEach((n, t) -> u7.put(n, t.mul(7)));
        SoftmaxStepRadius seven = SoftmaxStepRadius.measure(toy.params, u7, toy::logits);
        assertEquals(7 * one.normalisedStep(), seven.normalisedStep(), 1e-12 * seven.normalisedStep());
        assertEquals(one.radius(), seven.radius(), 1e-12 * one.radius());
        // A direction that leaves the logits' differences alone (a shift of every class bias) has no radius.
        SoftmaxStepRadius shift = SoftmaxStepRadius.measure(toy.params, Map.of("b2", Tensor.full(0.8, DType.FLOAT64, 5)), toy::logits);
        assertEquals(0, shift.normalisedStep(), 1e-15);
    }

    @Test
    void forLinearLogitsNoExampleLossMovesFartherThanItsSpread() {
        // softmax regression: along θ + u each example's cross-entropy changes by at most Δ_a(u) = π·r_i, exactly,
        // so a step with r < 1 can change the mean loss by less than π whatever its direction.
        Generator gen = new Generator(11);
        for (int trial = 0; trial < 20; trial++) {
            SoftmaxToy toy = new SoftmaxToy(100 + trial, 30, 5, 6, 0);
            Map<String, Tensor> u = randomDirection(gen, toy.params, Math.pow(10, trial % 4 - 1));
            SoftmaxStepRadius rho = SoftmaxStepRadius.measure(toy.params, u, toy::logits);
            double[] before, after;
            Map<String, double[]> base = toy.values();
            try (var s = Autograd.noGrad()) {
                before = toy.losses().toDoubleArray();
                toy.moveTo(base, u, 1);
                after = toy.losses().toDoubleArray();
            }
            double[] spreads = rho.spreads();
            double meanChange = 0;
            for (int i = 0; i < before.length; i++) {
                assertTrue(Math.abs(after[i] - before[i]) <= spreads[i] * (1 + 1e-12) + 1e-12,
                        "trial " + trial + " example " + i + ": change " + (after[i] - before[i]) + ", spread " + spreads[i]);
                meanChange += (after[i] - before[i]) / before.length;
            }
            assertTrue(Math.abs(meanChange) <= Math.PI * rho.normalisedStep() * (1 + 1e-12) + 1e-12);
        }
    }
}
