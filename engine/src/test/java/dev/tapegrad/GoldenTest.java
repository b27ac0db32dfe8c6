package dev.tapegrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Compares tapegrad with values computed independently by PyTorch (float64): for every fixture case, the
 * forward output (exact shape, values within {@link #RTOL}/{@link #ATOL}) and, after
 * {@code output.backward(c)}, the gradient cᵀ·∂output/∂input of every differentiable input; and, for every
 * case with tangents, the forward-mode {@link Autograd#jvp} Σᵢ ∂output/∂xᵢ·vᵢ (the other inputs held fixed)
 * at the same tolerances.
 *
 * <p>The fixtures live in {@code src/test/resources/golden/} and are made by
 * {@code tools/golden/generate_golden.py}; no Python is needed here. {@link #OPS} maps each fixture op name
 * to a call of the public API; a case whose op is missing from the table fails rather than being skipped.
 */
class GoldenTest {
    /** The fixture families, one file each; a missing file fails the test. */
    static final List<String> FAMILIES = List.of("unary", "binary", "reduce", "softmax", "linalg", "index", "movement",
            "linalg_decomp");

    /**
     * |got − expected| ≤ ATOL + RTOL·|expected|. Both libraries compute in float64 with (nearly) correctly
     * rounded elementary functions; these bounds leave room for different summation orders only.
     */
    static final double RTOL = 1e-10, ATOL = 1e-12;

    /** Calls one op: the case supplies the parameters, {@code in} the input tensors in fixture order. */
    interface OpCall extends BiFunction<GoldenCase, Tensor[], Tensor> {}

    /** Fixture op name → tapegrad call. */
    static final Map<String, OpCall> OPS = Map.ofEntries(
            // elementwise, one input
            Map.entry("neg", unary(Tensor::neg)),
            Map.entry("abs", unary(Tensor::abs)),
            Map.entry("exp", unary(Tensor::exp)),
            Map.entry("expm1", unary(Tensor::expm1)),
            Map.entry("log", unary(Tensor::log)),
            Map.entry("log1p", unary(Tensor::log1p)),
            Map.entry("sqrt", unary(Tensor::sqrt)),
            Map.entry("rsqrt", unary(Tensor::rsqrt)),
            Map.entry("square", unary(Tensor::square)),
            Map.entry("reciprocal", unary(Tensor::reciprocal)),
            Map.entry("sin", unary(Tensor::sin)),
            Map.entry("cos", unary(Tensor::cos)),
            Map.entry("tanh", unary(Tensor::tanh)),
            Map.entry("sigmoid", unary(Tensor::sigmoid)),
            Map.entry("logSigmoid", unary(Tensor::logSigmoid)),
            Map.entry("relu", unary(Tensor::relu)),
            Map.entry("softplus", unary(Tensor::softplus)),
            Map.entry("erf", unary(Tensor::erf)),
            Map.entry("clamp", (c, in) -> in[0].clamp(c.real("low"), c.real("high"))),
            // elementwise, two inputs; pow is x.pow(double) with an 'exponent' param, else a.pow(b)
            Map.entry("add", binary(Tensor::add, Tensor::add)),
            Map.entry("sub", binary(Tensor::sub, Tensor::sub)),
            Map.entry("mul", binary(Tensor::mul, Tensor::mul)),
            Map.entry("div", binary(Tensor::div, Tensor::div)),
            Map.entry("pow", (c, in) -> c.has("exponent") ? in[0].pow(c.real("exponent")) : in[0].pow(in[1])),
            Map.entry("maximum", (c, in) -> in[0].maximum(in[1])),
            Map.entry("minimum", (c, in) -> in[0].minimum(in[1])),
            Map.entry("where", (c, in) -> Tensor.where(in[0], in[1], in[2])),
            // reductions: 'axes' empty means all axes; the no-argument overload is used where one exists
            Map.entry("sum", reduction(Tensor::sum, Tensor::sum)),
            Map.entry("mean", reduction(Tensor::mean, Tensor::mean)),
            Map.entry("prod", reduction(Tensor::prod, Tensor::prod)),
            Map.entry("max", reduction(Tensor::max, Tensor::max)),
            Map.entry("min", reduction(Tensor::min, Tensor::min)),
            Map.entry("logsumexp", (c, in) -> in[0].logsumexp(axes(c, in[0]), c.flag("keepdim"))),
            Map.entry("var", (c, in) -> wholeTensor(c) && c.integer("correction") == 1 ? in[0].var()
                    : in[0].var(axes(c, in[0]), c.integer("correction"), c.flag("keepdim"))),
            Map.entry("std", (c, in) -> wholeTensor(c) && c.integer("correction") == 1 ? in[0].std()
                    : in[0].std(axes(c, in[0]), c.integer("correction"), c.flag("keepdim"))),
            Map.entry("norm", (c, in) -> wholeTensor(c) ? in[0].norm(c.real("p"))
                    : in[0].norm(c.real("p"), axes(c, in[0]), c.flag("keepdim"))),
            Map.entry("cumsum", (c, in) -> in[0].cumsum(c.integer("axis"))),
            // softmax family, matmul
            Map.entry("softmax", (c, in) -> in[0].softmax(c.integer("axis"))),
            Map.entry("logSoftmax", (c, in) -> in[0].logSoftmax(c.integer("axis"))),
            Map.entry("matmul", (c, in) -> in[0].matmul(in[1])),
            // indexing and joining
            Map.entry("gather", (c, in) -> in[0].gather(c.integer("axis"), in[1])),
            Map.entry("indexSelect", (c, in) -> in[0].indexSelect(c.integer("axis"), in[1])),
            Map.entry("scatterAdd", (c, in) -> in[0].scatterAdd(c.integer("axis"), in[1], in[2])),
            Map.entry("embedding", (c, in) -> Tensor.embedding(in[0], in[1])),
            Map.entry("concat", (c, in) -> Tensor.concat(c.integer("axis"), in)),
            Map.entry("stack", (c, in) -> Tensor.stack(c.integer("axis"), in)),
            // movement
            Map.entry("reshape", (c, in) -> in[0].reshape(c.ints("shape"))),
            Map.entry("permute", (c, in) -> in[0].permute(c.ints("order"))),
            Map.entry("transpose", (c, in) -> in[0].transpose(c.ints("dims")[0], c.ints("dims")[1])),
            Map.entry("slice", (c, in) -> in[0].slice(c.integer("axis"), c.integer("start"), c.integer("end"),
                    c.integer("step"))),
            Map.entry("expand", (c, in) -> in[0].expand(c.ints("shape"))),
            Map.entry("flatten", (c, in) -> in[0].flatten(c.integer("start"), c.integer("end"))),
            Map.entry("select", (c, in) -> in[0].select(c.integer("axis"), c.integer("index"))),
            Map.entry("unsqueeze", (c, in) -> in[0].unsqueeze(c.integer("axis"))),
            Map.entry("squeeze", (c, in) -> in[0].squeeze(c.integer("axis"))),
            // Linalg (tools/golden/generate_linalg.py); an op with several outputs has one entry per output
            Map.entry("solve", (c, in) -> Linalg.solve(in[0], in[1])),
            Map.entry("triangularSolve", (c, in) -> Linalg.triangularSolve(in[0], in[1], triangularOptions(c))),
            Map.entry("inverse", (c, in) -> Linalg.inverse(in[0])),
            Map.entry("det", (c, in) -> Linalg.det(in[0])),
            Map.entry("logdet", (c, in) -> Linalg.logdet(in[0])),
            Map.entry("slogdet", (c, in) -> {
                Linalg.SlogDet r = Linalg.slogdet(in[0]);
                return r.sign().mul(r.logAbsDet()); // the sign's value, and log|det|'s derivatives
            }),
            Map.entry("cholesky", (c, in) -> Linalg.cholesky(in[0])),
            Map.entry("qr.q", (c, in) -> Linalg.qr(in[0]).q()),
            Map.entry("qr.r", (c, in) -> Linalg.qr(in[0]).r()),
            Map.entry("eigh.values", (c, in) -> Linalg.eigh(in[0]).values()),
            Map.entry("eigh.vectors", (c, in) -> Linalg.eigh(in[0]).vectors()),
            Map.entry("svd.u", (c, in) -> Linalg.svd(in[0]).u()),
            Map.entry("svd.s", (c, in) -> Linalg.svd(in[0]).s()),
            Map.entry("svd.vh", (c, in) -> Linalg.svd(in[0]).vh()));

    /** The 'upper', 'left' and 'unit' params of a triangularSolve case. */
    private static Linalg.TriangularSolveOptions triangularOptions(GoldenCase c) {
        return Linalg.TriangularSolveOptions.of(c.flag("upper") ? Linalg.Triangle.UPPER : Linalg.Triangle.LOWER)
                .withLeft(c.flag("left")).withUnitDiagonal(c.flag("unit"));
    }

    private static OpCall unary(UnaryOperator<Tensor> f) {
        return (c, in) -> f.apply(in[0]);
    }

    /** A binary op: with a 'scalar' param the Java-number overload x.op(double), else a.op(b). */
    private static OpCall binary(BinaryOperator<Tensor> tensors, BiFunction<Tensor, Double, Tensor> number) {
        return (c, in) -> c.has("scalar") ? number.apply(in[0], c.real("scalar")) : tensors.apply(in[0], in[1]);
    }

    /** A reduction with overloads op(), op(int... axes) and op(int[] axes, boolean keepDim). */
    interface Reduction {
        Tensor apply(Tensor x, int[] axes, boolean keepDim);
    }

    private static OpCall reduction(UnaryOperator<Tensor> whole, Reduction some) {
        return (c, in) -> wholeTensor(c) ? whole.apply(in[0]) : some.apply(in[0], axes(c, in[0]), c.flag("keepdim"));
    }

    /** Whether the case reduces all axes without keeping them. */
    private static boolean wholeTensor(GoldenCase c) {
        return c.ints("axes").length == 0 && !c.flag("keepdim");
    }

    /** The 'axes' param, with an empty list spelled out as every axis of x. */
    private static int[] axes(GoldenCase c, Tensor x) {
        int[] axes = c.ints("axes");
        return axes.length > 0 ? axes : IntStream.range(0, x.dim()).toArray();
    }

    /** Every case from every family file, in file order. */
    static Map<String, List<GoldenCase>> load() {
        Map<String, List<GoldenCase>> byFamily = new java.util.LinkedHashMap<>();
        for (String family : FAMILIES) {
            String resource = "/golden/" + family + ".txt";
            try (InputStream in = GoldenTest.class.getResourceAsStream(resource)) {
                if (in == null) throw new IllegalStateException("missing fixture " + resource);
                byFamily.put(family, GoldenCase.parse(resource, in));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return byFamily;
    }

    /**
     * One dynamic test per case, per family, and one more named "{@code <case> jvp}" for each case with a
     * JVP. The container "strided" repeats every case that has a float input with two or more non-trivial
     * axes, giving those inputs (and their tangents) as non-contiguous views, so the strided paths of the
     * kernels and rules are checked against the same values.
     */
    @TestFactory
    Stream<DynamicNode> matchesPyTorch() {
        Map<String, List<GoldenCase>> byFamily = load();
        Stream<DynamicNode> contiguous = byFamily.entrySet().stream().map(e -> DynamicContainer.dynamicContainer(
                e.getKey(), e.getValue().stream().flatMap(c -> tests(c, false))));
        Stream<DynamicTest> strided = byFamily.values().stream().flatMap(List::stream)
                .filter(c -> c.inputs().values().stream().anyMatch(GoldenTest::stridable))
                .flatMap(c -> tests(c, true));
        return Stream.concat(contiguous, Stream.of(DynamicContainer.dynamicContainer("strided", strided)));
    }

    /** The value-and-VJP test of a case and, when it has a JVP, its JVP test. */
    private static Stream<DynamicTest> tests(GoldenCase c, boolean strided) {
        String suffix = strided ? " (strided)" : "";
        DynamicTest values = DynamicTest.dynamicTest(c.name() + suffix, () -> check(c, strided));
        if (c.jvp() == null) return Stream.of(values);
        return Stream.of(values, DynamicTest.dynamicTest(c.name() + " jvp" + suffix, () -> checkJvp(c, strided)));
    }

    /** Float inputs with two or more axes of size &gt; 1 can be given as a transposed (non-contiguous) view. */
    private static boolean stridable(GoldenCase.Value v) {
        return v.dtype().equals("f64") && Arrays.stream(v.shape()).filter(n -> n > 1).count() >= 2;
    }

    /** Reverses the axes: its own inverse. */
    private static int[] reversed(int rank) {
        return IntStream.range(0, rank).map(i -> rank - 1 - i).toArray();
    }

    /** A non-contiguous view holding v's values: {@code leaf.permute(reversed)} of a leaf holding them transposed. */
    private static Tensor stridedView(GoldenCase.Value v) {
        int[] r = reversed(v.shape().length);
        return v.toTensor().permute(r).contiguous().permute(r);
    }

    /**
     * Checks a case's JVP: {@link Autograd#jvp} of the op call with the case's tangents on the inputs that have
     * one (the others are held fixed), output and tangent against the fixture. With {@code strided}, stridable
     * inputs and their tangents are given as non-contiguous views.
     */
    static void checkJvp(GoldenCase c, boolean strided) {
        String where = c.name() + " (" + c.source() + ", reference by " + c.jvpSource() + "): ";
        OpCall call = OPS.get(c.op());
        if (call == null) fail(where + "op '" + c.op() + "' has no entry in GoldenTest.OPS");
        List<String> names = new ArrayList<>(c.inputs().keySet());
        Tensor[] fixed = new Tensor[names.size()];
        boolean[] permuted = new boolean[names.size()];
        List<Integer> moving = new ArrayList<>();
        List<Tensor> primals = new ArrayList<>(), tangents = new ArrayList<>();
        for (int i = 0; i < fixed.length; i++) {
            GoldenCase.Value v = c.inputs().get(names.get(i)), t = c.tangents().get(names.get(i));
            permuted[i] = strided && stridable(v);
            Tensor x = permuted[i] ? stridedView(v) : v.toTensor();
            if (t == null) {
                fixed[i] = x;
            } else {
                moving.add(i);
                primals.add(x);
                tangents.add(permuted[i] ? stridedView(t) : t.toTensor());
            }
        }
        Autograd.Jvp r;
        try {
            r = Autograd.jvp(xs -> {
                Tensor[] in = fixed.clone();
                for (int k = 0; k < moving.size(); k++) in[moving.get(k)] = xs.get(k);
                for (int i = 0; i < in.length; i++) {
                    if (permuted[i]) assertTrue(!in[i].isContiguous(), where + "a strided input should not be contiguous");
                }
                return List.of(call.apply(c, in));
            }, primals, tangents);
        } catch (RuntimeException e) {  // e.g. an op without a JVP rule: say which case hit it
            throw new org.opentest4j.AssertionFailedError(where + e, e);
        }
        assertEquals(DType.FLOAT64, r.output().dtype(), where + "output dtype");
        assertClose(where + "output", c.output(), r.output());
        assertClose(where + "jvp", c.jvp(), r.tangent());
    }

    /**
     * Runs one case: forward, compare, backward with the cotangent, compare each gradient. With
     * {@code strided}, each stridable input is the view {@code leaf.permute(reversed)} of a leaf holding
     * the transposed values, and the leaf's gradient is permuted back before the comparison.
     */
    static void check(GoldenCase c, boolean strided) {
        String where = c.name() + " (" + c.source() + "): ";
        OpCall call = OPS.get(c.op());
        if (call == null) fail(where + "op '" + c.op() + "' has no entry in GoldenTest.OPS");
        List<String> names = new ArrayList<>(c.inputs().keySet());
        Tensor[] leaves = new Tensor[names.size()], in = new Tensor[names.size()];
        boolean[] permuted = new boolean[names.size()];
        for (int i = 0; i < in.length; i++) {
            GoldenCase.Value v = c.inputs().get(names.get(i));
            permuted[i] = strided && stridable(v);
            leaves[i] = permuted[i] ? v.toTensor().permute(reversed(v.shape().length)).contiguous() : v.toTensor();
            if (c.grads().containsKey(names.get(i))) leaves[i].requiresGrad(true);
            in[i] = permuted[i] ? leaves[i].permute(reversed(v.shape().length)) : leaves[i];
            if (permuted[i]) assertTrue(!in[i].isContiguous(), where + "a strided input should not be contiguous");
        }
        Tensor out = call.apply(c, in);
        assertEquals(DType.FLOAT64, out.dtype(), where + "output dtype");
        assertClose(where + "output", c.output(), out);
        if (c.grads().isEmpty()) return; // a forward-only case
        out.backward(c.cotangent().toTensor());
        for (int i = 0; i < in.length; i++) {
            GoldenCase.Value expected = c.grads().get(names.get(i));
            if (expected == null) continue;
            Tensor g = leaves[i].grad();
            assertNotNull(g, where + "no gradient reached input '" + names.get(i) + "'");
            assertClose(where + "grad " + names.get(i), expected, permuted[i] ? g.permute(reversed(g.dim())) : g);
        }
    }

    /** Shape exactly, then every value within tolerance; the message names the first bad element. */
    static void assertClose(String what, GoldenCase.Value expected, Tensor got) {
        assertArrayEquals(expected.shape(), got.shape(), () -> what + ": shape " + Arrays.toString(got.shape())
                + ", expected " + Arrays.toString(expected.shape()));
        double[] e = expected.values(), g = got.toDoubleArray();
        int bad = 0, first = -1;
        for (int i = 0; i < e.length; i++) {
            if (!(Math.abs(g[i] - e[i]) <= ATOL + RTOL * Math.abs(e[i]))) {
                if (bad++ == 0) first = i;
            }
        }
        if (bad > 0) {
            fail(what + ": " + bad + " of " + e.length + " elements differ; first at flat index " + first
                    + ": got " + g[first] + ", expected " + e[first] + " (|diff| " + Math.abs(g[first] - e[first]) + ")");
        }
    }

    /** Every op of the table has at least one case, and case names are unique (so the report is unambiguous). */
    @Test
    void fixturesCoverTheTableAndNamesAreUnique() {
        Set<String> seenOps = new HashSet<>(), names = new HashSet<>();
        int count = 0;
        for (List<GoldenCase> cases : load().values()) {
            for (GoldenCase c : cases) {
                seenOps.add(c.op());
                assertTrue(names.add(c.name()), "duplicate case name " + c.name());
                count++;
            }
        }
        Set<String> untested = new TreeSet<>(OPS.keySet());
        untested.removeAll(seenOps);
        assertTrue(untested.isEmpty(), "ops in GoldenTest.OPS without a golden case: " + untested);
        assertTrue(count >= 100, "only " + count + " golden cases were found");
    }

    /**
     * The JVP check cannot silently disappear: every case with a differentiable input carries a JVP, at least
     * {@link #MIN_JVP_CASES} do, and every op of the table has one.
     */
    @Test
    void fixturesCarryJvps() {
        int withJvp = 0;
        Set<String> opsWithJvp = new HashSet<>();
        for (List<GoldenCase> cases : load().values()) {
            for (GoldenCase c : cases) {
                if (c.jvp() == null) {
                    assertTrue(c.grads().isEmpty(), c.name() + " has differentiable inputs but no jvp line");
                    continue;
                }
                withJvp++;
                opsWithJvp.add(c.op());
            }
        }
        assertTrue(withJvp >= MIN_JVP_CASES, "only " + withJvp + " golden cases carry a JVP, expected " + MIN_JVP_CASES);
        Set<String> without = new TreeSet<>(OPS.keySet());
        without.removeAll(opsWithJvp);
        assertTrue(without.isEmpty(), "ops in GoldenTest.OPS without a golden JVP: " + without);
    }

    /** The fixtures hold 153 cases, all with a JVP; a regeneration that dropped most of them fails. */
    static final int MIN_JVP_CASES = 150;

    /** The JVP check must be able to fail: a perturbed JVP, or a perturbed tangent, is rejected. */
    @Test
    void jvpCheckRejectsASmallError() {
        GoldenCase c = load().get("binary").stream().filter(k -> k.name().equals("mul.3x1x4_2x4")).findFirst()
                .orElseThrow();
        assertEquals(List.of("a", "b"), List.copyOf(c.tangents().keySet()));
        checkJvp(c, false);
        checkJvp(c, true);
        GoldenCase badJvp = new GoldenCase(c.source(), c.name(), c.op(), c.params(), c.inputs(), c.output(),
                c.cotangent(), c.grads(), c.tangents(), perturbed(c.jvp(), 5), c.jvpSource());
        assertThrowsAssertion(() -> checkJvp(badJvp, false));
        assertThrowsAssertion(() -> checkJvp(badJvp, true));
        Map<String, GoldenCase.Value> tangents = new java.util.LinkedHashMap<>(c.tangents());
        tangents.put("b", perturbed(tangents.get("b"), 3));
        GoldenCase badTangent = new GoldenCase(c.source(), c.name(), c.op(), c.params(), c.inputs(), c.output(),
                c.cotangent(), c.grads(), tangents, c.jvp(), c.jvpSource());
        assertThrowsAssertion(() -> checkJvp(badTangent, false));
    }

    /** v with element i scaled by 1 + 1e-8 (far above the tolerance, far below anything a reader would see). */
    private static GoldenCase.Value perturbed(GoldenCase.Value v, int i) {
        double[] values = v.values().clone();
        values[i] *= 1 + 1e-8;
        return new GoldenCase.Value(v.dtype(), v.shape(), values);
    }

    /** The comparison itself must be able to fail: a perturbed output is rejected. */
    @Test
    void comparisonRejectsASmallError() {
        GoldenCase.Value expected = new GoldenCase.Value("f64", new int[] {2}, new double[] {1.0, -2.0});
        assertClose("exact", expected, Tensor.of(new double[] {1.0, -2.0}));
        assertThrowsAssertion(() -> assertClose("off", expected, Tensor.of(new double[] {1.0, -2.0 * (1 + 1e-9)})));
        assertThrowsAssertion(() -> assertClose("shape", expected, Tensor.of(new double[] {1.0, -2.0}, 2, 1)));
    }

    private static void assertThrowsAssertion(Runnable r) {
        org.junit.jupiter.api.Assertions.assertThrows(org.opentest4j.AssertionFailedError.class, r::run);
    }
}
