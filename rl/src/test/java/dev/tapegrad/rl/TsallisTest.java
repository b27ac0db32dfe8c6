package dev.tapegrad.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.Autograd;
import dev.tapegrad.Tensor;
import dev.tapegrad.check.Gen;
import dev.tapegrad.check.GradCheck;
import dev.tapegrad.check.JvpCheck;
import dev.tapegrad.check.Property;
import dev.tapegrad.check.TensorGen;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ln_q: identities, accuracy near q = 1, x = 1 and x = 0, derivative, gradient and forward-mode checks. */
class TsallisTest {
    private static final Gen<Double> X = TensorGen.values(0.01, 10);
    private static final Gen<Double> Q = TensorGen.values(0, 2);

    @Test
    void lnQOfOneIsZeroAndLn0IsXMinusOne() {
        Property.forAll(Gen.pair(X, Q)).check(p -> {
            assertEquals(0.0, Tsallis.lnQ(1.0, p.second()));
            double x = p.first();
            assertEquals(x - 1, Tsallis.lnQ(x, 0.0), 4e-16 * Math.max(1, x));
        });
    }

    @Test
    void lnQMatchesItsDefinitionAwayFromQEqualsOne() {
        Property.forAll(Gen.pair(X, TensorGen.valuesAwayFrom(0, 2, 0.1, 1))).check(p -> {
            double x = p.first(), q = p.second();
            double direct = (Math.pow(x, 1 - q) - 1) / (1 - q);
            assertEquals(direct, Tsallis.lnQ(x, q), 1e-13 * Math.max(1, Math.abs(direct)));
        });
    }

    /** ln_q = ln x + a(ln x)²/2 + a²(ln x)³/6 + ... with a = 1 − q: the limit q → 1 is reached without cancellation. */
    @Test
    void lnQTendsToLnAsQTendsToOneToRoundingLevel() {
        Property.forAll(X).check(x -> {
            double l = Math.log(x);
            assertEquals(l, Tsallis.lnQ(x, 1.0));
            for (double d : new double[] {1e-6, -1e-6, 1e-9, 0x1p-53, -0x1p-52}) {
                double q = 1 - d, a = 1 - q;   // the a the function sees
                double series = l + a * l * l / 2 + a * a * l * l * l / 6;
                assertEquals(series, Tsallis.lnQ(x, q), 1e-15 * Math.abs(l), "1-q=" + a);
            }
        });
    }

    @Test
    void lnQIsAccurateNearXEqualsOneAndFiniteNearZero() {
        double x = 1 + 1e-12, e = x - 1;   // e exact
        // ln_q(1+e) = e − q e²/2 + O(e³): relative error at rounding level (the naive formula loses ~4 digits here)
        assertEquals(e - 0.25 * e * e, Tsallis.lnQ(x, 0.5), 1e-15 * e);
        assertEquals(-2.0, Tsallis.lnQ(0.0, 0.5));
        assertEquals(-2.0, Tsallis.lnQ(1e-300, 0.5), 1e-140);
        assertEquals(Double.NEGATIVE_INFINITY, Tsallis.lnQ(0.0, 1.0));
        assertEquals(Double.NEGATIVE_INFINITY, Tsallis.lnQ(0.0, 1.5));
        assertEquals(-1 / 0.25, Tsallis.lnQOfLog(-800, 0.75));   // P = e^−800 underflows, its log does not
        assertTrue(Double.isNaN(Tsallis.lnQ(-1.0, 0.5)));
        assertThrows(IllegalArgumentException.class, () -> Tsallis.lnQ(2.0, Double.NaN));
    }

    @Test
    void tensorLnQAgreesWithTheScalarOneAndHasDerivativeXToTheMinusQ() {
        Property.forAll(Gen.pair(TensorGen.tensors(TensorGen.shapes(1, 2, 1, 5), TensorGen.values(0.05, 5)), Q))
                .tries(40).check(p -> {
                    double q = p.second();
                    Tensor x = p.first().requiresGrad(true);
                    Tensor y = Tsallis.lnQ(x, q);
                    double[] xs = x.toDoubleArray(), ys = y.toDoubleArray();
                    for (int i = 0; i < xs.length; i++) assertEquals(Tsallis.lnQ(xs[i], q), ys[i], 1e-15 * Math.max(1, Math.abs(ys[i])));
                    y.sum().backward();
                    double[] g = x.grad().toDoubleArray();
                    for (int i = 0; i < xs.length; i++) assertEquals(Math.pow(xs[i], -q), g[i], 1e-13 * Math.pow(xs[i], -q));
                });
    }

    @Test
    void gradientChecksFirstAndSecondOrder() {
        Property.forAll(Gen.pair(TensorGen.tensors(TensorGen.shapes(1, 2, 1, 4), TensorGen.values(0.1, 4)), Q))
                .tries(25).check(p -> {
                    double q = p.second();
                    GradCheck.check(x -> Tsallis.lnQ(x, q), p.first());
                    GradCheck.checkSecondOrder(x -> Tsallis.lnQ(x, q), p.first());
                    GradCheck.check(u -> Tsallis.lnQOfLog(u, q), p.first().log());
                });
    }

    /**
     * Forward mode through the ln_q op: its JVP e^{(1−q)u}·u̇ matches central differences and its backward
     * (transpose identity), and keeps full relative accuracy where x^{1−q} is tiny.
     */
    @Test
    void lnQOfLogHasAJvpConsistentWithItsBackward() {
        Property.forAll(Gen.pair(TensorGen.tensors(TensorGen.shapes(0, 3, 1, 4), TensorGen.values(-6, 1)), Q))
                .tries(50).check(p -> JvpCheck.check(us -> Tsallis.lnQOfLog(us.get(0), p.second()), List.of(p.first()),
                        GradCheck.Options.DEFAULT));
        double q = 0.5;
        Tensor u = Tensor.of(new double[] {-80, -1, 0.5});
        Tensor v = Tensor.of(new double[] {2, -1, 3});
        double[] t = Autograd.jvp(x -> Tsallis.lnQOfLog(x, q), u, v).tangent().toDoubleArray();
        double[] us = u.toDoubleArray(), vs = v.toDoubleArray();
        for (int i = 0; i < us.length; i++) assertEquals(Math.exp((1 - q) * us[i]) * vs[i], t[i], 1e-15 * Math.abs(t[i]));
    }

    /** The derivative is continuous in q at q = 1: x^{−q} on both sides, 1/x at q = 1. */
    @Test
    void derivativeIsContinuousAtQEqualsOne() {
        Tensor x = Tensor.of(new double[] {0.01, 0.5, 1, 3});
        double[] at = Autograd.grad(t -> Tsallis.lnQ(t, 1.0).sum(), x).toDoubleArray();
        assertArrayEquals(new double[] {100, 2, 1, 1 / 3.0}, at, 1e-14);
        for (double a : new double[] {1e-9, -1e-9}) {
            double q = 1 - a;
            double[] near = Autograd.grad(t -> Tsallis.lnQ(t, q).sum(), x).toDoubleArray();
            for (int i = 0; i < near.length; i++) {
                double xi = x.toDoubleArray()[i];
                assertEquals(Math.pow(xi, -q), near[i], 1e-15 * near[i]);          // x^{−q} to rounding
                assertEquals(at[i], near[i], 1e-8 * at[i]);                         // |x^{−q} − 1/x| ≈ |a ln x|/x
            }
        }
    }

    /** J_Q is the mean of ln_q P; with respect to log P its gradient is P·P^{−q}/N (= P^{−q}∇P with ∇P = P∇log P). */
    @Test
    void objectiveIsTheMeanQLogarithm() {
        double[] p = {0.2, 0.01, 0.9};
        double q = 0.75;
        Tensor logP = Tensor.of(p).log().detach().requiresGrad(true);
        Tensor j = Tsallis.objective(logP, q);
        double mean = 0;
        for (double x : p) mean += Tsallis.lnQ(x, q) / 3;
        assertEquals(mean, j.item(), 1e-15);
        j.backward();
        double[] g = logP.grad().toDoubleArray();
        for (int i = 0; i < 3; i++) assertEquals(Math.pow(p[i], 1 - q) / 3, g[i], 1e-15);
    }

    @Test
    void surrogateGradientIsMinusAdvantageTimesMaskOverNonEmptySequences() {
        Tensor lp = Tensor.of(new double[] {-1, -2, -3, -0.5, -9, -9, -4, -4, -4}, 3, 3).requiresGrad(true);
        Tensor mask = Tensor.of(new double[] {1, 1, 0, 1, 0, 0, 0, 0, 0}, 3, 3);
        Tensor adv = Tensor.of(new double[] {2, -1, 5}, 3);
        Tensor loss = Tsallis.surrogate(PolicyBatch.onPolicy(lp, mask, adv));
        assertEquals(-(2 * (-3) + (-1) * (-0.5)) / 2, loss.item(), 1e-15);
        loss.backward();
        assertArrayEquals(new double[] {-1, -1, 0, 0.5, 0, 0, 0, 0, 0}, lp.grad().toDoubleArray(), 1e-15);
    }
}
