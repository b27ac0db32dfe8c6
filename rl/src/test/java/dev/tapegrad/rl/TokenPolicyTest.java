package dev.tapegrad.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.Autograd;
import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import dev.tapegrad.nn.GptDecoder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TokenPolicyTest {

    static GptDecoder decoder(long seed) {
        return new GptDecoder(new Generator(seed),
                GptDecoder.Config.of(TokenVocabulary.SIZE, 16, 2, 2, 32));
    }

    private static Tensor prompts(int rows) {
        AnswerTask task = ToyTasks.reverseDigits(3, rows, 9);
        int p = task.promptLength();
        int[] all = new int[rows * p];
        for (int i = 0; i < rows; i++) System.arraycopy(task.prompt(i), 0, all, i * p, p);
        return Tensor.of(all, rows, p);
    }

    @Test
    void samplingIsReproducibleForASeed() {
        TokenPolicy policy = new TokenPolicy(decoder(1), new TokenPolicy.SamplingConfig(0.9, 12, 0.95));
        Tensor q = prompts(16);
        TokenPolicy.Generation a = policy.generate(new Generator(42), q, 8);
        TokenPolicy.Generation b = policy.generate(new Generator(42), q, 8);
        assertArrayEquals(a.completions().toIntArray(), b.completions().toIntArray());
        // Within one JVM the first call runs the kernels interpreted and later calls JIT-compiled; the Vector API's
        // compiled exp (and other vector math) rounds differently in the last bit, so log-probs agree to float precision here
        // (separate runs of the launcher, which uses -Xbatch, agree bit for bit).
        assertArrayEquals(a.logProbs().toFloatArray(), b.logProbs().toFloatArray(), 1e-5f);
        TokenPolicy.Generation c = policy.generate(new Generator(43), q, 8);
        assertFalse(Arrays.equals(a.completions().toIntArray(), c.completions().toIntArray()), "another seed, other tokens");
    }

    @Test
    void logProbsOfSampledTokensMatchTheDifferentiableOnes() {
        for (double temperature : new double[] {1.0, 0.7}) {
            GptDecoder dec = decoder(2);
            TokenPolicy policy = new TokenPolicy(dec, new TokenPolicy.SamplingConfig(temperature, 0, 1.0));
            Tensor q = prompts(12);
            TokenPolicy.Generation g = policy.generate(new Generator(5), q, 7);
            Tensor o = g.completions();
            Tensor mask = TokenPolicy.completionMask(o, DType.FLOAT32);
            Tensor constant;
            try (var scope = Autograd.noGrad()) {
                constant = policy.logProbs(q, o);
            }
            Tensor live = policy.logProbs(q, o);
            // The same forward pass with and without a tape: equal up to float32 rounding, not bit for bit, because
            // the Vector API's compiled exp (and other vector math) rounds differently in the last bit from the interpreted
            // ones and the two passes may run in different JIT tiers. A log-prob (|value| < 10) is a handful of
            // roundings (unit 6e-8) away from the other: 1e-5 is ~20 ulps of slack, while a real difference
            // (a recorded op changing values, a wrong token) moves it by far more.
            assertArrayEquals(constant.toFloatArray(), live.toFloatArray(), 1e-5f, "no-grad and recorded forward agree");
            float[] sampled = g.logProbs().toFloatArray(), full = live.toFloatArray(), m = mask.toFloatArray();
            for (int k = 0; k < m.length; k++) {
                if (m[k] == 0) {
                    assertEquals(0f, sampled[k], "no log-prob recorded after EOS");
                    continue;
                }
                assertTrue(sampled[k] <= 0);
                assertEquals(sampled[k], full[k], 2e-5, "token " + k + " at τ = " + temperature);
            }
            // the differentiable log-probs reach the decoder's parameters
            MaskedReductions.maskedSum(live, mask).sum().backward();
            assertTrue(dec.namedParameters().get("wte.weight").grad().abs().sum().item() > 0);
        }
    }

    @Test
    void logProbsAreNormalisedOverTheVocabulary() {
        TokenPolicy policy = new TokenPolicy(decoder(3), new TokenPolicy.SamplingConfig(0.5, 0, 1.0));
        Tensor q = prompts(1);
        int v = TokenVocabulary.SIZE;
        int[] each = new int[v];
        int[] rows = new int[v * q.size(1)];
        for (int i = 0; i < v; i++) {
            each[i] = i;
            System.arraycopy(q.toIntArray(), 0, rows, i * q.size(1), q.size(1));
        }
        Tensor lp = policy.logProbs(Tensor.of(rows, v, q.size(1)), Tensor.of(each, v, 1));
        assertEquals(1.0, lp.exp().sum().item(), 1e-5, "Σ_o π(o | q) = 1 at τ = 0.5");
    }

    @Test
    void masksStopAtTheFirstEos() {
        int e = TokenVocabulary.EOS;
        Tensor o = Tensor.of(new int[] {5, e, 0, 0, 5, 6, 7, 8, e, 0, 0, 0, 5, e, e, 9}, 4, 4);
        assertArrayEquals(new double[] {1, 1, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 0, 0},
                TokenPolicy.completionMask(o, DType.FLOAT64).toDoubleArray());
        TokenPolicy policy = new TokenPolicy(decoder(4), TokenPolicy.SamplingConfig.plain());
        Tensor generated = policy.generate(new Generator(1), prompts(32), 10).completions();
        int[] g = generated.toIntArray();
        double[] m = TokenPolicy.completionMask(generated, DType.FLOAT64).toDoubleArray();
        int ended = 0;
        for (int r = 0; r < 32; r++) {
            boolean seenEos = false;
            for (int t = 0; t < 10; t++) {
                int k = r * 10 + t;
                assertEquals(seenEos ? 0.0 : 1.0, m[k]);
                if (seenEos) assertEquals(TokenVocabulary.PAD, g[k], "PAD after EOS");
                if (g[k] == e && !seenEos) {
                    seenEos = true;
                    ended++;
                }
            }
        }
        assertTrue(ended > 0, "some rows ended");
    }

    @Test
    void refusesBadShapes() {
        TokenPolicy policy = new TokenPolicy(decoder(5), TokenPolicy.SamplingConfig.plain());
        assertThrows(IllegalArgumentException.class, () -> policy.generate(new Generator(0), prompts(2), 12), "5 + 12 > 16");
        assertThrows(IllegalArgumentException.class, () -> policy.logProbs(prompts(2), Tensor.zeros(DType.INT32, 3, 4)));
        assertThrows(IllegalArgumentException.class, () -> new TokenPolicy.SamplingConfig(0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new TokenPolicy(decoder(5), new TokenPolicy.SamplingConfig(1, 18, 1)));
    }
}
