package dev.tapegrad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The fused ops (softmax family, crossEntropy, linear) against the same math composed from primitive ops,
 * in float32 on non-contiguous inputs, values and gradients; plus their argument checks.
 */
class FusedOpsTest {
    private static final Generator GEN = new Generator(11);

    private static void close(Tensor expected, Tensor actual, double tol) {
        assertTrue(expected.allClose(actual, tol, tol), "expected " + expected + "\n got " + actual);
    }

    private static Tensor leaf(Tensor t) {
        return t.detach().requiresGrad(true);
    }

    @Test
    void softmaxOfATransposedInputMatchesExpOverSum() {
        Tensor x = Tensor.randn(GEN, DType.FLOAT32, 37, 5).mul(3).t(); // [5, 37], strided rows
        Tensor u = Tensor.randn(GEN, DType.FLOAT32, 5, 37);
        for (int axis : new int[] {0, 1}) {
            Tensor a = leaf(x), b = leaf(x);
            Tensor fused = a.softmax(axis), composed = b.exp().div(b.exp().sum(new int[] {axis}, true));
            close(composed, fused, 1e-6);
            fused.backward(u);
            composed.backward(u);
            close(b.grad(), a.grad(), 1e-5);
            Tensor c = leaf(x), d = leaf(x);
            Tensor logFused = c.logSoftmax(axis), logComposed = d.sub(d.logsumexp(new int[] {axis}, true));
            close(logComposed, logFused, 1e-5);
            logFused.backward(u);
            logComposed.backward(u);
            close(d.grad(), c.grad(), 1e-5);
        }
    }

    @Test
    void crossEntropyMatchesNegativeLogSoftmaxAtTheTarget() {
        Tensor z = Tensor.randn(GEN, DType.FLOAT32, 6, 19).mul(4);
        Tensor t = Tensor.of(new int[] {0, 18, 5, -100, 7, 7}, 6);
        Tensor safe = Tensor.of(new int[] {0, 18, 5, 0, 7, 7}, 6);
        Tensor keep = Tensor.of(new float[] {1, 1, 1, 0, 1, 1}, 6);
        Tensor a = leaf(z), b = leaf(z);
        Tensor fused = a.crossEntropy(t);
        Tensor composed = b.logSoftmax(1).gather(1, safe.unsqueeze(1)).squeeze(1).neg().mul(keep);
        close(composed, fused, 1e-5);
        fused.mean().backward();
        composed.mean().backward();
        close(b.grad(), a.grad(), 1e-6);
    }

    @Test
    void crossEntropyWithSmoothingAlongAMiddleAxis() {
        double eps = 0.2;
        Tensor z = Tensor.randn(GEN, DType.FLOAT64, 2, 5, 3);
        Tensor t = Tensor.of(new int[] {4, 0, 2, 1, 3, 3}, 2, 3);
        Tensor a = leaf(z), b = leaf(z);
        Tensor fused = a.crossEntropy(t, 1, -1, eps);
        Tensor logp = b.logSoftmax(1);
        Tensor composed = logp.gather(1, t.unsqueeze(1)).squeeze(1).neg().mul(1 - eps).add(logp.sum(1).neg().mul(eps / 5));
        close(composed, fused, 1e-12);
        Tensor u = Tensor.randn(GEN, DType.FLOAT64, 2, 3);
        fused.backward(u);
        composed.backward(u);
        close(b.grad(), a.grad(), 1e-12);
    }

    @Test
    void crossEntropyRejectsBadTargets() {
        Tensor z = Tensor.zeros(DType.FLOAT32, 2, 3);
        assertThrows(IndexOutOfBoundsException.class, () -> z.crossEntropy(Tensor.of(new int[] {0, 3}, 2)));
        assertThrows(IllegalArgumentException.class, () -> z.crossEntropy(Tensor.of(new int[] {0, 1, 2}, 3)));
        assertThrows(IllegalArgumentException.class, () -> z.crossEntropy(Tensor.of(new float[] {0, 1}, 2)));
        assertThrows(IllegalArgumentException.class, () -> z.crossEntropy(Tensor.of(new int[] {0, 1}, 2), -1, -100, 1.5));
    }

    @Test
    void linearMatchesMatmulPlusBias() {
        Tensor x = Tensor.randn(GEN, DType.FLOAT32, 3, 4, 7).transpose(0, 1); // [4, 3, 7], not contiguous
        Tensor w = Tensor.randn(GEN, DType.FLOAT32, 5, 7), bias = Tensor.randn(GEN, DType.FLOAT32, 5);
        Tensor u = Tensor.randn(GEN, DType.FLOAT32, 4, 3, 5);
        Tensor xa = leaf(x), wa = leaf(w), ba = leaf(bias), xb = leaf(x), wb = leaf(w), bb = leaf(bias);
        Tensor fused = Tensor.linear(xa, wa, ba), composed = xb.matmul(wb.t()).add(bb);
        close(composed, fused, 1e-5);
        fused.backward(u);
        composed.backward(u);
        close(xb.grad(), xa.grad(), 1e-5);
        close(wb.grad(), wa.grad(), 1e-5);
        close(bb.grad(), ba.grad(), 1e-5);
        assertEquals(3, Tensor.linear(Tensor.ones(DType.FLOAT32, 2, 0), Tensor.zeros(DType.FLOAT32, 3, 0), Tensor.ones(DType.FLOAT32, 3)).sum().item() / 2);
    }

    @Test
    void linearRejectsMismatchedShapesNamingThemAndWhatWasExpected() {
        Tensor w = Tensor.zeros(DType.FLOAT32, 5, 7);
        assertMessage(() -> Tensor.linear(Tensor.zeros(DType.FLOAT32, 2, 6), w, null), "linear: input of shape [2, 6]",
                "input size 7", "[5, 7]");
        assertMessage(() -> Tensor.linear(Tensor.zeros(DType.FLOAT32), w, null), "linear: input of shape []");
        assertMessage(() -> Tensor.linear(Tensor.zeros(DType.FLOAT32, 2, 7), w, Tensor.zeros(DType.FLOAT32, 4)),
                "linear: bias must have shape [5]", "[5, 7]", "got [4]");
        assertMessage(() -> Tensor.linear(Tensor.zeros(DType.FLOAT32, 2, 7), Tensor.zeros(DType.FLOAT32, 7), null),
                "linear: weight must be [out, in]", "[7]");
        assertMessage(() -> Tensor.linear(Tensor.zeros(DType.FLOAT64, 2, 7), w, null), "linear", "float64", "float32");
        assertMessage(() -> Tensor.linear(Tensor.zeros(DType.FLOAT32, 2, 7), w, Tensor.zeros(DType.FLOAT64, 5)),
                "linear", "float64", "float32");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String part : parts) assertTrue(e.getMessage().contains(part), "'" + part + "' missing from: " + e.getMessage());
    }
}
