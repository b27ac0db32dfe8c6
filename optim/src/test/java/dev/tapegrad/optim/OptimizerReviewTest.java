package dev.tapegrad.optim;

import static org.junit.jupiter.api.Assertions.*;

import dev.tapegrad.Tensor;
import org.junit.jupiter.api.Test;

/** Regressions found in review: shared tensors, failed steps that must not change anything. */
class OptimizerReviewTest {

    @Test
    void theSameTensorUnderTwoNamesIsRefused() {
        // Registered twice, one tensor would be moved twice per step (a silently doubled learning rate).
        Tensor w = Tensor.of(new double[] {1, 2}).requiresGrad(true);
        Optimizer.Builder b = Optimizer.builder(Optimizers.sgd()).param("a.weight", w);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.param("b.weight", w));
        assertTrue(e.getMessage().contains("'b.weight'") && e.getMessage().contains("'a.weight'"), e.getMessage());
    }

    @Test
    void aStepRefusedByValidationChangesNothing() {
        // A schedule that leaves the valid range at the second step: that step must fail before any state changes.
        Tensor x = OptimizerCoreTest.start();
        Optimizer opt = Optimizer.builder(Optimizers.adam()).param("x", x).set("lr", 1e-2)
                .schedule("beta1", k -> k == 0 ? 0.9 : 1.5).build();
        OptimizerCoreTest.run(opt, x, 1);
        double[] before = x.toDoubleArray();
        long slotStep = opt.stateDict().groups().get(0).slots().get(0).step();
        double[] m = opt.stateDict().groups().get(0).slots().get(0).buffers().get("adam.m");
        opt.zeroGrad();
        OptimizerCoreTest.rosenbrock(x).backward();
        assertThrows(IllegalArgumentException.class, opt::step);
        assertArrayEquals(before, x.toDoubleArray(), 0.0);
        assertEquals(1, opt.stepCount());
        OptimizerState.SlotState after = opt.stateDict().groups().get(0).slots().get(0);
        assertEquals(slotStep, after.step(), "the parameter's step count must not advance on a refused step");
        assertArrayEquals(m, after.buffers().get("adam.m"), 0.0);
    }

    @Test
    void aLaterGroupsInvalidScheduleLeavesEarlierGroupsUntouched() {
        Tensor w = Tensor.of(new double[] {1, 2}).requiresGrad(true);
        Tensor bias = Tensor.of(new double[] {3}).requiresGrad(true);
        Optimizer opt = Optimizer.builder(Optimizers.sgd()).param("w", w).param("bias", bias).set("lr", 0.1)
                .group("biases", n -> n.equals("bias"), g -> g.schedule("lr", k -> k == 0 ? 0.1 : -1.0)).build();
        for (int i = 0; i < 2; i++) {
            opt.zeroGrad();
            w.sum().add(bias.sum()).backward();
            if (i == 0) opt.step();
        }
        double[] wBefore = w.toDoubleArray();
        assertThrows(IllegalArgumentException.class, opt::step);
        assertArrayEquals(wBefore, w.toDoubleArray(), 0.0, "the default group must not move when the step fails");
        assertEquals(1, opt.stepCount());
        assertEquals(1, opt.stateDict().groups().get(0).slots().get(0).step());
    }
}
