package dev.tapegrad.optim;

import static org.junit.jupiter.api.Assertions.*;

import dev.tapegrad.DType;
import dev.tapegrad.Tensor;
import dev.tapegrad.curvature.ParamVector;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The safe-step controller's mechanics: when it scales, by how much, what it leaves alone, and its state. */
class SafeStepControllerTest {

    private static Optimizer sgd(SoftmaxToy toy, double lr) {
        return Optimizer.builder(Optimizers.sgd()).params(toy.params).set("lr", lr).set("momentum", 0.9).build();
    }

    /** The update the wrapped optimizer would apply from the current gradients, measured without changing anything. */
    private static Map<String, Tensor> difference(Map<String, double[]> before, Map<String, Tensor> params) {
        Map<String, Tensor> u = new LinkedHashMap<>();
        params.forEach((n, p) -> {
            double[] a = p.toDoubleArray(), b = before.get(n);
            for (int i = 0; i < a.length; i++) a[i] -= b[i];
            u.put(n, Tensor.of(a, p.shape()));
        });
        return u;
    }

    /**
     * Computes the gradient on {@code from} and gives {@code to} (a twin with the same values) a copy, so that both
     * step from the same bits (recomputing it on the twin could differ in the last bit once the JIT has compiled
     * the exp and tanh kernels).
     */
    private static void sameGradients(SoftmaxToy from, SoftmaxToy to) {
        from.params.values().forEach(Tensor::zeroGrad);
        from.loss().backward();
        from.params.forEach((n, p) -> to.params.get(n).setGrad(p.grad().clone()));
    }

    @Test
    void smallUpdatesPassUnchangedBitForBit() {
        SoftmaxToy plain = new SoftmaxToy(4, 64, 5, 4, 8), guarded = new SoftmaxToy(4, 64, 5, 4, 8);
        Optimizer a = sgd(plain, 0.01);
        SafeStepController safe = SafeStepController.builder(sgd(guarded, 0.01)).build();
        for (int k = 0; k < 20; k++) {
            sameGradients(plain, guarded);
            a.step();
            SafeStepController.Step s = safe.step(guarded::logits);
            assertFalse(s.limited(), "step " + k + ": " + s);
            assertEquals(1, s.scale());
            assertTrue(s.proposed() > 0 && s.proposed() < 0.5);
            plain.params.forEach((n, p) -> assertArrayEquals(p.toDoubleArray(), guarded.params.get(n).toDoubleArray(), 0.0, n));
        }
    }

    @Test
    void largeUpdatesAreScaledToTheMaximumNormalisedStep() {
        for (double rMax : new double[] {0.1, 0.5, 0.9}) {
            SoftmaxToy toy = new SoftmaxToy(6, 64, 5, 4, 8);
            SafeStepController safe = SafeStepController.builder(sgd(toy, 100.0)).maxNormalisedStep(rMax).build();
            assertEquals(rMax, safe.maxNormalisedStep());
            safe.zeroGrad();
            toy.loss().backward();
            Map<String, double[]> before = toy.values();
            SafeStepController.Step s = safe.step(toy::logits);
            assertTrue(s.limited() && s.proposed() > rMax && s.scale() < 1, s.toString());
            assertEquals(rMax, s.applied(), 1e-12);
            // The update that was taken, measured at the old point, has r = r_max.
            Map<String, Tensor> taken = difference(before, toy.params);
            toy.moveTo(before, taken, 0);
            assertEquals(rMax, SoftmaxStepRadius.measure(toy.params, taken, toy::logits).normalisedStep(), 1e-9);
        }
    }

    @Test
    void anUnmeasurableUpdateIsNotApplied() {
        SoftmaxToy toy = new SoftmaxToy(7, 32, 5, 4, 8);
        SafeStepController safe = SafeStepController.builder(sgd(toy, 0.1)).build();
        Map<String, double[]> before = toy.values();
        toy.params.forEach((n, p) -> p.setGrad(Tensor.full(Double.NaN, DType.FLOAT64, p.shape())));
        SafeStepController.Step s = safe.step(toy::logits);
        assertEquals(0, s.scale());
        assertTrue(Double.isNaN(s.proposed()));
        before.forEach((n, v) -> assertArrayEquals(v, toy.params.get(n).toDoubleArray(), 0.0, n));
    }

    /**
     * A skipped step leaves no trace: after finite steps, a non-finite gradient (NaN everywhere, or −∞ in one bias
     * only, which would otherwise give an infinite update with no logit spread), then more finite steps, the run
     * is bit for bit the run that never saw the bad gradient, for a rule with momentum and one with moments and a
     * step count.
     */
    @Test
    void aSkippedStepLeavesNoTraceAndTrainingContinues() {
        Map<String, Function<Map<String, Tensor>, Optimizer>> rules = new LinkedHashMap<>();
        rules.put("sgd", params -> Optimizer.builder(Optimizers.sgd()).params(params).set("lr", 0.01).set("momentum", 0.9).build());
        rules.put("adam", params -> Optimizer.builder(Optimizers.adam()).params(params).set("lr", 0.01).build());
        for (Map.Entry<String, Function<Map<String, Tensor>, Optimizer>> rule : rules.entrySet()) {
            for (String bad : new String[] {"NaN", "-inf bias"}) {
                String what = rule.getKey() + ", " + bad;
                SoftmaxToy hit = new SoftmaxToy(10, 32, 5, 4, 8), clean = new SoftmaxToy(10, 32, 5, 4, 8);
                SafeStepController safeHit = SafeStepController.builder(rule.getValue().apply(hit.params)).build();
                SafeStepController safeClean = SafeStepController.builder(rule.getValue().apply(clean.params)).build();
                for (int k = 0; k < 6; k++) {
                    if (k == 2) {
                        Map<String, double[]> before = hit.values();
                        hit.params.forEach((n, p) -> p.setGrad(bad.equals("NaN") || n.equals("b2")
                                ? Tensor.full(bad.equals("NaN") ? Double.NaN : Double.NEGATIVE_INFINITY, DType.FLOAT64, p.shape())
                                : Tensor.zeros(DType.FLOAT64, p.shape())));
                        SafeStepController.Step s = safeHit.step(hit::logits);
                        assertEquals(0, s.scale(), what + ": " + s);
                        assertTrue(s.limited() && Double.isNaN(s.proposed()) && s.applied() == 0, what + ": " + s);
                        before.forEach((n, v) -> assertArrayEquals(v, hit.params.get(n).toDoubleArray(), 0.0, what + ", " + n));
                        assertEquals(2, safeHit.optimizer().stepCount(), what);
                    }
                    sameGradients(clean, hit);
                    SafeStepController.Step h = safeHit.step(hit::logits), c = safeClean.step(clean::logits);
                    assertEquals(c, h, what + ", step " + k);
                    assertTrue(h.scale() > 0 && Double.isFinite(h.proposed()) && h.proposed() > 0, what + ", step " + k + ": " + h);
                    String where = what + ", step " + k;
                    clean.params.forEach((n, p) -> assertArrayEquals(p.toDoubleArray(), hit.params.get(n).toDoubleArray(), 0.0,
                            where + ", " + n));
                }
                assertEquals(6, safeHit.optimizer().stepCount(), what);
            }
        }
    }

    @Test
    void noGradientMeansNoMoveAndAThrowingLogitsClosureLeavesTheOldValues() {
        SoftmaxToy toy = new SoftmaxToy(8, 32, 5, 4, 8);
        SafeStepController safe = SafeStepController.builder(sgd(toy, 0.1)).build();
        SafeStepController.Step none = safe.step(toy::logits);          // no gradients: nothing moves
        assertEquals(0, none.proposed());
        assertFalse(none.limited());
        toy.loss().backward();
        Map<String, double[]> before = toy.values();
        long steps = safe.optimizer().stepCount();
        assertThrows(IllegalStateException.class, () -> safe.step(() -> {
            throw new IllegalStateException("no batch");
        }));
        before.forEach((n, v) -> assertArrayEquals(v, toy.params.get(n).toDoubleArray(), 0.0, n));
        assertEquals(steps, safe.optimizer().stepCount(), "the optimizer's state is restored too");
    }

    @Test
    void theMaximumMustBeInsideTheRadius() {
        Optimizer opt = sgd(new SoftmaxToy(1, 8, 3, 3, 0), 0.1);
        for (double bad : new double[] {0, 1, 1.5, -0.5, Double.NaN}) {
            var e = assertThrows(IllegalArgumentException.class, () -> SafeStepController.builder(opt).maxNormalisedStep(bad));
            assertTrue(e.getMessage().contains("maxNormalisedStep"), e.getMessage());
        }
        assertEquals(SafeStepController.DEFAULT_MAX_NORMALISED_STEP, SafeStepController.builder(opt).build().maxNormalisedStep());
    }

    @Test
    void stateRoundTripsAndAResumedRunContinuesBitForBit() {
        // Steps below r_max (scale exactly 1), so that the comparison is of the optimizer state alone.
        SoftmaxToy a = new SoftmaxToy(9, 64, 5, 4, 8), b = new SoftmaxToy(9, 64, 5, 4, 8);
        SafeStepController sa = SafeStepController.builder(sgd(a, 0.05)).build();
        for (int k = 0; k < 5; k++) {
            sa.zeroGrad();
            a.loss().backward();
            assertFalse(sa.step(a::logits).limited());
        }
        OptimizerState saved = sa.stateDict();
        ParamVector.of(a.params).writeTo(b.params);
        SafeStepController sb = SafeStepController.builder(sgd(b, 0.05)).build();
        sb.loadStateDict(saved);
        assertEquals(5, sb.optimizer().stepCount());
        for (int k = 0; k < 5; k++) {
            sameGradients(a, b);
            assertFalse(sa.step(a::logits).limited());
            assertFalse(sb.step(b::logits).limited());
            a.params.forEach((n, p) -> assertArrayEquals(p.toDoubleArray(), b.params.get(n).toDoubleArray(), 0.0, n));
        }
        // a state from another optimizer is refused, naming the rule
        SafeStepController adam = SafeStepController.builder(Optimizer.builder(Optimizers.adam()).params(b.params).build()).build();
        var e = assertThrows(IllegalArgumentException.class, () -> adam.loadStateDict(saved));
        assertTrue(e.getMessage().contains("rule"), e.getMessage());
    }
}
