package dev.tapegrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Batched matmul of many small products (attention-sized: 16·4 heads of 64×16 · 16×64, one operand strided):
 * the result must not depend on the thread count, and must equal the products taken one by one.
 */
class BatchedMatmulTest {

    @Test
    void manySmallProductsGiveTheSameBitsOnOneAndTwoThreads() {
        Generator gen = new Generator(3);
        Tensor q = Tensor.randn(gen, DType.FLOAT32, 16, 4, 64, 16);
        Tensor k = Tensor.randn(gen, DType.FLOAT32, 16, 4, 64, 16).transpose(-1, -2);   // strided operand
        int before = Parallelism.threads();
        try {
            Parallelism.setThreads(1);
            float[] one = q.matmul(k).toFloatArray();
            Parallelism.setThreads(2);
            float[] two = q.matmul(k).toFloatArray();
            assertArrayEquals(one, two, "thread count changed the bits");
            // product 37 (batch 9, head 1) taken alone
            Tensor alone = q.select(0, 9).select(0, 1).matmul(k.select(0, 9).select(0, 1));
            float[] expected = alone.toFloatArray();
            float[] got = new float[expected.length];
            System.arraycopy(two, 37 * 64 * 64, got, 0, got.length);
            assertArrayEquals(expected, got);
            assertEquals(16 * 4 * 64 * 64, two.length);
        } finally {
            Parallelism.setThreads(before);
        }
    }
}
