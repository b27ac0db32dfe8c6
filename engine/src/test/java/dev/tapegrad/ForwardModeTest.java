package dev.tapegrad;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Forward mode: {@link DualLevel}, {@link Autograd#jvp}, Jacobians, Hessians and the two Hessian-vector products. */
class ForwardModeTest {

    private static Tensor t(double... v) {
        return Tensor.of(v, v.length);
    }

    private static void assertClose(Tensor expected, Tensor actual, double tol) {
        assertArrayEquals(expected.shape(), actual.shape(), "shape");
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++) assertEquals(e[i], a[i], tol * (1 + Math.abs(e[i])), "element " + i);
    }

    /** f(x) = sin(x)·eˣ + x/(1 + x²), elementwise. */
    private static Tensor f(Tensor x) {
        return x.sin().mul(x.exp()).add(x.div(x.square().add(1.0)));
    }

    private static double fPrime(double x) {
        return Math.cos(x) * Math.exp(x) + Math.sin(x) * Math.exp(x) + (1 - x * x) / ((1 + x * x) * (1 + x * x));
    }

    @Test
    void jvpOfAnElementwiseFunctionIsTheDerivativeTimesTheTangent() {
        Tensor x = t(-1.3, 0.2, 0.7), v = t(0.5, -2, 3);
        Autograd.Jvp r = Autograd.jvp(ForwardModeTest::f, x, v);
        assertClose(f(x), r.output(), 0);
        double[] xs = x.toDoubleArray(), vs = v.toDoubleArray();
        for (int i = 0; i < 3; i++) assertEquals(fPrime(xs[i]) * vs[i], r.tangent().toDoubleArray()[i], 1e-14);
    }

    @Test
    void jvpLeavesTheCallersTensorsAloneAndReturnsFreshTangents() {
        Tensor x = t(1, 2), v = t(3, 4);
        Autograd.Jvp r = Autograd.jvp(a -> a, x, v);
        assertClose(v, r.tangent(), 0);
        assertNotSame(v, r.tangent());
        r.tangent().fillInPlace(0); // writing the result cannot change the caller's tangent
        assertEquals(3.0, v.toDoubleArray()[0]);
        try (DualLevel level = Autograd.dualLevel()) {
            assertFalse(level.hasTangent(x), "the primal itself never gets the tangent");
        }
    }

    @Test
    void aFunctionThatIgnoresItsInputHasZeroTangent() {
        Autograd.Jvp r = Autograd.jvp(a -> Tensor.of(new double[] {1, 2}, 2), t(1, 2), t(3, 4));
        assertClose(t(0, 0), r.tangent(), 0);
    }

    @Test
    void forwardAndReverseJacobiansAgreeAndMatchTheClosedForm() {
        Function<Tensor, Tensor> g = x -> Tensor.stack(0, List.of(x.select(0, 0).mul(x.select(0, 1)),
                x.select(0, 1).sin(), x.select(0, 0).exp().add(x.select(0, 1))).toArray(new Tensor[0]));
        Tensor x = t(0.3, -0.8);
        Tensor fwd = Autograd.jacobian(g, x, Autograd.Mode.FORWARD);
        Tensor rev = Autograd.jacobian(g, x, Autograd.Mode.REVERSE);
        Tensor expected = Tensor.of(new double[] {-0.8, 0.3, 0, Math.cos(-0.8), Math.exp(0.3), 1}, 3, 2);
        assertClose(expected, fwd, 1e-15);
        assertClose(expected, rev, 1e-15);
    }

    @Test
    void hessianMatchesTheClosedFormAndIsSymmetric() {
        // f(x) = x₀³ + x₀·x₁ + sin x₁: H = [[6x₀, 1], [1, −sin x₁]]
        Function<Tensor, Tensor> f = x -> x.select(0, 0).pow(3.0).add(x.select(0, 0).mul(x.select(0, 1))).add(x.select(0, 1).sin());
        Tensor x = t(0.5, 1.2);
        Tensor h = Autograd.hessian(f, x);
        assertClose(Tensor.of(new double[] {3.0, 1, 1, -Math.sin(1.2)}, 2, 2), h, 1e-14);
    }

    @Test
    void hessianVectorProductsForwardOverReverseAndReverseOverReverseAgree() {
        Function<Tensor, Tensor> f = x -> x.select(0, 0).pow(3.0).mul(x.select(0, 1).sin()).add(x.select(0, 1).exp());
        Tensor x = t(0.7, -0.4), v = t(1.5, -0.25);
        Tensor fwd = Autograd.hvp(f, x, v, Autograd.Mode.FORWARD);
        Tensor rev = Autograd.hvp(f, x, v, Autograd.Mode.REVERSE);
        double a = 0.7, b = -0.4;
        double h00 = 6 * a * Math.sin(b), h01 = 3 * a * a * Math.cos(b), h11 = -a * a * a * Math.sin(b) + Math.exp(b);
        assertClose(t(h00 * 1.5 + h01 * -0.25, h01 * 1.5 + h11 * -0.25), fwd, 1e-14);
        assertClose(fwd, rev, 1e-14);
    }

    @Test
    void aTangentComputedUnderRecordingIsDifferentiableReverseOverForward() {
        Tensor x = Tensor.scalar(0.6, DType.FLOAT64).requiresGrad(true);
        Tensor v = Tensor.scalar(2.0, DType.FLOAT64);
        Tensor tangent;
        try (DualLevel level = Autograd.dualLevel()) {
            level.setTangent(x, v);
            tangent = level.tangent(x.sin()); // cos(x)·v
        }
        Tensor g = Autograd.grad(tangent, new Tensor[] {x})[0]; // d/dx cos(x)·v = −sin(x)·v
        assertEquals(-Math.sin(0.6) * 2.0, g.item(), 1e-15);
    }

    @Test
    void reverseOverForwardSeesRulesThatReadTheOutput() {
        // exp's JVP is ẋ·y with y = eˣ: the output must be on the tape when the rule runs.
        Tensor x = t(0.3, -1.1).requiresGrad(true);
        Tensor v = t(2, -0.5);
        Tensor tangent;
        try (DualLevel level = Autograd.dualLevel()) {
            level.setTangent(x, v);
            tangent = level.tangent(x.exp()).sum(); // Σ v·eˣ
        }
        Tensor g = Autograd.grad(tangent, new Tensor[] {x})[0]; // v·eˣ
        assertClose(t(2 * Math.exp(0.3), -0.5 * Math.exp(-1.1)), g, 1e-15);
    }

    @Test
    void scalarInputsAndOutputsHaveScalarShapedJacobiansAndHessians() {
        Tensor x = Tensor.scalar(0.4, DType.FLOAT64);
        Function<Tensor, Tensor> f = t -> t.pow(3.0).add(t.sin());
        for (Autograd.Mode mode : Autograd.Mode.values()) {
            Tensor j = Autograd.jacobian(f, x, mode);
            assertArrayEquals(new int[0], j.shape(), mode.toString());
            assertEquals(3 * 0.16 + Math.cos(0.4), j.item(), 1e-15);
        }
        Tensor h = Autograd.hessian(f, x);
        assertArrayEquals(new int[0], h.shape());
        assertEquals(6 * 0.4 - Math.sin(0.4), h.item(), 1e-15);
        Tensor v = t(1, 2, 3); // a scalar output of a vector input: the Jacobian is the gradient
        assertClose(t(2, 4, 6), Autograd.jacobian(a -> a.square().sum(), v, Autograd.Mode.REVERSE), 0);
        assertClose(t(2, 4, 6), Autograd.jacobian(a -> a.square().sum(), v, Autograd.Mode.FORWARD), 0);
    }

    @Test
    void functionalGradientInsideALevelCarriesTheTangent() {
        Tensor x = t(1, 2, 3);
        try (DualLevel level = Autograd.dualLevel()) {
            level.setTangent(x, t(1, 0, 0));
            Tensor g = Autograd.grad(a -> a.pow(3.0).sum(), x); // 3x², whose tangent is 6x·ẋ
            assertClose(t(6, 0, 0), level.tangent(g), 1e-15);
        }
    }

    @Test
    void tangentsOfKeptTensorsAndLeafGradientsSurviveAMemoryScope() {
        Tensor w = t(1, 2).requiresGrad(true);
        try (DualLevel level = Autograd.dualLevel()) {
            level.setTangent(w, t(1, 1));
            Tensor y;
            try (MemoryScope scope = MemoryScope.open()) {
                w.square().sum().mul(0.5).backward(); // ∇ = w, with tangent ẇ
                y = MemoryScope.keep(w.exp());
            }
            assertClose(t(1, 1), level.tangent(w.grad()), 0);
            assertClose(t(Math.E, Math.exp(2)), level.tangent(y), 1e-15);
        }
    }

    @Test
    void aTensorGivenATangentByAnotherThreadsOpenLevelIsRefused() throws Exception {
        Tensor shared = t(1, 2);
        java.util.concurrent.CountDownLatch set = new java.util.concurrent.CountDownLatch(1), done = new java.util.concurrent.CountDownLatch(1);
        Thread other = new Thread(() -> {
            try (DualLevel level = Autograd.dualLevel()) {
                level.setTangent(shared, t(1, 1));
                set.countDown();
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        other.start();
        set.await();
        try (DualLevel level = Autograd.dualLevel()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> level.setTangent(shared, t(0, 1)));
            assertTrue(e.getMessage().contains("another thread"), e.getMessage());
        } finally {
            done.countDown();
            other.join();
        }
        try (DualLevel level = Autograd.dualLevel()) { // free again once the other level closed
            level.setTangent(shared, t(0, 1));
            assertClose(t(0, 1), level.tangent(shared), 0);
        }
    }

    @Test
    void tangentsLeaveWithTheirLevel() {
        Tensor x = t(1, 2);
        Tensor y;
        try (DualLevel level = Autograd.dualLevel()) {
            level.setTangent(x, t(1, 1));
            y = x.exp();
            assertTrue(level.hasTangent(y));
        }
        try (DualLevel level = Autograd.dualLevel()) {
            assertFalse(level.hasTangent(x));
            assertFalse(level.hasTangent(y));
            assertFalse(level.hasTangent(x.exp()));
        }
    }

    @Test
    void nestedLevelsAreRefusedWithAClearMessage() {
        try (DualLevel level = Autograd.dualLevel()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, Autograd::dualLevel);
            assertTrue(e.getMessage().contains("nested forward mode"), e.getMessage());
        }
        try (DualLevel again = Autograd.dualLevel()) { // the first level's close made room
            assertNotNull(again);
        }
    }

    @Test
    void badTangentsAndForeignThreadsAreRefused() throws Exception {
        try (DualLevel level = Autograd.dualLevel()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> level.setTangent(t(1, 2), t(1, 2, 3)));
            assertTrue(e.getMessage().contains("[3]") && e.getMessage().contains("[2]"), e.getMessage());
            AtomicReference<Throwable> seen = new AtomicReference<>();
            Thread other = new Thread(() -> {
                try {
                    level.tangent(t(1));
                } catch (Throwable ex) {
                    seen.set(ex);
                }
            });
            other.start();
            other.join();
            assertInstanceOf(IllegalStateException.class, seen.get());
            assertTrue(seen.get().getMessage().contains("belongs to thread"), seen.get().getMessage());
        }
    }

    @Test
    void inPlaceChangesOfATensorWithATangentAreRefused() {
        Tensor x = t(1, 2);
        try (DualLevel level = Autograd.dualLevel()) {
            level.setTangent(x, t(1, 1));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> x.fillInPlace(0));
            assertTrue(e.getMessage().contains("forward-mode tangent"), e.getMessage());
        }
        x.fillInPlace(0); // allowed once the level is closed
    }
}
