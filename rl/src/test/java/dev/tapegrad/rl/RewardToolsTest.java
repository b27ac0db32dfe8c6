package dev.tapegrad.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.DType;
import dev.tapegrad.Tensor;
import org.junit.jupiter.api.Test;

/** DynamicSampling and OverlongPenalty. */
class RewardToolsTest {

    // groups: 5 (varied), 2 (all 0.1), 9 (singleton), 5 again, 2 again, 4 (varied)
    private static final Rewards REWARDS = new Rewards(Tensor.of(new double[] {1, 0.1, 3, 0, 0.1, 0.5, 0.25}),
            new int[] {5, 2, 9, 5, 2, 4, 4}, Tensor.of(new double[] {10, 11, 12, 13, 14, 15, 16}));

    @Test
    void dynamicSamplingKeepsGroupsWithDifferentRewards() {
        assertArrayEquals(new int[] {0, 3, 5, 6}, DynamicSampling.keptIndices(REWARDS));
        Rewards kept = DynamicSampling.filter(REWARDS);
        assertArrayEquals(new double[] {1, 0, 0.5, 0.25}, kept.values().toDoubleArray());
        assertArrayEquals(new int[] {5, 5, 4, 4}, kept.groupIds());
        assertArrayEquals(new double[] {10, 13, 15, 16}, kept.lengths().toDoubleArray());
        // on the kept groups the GRPO advantages are the original ones
        double[] all = Advantages.grpo().advantages(REWARDS).toDoubleArray();
        double[] filtered = Advantages.grpo().advantages(kept).toDoubleArray();
        assertArrayEquals(new double[] {all[0], all[3], all[5], all[6]}, filtered, 0.0);
    }

    @Test
    void dynamicSamplingCanDropEverything() {
        Rewards same = Rewards.grouped(new double[] {1, 1, 0, 0}, 2);
        assertEquals(0, DynamicSampling.keptIndices(same).length);
        Rewards none = DynamicSampling.filter(same);
        assertEquals(0, none.size());
        assertNull(none.lengths());
        assertEquals(0, Advantages.grpo().advantages(none).numel());
    }

    @Test
    void selectingBatchRowsKeepsTheGradientPath() {
        Tensor lp = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 3, 2).requiresGrad(true);
        Tensor ref = Tensor.of(new double[] {-1, -2, -3, -4, -5, -6}, 3, 2);
        Tensor mask = Tensor.of(new double[] {1, 1, 1, 0, 0, 0}, 3, 2);
        PolicyBatch b = new PolicyBatch(lp, lp.detach().mul(2.0), ref, mask, Tensor.of(new double[] {7, 8, 9}));
        PolicyBatch s = DynamicSampling.select(b, new int[] {2, 0});
        assertArrayEquals(new double[] {5, 6, 1, 2}, s.logProbs().toDoubleArray());
        assertArrayEquals(new double[] {10, 12, 2, 4}, s.oldLogProbs().toDoubleArray());
        assertArrayEquals(new double[] {-5, -6, -1, -2}, s.refLogProbs().toDoubleArray());
        assertArrayEquals(new double[] {0, 0, 1, 1}, s.mask().toDoubleArray());
        assertArrayEquals(new double[] {9, 7}, s.advantages().toDoubleArray());
        s.logProbs().sum().backward();
        assertArrayEquals(new double[] {1, 1, 0, 0, 1, 1}, lp.grad().toDoubleArray());
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> DynamicSampling.select(b, new int[] {3}));
        assertTrue(e.getMessage().contains("3"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> DynamicSampling.select(REWARDS, new int[] {-1}));
    }

    @Test
    void dynamicSamplingRejectsNaN() {
        Rewards bad = Rewards.grouped(new double[] {0, Double.NaN}, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DynamicSampling.keptIndices(bad));
        assertTrue(e.getMessage().contains("sequence 1"), e.getMessage());
    }

    @Test
    void overlongPenaltyIsDapoEquation13() {
        OverlongPenalty p = new OverlongPenalty(100, 20);
        assertEquals(0.0, p.penalty(0));
        assertEquals(0.0, p.penalty(80));
        assertEquals(-0.05, p.penalty(81), 1e-15);
        assertEquals(-0.5, p.penalty(90), 1e-15);
        assertEquals(-1.0, p.penalty(100), 1e-15);
        assertEquals(-1.0, p.penalty(101));
        // monotone non-increasing and continuous (no jump larger than one step of the ramp)
        double prev = 0;
        for (double len = 0; len <= 130; len += 0.5) {
            double v = p.penalty(len);
            assertTrue(v <= prev && prev - v <= 0.5 / 20 + 1e-15, "at " + len);
            prev = v;
        }
        assertEquals(new OverlongPenalty(20480, 4096), OverlongPenalty.dapo());
        assertEquals(-0.5, OverlongPenalty.dapo().penalty(20480 - 2048), 1e-15);
    }

    @Test
    void overlongPenaltyShapesRewards() {
        OverlongPenalty p = new OverlongPenalty(10, 4);
        Rewards shaped = p.shape(REWARDS.withLengths(Tensor.of(new double[] {0, 6, 7, 8, 10, 11, 20})));
        assertArrayEquals(new double[] {1, 0.1, 2.75, -0.5, -0.9, -0.5, -0.75}, shaped.values().toDoubleArray(), 1e-15);
        assertArrayEquals(REWARDS.groupIds(), shaped.groupIds());
        assertArrayEquals(new double[] {-0.25, -0.75}, p.penalties(Tensor.of(new float[] {7, 9})).toDoubleArray(), 0.0);
        assertEquals(DType.FLOAT64, p.penalties(Tensor.of(new float[] {1})).dtype());
    }

    @Test
    void overlongPenaltyRejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new OverlongPenalty(10, 0));
        assertThrows(IllegalArgumentException.class, () -> new OverlongPenalty(10, 11));
        assertThrows(IllegalArgumentException.class, () -> new OverlongPenalty(Double.POSITIVE_INFINITY, 1));
        OverlongPenalty p = new OverlongPenalty(10, 4);
        assertThrows(IllegalArgumentException.class, () -> p.penalty(-1));
        assertThrows(IllegalArgumentException.class, () -> p.penalty(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> p.shape(Rewards.grouped(new double[] {1}, 1)));
    }
}
