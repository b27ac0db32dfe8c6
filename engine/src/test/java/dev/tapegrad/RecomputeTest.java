package dev.tapegrad;

import static org.junit.jupiter.api.Assertions.*;

import dev.tapegrad.check.GradCheck;
import dev.tapegrad.check.JvpCheck;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class RecomputeTest {

    /**
     * A two-layer MLP block: relu(x·W₁ + b₁)·W₂, inputs (x, W₁, b₁, W₂). Bit-identity tests avoid the vector
     * math functions (exp, tanh, sin), which may round differently once the JIT compiles them.
     */
    private static final Function<List<Tensor>, Tensor> MLP =
            in -> in.get(0).matmul(in.get(1)).add(in.get(2)).relu().matmul(in.get(3));

    private static List<Tensor> mlpParams(long seed) {
        Generator gen = new Generator(seed);
        return List.of(Tensor.randn(gen, 4, 6).requiresGrad(true), Tensor.randn(gen, 6, 8).requiresGrad(true),
                Tensor.randn(gen, 8).requiresGrad(true), Tensor.randn(gen, 8, 3).requiresGrad(true));
    }

    private static void assertSameBits(Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape());
        assertArrayEquals(expected.toDoubleArray(), actual.toDoubleArray(), 0.0);
    }

    @Test
    void mlpSegmentGivesBitIdenticalGradients() {
        List<Tensor> plain = mlpParams(1), ckpt = mlpParams(1);
        MLP.apply(plain).square().sum().backward();
        Tensor y = Recompute.apply(MLP, ckpt);
        assertSameBits(MLP.apply(plain).detach(), y.detach());
        y.square().sum().backward();
        for (int i = 0; i < plain.size(); i++) assertSameBits(plain.get(i).grad(), ckpt.get(i).grad());
    }

    @Test
    void chainedSegmentsBetweenRecordedOpsGiveBitIdenticalGradients() {
        // a recorded op before, two checkpointed blocks sharing a parameter, a recorded loss after
        Function<List<Tensor>, Tensor> model = p -> {
            Tensor h = p.get(0).mul(p.get(4));
            Tensor a = MLP.apply(List.of(h, p.get(1), p.get(2), p.get(3)));
            return a.matmul(p.get(3).transpose(0, 1)).sum();
        };
        Function<List<Tensor>, Tensor> checkpointed = p -> {
            Tensor h = p.get(0).mul(p.get(4));
            Tensor a = Recompute.apply(MLP, List.of(h, p.get(1), p.get(2), p.get(3)));
            return Recompute.apply(in -> in.get(0).matmul(in.get(1).transpose(0, 1)), List.of(a, p.get(3))).sum();
        };
        Generator gen = new Generator(7);
        Tensor scale = Tensor.randn(gen, 4, 6);
        List<Tensor> p1 = new java.util.ArrayList<>(mlpParams(3));
        p1.add(scale.clone().requiresGrad(true));
        List<Tensor> p2 = new java.util.ArrayList<>(mlpParams(3));
        p2.add(scale.clone().requiresGrad(true));
        model.apply(p1).backward();
        checkpointed.apply(p2).backward();
        for (int i = 0; i < p1.size(); i++) assertSameBits(p1.get(i).grad(), p2.get(i).grad());
    }

    @Test
    void inputsWithoutGradGetNoneAndGradientsMatchGradCheck() {
        Tensor x = Tensor.randn(new Generator(2), DType.FLOAT64, 3, 4); // data, no grad
        Tensor w = Tensor.randn(new Generator(3), DType.FLOAT64, 4, 2);
        GradCheck.check(ws -> Recompute.apply(in -> in.get(0).matmul(in.get(1)).square().mul(0.5), List.of(x, ws.get(0))),
                List.of(w));
    }

    @Test
    void tapeKeepsOnlyTheSegmentsInputsAndOutput() {
        List<Tensor> p = mlpParams(4);
        Tensor plain = MLP.apply(p);
        Tensor ckpt = Recompute.apply(MLP, p);
        assertTrue(savedElements(ckpt) < savedElements(plain),
                "saved " + savedElements(ckpt) + " vs " + savedElements(plain));
        assertEquals(1, nodes(ckpt));
        assertEquals("recompute", ckpt.gradFn.op);
    }

    @Test
    void aClosedOverParameterIsRefused() {
        List<Tensor> p = mlpParams(5);
        Tensor hidden = Tensor.randn(new Generator(9), 3).requiresGrad(true);
        Tensor y = Recompute.apply(in -> MLP.apply(in).mul(hidden), p);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.sum().backward());
        assertTrue(e.getMessage().contains("not one of its inputs"), e.getMessage());
        assertTrue(e.getMessage().contains("[3]"), e.getMessage());
    }

    @Test
    void aRandomSegmentIsRefusedAndOneThatRestoresItsGeneratorWorks() {
        Generator gen = new Generator(11);
        Tensor x = Tensor.randn(new Generator(1), 5).requiresGrad(true);
        Tensor y = Recompute.apply(in -> in.get(0).mul(Tensor.rand(gen, 5)), List.of(x));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.sum().backward());
        assertTrue(e.getMessage().contains("deterministic"), e.getMessage());

        long[] state = gen.stateDict();
        Function<List<Tensor>, Tensor> dropoutLike = in -> {
            gen.loadStateDict(state);
            return in.get(0).mul(Tensor.rand(gen, 5).gt(0.5).to(DType.FLOAT32));
        };
        Tensor x2 = x.detach().requiresGrad(true);
        Recompute.apply(dropoutLike, List.of(x2)).sum().backward();
        Tensor x3 = x.detach().requiresGrad(true);
        dropoutLike.apply(List.of(x3)).sum().backward();
        assertSameBits(x3.grad(), x2.grad());
    }

    @Test
    void anOutputIndependentOfTheInputsIsRefused() {
        Tensor x = Tensor.randn(new Generator(1), 5).requiresGrad(true);
        Tensor y = Recompute.apply(in -> Tensor.ones(5), List.of(x));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.sum().backward());
        assertTrue(e.getMessage().contains("does not depend"), e.getMessage());
    }

    @Test
    void forwardModeRunsTheSegmentInsideTheLevel() {
        Generator gen = new Generator(12);
        List<Tensor> in = List.of(Tensor.randn(gen, DType.FLOAT64, 2, 3), Tensor.randn(gen, DType.FLOAT64, 3, 4),
                Tensor.randn(gen, DType.FLOAT64, 4), Tensor.randn(gen, DType.FLOAT64, 4, 2));
        JvpCheck.check(xs -> Recompute.apply(MLP, xs), in, GradCheck.Options.DEFAULT);
    }

    @Test
    void secondOrderPassesGradCheck() {
        Generator gen = new Generator(13);
        Tensor x = Tensor.randn(gen, DType.FLOAT64, 2, 3);
        Tensor w = Tensor.randn(gen, DType.FLOAT64, 3, 4);
        GradCheck.checkSecondOrder(in -> Recompute.apply(
                xs -> xs.get(0).matmul(xs.get(1)).tanh(), in).square().sum(), List.of(x, w));
    }

    @Test
    void hessianVectorProductsMatchThePlainRunInBothModes() {
        Generator gen = new Generator(15);
        Tensor x = Tensor.randn(gen, DType.FLOAT64, 5);
        Tensor v = Tensor.randn(gen, DType.FLOAT64, 5);
        Tensor w = Tensor.randn(gen, DType.FLOAT64, 5, 5);
        Function<Tensor, Tensor> plain = a -> a.matmul(w).square().mul(a).sum();
        Function<Tensor, Tensor> ckpt = a -> Recompute.apply(in -> in.get(0).matmul(w).square().mul(in.get(0)),
                List.of(a)).sum();
        for (Autograd.Mode mode : new Autograd.Mode[] {Autograd.Mode.FORWARD, Autograd.Mode.REVERSE}) {
            assertSameBits(Autograd.hvp(plain, x, v, mode), Autograd.hvp(ckpt, x, v, mode));
        }
    }

    @Test
    void aBackwardInsideADualLevelCarriesTheCotangentsTangent() {
        // forward outside the level (the segment is recorded as one node), backward inside it with a dual
        // cotangent c + εu: the gradient's tangent is uᵀ·J, as in the plain run
        Generator gen = new Generator(16);
        Tensor x = Tensor.randn(gen, DType.FLOAT64, 3, 4);
        Tensor w = Tensor.randn(gen, DType.FLOAT64, 4, 2);
        Tensor c = Tensor.randn(gen, DType.FLOAT64, 3, 2);
        Tensor u = Tensor.randn(gen, DType.FLOAT64, 3, 2);
        Function<List<Tensor>, Tensor> seg = in -> in.get(0).matmul(in.get(1)).relu().mul(in.get(0).sum());
        Tensor[] tangents = new Tensor[2];
        for (int run = 0; run < 2; run++) {
            Tensor leaf = x.detach().requiresGrad(true);
            Tensor y = run == 0 ? seg.apply(List.of(leaf, w)) : Recompute.apply(seg, List.of(leaf, w));
            assertEquals(run == 0 ? "mul" : "recompute", y.gradFn.op);
            try (DualLevel level = Autograd.dualLevel()) {
                Tensor dual = c.detach();
                level.setTangent(dual, u);
                Tensor g = Autograd.grad(y, new Tensor[] {leaf}, dual, false, false)[0];
                tangents[run] = level.tangent(g).detach().clone();
            }
        }
        assertSameBits(tangents[0], tangents[1]);
    }

    @Test
    void anInputChangedInPlaceAfterTheForwardIsRefused() {
        List<Tensor> p = mlpParams(14);
        Tensor y = Recompute.apply(MLP, p);
        p.get(0).detach().mulInPlace(2.0);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.sum().backward());
        assertTrue(e.getMessage().contains("recompute"), e.getMessage());
    }

    @Test
    void sameValuesToleratesALastBitChangeButNotADifferentValue() {
        assertTrue(Recompute.sameValues(new double[] {1, -2, Double.NaN}, new double[] {1, -2, Double.NaN}));
        assertTrue(Recompute.sameValues(new double[] {1, 0}, new double[] {Math.nextUp(1.0f), 1e-7}));
        assertFalse(Recompute.sameValues(new double[] {1, 0.5}, new double[] {1, 0}));
        assertFalse(Recompute.sameValues(new double[] {1, 0.5}, new double[] {1, Double.NaN}));
    }

    /** The number of elements the tape keeps for backward below {@code out}, each saved tensor counted once. */
    static long savedElements(Tensor out) {
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        long total = 0;
        for (Node n : graph(out)) {
            for (Tensor t : n.saved()) if (seen.add(t)) total += t.numel();
        }
        return total;
    }

    static int nodes(Tensor out) {
        return graph(out).size();
    }

    private static Set<Node> graph(Tensor out) {
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Node> todo = new ArrayDeque<>();
        if (out.gradFn != null) todo.push(out.gradFn);
        while (!todo.isEmpty()) {
            Node n = todo.pop();
            if (!seen.add(n)) continue;
            for (Tensor in : n.inputs) if (in.gradFn != null) todo.push(in.gradFn);
        }
        return seen;
    }
}
