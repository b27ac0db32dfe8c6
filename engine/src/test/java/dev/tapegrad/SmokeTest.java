package dev.tapegrad;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void gradientOfSumOfSquares() {
        Tensor w = Tensor.of(new double[] {1, -2, 3}).requiresGrad(true);
        Tensor loss = w.mul(w).sum();
        assertEquals(14.0, loss.item(), 1e-12);
        loss.backward();
        assertArrayEquals(new double[] {2, -4, 6}, w.grad().toDoubleArray(), 1e-12);
    }

    @Test
    void broadcastingGradientIsSummed() {
        Tensor a = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        Tensor b = Tensor.of(new double[] {10, 20, 30}).requiresGrad(true);
        a.add(b).mul(a).sum().backward();
        assertArrayEquals(new double[] {5, 7, 9}, b.grad().toDoubleArray(), 1e-12);
        assertEquals("[2, 3]", java.util.Arrays.toString(a.grad().shape()));
        System.out.println(a.add(b));
    }

    @Test
    void secondDerivativeOfCube() {
        Tensor x = Tensor.of(new double[] {2.0}).requiresGrad(true);
        Tensor y = x.mul(x).mul(x).sum();
        Tensor g = Autograd.grad(y, new Tensor[] {x}, null, true, true)[0];
        assertEquals(12.0, g.item(), 1e-12);
        Tensor h = Autograd.grad(g.sum(), new Tensor[] {x})[0];
        assertEquals(12.0, h.item(), 1e-12);
    }
}
