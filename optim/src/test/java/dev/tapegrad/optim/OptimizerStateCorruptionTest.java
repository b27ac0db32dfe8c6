package dev.tapegrad.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Damaged optimizer-state files never load a changed state and never crash: every single-bit flip and every
 * truncation of a real AdamW state is refused with a clear exception or (where the damage does not matter)
 * loads the original state exactly. The default run tries every 23rd bit and every 11th length; the probe
 * ({@code -Pprobes}) tries all of them.
 */
class OptimizerStateCorruptionTest {

    @Test
    void sampledFlipsAndTruncationsAreRefusedOrHarmless() {
        check(23, 11);
    }

    @Test
    @Tag("probe")
    void everyFlipAndEveryTruncationIsRefusedOrHarmless() {
        check(1, 1);
    }

    private static void check(int flipStride, int cutStride) {
        Optimizer opt = StateCorruption.trained(5);
        OptimizerState original = opt.stateDict();
        byte[] bytes = original.toBytes();
        StateCorruption.Tally[] t = StateCorruption.run(bytes, original, flipStride, cutStride);
        StateCorruption.describe(bytes, t).forEach(System.out::println);
        for (StateCorruption.Tally tally : t) {
            assertEquals(0, tally.get(StateCorruption.Outcome.LOADED_CHANGED), tally.toString());
            assertEquals(0, tally.get(StateCorruption.Outcome.CRASHED), tally.toString());
        }
    }
}
