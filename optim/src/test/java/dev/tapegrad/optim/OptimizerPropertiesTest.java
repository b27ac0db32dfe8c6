package dev.tapegrad.optim;

import static org.junit.jupiter.api.Assertions.*;

import dev.tapegrad.DType;
import dev.tapegrad.Tensor;
import dev.tapegrad.check.Gen;
import dev.tapegrad.check.Property;
import dev.tapegrad.check.TensorGen;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Equivalences between optimizers that must hold for any parameters and gradients. */
class OptimizerPropertiesTest {

    /** A random parameter with a sequence of five random gradients of its shape. */
    static final Gen<List<Tensor>> PARAM_AND_GRADS = TensorGen.shapes(1, 2, 1, 5).flatMap(shape ->
            Gen.sequence(java.util.Collections.nCopies(6, TensorGen.tensor(shape, TensorGen.values(-3, 3)))));

    /** Runs an optimizer on a copy of the parameter, feeding the given gradients; returns the final values. */
    static double[] run(Transform rule, Consumer<Optimizer.Builder> settings, List<Tensor> paramAndGrads) {
        Tensor p = paramAndGrads.get(0).clone().requiresGrad(true);
        Optimizer.Builder b = Optimizer.builder(rule).param("p", p);
        settings.accept(b);
        Optimizer opt = b.build();
        for (Tensor g : paramAndGrads.subList(1, paramAndGrads.size())) {
            p.setGrad(g.clone());
            opt.step();
        }
        return p.toDoubleArray();
    }

    static void assertBitwiseEqual(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            assertEquals(Double.doubleToRawLongBits(a[i]), Double.doubleToRawLongBits(b[i]), "element " + i + ": " + a[i] + " vs " + b[i]);
        }
    }

    @Test
    void adamWWithoutDecayIsAdam() {
        Property.forAll(PARAM_AND_GRADS).tries(50).seed(1).check(pg -> assertBitwiseEqual(
                run(Optimizers.adamW(), b -> b.set("lr", 0.01).set("weightDecay", 0), pg),
                run(Optimizers.adam(), b -> b.set("lr", 0.01), pg)));
    }

    @Test
    void sgdWithoutMomentumIsPlainGradientDescent() {
        Property.forAll(PARAM_AND_GRADS).tries(50).seed(2).check(pg -> {
            double lr = 0.05;
            double[] expected = pg.get(0).toDoubleArray();
            for (Tensor g : pg.subList(1, pg.size())) {
                double[] gv = g.toDoubleArray();
                for (int i = 0; i < expected.length; i++) expected[i] -= lr * gv[i];
            }
            assertBitwiseEqual(expected, run(Optimizers.sgd(), b -> b.set("lr", lr), pg));
        });
    }

    @Test
    void zeroGradientsWithoutDecayLeaveParametersWhereTheyAre() {
        for (String name : Optimizers.names()) {
            if (name.startsWith("dadapt")) continue; // D-Adaptation skips zero-gradient steps (tested separately)
            Tensor p = Tensor.of(new double[] {0.5, -1.5});
            List<Tensor> pg = List.of(p, Tensor.zeros(DType.FLOAT64, 2), Tensor.zeros(DType.FLOAT64, 2));
            Transform rule = Optimizers.byName(name);
            boolean hasDecay = rule.defaults().containsKey("weightDecay");
            double[] after = run(rule, b -> { if (hasDecay) b.set("weightDecay", 0); }, pg);
            assertArrayEquals(new double[] {0.5, -1.5}, after, 1e-12, name);
        }
    }

    @Test
    void everyNamedOptimizerDescendsAQuadratic() {
        for (String name : Optimizers.names()) {
            Tensor x = Tensor.of(new double[] {1.0, -2.0, 0.5}).requiresGrad(true);
            Optimizer opt = Optimizers.create(name, Map.of(), Map.of("x", x));
            double first = Double.NaN, last = Double.NaN;
            for (int i = 0; i < 50; i++) {
                opt.zeroGrad();
                Tensor loss = x.square().sum();
                if (i == 0) first = loss.item();
                last = loss.item();
                loss.backward();
                opt.step();
            }
            assertTrue(last < first, name + ": loss went from " + first + " to " + last);
        }
    }
}
