package dev.tapegrad.optim;

import static org.junit.jupiter.api.Assertions.*;

import dev.tapegrad.DType;
import dev.tapegrad.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Gradient accumulation ({@link MultiSteps}) and the weight average ({@link WeightEma}). */
class ClassicWrappersTest {

    private static void assertBits(double[] want, double[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            assertEquals(Double.doubleToRawLongBits(want[i]), Double.doubleToRawLongBits(got[i]), what + "[" + i + "]");
        }
    }

    /** Deterministic micro-batch gradients that vary with the step. */
    private static double[] grad(int step) {
        return new double[] {Math.sin(step), Math.cos(3 * step) * 2, 0.5 - step % 3};
    }

    @Test
    void accumulationEqualsTheInnerRuleOnTheMeanGradient() {
        int k = 3;
        Tensor a = Tensor.of(new double[] {1, -2, 3});
        Optimizer accumulated = Optimizer.builder(new MultiSteps(Optimizers.adam(), k)).param("p", a).set("lr", 0.1)
                .set("weightDecay", 0.01).build();
        Tensor b = Tensor.of(new double[] {1, -2, 3});
        Optimizer plain = Optimizer.builder(Optimizers.adam()).param("p", b).set("lr", 0.1).set("weightDecay", 0.01).build();
        for (int macro = 0; macro < 4; macro++) {
            double[] sum = new double[3];
            for (int micro = 0; micro < k; micro++) {
                double[] before = a.toDoubleArray(), g = grad(macro * k + micro);
                for (int i = 0; i < 3; i++) sum[i] += g[i];
                a.setGrad(Tensor.of(g));
                accumulated.step();
                if (micro < k - 1) assertBits(before, a.toDoubleArray(), "no move on micro-step " + micro);
            }
            for (int i = 0; i < 3; i++) sum[i] /= k;
            b.setGrad(Tensor.of(sum));
            plain.step(); // Adam's bias correction must count macro steps in both runs
            assertBits(b.toDoubleArray(), a.toDoubleArray(), "after macro-step " + macro);
        }
        assertEquals(12, accumulated.stepCount());
    }

    @Test
    void accumulationResumesBitForBitMidWindow() {
        Supplier<Optimizer.Builder> builder = () -> Optimizer.builder(new MultiSteps(Optimizers.nadam(), 4)).set("lr", 0.05);
        // 10 = two full windows and half of the third: the partial sums and the micro-step counter are state.
        ClassicOptimizersTest.assertBitEqual(ClassicOptimizersTest.resumeAfter(builder, 22, 0),
                ClassicOptimizersTest.resumeAfter(builder, 10, 12));
    }

    @Test
    void stateOfAnotherInnerRuleOrWindowIsRefused() {
        Tensor x = OptimizerCoreTest.start();
        Optimizer adam4 = Optimizer.builder(new MultiSteps(Optimizers.adam(), 4)).param("x", x).build();
        OptimizerCoreTest.run(adam4, x, 2);
        for (Transform other : new Transform[] {new MultiSteps(Optimizers.sgd(), 4), new MultiSteps(Optimizers.adam(), 2)}) {
            Optimizer o = Optimizer.builder(other).param("x", OptimizerCoreTest.start()).build();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> o.loadStateDict(adam4.stateDict()));
            assertTrue(e.getMessage().contains("multiSteps(4, adam[l2, adam, scaleByLr])"), e.getMessage());
        }
    }

    @Test
    void everyMustBePositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MultiSteps(Optimizers.sgd(), 0));
        assertEquals("multiSteps: every must be >= 1, got 0", e.getMessage());
        // with every = 1 it is the inner rule
        Tensor a = OptimizerCoreTest.start(), b = OptimizerCoreTest.start();
        OptimizerCoreTest.run(Optimizer.builder(new MultiSteps(Optimizers.radam(), 1)).param("x", a).set("lr", 0.01).build(), a, 10);
        OptimizerCoreTest.run(Optimizer.builder(Optimizers.radam()).param("x", b).set("lr", 0.01).build(), b, 10);
        assertBits(b.toDoubleArray(), a.toDoubleArray(), "every = 1");
    }

    @Test
    void emaFollowsItsFormulaAndSwapsInForEvaluation() {
        Map<String, Tensor> params = new LinkedHashMap<>();
        Tensor w = Tensor.of(new double[] {1, 2});
        Tensor f = Tensor.of(new float[] {4f});
        params.put("w", w);
        params.put("f", f);
        WeightEma ema = new WeightEma(params, 0.75);
        w.copyInPlace(Tensor.of(new double[] {3, -2}));
        ema.update(); // 0.75·(1, 2) + 0.25·(3, −2) = (1.5, 1)
        assertArrayEquals(new double[] {1.5, 1}, ema.shadow("w"), 1e-15);
        assertArrayEquals(new double[] {4}, ema.shadow("f"));
        try (var eval = ema.applied()) {
            assertArrayEquals(new double[] {1.5, 1}, w.toDoubleArray(), 1e-15);
        }
        assertArrayEquals(new double[] {3, -2}, w.toDoubleArray(), "restored exactly");
        Tensor copy = Tensor.zeros(DType.FLOAT64, 2);
        ema.copyTo(Map.of("w", copy));
        assertArrayEquals(new double[] {1.5, 1}, copy.toDoubleArray(), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> ema.copyTo(Map.of("w", Tensor.zeros(DType.FLOAT64, 3))));
        assertThrows(IllegalArgumentException.class, () -> ema.copyTo(Map.of("nope", copy)));
        assertThrows(IllegalArgumentException.class, () -> new WeightEma(params, 1.5));
    }

    @Test
    void emaStateRestoresExactly() {
        Tensor x = OptimizerCoreTest.start();
        Optimizer opt = Optimizer.builder(Optimizers.adam()).param("x", x).set("lr", 0.01).build();
        WeightEma ema = new WeightEma(Map.of("x", x), 0.9);
        for (int i = 0; i < 5; i++) {
            OptimizerCoreTest.run(opt, x, 1);
            ema.update();
        }
        byte[] saved = ema.stateDict().toBytes(); // the OptimizerState format (save() writes it atomically to a file)
        Tensor y = Tensor.of(x.toDoubleArray());
        WeightEma restored = new WeightEma(Map.of("x", y), 0.9);
        restored.loadStateDict(OptimizerState.fromBytes(saved));
        assertEquals(5, restored.count());
        for (int i = 0; i < 3; i++) {
            OptimizerCoreTest.run(opt, x, 1);
            y.copyInPlace(x.detach());
            ema.update();
            restored.update();
        }
        assertBits(ema.shadow("x"), restored.shadow("x"), "shadow");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new WeightEma(Map.of("x", y), 0.5).loadStateDict(ema.stateDict()));
        assertTrue(e.getMessage().contains("decay"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new WeightEma(Map.of("z", y), 0.9).loadStateDict(ema.stateDict()));
        assertTrue(e.getMessage().contains("parameters"), e.getMessage());
    }
}
