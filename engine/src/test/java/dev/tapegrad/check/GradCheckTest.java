package dev.tapegrad.check;

import static org.junit.jupiter.api.Assertions.*;

import dev.tapegrad.CustomOp;
import dev.tapegrad.DType;
import dev.tapegrad.Tensor;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class GradCheckTest {

    /** An op (or composite) under test with a generator of valid inputs. */
    record Case(String name, Gen<List<Tensor>> inputs, Function<List<Tensor>, Tensor> f) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final Gen<List<Tensor>> ONE = TensorGen.tensors(TensorGen.shapes(0, 3, 1, 3)).map(List::of);

    private static Case unary(String name, Function<Tensor, Tensor> f) {
        return new Case(name, ONE, xs -> f.apply(xs.getFirst()));
    }

    private static int[] reversed(int rank) {
        int[] order = new int[rank];
        for (int i = 0; i < rank; i++) order[i] = rank - 1 - i;
        return order;
    }

    static Stream<Case> correctOps() {
        Gen<Double> values = TensorGen.values(-2, 2);
        return Stream.of(
                unary("exp", Tensor::exp),
                unary("tanh", Tensor::tanh),
                unary("sigmoid", Tensor::sigmoid),
                unary("sum", Tensor::sum),
                unary("sum over the last axis", x -> x.dim() == 0 ? x.sum() : x.sum(x.dim() - 1)),
                unary("reshape of x²", x -> x.mul(x).reshape(-1)),
                unary("permute of tanh(x)·x", x -> x.tanh().mul(x).permute(reversed(x.dim()))),
                new Case("mul with broadcasting", TensorGen.broadcastTensors(2, values), xs -> xs.get(0).mul(xs.get(1))),
                new Case("add with broadcasting, then exp", TensorGen.broadcastTensors(3, values),
                        xs -> xs.get(0).add(xs.get(1)).add(xs.get(2)).exp()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("correctOps")
    void correctOpsPassAtFirstAndSecondOrder(Case c) {
        Property.forAll(c.inputs()).tries(15).seed(2024).check(xs -> {
            GradCheck.Report first = GradCheck.check(c.f(), xs);
            GradCheck.Report second = GradCheck.checkSecondOrder(c.f(), xs);
            assertTrue(first.checks() > 0 && second.checks() > first.checks(), first + " " + second);
            assertTrue(first.maxAbsError() < 1e-6, first.toString());
        });
    }

    @Test
    void readmeExample() {
        Function<List<Tensor>, Tensor> f = xs -> xs.get(0).sub(xs.get(1)).tanh().mul(xs.get(0)).sum();
        Property.forAll(TensorGen.broadcastTensors(2, TensorGen.values(-2, 2))).tries(30)
                .check(xs -> { GradCheck.check(f, xs); GradCheck.checkSecondOrder(f, xs); });
    }

    @Test
    void directionalModePassesForCorrectOpsToo() {
        GradCheck.Options directional = GradCheck.Options.DEFAULT.withMode(GradCheck.Mode.DIRECTIONAL).withDirections(3);
        Property.forAll(TensorGen.broadcastTensors(2, TensorGen.values(-2, 2))).tries(20).seed(7).check(xs -> {
            Function<List<Tensor>, Tensor> f = ys -> ys.get(0).tanh().mul(ys.get(1).sigmoid());
            GradCheck.Report r = GradCheck.check(f, xs, directional);
            assertEquals(6, r.checks());
            assertTrue(r.what().contains("directional"), r.what());
            GradCheck.checkSecondOrder(f, xs, directional);
        });
    }

    private static final Tensor X = Tensor.of(new double[] {0.3, -0.7, 1.1, 0.5, -1.4, 0.9}, 2, 3);

    /** sin with a backward that is off by 10 %. */
    private static final CustomOp BAD_SIN = CustomOp.of("bad_sin", in -> in[0].sin(),
            (g, in, out) -> new Tensor[] {g.mul(in[0].cos()).mul(1.1)});

    @Test
    void wrongBackwardFailsNamingInputElementAndBothValues() {
        GradCheckFailure e = assertThrows(GradCheckFailure.class, () -> GradCheck.check(BAD_SIN::apply, X));
        GradCheckFailure.Mismatch m = e.worst();
        assertEquals(0, m.input());
        assertEquals(2, m.index().length);
        assertEquals(1.1, m.analytic() / m.numeric(), 1e-6);
        String msg = e.getMessage();
        assertTrue(msg.contains("6 of 6 comparisons differ"), msg);
        assertTrue(msg.contains("input 0 (shape [2, 3]), element " + java.util.Arrays.toString(m.index())), msg);
        assertTrue(msg.contains("numerical ⟨c, ∂f/∂x") && msg.contains(String.valueOf(m.numeric())), msg);
        assertTrue(msg.contains("analytic  (Jᵀc)") && msg.contains(String.valueOf(m.analytic())), msg);

        GradCheckFailure d = assertThrows(GradCheckFailure.class, () -> GradCheck.check(BAD_SIN::apply, X,
                GradCheck.Options.DEFAULT.withMode(GradCheck.Mode.DIRECTIONAL)));
        assertNull(d.worst().index());
        assertTrue(d.getMessage().contains("random direction") && d.getMessage().contains("Mode.ELEMENTWISE"),
                d.getMessage());
        assertEquals(1.1, d.worst().analytic() / d.worst().numeric(), 1e-6);

        GradCheck.checkAgainst(BAD_SIN::apply, x -> x.sin().mul(1.1), X); // it is the derivative of 1.1·sin
    }

    @Test
    void wrongBackwardIsFoundAndShrunkByAProperty() {
        PropertyFailure f = assertThrows(PropertyFailure.class, () -> Property.forAll(TensorGen.tensors(TensorGen.shapes()))
                .seed(1).check(x -> GradCheck.check(BAD_SIN::apply, x)));
        assertInstanceOf(GradCheckFailure.class, f.getCause());
        Tensor shrunk = (Tensor) f.shrunk();
        assertEquals(0, shrunk.dim());
        assertEquals(0.0, shrunk.item());
        assertTrue(f.getMessage().contains("GradCheckFailure: GradCheck (first order, elementwise) failed"), f.getMessage());
    }

    @Test
    void secondOrderCatchesABackwardThatIsNotDifferentiable() {
        Tensor x = Tensor.of(new double[] {0.5, -1.5, 2.0});
        // d(x²) = 2·g·x, but computed from a detached x: right value, wrong second derivative in x
        CustomOp detachedX = CustomOp.of("square_detached_x", in -> in[0].mul(in[0]),
                (g, in, out) -> new Tensor[] {g.mul(in[0].detach()).mul(2.0)});
        GradCheck.check(detachedX::apply, x);
        GradCheckFailure e = assertThrows(GradCheckFailure.class, () -> GradCheck.checkSecondOrder(detachedX::apply, x));
        assertEquals(0, e.worst().input());
        assertTrue(e.getMessage().startsWith("GradCheck (second order, elementwise) failed"), e.getMessage());
        assertEquals(0.0, e.worst().analytic());

        // the same with a detached cotangent: wrong derivative of the gradient in the cotangent
        CustomOp detachedG = CustomOp.of("square_detached_g", in -> in[0].mul(in[0]),
                (g, in, out) -> new Tensor[] {g.detach().mul(in[0]).mul(2.0)});
        GradCheck.check(detachedG::apply, x);
        GradCheckFailure c = assertThrows(GradCheckFailure.class, () -> GradCheck.checkSecondOrder(detachedG::apply, x));
        assertEquals(1, c.worst().input());
        assertEquals("cotangent", c.worst().inputName());
        assertTrue(c.getMessage().contains("cotangent (shape [3]), element ["), c.getMessage());
    }

    @Test
    void straightThroughEstimatorsAgainstTheFunctionsTheyStandFor() {
        Tensor x = Tensor.of(new double[] {0.5, -1.5, 2.0, -0.3});
        CustomOp signSte = CustomOp.of("sign_ste", in -> in[0].sign(), (g, in, out) -> new Tensor[] {g});
        // sign is flat away from 0: the numerical gradient is 0, the estimator passes the gradient through
        GradCheckFailure e = assertThrows(GradCheckFailure.class, () -> GradCheck.check(signSte::apply, x));
        assertEquals(0.0, e.worst().numeric());
        assertTrue(e.getMessage().contains("4 of 4 comparisons differ"), e.getMessage());
        GradCheck.checkAgainst(signSte::apply, t -> t.mul(1.0), x); // its backward is the identity's

        CustomOp clipped = CustomOp.of("sign_ste_clipped", in -> in[0].sign(),
                (g, in, out) -> new Tensor[] {g.mul(in[0].abs().le(1.0).to(g.dtype()))});
        GradCheckFailure c = assertThrows(GradCheckFailure.class,
                () -> GradCheck.checkAgainst(clipped::apply, t -> t.mul(1.0), x));
        int bad = c.worst().index()[0];
        assertTrue(bad == 1 || bad == 2, "only |x| > 1 is clipped, got element " + bad);
        assertTrue(c.getMessage().contains("2 of 4 comparisons differ"), c.getMessage());
        assertTrue(c.getMessage().contains("against a reference function"), c.getMessage());
        GradCheck.checkAgainst(clipped::apply, t -> t.clamp(-1, 1), x); // it is the gradient of hardtanh
    }

    @Test
    void reportCountsComparisons() {
        GradCheck.Report r = GradCheck.check(Tensor::tanh, X);
        assertEquals(6, r.checks());
        assertEquals("first order, elementwise", r.what());
        assertTrue(r.maxAbsError() < 1e-8 && r.maxRelError() < 1e-6, r.toString());
        GradCheck.Report d = GradCheck.check(Tensor::tanh, X, GradCheck.Options.DEFAULT.withElementwiseLimit(5));
        assertEquals("first order, directional", d.what());
        assertEquals(2, d.checks());
        GradCheck.Report s = GradCheck.checkSecondOrder(Tensor::tanh, X);
        assertEquals(12, s.checks()); // six elements of x and six of the cotangent
    }

    @Test
    void inputsTheOutputIgnoresGetZeroGradients() {
        Tensor b = Tensor.of(new double[] {1, 2});
        GradCheck.Report r = GradCheck.check(xs -> xs.get(0).exp(), List.of(X, b));
        assertEquals(8, r.checks());
        GradCheck.check(xs -> Tensor.ones(DType.FLOAT64, 2, 2), List.of(X)); // does not depend on x at all
        GradCheck.checkSecondOrder(xs -> xs.get(0).mul(2.0).sum(), List.of(X, b)); // constant gradient
    }

    @Test
    void float32IsRejectedWithAClearMessage() {
        IllegalArgumentException in = assertThrows(IllegalArgumentException.class,
                () -> GradCheck.check(Tensor::exp, X.to(DType.FLOAT32)));
        assertTrue(in.getMessage().contains("input 0 is float32 [2, 3]") && in.getMessage().contains("float64"),
                in.getMessage());
        IllegalArgumentException out = assertThrows(IllegalArgumentException.class,
                () -> GradCheck.check(x -> x.to(DType.FLOAT32), X));
        assertTrue(out.getMessage().contains("float32 output"), out.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GradCheck.Options.DEFAULT.withEps(0));
    }

    @Test
    void toleranceIsAbsolutePlusRelative() {
        // a backward off by a factor 1 + 5e-4 passes rtol 1e-3 and fails rtol 1e-4
        CustomOp slightlyOff = CustomOp.of("slightly_off_exp", in -> in[0].exp(),
                (g, in, out) -> new Tensor[] {g.mul(out).mul(1 + 5e-4)});
        Tensor x = Tensor.of(new double[] {1, 2, 3});
        GradCheck.check(slightlyOff::apply, x);
        assertThrows(GradCheckFailure.class,
                () -> GradCheck.check(slightlyOff::apply, x, GradCheck.Options.DEFAULT.withRtol(1e-4)));
    }
}
