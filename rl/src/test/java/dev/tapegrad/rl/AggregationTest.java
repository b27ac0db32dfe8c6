package dev.tapegrad.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tapegrad.DType;
import dev.tapegrad.Tensor;
import org.junit.jupiter.api.Test;

class AggregationTest {
    // two sequences of lengths 2 and 1, and an empty one; per-token losses 1..9
    private final Tensor loss = Tensor.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 3, 3).requiresGrad(true);
    private final Tensor mask = Tensor.of(new double[] {1, 1, 0, 1, 0, 0, 0, 0, 0}, 3, 3);

    @Test
    void modesWeighTokensAsDocumented() {
        assertEquals((1 + 2 + 4) / 3.0, Aggregation.tokenMean().apply(loss, mask).item(), 1e-15);
        assertEquals(((1 + 2) / 2.0 + 4) / 2, Aggregation.seqMeanTokenMean().apply(loss, mask).item(), 1e-15);
        assertEquals((3 + 4) / 2.0, Aggregation.seqMeanTokenSum().apply(loss, mask).item(), 1e-15);
        assertEquals((3 + 4) / (2.0 * 8), Aggregation.constantNormaliser(8).apply(loss, mask).item(), 1e-15);
    }

    @Test
    void gradientsAreTheTokenWeights() {
        Aggregation.seqMeanTokenMean().apply(loss, mask).backward();
        assertArrayEquals(new double[] {0.25, 0.25, 0, 0.5, 0, 0, 0, 0, 0}, loss.grad().toDoubleArray(), 1e-15);
    }

    @Test
    void anAllMaskedBatchGivesZeroLossAndZeroGradient() {
        Tensor none = Tensor.zeros(DType.FLOAT64, 3, 3);
        for (Aggregation a : new Aggregation[] {Aggregation.tokenMean(), Aggregation.seqMeanTokenMean(),
                Aggregation.seqMeanTokenSum(), Aggregation.constantNormaliser(4)}) {
            Tensor x = Tensor.full(Double.POSITIVE_INFINITY, DType.FLOAT64, 3, 3).requiresGrad(true);
            Tensor out = a.apply(x, none);
            assertEquals(0.0, out.item(), a.toString());
            out.backward();
            assertArrayEquals(new double[9], x.grad().toDoubleArray(), a.toString());
        }
    }

    @Test
    void constantNormaliserRejectsBadLengths() {
        assertThrows(IllegalArgumentException.class, () -> Aggregation.constantNormaliser(0));
        assertThrows(IllegalArgumentException.class, () -> Aggregation.constantNormaliser(Double.NaN));
    }

    @Test
    void policyBatchChecksShapesAndDetachesConstants() {
        Tensor lp = Tensor.zeros(DType.FLOAT64, 2, 3).requiresGrad(true);
        PolicyBatch b = PolicyBatch.onPolicy(lp, Tensor.ones(DType.FLOAT64, 2, 3), Tensor.of(new double[] {1, -1}, 2));
        assertEquals(false, b.oldLogProbs().requiresGrad());
        assertArrayEquals(new int[] {2, 3}, b.tokenAdvantages().shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PolicyBatch.onPolicy(lp, Tensor.ones(DType.FLOAT64, 2, 4), Tensor.zeros(DType.FLOAT64, 2)));
        assertEquals(true, e.getMessage().contains("mask"));
    }
}
