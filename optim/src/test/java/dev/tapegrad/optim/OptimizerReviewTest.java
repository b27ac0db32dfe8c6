package dev.tapegrad.optim;

import static org.junit.jupiter.api.Assertions.*;

import dev.tapegrad.Tensor;
import org.junit.jupiter.api.Test;

/** Regressions found in review: shared tensors, shared tensors. */
class OptimizerReviewTest {

    @Test
    void theSameTensorUnderTwoNamesIsRefused() {
        // Registered twice, one tensor would be moved twice per step (a silently doubled learning rate).
        Tensor w = Tensor.of(new double[] {1, 2}).requiresGrad(true);
        Optimizer.Builder b = Optimizer.builder(Optimizers.sgd()).param("a.weight", w);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.param("b.weight", w));
        assertTrue(e.getMessage().contains("'b.weight'") && e.getMessage().contains("'a.weight'"), e.getMessage());
    }
}
