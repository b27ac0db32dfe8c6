package dev.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.*;

import dev.tapegrad.Tensor;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The im2col index cache: bounded by the ints it holds, least recently used out first. */
class ConvIndexCacheTest {

    private static int[] ints(int n, int value) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, value);
        return a;
    }

    @Test
    void aHitReturnsTheSameTensorWithoutRebuilding() {
        Convolution.IndexCache cache = new Convolution.IndexCache(100);
        AtomicInteger builds = new AtomicInteger();
        Tensor a = cache.get("a", () -> { builds.incrementAndGet(); return ints(10, 1); });
        Tensor again = cache.get("a", () -> { builds.incrementAndGet(); return ints(10, 2); });
        assertSame(a, again);
        assertEquals(1, builds.get());
        assertArrayEquals(ints(10, 1), a.toIntArray());
    }

    @Test
    void theTotalStaysWithinTheBudgetDroppingTheLeastRecentlyUsed() {
        Convolution.IndexCache cache = new Convolution.IndexCache(100);
        cache.get("a", () -> ints(40, 1));
        cache.get("b", () -> ints(40, 2));
        cache.get("a", () -> ints(40, 9));            // a is now the most recently used
        cache.get("c", () -> ints(40, 3));            // 120 > 100: b goes
        assertEquals(80, cache.ints());
        assertEquals(2, cache.size());
        assertArrayEquals(ints(40, 1), cache.get("a", () -> ints(40, 9)).toIntArray(), "a was kept");
        assertArrayEquals(ints(40, 8), cache.get("b", () -> ints(40, 8)).toIntArray(), "b was rebuilt");
        for (int i = 0; i < 50; i++) {
            int n = 1 + i % 30;
            cache.get("k" + i, () -> ints(n, 0));
            assertTrue(cache.ints() <= 100, "over budget after " + i + ": " + cache.ints());
        }
    }

    @Test
    void anIndexLargerThanTheBudgetIsBuiltButNotKept() {
        Convolution.IndexCache cache = new Convolution.IndexCache(100);
        cache.get("small", () -> ints(10, 1));
        Tensor big = cache.get("big", () -> ints(101, 7));
        assertEquals(101, big.numel());
        assertEquals(10, cache.ints());
        assertEquals(1, cache.size());
    }

    @Test
    void convolutionsOfManySizesGiveTheSameValuesThroughTheCache() {
        // Each input length is a new geometry; a repeated length must give identical results from the cache.
        Tensor w = Tensor.of(new double[] {1, -2, 3}).reshape(1, 1, 3);
        for (int len = 3; len < 40; len++) {
            double[] x = new double[len];
            for (int i = 0; i < len; i++) x[i] = i * 0.5 - 1;
            Tensor xt = Tensor.of(x).reshape(1, 1, len);
            double[] first = Convolution.conv1d(xt, w, null, 1, 1, 1, 1).toDoubleArray();
            double[] second = Convolution.conv1d(xt, w, null, 1, 1, 1, 1).toDoubleArray();
            assertArrayEquals(first, second, 0.0);
            for (int j = 0; j < len; j++) {  // padding 1: y[j] = Σ_i w[i]·x[j + i − 1]
                double expected = 0;
                for (int i = 0; i < 3; i++) {
                    int at = j + i - 1;
                    if (at >= 0 && at < len) expected += new double[] {1, -2, 3}[i] * x[at];
                }
                assertEquals(expected, first[j], 1e-12);
            }
        }
    }
}
