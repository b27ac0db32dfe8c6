package dev.tapegrad.check;

import static org.junit.jupiter.api.Assertions.*;

import dev.tapegrad.Autograd;
import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Primitives;
import dev.tapegrad.Tensor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Generic property tests over the {@link OpTable}: every differentiable op, on 100 random float64 cases
 * (random ranks, sizes, broadcasting, size-1 axes), passes the first-order gradient check and, where declared,
 * the second-order one. Each op has its own fixed seed so CI is reproducible; run with
 * {@code -Dtapegrad.seed=N} to explore other cases.
 */
class OpTableTest {

    static final int TRIES = 100;

    @TestFactory
    Stream<DynamicTest> everyOpPassesGradientChecksOnRandomInputs() {
        return OpTable.all().stream().map(op -> DynamicTest.dynamicTest(op.name(), () ->
                Property.forAll(op.inputs()).tries(TRIES).seed(op.name().hashCode()).check(op::check)));
    }

    /**
     * Forward mode, for every declared op on 100 random cases: the JVP matches central differences along random
     * tangents, and ⟨u, J·v⟩ = ⟨Jᵀ·u, v⟩ against the VJP ({@link JvpCheck}).
     */
    @TestFactory
    Stream<DynamicTest> everyDeclaredOpPassesJvpChecksOnRandomInputs() {
        return declaredEntries().map(op -> DynamicTest.dynamicTest(op.name(), () ->
                Property.forAll(op.inputs()).tries(TRIES).seed(op.name().hashCode() + 1).check(
                        xs -> JvpCheck.check(op.function(), xs, op.options()))));
    }

    /**
     * The Hessian-vector product forward over reverse equals reverse over reverse, for every declared op with a
     * second-order check: s(x) = ⟨w, f(x)⟩ for a fixed random w, differentiated in each input in turn.
     */
    @TestFactory
    Stream<DynamicTest> forwardOverReverseHvpEqualsReverseOverReverse() {
        return declaredEntries().filter(OpInfo::secondOrder).map(op -> DynamicTest.dynamicTest(op.name(), () ->
                Property.forAll(op.inputs()).tries(TRIES / 4).seed(op.name().hashCode() + 2).check(xs -> {
                    Tensor y = op.function().apply(xs);
                    Tensor w = Tensor.randn(new Generator(7), DType.FLOAT64, y.shape());
                    for (int k = 0; k < xs.size(); k++) {
                        int at = k;
                        java.util.function.Function<Tensor, Tensor> s = x -> {
                            List<Tensor> args = new java.util.ArrayList<>(xs);
                            args.set(at, x);
                            return op.function().apply(args).mul(w).sum();
                        };
                        Tensor v = Tensor.randn(new Generator(11 + k), DType.FLOAT64, xs.get(k).shape());
                        double[] fwd = Autograd.hvp(s, xs.get(k), v, Autograd.Mode.FORWARD).toDoubleArray();
                        double[] rev = Autograd.hvp(s, xs.get(k), v, Autograd.Mode.REVERSE).toDoubleArray();
                        double scale = 0;
                        for (double r : rev) scale = Math.max(scale, Math.abs(r));
                        for (int i = 0; i < fwd.length; i++) {
                            assertEquals(rev[i], fwd[i], 1e-10 * (1 + scale), op.name() + ": input " + k + ", element " + i);
                        }
                    }
                })));
    }

    /**
     * Every declaration is checked: it has op-table examples, or it is an internal op (a fused backward, with no
     * Tensor method of its own) whose declaration says so and whose rules its family's test checks.
     */
    @Test
    void everyDeclarationHasExamplesAndTheTableHasNothingElse() {
        for (var d : Primitives.all()) {
            assertTrue(!d.examples().isEmpty() || d.doc().startsWith("internal:"),
                    "op " + d.name() + " is declared without op-table examples");
        }
        assertEquals(declaredEntries().count(), OpTable.all().size(), "op-table entries that come from no declaration");
    }

    private static Stream<OpInfo> declaredEntries() {
        return Primitives.all().stream().flatMap(d -> d.examples().stream());
    }

    /** Public Tensor methods that return tensors: each must have an op-table entry or a stated reason. */
    @Test
    void everyDifferentiableTensorMethodHasAnEntry() {
        Set<String> covered = OpTable.all().stream().map(OpInfo::method).collect(Collectors.toSet());
        Set<String> missing = new TreeSet<>();
        for (Method m : Tensor.class.getMethods()) {
            if (m.getDeclaringClass() != Tensor.class || !Modifier.isPublic(m.getModifiers())) continue;
            boolean returnsTensors = m.getReturnType() == Tensor.class || m.getReturnType() == List.class;
            if (!returnsTensors) continue;
            if (!covered.contains(m.getName()) && !OpTable.NOT_DIFFERENTIABLE.containsKey(m.getName())) {
                missing.add(m.getName());
            }
        }
        assertTrue(missing.isEmpty(), "Tensor methods without an op-table entry (add one to OpTable, or list"
                + " them in OpTable.NOT_DIFFERENTIABLE with a reason): " + missing);
    }

    @Test
    void tableHasNoStaleNames() {
        Set<String> methods = Stream.of(Tensor.class.getMethods()).map(Method::getName).collect(Collectors.toSet());
        Set<String> linalg = Stream.of(dev.tapegrad.Linalg.class.getMethods()).map(Method::getName).collect(Collectors.toSet());
        for (OpInfo op : OpTable.all()) {
            assertTrue(methods.contains(op.method()) || linalg.contains(op.method()), "no Tensor or Linalg method " + op.method());
        }
        for (String name : OpTable.NOT_DIFFERENTIABLE.keySet()) assertTrue(methods.contains(name), "no Tensor method " + name);
    }

    @Test
    void aWrongRuleIsCaughtByTheTableMachinery() {
        // A deliberately wrong op run through the same path as the table entries must fail.
        OpInfo wrong = new OpInfo("wrong", OpTable.get("exp").inputs(),
                xs -> dev.tapegrad.CustomOp.of("exp_wrong", in -> in[0].exp(),
                        (g, in, out) -> new Tensor[] {g.mul(out).mul(1.01)}).apply(xs.get(0)),
                GradCheck.Options.DEFAULT, false);
        assertThrows(PropertyFailure.class,
                () -> Property.forAll(wrong.inputs()).tries(20).seed(1).maxShrinkSteps(50).check(wrong::check));
    }
}
