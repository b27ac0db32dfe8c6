package dev.tapegrad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.function.BinaryOperator;
import org.junit.jupiter.api.Test;

/**
 * One-element binary ops skip the kernels (BinaryOps' scalar path): their values must be bit for bit what
 * the kernels give for the same elements inside a larger tensor, and the tape must work as before.
 */
class ScalarFastPathTest {
    private static final List<BinaryOperator<Tensor>> OPS = List.of(Tensor::add, Tensor::sub, Tensor::mul,
            Tensor::div, Tensor::pow, Tensor::maximum, Tensor::minimum);

    @Test
    void singleElementResultsMatchTheKernelsBitForBit() {
        Generator gen = new Generator(7);
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor a = Tensor.uniform(gen, 0.1, 3.0, dtype, 40), b = Tensor.uniform(gen, -2.0, 2.0, dtype, 40);
            for (BinaryOperator<Tensor> op : OPS) {
                double[] whole = op.apply(a, b).toDoubleArray(); // the kernels
                for (int i = 0; i < 40; i++) {
                    Tensor ai = a.select(0, i), bi = b.select(0, i); // 0-dim views at an offset
                    assertEquals(whole[i], op.apply(ai, bi).item(), 0.0, dtype + " element " + i);
                    Tensor r = op.apply(ai.reshape(1, 1), bi.reshape(1, 1));
                    assertEquals(2, r.dim());
                    assertEquals(whole[i], r.item(), 0.0);
                }
            }
        }
    }

    @Test
    void scalarGraphGradientsAccumulateOverUses() {
        Tensor w = Tensor.scalar(0.5, DType.FLOAT64).requiresGrad(true);
        Tensor x = Tensor.scalar(3.0, DType.FLOAT64);
        Tensor loss = w.mul(x).tanh().add(w.mul(w)); // tanh(3w) + w²
        loss.backward();
        double t = Math.tanh(1.5);
        assertEquals(3 * (1 - t * t) + 2 * 0.5, w.grad().item(), 1e-12);
        assertEquals(0, w.grad().dim());
        assertThrows(IllegalStateException.class, loss::backward); // saved values were released
    }

    @Test
    void mismatchedDtypesAndRanksStillFollowTheGeneralRules() {
        Tensor f = Tensor.scalar(1.0, DType.FLOAT32), d = Tensor.scalar(1.0, DType.FLOAT64);
        assertThrows(IllegalArgumentException.class, () -> f.add(d));
        Tensor r = Tensor.scalar(2.0).mul(Tensor.ones(1, 1, 1)); // ranks differ: broadcast to [1, 1, 1]
        assertEquals(3, r.dim());
        assertEquals(2.0, r.item());
    }
}
