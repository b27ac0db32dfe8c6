package dev.tapegrad.optim;

import static org.junit.jupiter.api.Assertions.*;

import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fused AdamW kernel against the AdamW chain: same numbers, same state, exact resume. */
class FusedAdamWTest {

    /** Shapes with and without a tail shorter than a vector, a single element, and a matrix. */
    private static final List<int[]> SHAPES = List.of(new int[] {1}, new int[] {7}, new int[] {19}, new int[] {1003},
            new int[] {13, 17});

    /** Random parameters (values of mixed magnitude), one copy per optimizer under test. */
    private static Map<String, Tensor> params(DType dtype, long seed) {
        Generator gen = new Generator(seed);
        Map<String, Tensor> p = new LinkedHashMap<>();
        for (int k = 0; k < SHAPES.size(); k++) {
            p.put("p" + k, Tensor.randn(gen, dtype, SHAPES.get(k)).mul(Math.pow(10, k - 2)).requiresGrad(true));
        }
        return p;
    }

    private static Map<String, Tensor> copy(Map<String, Tensor> p) {
        Map<String, Tensor> c = new LinkedHashMap<>();
        p.forEach((n, t) -> c.put(n, t.clone().detach().requiresGrad(true)));
        return c;
    }

    private static Optimizer build(Transform rule, Map<String, Tensor> p, double wd, double amsgrad) {
        return Optimizer.builder(rule).params(p).set("lr", 1e-2).set("weightDecay", wd).set("amsgrad", amsgrad).build();
    }

    /** Steps every optimizer with the same random gradients (scaled differently per parameter and step). */
    private static void run(Generator gen, int steps, List<Optimizer> opts, List<Map<String, Tensor>> params) {
        for (int t = 0; t < steps; t++) {
            for (String name : params.getFirst().keySet()) {
                Tensor first = params.getFirst().get(name);
                Tensor g = Tensor.randn(gen, first.dtype(), first.shape()).mul(Math.exp(3 * gen.nextGaussian()));
                for (Map<String, Tensor> p : params) p.get(name).setGrad(g.clone());
            }
            for (Optimizer o : opts) o.step();
        }
    }

    private static void assertClose(double[] want, double[] got, double rel, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            double tol = rel * Math.max(Math.abs(want[i]), Math.abs(got[i]));
            assertTrue(Math.abs(want[i] - got[i]) <= tol, what + "[" + i + "]: chain " + want[i] + ", fused " + got[i]);
        }
    }

    private static void assertSameParamsAndState(Map<String, Tensor> want, Optimizer wantOpt, Map<String, Tensor> got,
                                                 Optimizer gotOpt, double rel) {
        for (String n : want.keySet()) assertClose(want.get(n).toDoubleArray(), got.get(n).toDoubleArray(), rel, n);
        List<OptimizerState.SlotState> ws = wantOpt.stateDict().groups().getFirst().slots();
        List<OptimizerState.SlotState> gs = gotOpt.stateDict().groups().getFirst().slots();
        for (int k = 0; k < ws.size(); k++) {
            assertEquals(ws.get(k).buffers().keySet(), gs.get(k).buffers().keySet());
            assertEquals(ws.get(k).step(), gs.get(k).step());
            for (String key : ws.get(k).buffers().keySet()) {
                assertClose(ws.get(k).buffers().get(key), gs.get(k).buffers().get(key), rel, ws.get(k).name() + " " + key);
            }
        }
    }

    @Test
    void fusedMatchesTheChainOver100StepsOnRandomData() {
        double[][] cases = {{0.1, 0}, {0.1, 1}, {0, 0}}; // weight decay, amsgrad
        for (DType dtype : List.of(DType.FLOAT64, DType.FLOAT32)) {
            for (double[] c : cases) {
                Map<String, Tensor> a = params(dtype, 1), b = copy(a);
                Optimizer chain = build(Optimizers.adamW(), a, c[0], c[1]);
                Optimizer fused = build(Optimizers.adamWFused(), b, c[0], c[1]);
                run(new Generator(2), 100, List.of(chain, fused), List.of(a, b));
                assertSameParamsAndState(a, chain, b, fused, 0.0); // bit for bit (within the 1e-15 asked for)
                b.values().forEach(t -> assertEquals(dtype, t.dtype()));
                // the parameters did move (a test that compares two frozen runs proves nothing)
                assertFalse(java.util.Arrays.equals(params(dtype, 1).get("p3").toDoubleArray(), b.get("p3").toDoubleArray()));
            }
        }
    }

    @Test
    void resumedFusedRunContinuesBitForBit() {
        Map<String, Tensor> a = params(DType.FLOAT64, 3);
        Optimizer full = build(Optimizers.adamWFused(), a, 0.1, 0);
        Generator gen = new Generator(4);
        run(gen, 10, List.of(full), List.of(a));
        byte[] saved = full.stateDict().toBytes();
        Map<String, Tensor> b = copy(a);
        long[] genAt10 = gen.stateDict();
        run(gen, 10, List.of(full), List.of(a));

        Optimizer resumed = build(Optimizers.adamWFused(), b, 0.1, 0);
        resumed.loadStateDict(OptimizerState.fromBytes(saved));
        gen.loadStateDict(genAt10);
        run(gen, 10, List.of(resumed), List.of(b));
        assertEquals(20, resumed.stepCount());
        for (String n : a.keySet()) {
            double[] want = a.get(n).toDoubleArray(), got = b.get(n).toDoubleArray();
            for (int i = 0; i < want.length; i++) {
                assertEquals(Double.doubleToRawLongBits(want[i]), Double.doubleToRawLongBits(got[i]), n + "[" + i + "]");
            }
        }
    }

    @Test
    void insideAChainTheFusedRuleActsAsAnUpdate() {
        Map<String, Tensor> a = params(DType.FLOAT64, 5), b = copy(a);
        Optimizer chain = build(Optimizers.adamW(), a, 0.1, 0);
        Optimizer wrapped = build(Chain.of("wrapped", Optimizers.adamWFused()), b, 0.1, 0);
        run(new Generator(6), 100, List.of(chain, wrapped), List.of(a, b));
        // θ + (θ' − θ) differs from θ' by at most one rounding per step
        assertSameParamsAndState(a, chain, b, wrapped, 1e-12);
    }

    @Test
    void registeredByNameWithAdamWsHyperParametersAndChecks() {
        Transform rule = Optimizers.byName("adamw-fused");
        assertInstanceOf(FusedRule.class, rule);
        assertEquals(Optimizers.adamW().defaults(), rule.defaults());
        Map<String, Tensor> p = Map.of("x", Tensor.ones(DType.FLOAT64, 3).requiresGrad(true));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Optimizers.create("adamw-fused", Map.of("beta2", 1.0), p));
        assertTrue(e.getMessage().contains("beta2") && e.getMessage().contains("1.0"), e.getMessage());
        // state from the chain is refused: the signatures differ
        Optimizer chain = Optimizers.create("adamw", Map.of(), p);
        Optimizer fused = Optimizers.create("adamw-fused", Map.of(), p);
        assertThrows(IllegalArgumentException.class, () -> fused.loadStateDict(chain.stateDict()));
    }
}
