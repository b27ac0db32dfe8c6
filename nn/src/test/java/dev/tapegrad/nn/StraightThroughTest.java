package dev.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.Autograd;
import dev.tapegrad.DType;
import dev.tapegrad.Tensor;
import dev.tapegrad.check.GradCheck;
import dev.tapegrad.check.GradCheckFailure;
import dev.tapegrad.check.JvpCheck;
import dev.tapegrad.check.Property;
import dev.tapegrad.check.TensorGen;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Straight-through estimators: each declared backward and forward-mode tangent is checked against central
 * differences of its reference function (GradCheck.checkAgainst, JvpCheck.checkAgainst, which also checks the
 * tangent against the backward by the transpose identity), and each forward against the step function it
 * computes.
 */
class StraightThroughTest {

    /** An estimator, the function whose derivative its backward declares, and where that derivative jumps. */
    record Surrogate(String name, UnaryOperator<Tensor> op, UnaryOperator<Tensor> reference, double... kinks) {}

    /** R(x) for ReSTE: x·m^((1−o)/o) inside |x| ≤ m, sign(x)·min(|x|, t)^(1/o) beyond. */
    static Tensor resteReference(Tensor x, double o, double t) {
        double m = StraightThrough.RESTE_INTERVAL;
        Tensor inner = x.mul(Math.pow(m, (1 - o) / o));
        Tensor outer = x.sign().mul(x.abs().clamp(m, t).pow(1 / o));
        return Tensor.where(x.abs().le(m), inner, outer);
    }

    static final List<Surrogate> SURROGATES = List.of(
            new Surrogate("sign", StraightThrough::sign, x -> x),
            new Surrogate("sign clipped at 1", x -> StraightThrough.sign(x, 1.0), x -> x.clamp(-1, 1), -1, 1),
            new Surrogate("round", StraightThrough::round, x -> x),
            new Surrogate("ReSTE o=1 t=1.5", x -> StraightThrough.reste(x, 1, 1.5), x -> resteReference(x, 1, 1.5),
                    -1.5, -0.1, 0.1, 1.5),
            new Surrogate("ReSTE o=2 t=1.5", x -> StraightThrough.reste(x, 2, 1.5), x -> resteReference(x, 2, 1.5),
                    -1.5, -0.1, 0.1, 1.5),
            new Surrogate("ReSTE o=3.5 t=1.2", x -> StraightThrough.reste(x, 3.5, 1.2),
                    x -> resteReference(x, 3.5, 1.2), -1.2, -0.1, 0.1, 1.2),
            new Surrogate("HeLU 0.05", x -> StraightThrough.helu(x, 0.05), x -> x.clampMin(-0.05), -0.05),
            new Surrogate("HeLU 0.5", x -> StraightThrough.helu(x, 0.5), x -> x.clampMin(-0.5), -0.5));

    @TestFactory
    Stream<DynamicTest> backwardIsTheDeclaredSurrogate() {
        return SURROGATES.stream().map(s -> DynamicTest.dynamicTest(s.name(), () -> Property
                .forAll(TensorGen.tensors(TensorGen.shapes(0, 3, 1, 4), TensorGen.valuesAwayFrom(-2.5, 2.5, 0.01, s.kinks())))
                .tries(40).seed(21)
                .check(x -> GradCheck.checkAgainst(s.op()::apply, s.reference()::apply, x))));
    }

    @TestFactory
    Stream<DynamicTest> forwardModeTangentIsTheDeclaredSurrogate() {
        return SURROGATES.stream().map(s -> DynamicTest.dynamicTest(s.name(), () -> Property
                .forAll(TensorGen.tensors(TensorGen.shapes(0, 3, 1, 4), TensorGen.valuesAwayFrom(-2.5, 2.5, 0.01, s.kinks())))
                .tries(40).seed(23)
                .check(x -> JvpCheck.checkAgainst(s.op()::apply, s.reference()::apply, x))));
    }

    @Test
    void forwardModeTangentValues() {
        // the clipped sign STE: ẏ = 1[|x| ≤ 1]·ẋ, the same slope its backward uses
        Tensor x = Tensor.of(new double[] {-2, -0.5, 0.25, 3});
        Tensor v = Tensor.of(new double[] {1, 2, 3, 4});
        assertArrayEquals(new double[] {0, 2, 3, 0}, Autograd.jvp(t -> StraightThrough.sign(t, 1.0), x, v).tangent().toDoubleArray());
        assertArrayEquals(gradient(t -> StraightThrough.reste(t, 2, 1.5), -2, -0.5, 0.05, 1),
                Autograd.jvp(t -> StraightThrough.reste(t, 2, 1.5), Tensor.of(new double[] {-2, -0.5, 0.05, 1}),
                        Tensor.ones(DType.FLOAT64, 4)).tangent().toDoubleArray(), 0.0);
    }

    @Test
    void checkAgainstCatchesAWrongSurrogate() {
        // the unclipped sign STE is not the derivative of the clipped reference: the check must notice
        Tensor x = Tensor.of(new double[] {-2, -0.5, 0.5, 2});
        assertThrows(GradCheckFailure.class, () -> GradCheck.checkAgainst(StraightThrough::sign, v -> v.clamp(-1, 1), x));
    }

    @Test
    void forwardValues() {
        Tensor x = Tensor.of(new double[] {-2.5, -1.5, -0.5, -0.2, 0.0, 0.3, 0.5, 1.5, 2.5, 2.6});
        assertArrayEquals(new double[] {-1, -1, -1, -1, 0, 1, 1, 1, 1, 1}, StraightThrough.sign(x).toDoubleArray());
        assertArrayEquals(StraightThrough.sign(x).toDoubleArray(), StraightThrough.reste(x, 3, 1.5).toDoubleArray());
        // ties to even, as torch.round
        assertArrayEquals(new double[] {-2, -2, -0.0, -0.0, 0, 0, 0, 2, 2, 3}, StraightThrough.round(x).toDoubleArray());
        assertArrayEquals(new double[] {0, 0, 0, 0, 0, 0.3, 0.5, 1.5, 2.5, 2.6}, StraightThrough.helu(x, 0.05).toDoubleArray());
        Tensor f = Tensor.of(new float[] {-0.7f, 1.5f});
        assertEquals(DType.FLOAT32, StraightThrough.round(f).dtype());
        assertArrayEquals(new float[] {-1f, 2f}, StraightThrough.round(f).toFloatArray());
    }

    private static double[] gradient(UnaryOperator<Tensor> op, double... values) {
        Tensor x = Tensor.of(values).requiresGrad(true);
        return Autograd.grad(op.apply(x).sum(), new Tensor[] {x})[0].toDoubleArray();
    }

    @Test
    void resteBackwardValues() {
        double[] x = {-2, -1.5, -0.5, -0.1, 0, 0.05, 0.1, 0.4, 1.0, 1.5, 1.6};
        // o = 1 is the clipped STE with clip t
        assertArrayEquals(gradient(v -> StraightThrough.sign(v, 1.5), x), gradient(v -> StraightThrough.reste(v, 1, 1.5), x));
        // o = 2: the derivative of sign(x)·√|x| is 1/(2√|x|), rectified to the chord slope 0.1^(−1/2) inside 0.1
        double inner = Math.pow(0.1, -0.5);
        assertArrayEquals(new double[] {0, 0.5 / Math.sqrt(1.5), 0.5 / Math.sqrt(0.5), inner, inner, inner, inner,
                0.5 / Math.sqrt(0.4), 0.5, 0.5 / Math.sqrt(1.5), 0}, gradient(v -> StraightThrough.reste(v, 2, 1.5), x), 1e-15);
    }

    @Test
    void resteGradientIsBoundedByItsCentreSlope() {
        double o = 3, bound = Math.pow(0.1, (1 - o) / o);
        Property.forAll(TensorGen.tensors(TensorGen.shapes(1, 2, 1, 6), TensorGen.values(-3, 3))).tries(50).seed(22)
                .checkThat(x -> {
                    Tensor v = x.requiresGrad(true);
                    double[] g = Autograd.grad(StraightThrough.reste(v, o, 1.5).sum(), new Tensor[] {v})[0].toDoubleArray();
                    for (double d : g) if (!(d >= 0 && d <= bound + 1e-12)) return false;
                    return true;
                });
    }

    @Test
    void gradientsFlowThroughToEarlierOps() {
        // y = round(3w) with an identity backward: dy/dw = 3
        Tensor w = Tensor.of(new double[] {0.1, 0.4}).requiresGrad(true);
        StraightThrough.round(w.mul(3.0)).sum().backward();
        assertArrayEquals(new double[] {3, 3}, w.grad().toDoubleArray());
    }

    @Test
    void badSettingsAreRejected() {
        Tensor x = Tensor.of(new double[] {1});
        assertThrows(IllegalArgumentException.class, () -> StraightThrough.reste(x, 0.5, 1.5));
        assertThrows(IllegalArgumentException.class, () -> StraightThrough.reste(x, 2, 0.05));
        assertThrows(IllegalArgumentException.class, () -> StraightThrough.sign(x, 0));
        assertThrows(IllegalArgumentException.class, () -> StraightThrough.helu(x, -1));
        var e = assertThrows(IllegalArgumentException.class, () -> StraightThrough.round(Tensor.of(new int[] {1})));
        assertTrue(e.getMessage().contains("round_ste") && e.getMessage().contains("int32"), e.getMessage());
    }
}
