package dev.tapegrad;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** {@link MemoryScope} and its pool: reuse, release, what survives, and bit-identical training. */
class MemoryScopeTest {

    /** A float32 vector of an unusual length, so that no other test's arrays share its pool list. */
    private static Tensor vector(int seed, int n) {
        return Tensor.randn(new Generator(seed), n);
    }

    @Test
    void arraysAreReusedAcrossScopesAndHandedOutZeroed() {
        Tensor x = vector(1, 1237);
        float[] first;
        try (var scope = MemoryScope.open()) {
            first = x.mul(2.0).floatData();
        }
        try (var scope = MemoryScope.open()) {
            Tensor y = x.mul(3.0);
            assertTrue(first == y.floatData(), "the second scope reuses the first scope's array");
            float[] xs = x.toFloatArray();
            for (int i = 0; i < xs.length; i++) assertEquals(xs[i] * 3f, y.floatData()[i]);
        }
        try (var scope = MemoryScope.open()) {
            Tensor z = Tensor.zeros(1237);
            assertTrue(first == z.floatData());
            for (float v : z.floatData()) assertEquals(0f, v, "a reused array is zero-filled");
        }
    }

    @Test
    void float64AndFloat32ArraysAreKeptApart() {
        Tensor x = vector(2, 1239);
        float[] f;
        try (var scope = MemoryScope.open()) {
            f = x.add(1.0).floatData();
        }
        try (var scope = MemoryScope.open()) {
            Tensor d = x.to(DType.FLOAT64);
            assertEquals(1239, d.doubleData().length);
            assertTrue(f == x.add(1.0).floatData());
        }
    }

    @Test
    void releasedTensorsFailNamingTheOpAndTheCure() {
        Tensor x = vector(3, 1241);
        Tensor y, view;
        try (var scope = MemoryScope.open()) {
            y = x.add(1.0);
            view = y.reshape(17, 73);
            assertEquals(x.get(5) + 1, y.get(5), 1e-6); // live inside the scope
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.add(1.0));
        assertTrue(e.getMessage().startsWith("'add'"), e.getMessage());
        assertTrue(e.getMessage().contains("MemoryScope closed"), e.getMessage());
        assertTrue(e.getMessage().contains("MemoryScope.keep"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> view.sum());
        assertThrows(IllegalStateException.class, y::toFloatArray);
        assertThrows(IllegalStateException.class, () -> y.get(0));
        assertThrows(IllegalStateException.class, () -> x.matmul(view.reshape(1241)));
        assertArrayEquals(new int[] {1241}, y.shape(), "the shape stays readable");
    }

    @Test
    void backwardThroughAClosedScopeFailsClearly() {
        Tensor w = vector(4, 1243).requiresGrad(true);
        Tensor loss;
        try (var scope = MemoryScope.open()) {
            Tensor z = w.exp();
            loss = MemoryScope.keep(z.mul(z).sum());
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("'backward'") && e.getMessage().contains("MemoryScope closed"), e.getMessage());
    }

    @Test
    void outsideTensorsKeptTensorsAndLeafGradientsSurvive() {
        Tensor w = vector(5, 1245).requiresGrad(true);
        Tensor kept, index, mask, sq;
        try (var scope = MemoryScope.open()) {
            sq = w.mul(w);
            kept = MemoryScope.keep(w.mul(2.0).detach());
            index = MemoryScope.keep(w.gt(0.0));
            mask = w.lt(0.0);
            sq.sum().backward();
        }
        assertThrows(IllegalStateException.class, sq::sum);
        assertThrows(IllegalStateException.class, mask::toIntArray, "bool tensors are pooled too");
        float[] ws = w.toFloatArray(), g = w.grad().toFloatArray(), k = kept.toFloatArray();
        for (int i = 0; i < ws.length; i++) {
            assertEquals(2 * ws[i], g[i], "d(Σw²)/dw = 2w survives the scope");
            assertEquals(2 * ws[i], k[i]);
        }
        assertEquals(ws[0] > 0 ? 1 : 0, index.toIntArray()[0]);
    }

    @Test
    void leafGradientsReturnToThePoolAtZeroGrad() {
        Tensor w = vector(6, 1247).requiresGrad(true);
        Tensor old = null;
        long missesAfterWarmUp = 0;
        for (int step = 0; step < 4; step++) {
            if (step == 2) missesAfterWarmUp = BufferPool.misses();
            try (var scope = MemoryScope.open()) {
                if (step == 3) old = w.grad();
                w.zeroGrad();
                w.mul(w).sum().backward();
            }
            float[] ws = w.toFloatArray(), g = w.grad().toFloatArray();
            for (int i = 0; i < ws.length; i++) assertEquals(2 * ws[i], g[i]);
        }
        assertEquals(missesAfterWarmUp, BufferPool.misses(), "steady state: every array comes from the pool");
        Tensor stale = old;
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> stale.mul(1.0));
        assertTrue(e.getMessage().contains("zeroGrad()"), e.getMessage());
        w.zeroGrad();
    }

    @Test
    void trainingGivesBitIdenticalLossesAndWeightsWithAndWithoutScopes() {
        double[] plain = new double[6], scoped = new double[6];
        long[] misses = new long[7];
        Tensor[] p1 = train(plain, false, misses);
        Tensor[] p2 = train(scoped, true, misses);
        assertEquals(misses[2], misses[6], "from the third step on, every array comes from the pool");
        // Equal to float32 rounding: the two runs may execute the kernels in different JIT tiers, whose exp and
        // lane sums differ in the last bit; a pooled buffer that leaked old values would be off by O(1).
        assertArrayEquals(plain, scoped, 1e-5);
        for (int i = 0; i < p1.length; i++) assertArrayEquals(p1[i].toFloatArray(), p2[i].toFloatArray(), 1e-5f);
    }

    /**
     * A 2-layer MLP on fixed data, trained by SGD; records the losses and the pool's miss count before each
     * step and at the end, and returns the parameters.
     */
    private static Tensor[] train(double[] losses, boolean scoped, long[] misses) {
        Generator gen = new Generator(7);
        Tensor w1 = Tensor.randn(gen, 13, 24).mul(0.3).requiresGrad(true);
        Tensor b1 = Tensor.zeros(24).requiresGrad(true);
        Tensor w2 = Tensor.randn(gen, 24, 5).mul(0.3).requiresGrad(true);
        Tensor x = Tensor.randn(gen, 9, 13);
        Tensor y = Tensor.randint(gen, 0, 5, 9, 1);
        Tensor[] params = {w1, b1, w2};
        for (int step = 0; step < losses.length; step++) {
            misses[step] = BufferPool.misses();
            MemoryScope scope = scoped ? MemoryScope.open() : null;
            try {
                for (Tensor p : params) p.zeroGrad();
                Tensor logp = x.matmul(w1).add(b1).relu().matmul(w2).logSoftmax(1);
                Tensor loss = logp.gather(1, y).mean().neg();
                loss.backward();
                losses[step] = loss.item();
                try (var ng = Autograd.noGrad()) {
                    for (Tensor p : params) p.addInPlace(p.grad(), -0.5);
                }
            } finally {
                if (scope != null) scope.close();
            }
        }
        misses[losses.length] = BufferPool.misses();
        return params;
    }

    @Test
    void threadsUseTheSharedPoolWithoutSeeingEachOthersData() throws Exception {
        double[] reference = new double[6];
        train(reference, false, new long[7]);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Callable<double[]> job = () -> {
                double[] out = new double[6];
                for (int round = 0; round < 5; round++) train(out, true, new long[7]);
                return out;
            };
            Future<double[]> a = pool.submit(job), b = pool.submit(job);
            // to float32 rounding (JIT tiers, see above); another thread's data would be off by O(1)
            assertArrayEquals(reference, a.get(), 1e-5);
            assertArrayEquals(reference, b.get(), 1e-5);
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void aScopeOwnsOnlyItsThreadsAllocations() throws Exception {
        Tensor x = vector(8, 1249);
        Tensor other;
        try (var scope = MemoryScope.open()) {
            ExecutorService ex = Executors.newSingleThreadExecutor();
            try {
                other = ex.submit(() -> x.mul(2.0)).get();
            } finally {
                ex.shutdown();
            }
        }
        assertEquals(2 * x.get(3), other.get(3), 1e-6, "allocated on another thread: not in this scope");
    }

    @Test
    void scopesCloseInOrderOnTheirOwnThread() throws Exception {
        MemoryScope outer = MemoryScope.open();
        MemoryScope inner = MemoryScope.open();
        try {
            assertThrows(IllegalStateException.class, outer::close);
            Thread t = new Thread(() -> assertThrows(IllegalStateException.class, inner::close));
            t.start();
            t.join();
            Tensor a = vector(9, 1251).add(1.0);
            inner.close();
            assertThrows(IllegalStateException.class, a::sum, "the inner scope released its allocation");
        } finally {
            inner.close();
            outer.close();
        }
        assertNull(MemoryScope.current());
    }

    @Test
    void thePoolIsBoundedByItsLimit() {
        long limit = MemoryScope.poolLimit();
        Tensor x = vector(10, 1253);
        try {
            MemoryScope.setPoolLimit(0);
            assertEquals(0, MemoryScope.pooledBytes());
            float[] first;
            try (var scope = MemoryScope.open()) {
                first = x.mul(2.0).floatData();
            }
            assertEquals(0, MemoryScope.pooledBytes(), "nothing is kept beyond the limit");
            try (var scope = MemoryScope.open()) {
                assertTrue(first != x.mul(2.0).floatData());
            }
        } finally {
            MemoryScope.setPoolLimit(limit);
        }
    }
}
