package dev.tapegrad.optim;

import static org.junit.jupiter.api.Assertions.*;

import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import dev.tapegrad.check.Gen;
import dev.tapegrad.check.Property;
import dev.tapegrad.check.TensorGen;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Gradient clipping transforms: reference values, the no-op boundary, never-increasing norms, AGC's layout. */
class ClipTest {

    /** The updates {@code t} makes from gradients {@code grads} of parameters {@code params} (one group). */
    private static List<double[]> apply(Transform t, Map<String, Double> hyper, List<Tensor> params, List<double[]> grads) {
        List<Slot> slots = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            p.setGrad(Tensor.of(grads.get(i), p.shape()));
            Slot s = new Slot("p" + i, p);
            s.load();
            s.setStep(1);
            slots.add(s);
        }
        Map<String, Double> h = new HashMap<>(t.defaults());
        h.putAll(hyper);
        HyperParams hp = new HyperParams(h);
        t.validate(hp);
        t.apply(slots, new StepContext(new Generator(0), 0, hp, new TreeMap<>()));
        return slots.stream().map(s -> s.update().clone()).toList();
    }

    private static double[] apply1(Transform t, double[] param, int[] shape, double... grad) {
        return apply(t, Map.of(), List.of(Tensor.of(param, shape)), List.of(grad)).get(0);
    }

    private static void assertBits(double[] want, double[] got) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            assertEquals(Double.doubleToRawLongBits(want[i]), Double.doubleToRawLongBits(got[i]), "[" + i + "] " + want[i] + " vs " + got[i]);
        }
    }

    @Test
    void globalNormClippingMatchesOptax() {
        // Reference value: optax clip_by_global_norm(1) on [3, 4] → [0.6000000000000001, 0.8].
        double[] g = apply1(ClipByNorm.global(1.0), new double[2], new int[] {2}, 3, 4);
        assertArrayEquals(new double[] {0.6000000000000001, 0.8}, g, 1e-16);
        // At exactly the maximum (optax semantics, no ε) the update is untouched, bit for bit; torch's
        // clip_grad_norm_ would give [2.99999940000012, 3.99999920000016] here because of its +1e-6.
        assertBits(new double[] {3, 4}, apply1(ClipByNorm.global(5.0), new double[2], new int[] {2}, 3, 4));
        assertBits(new double[] {3, 4}, apply1(ClipByNorm.perParameter(5.0), new double[2], new int[] {2}, 3, 4));
        assertBits(new double[] {3, 4}, apply1(ClipByNorm.global(5.000001), new double[2], new int[] {2}, 3, 4));
    }

    @Test
    void globalNormIsOverTheWholeGroupAndPerParameterNormIsNot() {
        List<Tensor> params = List.of(Tensor.zeros(DType.FLOAT64, 1), Tensor.zeros(DType.FLOAT64, 1));
        List<double[]> grads = List.of(new double[] {3}, new double[] {4});
        List<double[]> global = apply(ClipByNorm.global(1.0), Map.of(), params, grads);
        assertEquals(0.6, global.get(0)[0], 1e-15);
        assertEquals(0.8, global.get(1)[0], 1e-15);
        List<double[]> each = apply(ClipByNorm.perParameter(1.0), Map.of(), params, grads);
        assertEquals(1.0, each.get(0)[0], 1e-15);
        assertEquals(1.0, each.get(1)[0], 1e-15);
        // the hyper-parameter overrides the constructor's default
        assertEquals(0.3, apply(ClipByNorm.global(1.0), Map.of("maxNorm", 0.5), params, grads).get(0)[0], 1e-15);
    }

    @Test
    void clipByValueMatchesOptax() {
        // Reference value: optax clip(3.5) on [3, 4] → [3.0, 3.5].
        assertBits(new double[] {3, 3.5}, apply1(new ClipByValue(3.5), new double[2], new int[] {2}, 3, 4));
        assertBits(new double[] {-3.5, 0, 1e-300}, apply1(new ClipByValue(3.5), new double[3], new int[] {3}, -7, 0, 1e-300));
    }

    @Test
    void adaptiveClippingIsPerOutputRowLikePytorchOptimizer() {
        // Reference value: pytorch_optimizer agc(W, G, agc_eps=1e-3, agc_clip_val=0.1), norms over dims 1.. (per row).
        double[] w = {1, -0.5, 0.25, 0.3, 2, -1};
        double[] got = apply(new AdaptiveGradClip(0.1), Map.of(), List.of(Tensor.of(w, 2, 3)),
                List.of(new double[] {0.5, 0.5, 0.5, 10, -10, 0})).get(0);
        double a = 0.06614378277661477, b = 0.1595305613354382;
        assertArrayEquals(new double[] {a, a, a, b, -b, 0}, got, 1e-16);
        // (optax reduces axis 0 instead and gives [0.0052136, 0.0102949, 0.1030776, ...]: a different layout.)
    }

    @Test
    void adaptiveClippingFloorsZeroWeightsAndTreatsVectorsAsOneUnit() {
        // A zero row may still move: limit = 0.01 · max(0, 1e-3) = 1e-5, so [3, 4] (norm 5) becomes [6e-6, 8e-6].
        double[] got = apply1(new AdaptiveGradClip(0.01), new double[] {0, 0, 1, 0}, new int[] {2, 2}, 3, 4, 0.001, 0);
        assertArrayEquals(new double[] {6e-6, 8e-6, 0.001, 0}, got, 1e-20);
        // A bias (rank 1) is one unit: ‖θ‖ = 5, limit 0.05, ‖g‖ = 1 → scaled to norm 0.05.
        double[] bias = apply1(new AdaptiveGradClip(0.01), new double[] {3, 4}, new int[] {2}, 0.6, 0.8);
        assertArrayEquals(new double[] {0.03, 0.04}, bias, 1e-17);
    }

    /** A parameter, its gradient (same shape) and a bound. */
    private record Case(Tensor param, double[] grad, double bound) {}

    private static Gen<Case> cases() {
        return TensorGen.shapes(1, 3, 1, 4).flatMap(shape -> Gen.zip(
                Gen.pair(TensorGen.tensor(shape, TensorGen.values(-3, 3)), TensorGen.tensor(shape, TensorGen.values(-3, 3))),
                Gen.doubles(0, 4), (pg, bound) -> new Case(pg.first(), pg.second().toDoubleArray(), bound)));
    }

    private static double norm(double[] x, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) s += x[i] * x[i];
        return Math.sqrt(s);
    }

    @Test
    void clippingNeverIncreasesANorm() {
        double slack = 1 + 1e-14;
        Property.forAll(cases()).seed(20260101).tries(300).check(c -> {
            int n = c.grad().length;
            double before = norm(c.grad(), 0, n);
            double[] g = apply(ClipByNorm.global(c.bound()), Map.of(), List.of(c.param()), List.of(c.grad())).get(0);
            assertTrue(norm(g, 0, n) <= before * slack && norm(g, 0, n) <= c.bound() * slack, "global norm clip");
            if (before <= c.bound()) assertBits(c.grad(), g);
            double[] v = apply(new ClipByValue(c.bound()), Map.of(), List.of(c.param()), List.of(c.grad())).get(0);
            for (int i = 0; i < n; i++) assertTrue(Math.abs(v[i]) <= Math.min(Math.abs(c.grad()[i]), c.bound()), "value clip");
        });
    }

    @Test
    void adaptiveClippingNeverIncreasesAUnitNormAndLeavesSmallGradientsUnchanged() {
        Property.forAll(cases()).seed(7).tries(300).check(c -> {
            double clip = c.bound() + 0.01; // λ > 0
            int[] shape = c.param().shape();
            int units = shape.length == 1 ? 1 : shape[0], width = c.grad().length / units;
            double[] p = c.param().toDoubleArray();
            double[] g = apply(new AdaptiveGradClip(clip), Map.of(), List.of(c.param()), List.of(c.grad())).get(0);
            for (int u = 0, from = 0; u < units; u++, from += width) {
                double before = norm(c.grad(), from, from + width), after = norm(g, from, from + width);
                double limit = clip * Math.max(norm(p, from, from + width), 1e-3);
                assertTrue(after <= before * (1 + 1e-14) && after <= limit * (1 + 1e-14), "unit " + u);
                if (before <= limit) {
                    for (int i = from; i < from + width; i++) assertEquals(c.grad()[i], g[i], "small gradients are unchanged");
                }
            }
        });
    }

    @Test
    void clippingAtTheStartOfAChainSeesTheRawGradient() {
        // chain(clip to norm 1, SGD with lr 1 and coupled decay 0.5) from θ = (3, 4), g = (30, 40):
        // the clipped gradient (0.6, 0.8) plus 0.5·θ = (2.1, 2.8), so θ becomes (0.9, 1.2).
        Tensor p = Tensor.of(new double[] {3, 4});
        Optimizer opt = Optimizer.builder(Optimizers.prepend("sgd", ClipByNorm.global(1.0)))
                .param("p", p).set("lr", 1).set("weightDecay", 0.5).build();
        p.setGrad(Tensor.of(new double[] {30, 40}));
        opt.step();
        assertArrayEquals(new double[] {0.9, 1.2}, p.toDoubleArray(), 1e-15);
    }

    @Test
    void badBoundsAreRefused() {
        Tensor p = Tensor.of(new double[] {1});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Optimizer.builder(Optimizers.prepend("sgd", ClipByNorm.global(1.0))).param("p", p).set("maxNorm", -1).build());
        assertEquals("clipByGlobalNorm: maxNorm must be in [0, ∞), got -1.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Optimizer.builder(Optimizers.prepend("sgd", new ClipByValue(Double.NaN))).param("p", p).build());
        assertEquals("clipByValue: clipValue must be in [0, ∞), got NaN", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Optimizer.builder(Optimizers.prepend("sgd", new AdaptiveGradClip(0))).param("p", p).build());
        assertEquals("adaptiveGradClip: agcClip must be in (0, ∞), got 0.0", e.getMessage());
    }
}
