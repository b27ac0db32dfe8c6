package dev.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import org.junit.jupiter.api.Test;

/** {@link Sampling} on fixed logits: filtering rules, greedy decoding, draw frequencies, refused arguments. */
class GptSamplingTest {
    private static final double NEG = Double.NEGATIVE_INFINITY;

    private static Tensor logits(double... v) {
        return Tensor.of(v);
    }

    @Test
    void topKKeepsTheKLargest() {
        assertArrayEquals(new double[] {NEG, NEG, NEG, 5, 4}, Sampling.topK(logits(1, 3, 2, 5, 4), 2).toDoubleArray());
        assertArrayEquals(new double[] {NEG, NEG, NEG, 5, NEG}, Sampling.topK(logits(1, 3, 2, 5, 4), 1).toDoubleArray());
        // Ties at the k-th value all survive.
        assertArrayEquals(new double[] {3, 2, 2, NEG}, Sampling.topK(logits(3, 2, 2, 1), 2).toDoubleArray());
        // k = 0 (off) and k = V change nothing.
        assertArrayEquals(new double[] {1, 3, 2}, Sampling.topK(logits(1, 3, 2), 0).toDoubleArray());
        assertArrayEquals(new double[] {1, 3, 2}, Sampling.topK(logits(1, 3, 2), 3).toDoubleArray());
        // Row by row, dtype kept.
        Tensor two = Tensor.of(new float[] {1, 2, 3, 6, 5, 4}, 2, 3);
        Tensor f = Sampling.topK(two, 1);
        assertEquals(DType.FLOAT32, f.dtype());
        assertArrayEquals(new double[] {NEG, NEG, 3, 6, NEG, NEG}, f.toDoubleArray());
    }

    @Test
    void topPKeepsTheSmallestPrefixReachingP() {
        Tensor l = logits(Math.log(0.5), Math.log(0.2), Math.log(0.3)); // probabilities 0.5, 0.2, 0.3
        assertArrayEquals(new double[] {Math.log(0.5), NEG, NEG}, Sampling.topP(l, 0.4).toDoubleArray());
        assertArrayEquals(new double[] {Math.log(0.5), NEG, Math.log(0.3)}, Sampling.topP(l, 0.6).toDoubleArray());
        assertArrayEquals(new double[] {Math.log(0.5), NEG, Math.log(0.3)}, Sampling.topP(l, 0.79).toDoubleArray());
        assertArrayEquals(l.toDoubleArray(), Sampling.topP(l, 0.85).toDoubleArray());
        assertArrayEquals(l.toDoubleArray(), Sampling.topP(l, 1.0).toDoubleArray());
        // The most likely token survives any p; ties are broken by the lower index.
        assertArrayEquals(new double[] {NEG, 2, NEG}, Sampling.topP(logits(1, 2, 0), 1e-9).toDoubleArray());
        assertArrayEquals(new double[] {1, NEG}, Sampling.topP(logits(1, 1), 0.5).toDoubleArray());
    }

    @Test
    void temperatureZeroIsGreedy() {
        Tensor batch = Tensor.of(new double[] {0, 4, 4, 1, 9, -1, 2, 2, 2}, 3, 3);
        Tensor picks = Sampling.sample(new Generator(1), batch, 0, 0, 1);
        assertEquals(DType.INT32, picks.dtype());
        assertArrayEquals(new int[] {1, 1, 0}, picks.toIntArray()); // argmax, lowest index on ties
        Tensor one = Sampling.sample(new Generator(1), logits(0, 1, 5, 2), 0, 0, 1);
        assertArrayEquals(new int[0], one.shape());
        assertEquals(2, one.item());
    }

    /** Counts of n draws from one row. */
    private static int[] counts(Tensor l, double temperature, int k, double p, int n) {
        Tensor rows = l.reshape(1, -1).expand(n, l.size(0));
        int[] c = new int[l.size(0)];
        for (int i : Sampling.sample(new Generator(42), rows, temperature, k, p).toIntArray()) c[i]++;
        return c;
    }

    /** Asserts observed frequencies are within 5 standard deviations of the expected probabilities. */
    private static void assertFrequencies(double[] expected, int[] counts) {
        int n = java.util.Arrays.stream(counts).sum();
        for (int i = 0; i < expected.length; i++) {
            double sd = Math.sqrt(n * expected[i] * (1 - expected[i]));
            assertTrue(Math.abs(counts[i] - n * expected[i]) <= 5 * sd + 1e-9,
                    "token " + i + ": " + counts[i] + " draws of " + n + ", expected " + n * expected[i]);
        }
    }

    @Test
    void drawsFollowTheFilteredTemperedDistribution() {
        Tensor l = logits(Math.log(0.1), Math.log(0.2), Math.log(0.3), Math.log(0.4));
        int n = 20000;
        assertFrequencies(new double[] {0.1, 0.2, 0.3, 0.4}, counts(l, 1, 0, 1, n));
        // τ = 0.5 squares the probabilities before normalising: (1, 4, 9, 16)/30.
        assertFrequencies(new double[] {1 / 30.0, 4 / 30.0, 9 / 30.0, 16 / 30.0}, counts(l, 0.5, 0, 1, n));
        // Top-2 renormalises the two largest: 3/7, 4/7.
        assertFrequencies(new double[] {0, 0, 3 / 7.0, 4 / 7.0}, counts(l, 1, 2, 1, n));
        // Top-p 0.65: 0.4 + 0.3 = 0.7 ≥ 0.65, same nucleus.
        assertFrequencies(new double[] {0, 0, 3 / 7.0, 4 / 7.0}, counts(l, 1, 0, 0.65, n));
    }

    @Test
    void theSameSeedGivesTheSameDraws() {
        Tensor l = Tensor.randn(new Generator(3), DType.FLOAT32, 50, 10);
        int[] a = Sampling.sample(new Generator(9), l, 1.0, 5, 0.9).toIntArray();
        int[] b = Sampling.sample(new Generator(9), l, 1.0, 5, 0.9).toIntArray();
        int[] c = Sampling.sample(new Generator(10), l, 1.0, 5, 0.9).toIntArray();
        assertArrayEquals(a, b);
        assertTrue(!java.util.Arrays.equals(a, c), "another seed should change some of 50 draws");
    }

    private static void refused(String fragment, Runnable r) {
        var e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(fragment), () -> "message '" + e.getMessage() + "' lacks '" + fragment + "'");
    }

    @Test
    void invalidArgumentsAreRefused() {
        Tensor l = logits(1, 2, 3);
        Generator g = new Generator(0);
        refused("temperature", () -> Sampling.sample(g, l, -0.1, 0, 1));
        refused("temperature", () -> Sampling.sample(g, l, Double.NaN, 0, 1));
        refused("temperature", () -> Sampling.sample(g, l, Double.POSITIVE_INFINITY, 0, 1));
        refused("k must be in 0..V = 0..3", () -> Sampling.sample(g, l, 1, 4, 1));
        refused("k must be in", () -> Sampling.topK(l, -1));
        refused("p must be in (0, 1]", () -> Sampling.topP(l, 0));
        refused("p must be in (0, 1]", () -> Sampling.sample(g, l, 1, 0, 1.5));
        refused("p must be in (0, 1]", () -> Sampling.topP(l, Double.NaN));
        refused("contains NaN", () -> Sampling.sample(g, logits(1, Double.NaN), 1, 0, 1));
        refused("no finite entry", () -> Sampling.sample(g, logits(NEG, NEG), 0, 0, 1));
        refused("logits must be floating", () -> Sampling.sample(g, Tensor.of(new int[] {1, 2}), 1, 0, 1));
        refused("logits must be floating", () -> Sampling.topK(Tensor.zeros(2, 2, 2), 1));
    }

    /** A tiny positive temperature behaves like greedy decoding instead of overflowing to NaN. */
    @org.junit.jupiter.api.Test
    void tinyTemperaturePicksTheArgmax() {
        dev.tapegrad.Tensor logits = dev.tapegrad.Tensor.of(new double[] {1.0, 3.0, 2.0, -1.0}, 1, 4);
        for (long seed = 0; seed < 20; seed++) {
            dev.tapegrad.Tensor pick = Sampling.sample(new dev.tapegrad.Generator(seed), logits, 1e-300, 0, 1.0);
            org.junit.jupiter.api.Assertions.assertEquals(1, pick.toIntArray()[0]);
        }
    }
}
