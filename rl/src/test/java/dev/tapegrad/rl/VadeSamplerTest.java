package dev.tapegrad.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.Generator;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class VadeSamplerTest {

    @Test
    void posteriorUpdateAndDecayByHand() {
        VadeSampler s = new VadeSampler(3, 0.5);
        s.update(new int[] {0, 0, 0, 2}, new double[] {1, 1, 0, 0.25});
        assertEquals(3.0, s.alpha(0));
        assertEquals(2.0, s.beta(0));
        assertEquals(1.25, s.alpha(2));
        assertEquals(1.75, s.beta(2));
        assertEquals(1.0, s.alpha(1));
        s.update(new int[] {1}, new double[] {1});
        assertEquals(1 + 0.5 * 2, s.alpha(0)); // decayed toward 1, no new evidence
        assertEquals(1 + 0.5 * 1, s.beta(0));
        assertEquals(2.0, s.alpha(1));
        assertEquals(1.0, s.beta(1));
        assertEquals(1 + 0.5 * 0.25, s.alpha(2));
    }

    @Test
    void unseenPromptsDecayGeometricallyToThePrior() {
        VadeSampler s = new VadeSampler(2, 0.8);
        s.update(new int[] {0, 0, 0, 0, 0}, new double[] {1, 1, 1, 1, 0}); // α = 5, β = 2
        for (int k = 1; k <= 20; k++) {
            s.update(new int[] {1}, new double[] {0});
            assertEquals(1 + 4 * Math.pow(0.8, k), s.alpha(0), 1e-12);
            assertEquals(1 + 1 * Math.pow(0.8, k), s.beta(0), 1e-12);
        }
        VadeSampler none = new VadeSampler(1, 1.0);
        none.update(new int[] {0}, new double[] {1});
        none.update(new int[] {0}, new double[] {1});
        assertEquals(3.0, none.alpha(0), "λ = 1 keeps all evidence");
    }

    @Test
    void thompsonSamplingPrefersUncertainPrompts() {
        // prompt 0 always fails, 1 always succeeds, 2 succeeds half the time, 3 is unseen
        VadeSampler s = new VadeSampler(4, 1.0);
        for (int k = 0; k < 40; k++) s.update(new int[] {0, 1, 2}, new double[] {0, 1, k % 2});
        int[] first = new int[4];
        int[] inTop2 = new int[4];
        Generator gen = new Generator(11);
        for (int trial = 0; trial < 400; trial++) {
            int[] pick = s.sample(gen, 2);
            assertTrue(pick[0] != pick[1]);
            first[pick[0]]++;
            for (int p : pick) inTop2[p]++;
        }
        assertTrue(first[2] > 300, "the 50% prompt leads: " + Arrays.toString(first));
        assertTrue(inTop2[3] > 300, "the unseen (uncertain) prompt is the usual runner-up: " + Arrays.toString(inTop2));
        assertTrue(inTop2[0] + inTop2[1] < 100, "solved and hopeless prompts are rarely picked: " + Arrays.toString(inTop2));
    }

    @Test
    void betaDrawsHaveTheRightMoments() {
        Generator gen = new Generator(5);
        for (double[] ab : new double[][] {{2, 5}, {0.5, 0.5}, {30, 10}}) {
            double a = ab[0], b = ab[1], n = 20000, sum = 0, sq = 0;
            for (int i = 0; i < n; i++) {
                double x = VadeSampler.sampleBeta(a, b, gen);
                assertTrue(x >= 0 && x <= 1);
                sum += x;
                sq += x * x;
            }
            double mean = sum / n, var = sq / n - mean * mean;
            double trueMean = a / (a + b), trueVar = a * b / ((a + b) * (a + b) * (a + b + 1));
            assertEquals(trueMean, mean, 4 * Math.sqrt(trueVar / n), Arrays.toString(ab));
            assertEquals(trueVar, var, 0.05 * trueVar, Arrays.toString(ab));
        }
    }

    @Test
    void samplingIsReproducibleAndChecksItsArguments() {
        VadeSampler s = VadeSampler.withDefaults(10);
        assertArrayEquals(s.sample(new Generator(3), 4), s.sample(new Generator(3), 4));
        assertThrows(IllegalArgumentException.class, () -> s.sample(new Generator(3), 11));
        assertThrows(IllegalArgumentException.class, () -> s.update(new int[] {0}, new double[] {1.5}));
        assertThrows(IndexOutOfBoundsException.class, () -> s.update(new int[] {10}, new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> new VadeSampler(3, 0));
    }

    @Test
    void uniformSamplerDrawsDistinctPromptsAndCoversThePool() {
        PromptSampler u = PromptSampler.uniform(6);
        Generator gen = new Generator(2);
        int[] counts = new int[6];
        for (int trial = 0; trial < 600; trial++) {
            int[] pick = u.sample(gen, 3);
            assertEquals(3, Arrays.stream(pick).distinct().count());
            for (int p : pick) counts[p]++;
        }
        for (int c : counts) assertTrue(c > 240 && c < 360, Arrays.toString(counts)); // expected 300 each
    }

    @Test
    void stateRoundTripsAndIsChecked() {
        VadeSampler v = new VadeSampler(3, 0.5);
        v.update(new int[] {0, 0, 2}, new double[] {1, 0.25, 0});
        double[] state = v.stateDict();
        assertEquals(6, state.length);
        VadeSampler w = new VadeSampler(3, 0.5);
        w.loadStateDict(state);
        for (int i = 0; i < 3; i++) {
            assertEquals(v.alpha(i), w.alpha(i));
            assertEquals(v.beta(i), w.beta(i));
        }
        assertThrows(IllegalArgumentException.class, () -> w.loadStateDict(new double[4]));
        assertThrows(IllegalArgumentException.class, () -> w.loadStateDict(new double[] {1, 1, 1, 1, 1, -1}));
        assertThrows(IllegalArgumentException.class,
                () -> PromptSampler.uniform(3).loadStateDict(new double[1]));
        assertEquals(0, PromptSampler.uniform(3).stateDict().length);
    }
}
