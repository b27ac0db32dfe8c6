package dev.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.Autograd;
import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import dev.tapegrad.check.Gen;
import dev.tapegrad.check.GradCheck;
import dev.tapegrad.check.Property;
import dev.tapegrad.check.TensorGen;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Gradients (first and second order), stability at extreme inputs and the modules of the activations. */
class ActivationTest {

    /** An activation with the points where its derivative jumps (central differences must stay away). */
    record Act(String name, UnaryOperator<Tensor> f, double... kinks) {}

    static final List<Act> ACTS = List.of(
            new Act("relu", Activations::relu, 0),
            new Act("leakyRelu", x -> Activations.leakyRelu(x, 0.2), 0),
            new Act("elu", x -> Activations.elu(x, 1.7), 0),
            new Act("selu", Activations::selu, 0),
            new Act("gelu", Activations::gelu),
            new Act("geluTanh", Activations::geluTanh),
            new Act("silu", Activations::silu),
            new Act("mish", Activations::mish),
            new Act("softplus", Activations::thresholdedSoftplus),
            new Act("softplus(2, 3)", x -> Activations.thresholdedSoftplus(x, 2.0, 3.0), 1.5),
            new Act("tanh", Activations::tanh),
            new Act("sigmoid", Activations::sigmoid),
            new Act("hardtanh", x -> Activations.hardtanh(x, -1.5, 0.5), -1.5, 0.5),
            new Act("golu", Activations::golu),
            new Act("xgelu(0.3)", x -> Activations.xgelu(x, Tensor.scalar(0.3, x.dtype()))),
            new Act("xsilu(-0.2)", x -> Activations.xsilu(x, Tensor.scalar(-0.2, x.dtype()))),
            new Act("xatlu(0.5)", x -> Activations.xatlu(x, Tensor.scalar(0.5, x.dtype()))));

    /** Smooth activations whose second derivatives are checked. */
    static final List<String> SMOOTH = List.of("gelu", "geluTanh", "silu", "mish", "softplus", "golu", "xgelu(0.3)",
            "xatlu(0.5)", "elu");

    private static final GradCheck.Options DIRECTIONAL =
            GradCheck.Options.DEFAULT.withMode(GradCheck.Mode.DIRECTIONAL).withDirections(3);

    private static Gen<Tensor> inputs(Act a) {
        return TensorGen.tensors(TensorGen.shapes(0, 3, 1, 4), TensorGen.valuesAwayFrom(-6, 6, 0.05, a.kinks()));
    }

    @TestFactory
    Stream<DynamicTest> firstOrderGradients() {
        return ACTS.stream().map(a -> DynamicTest.dynamicTest(a.name(), () ->
                Property.forAll(inputs(a)).tries(30).seed(11).check(x -> GradCheck.check(a.f()::apply, x))));
    }

    @TestFactory
    Stream<DynamicTest> secondOrderGradients() {
        return ACTS.stream().filter(a -> SMOOTH.contains(a.name()))
                .map(a -> DynamicTest.dynamicTest(a.name(), () -> Property.forAll(inputs(a)).tries(8).seed(12)
                        .check(x -> GradCheck.checkSecondOrder(a.f()::apply, x, DIRECTIONAL))));
    }

    /** xGELU, xSiLU and xATLU are differentiated in x and in the gate expansion α together. */
    @TestFactory
    Stream<DynamicTest> expandedGatingGradientsIncludeAlpha() {
        Gen<List<Tensor>> xAndAlpha = Gen.zip(
                TensorGen.tensors(TensorGen.shapes(1, 3, 1, 4), TensorGen.values(-5, 5)),
                TensorGen.tensor(new int[] {1}, TensorGen.values(-0.8, 0.8)), List::of);
        return Stream.of(Activations.Gate.values()).map(g -> DynamicTest.dynamicTest(g.expandedName(), () -> {
            Property.forAll(xAndAlpha).tries(25).seed(13)
                    .check(xa -> GradCheck.check(xs -> Activations.expandedGating(xs.get(0), g, xs.get(1)), xa));
            Property.forAll(xAndAlpha).tries(5).seed(14).check(xa -> GradCheck.checkSecondOrder(
                    xs -> Activations.expandedGating(xs.get(0), g, xs.get(1)), xa, DIRECTIONAL));
        }));
    }

    @Test
    void expandedGatingAtAlphaZeroIsThePlainActivation() {
        Tensor x = Tensor.linspace(-4, 4, 17, DType.FLOAT64);
        Tensor zero = Tensor.zeros(DType.FLOAT64, 1);
        assertClose(Activations.gelu(x), Activations.xgelu(x, zero), 1e-15);
        assertClose(Activations.silu(x), Activations.xsilu(x, zero), 1e-15);
        // the gate ranges over (−α, 1 + α): at x → −∞ the gate is −α, so xGELU(x) ≈ −α·x
        Tensor far = Tensor.of(new double[] {-30.0});
        assertEquals(-0.25 * -30.0, Activations.xgelu(far, Tensor.of(new double[] {0.25})).item(), 1e-12);
        assertEquals(-0.25 * -30.0, Activations.xsilu(far, Tensor.of(new double[] {0.25})).item(), 1e-9);
    }

    /** Every activation: finite values and gradients for |x| up to 1e4 in float32 and float64. */
    @Test
    void finiteAtExtremeInputs() {
        double[] v = {-1e4, -1e3, -100, -40, -8, -7, -6.5, -1e-30, 0, 1e-30, 40, 100, 1e3, 1e4};
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (Act a : ACTS) {
                Tensor x = Tensor.of(v).to(dtype).requiresGrad(true);
                Tensor y = a.f().apply(x);
                Tensor g = Autograd.grad(y.sum(), new Tensor[] {x})[0];
                assertTrue(y.isAllFinite(), a.name() + " " + dtype + " values: " + y);
                assertTrue(g.isAllFinite(), a.name() + " " + dtype + " gradients: " + g);
            }
        }
    }

    @Test
    void goluIsStableForLargeNegativeInputs() {
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor x = Tensor.of(new double[] {-1e4, -800, -50, 50, 1e4}).to(dtype).requiresGrad(true);
            Tensor y = Activations.golu(x);
            Tensor g = Autograd.grad(y.sum(), new Tensor[] {x})[0];
            assertArrayEquals(new double[] {0, 0, 0, 50, 1e4}, y.toDoubleArray(), 0.0, dtype.toString());
            assertArrayEquals(new double[] {0, 0, 0, 1, 1}, g.toDoubleArray(), 0.0, dtype.toString());
        }
        // The derivative e^(−e^(−x))·(1 + x·e^(−x)) near the cut-off, where the gate is tiny but not 0.
        double x0 = -2.5;
        Tensor x = Tensor.of(new double[] {x0}).requiresGrad(true);
        double expected = Math.exp(-Math.exp(-x0)) * (1 + x0 * Math.exp(-x0));
        assertEquals(expected, Autograd.grad(Activations.golu(x).sum(), new Tensor[] {x})[0].item(), 1e-15);
    }

    @Test
    void seluConstantsAreExactAndItIsSelfNormalising() {
        assertEquals(1.6732632423543772, Activations.SELU_ALPHA, 0.0);
        assertEquals(1.0507009873554805, Activations.SELU_SCALE, 0.0);
        // SELU's fixed point: standard normal inputs give mean ≈ 0 and variance ≈ 1.
        Tensor x = Tensor.randn(new Generator(5), DType.FLOAT64, 50_000);
        Tensor y = Activations.selu(x);
        assertEquals(0.0, y.mean().item(), 0.02);
        assertEquals(1.0, y.var().item(), 0.02);
    }

    @Test
    void softplusSwitchesToIdentityAboveTheThreshold() {
        Tensor x = Tensor.of(new double[] {2.4, 2.6, 100});
        double[] y = Activations.thresholdedSoftplus(x, 2.0, 5.0).toDoubleArray();
        assertEquals(Math.log1p(Math.exp(4.8)) / 2, y[0], 1e-15);
        assertEquals(2.6, y[1], 0.0);
        assertEquals(100, y[2], 0.0);
    }

    @Test
    void float32KeepsItsDtype() {
        Tensor x = Tensor.of(new float[] {-1f, 0.5f, 2f});
        for (Act a : ACTS) assertEquals(DType.FLOAT32, a.f().apply(x).dtype(), a.name());
    }

    @Test
    void expandedGatingModuleOwnsATrainableAlpha() {
        ExpandedGating m = ExpandedGating.xgelu();
        Map<String, Tensor> params = m.namedParameters();
        assertEquals(List.of("alpha"), List.copyOf(params.keySet()));
        Tensor alpha = params.get("alpha");
        assertArrayEquals(new int[] {1}, alpha.shape());
        assertEquals(0.0, alpha.item(), 0.0);
        assertTrue(alpha.requiresGrad());
        assertEquals(DType.FLOAT32, alpha.dtype());

        Tensor x = Tensor.of(new float[] {-2f, -0.5f, 1f, 3f});
        assertClose(Activations.gelu(x), m.forward(x), 1e-6);
        m.forward(x).sum().backward();
        assertNotNull(alpha.grad());
        // d/dα of Σ x·((1 + 2α)Φ(x) − α) = Σ x·(2Φ(x) − 1) = Σ x·erf(x/√2)
        double expected = 0;
        for (double v : x.toDoubleArray()) expected += v * (2 * Activations.normalCdf(Tensor.scalar(v, DType.FLOAT64)).item() - 1);
        assertEquals(expected, alpha.grad().item(), 1e-5);
        assertEquals("xGELU(alpha=0.0)", m.toString());
        assertEquals("xSiLU", ExpandedGating.xsilu().gate().expandedName());
        assertEquals(DType.FLOAT64, new ExpandedGating(Activations.Gate.ARCTAN, DType.FLOAT64).alpha().dtype());
    }

    @Test
    void activationModulesWrapTheFunctions() {
        Tensor x = Tensor.linspace(-3, 3, 13, DType.FLOAT64);
        assertClose(Activations.mish(x), ActivationModule.mish().forward(x), 0);
        assertClose(Activations.golu(x), ActivationModule.golu().forward(x), 0);
        assertClose(Activations.hardtanh(x, -1, 1), ActivationModule.hardtanh().forward(x), 0);
        assertClose(Activations.thresholdedSoftplus(x), ActivationModule.thresholdedSoftplus().forward(x), 0);
        assertEquals("LeakyReLU(0.1)", ActivationModule.leakyRelu(0.1).toString());
        assertEquals(0, ActivationModule.relu().parameterCount());
        Sequential net = new Sequential(ActivationModule.gelu(), ExpandedGating.xsilu());
        assertEquals(List.of("1.alpha"), List.copyOf(net.namedParameters().keySet()));
    }

    @Test
    void badSettingsAreRejected() {
        Tensor x = Tensor.of(new double[] {1, 2});
        assertThrows(IllegalArgumentException.class, () -> Activations.hardtanh(x, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> ActivationModule.hardtanh(2, -2));
        assertThrows(IllegalArgumentException.class, () -> Activations.thresholdedSoftplus(x, 0, 20));
        assertThrows(IllegalArgumentException.class, () -> ActivationModule.thresholdedSoftplus(-1, 20));
        var e = assertThrows(IllegalArgumentException.class, () -> Activations.xgelu(x, Tensor.zeros(DType.FLOAT32, 1)));
        assertTrue(e.getMessage().contains("xGELU") && e.getMessage().contains("float32"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ExpandedGating(Activations.Gate.SIGMOID, DType.INT32));
        assertThrows(IllegalArgumentException.class, () -> Activations.gelu(Tensor.of(new int[] {1, 2})));
        assertThrows(IllegalArgumentException.class, () -> Activations.xatlu(Tensor.of(new int[] {1}), Tensor.of(new int[] {0})));
    }

    private static void assertClose(Tensor expected, Tensor actual, double tol) {
        assertArrayEquals(expected.shape(), actual.shape());
        assertArrayEquals(expected.toDoubleArray(), actual.toDoubleArray(), tol);
    }
}
