package dev.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.Autograd;
import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link GptDecoder}: memorising a sequence, causality, seeded generation, names and refused inputs. */
class GptDecoderTest {

    private static GptDecoder model(int vocab, int context, int layers, int embed, boolean gated, boolean tied, long seed) {
        return new GptDecoder(new Generator(seed),
                GptDecoder.Config.of(vocab, context, layers, 4, embed).withGated(gated).withTiedHead(tied));
    }

    /**
     * Plain Adam (Kingma &amp; Ba 2015) written out here, since nn must not depend on optim:
     * m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², p ← p − lr·m̂/(√v̂ + ε) with bias-corrected m̂, v̂.
     */
    private static final class Adam {
        private final List<Tensor> params;
        private final Map<Tensor, float[][]> moments = new HashMap<>();
        private final double lr;
        private int t;

        Adam(List<Tensor> params, double lr) {
            this.params = params;
            this.lr = lr;
        }

        void step() {
            t++;
            double b1 = 0.9, b2 = 0.999, c1 = 1 - Math.pow(b1, t), c2 = 1 - Math.pow(b2, t);
            try (var scope = Autograd.noGrad()) {
                for (Tensor p : params) {
                    float[] w = p.floatData(), g = p.grad().contiguous().toFloatArray();
                    float[][] mv = moments.computeIfAbsent(p, k -> new float[][] {new float[w.length], new float[w.length]});
                    for (int i = 0; i < w.length; i++) {
                        mv[0][i] = (float) (b1 * mv[0][i] + (1 - b1) * g[i]);
                        mv[1][i] = (float) (b2 * mv[1][i] + (1 - b2) * g[i] * g[i]);
                        w[i] -= (float) (lr * (mv[0][i] / c1) / (Math.sqrt(mv[1][i] / c2) + 1e-8));
                    }
                    p.markModified();
                }
            }
        }
    }

    private static final int[] SEQUENCE = {3, 7, 1, 12, 9, 0, 5, 14, 3};

    /**
     * V = 16, T = 8, 2 layers, C = 32, 4 heads: 40 steps of Adam (lr 1e-2) on one sequence take the loss from
     * about log 16 to a few thousandths, for the plain model and for the gated one with a tied head.
     */
    @Test
    void memorisesASequenceAndGreedyGenerationReproducesIt() {
        for (boolean gated : new boolean[] {false, true}) {
            GptDecoder gpt = model(16, 8, 2, 32, gated, gated, 5);
            Tensor tokens = Tensor.of(java.util.Arrays.copyOfRange(SEQUENCE, 0, 8), 1, 8);
            Tensor targets = Tensor.of(java.util.Arrays.copyOfRange(SEQUENCE, 1, 9), 1, 8);
            Adam adam = new Adam(gpt.parameters(), 1e-2);
            double first = Double.NaN, loss = Double.NaN;
            for (int step = 0; step < 40; step++) {
                gpt.zeroGrad();
                Tensor l = gpt.loss(tokens, targets);
                loss = l.item();
                if (step == 0) first = loss;
                l.backward();
                adam.step();
            }
            assertTrue(first > 2.0, "an untrained model is near log 16 ≈ 2.77, got " + first);
            assertTrue(loss < 0.01, "gated=" + gated + ": loss after training " + loss);
            // Greedy decoding from the first token replays the memorised sequence.
            Tensor out = gpt.generate(new Generator(0), Tensor.of(new int[] {SEQUENCE[0]}, 1, 1), 7, 0.0, 0, 1.0);
            assertArrayEquals(java.util.Arrays.copyOfRange(SEQUENCE, 0, 8), out.toIntArray());
            // So does sampling at a low temperature with a nucleus: the learnt distribution is peaked.
            Tensor sampled = gpt.generate(new Generator(1), Tensor.of(new int[] {SEQUENCE[0], SEQUENCE[0]}, 2, 1), 7, 0.5, 4, 0.9);
            assertArrayEquals(new int[] {3, 7, 1, 12, 9, 0, 5, 14, 3, 7, 1, 12, 9, 0, 5, 14}, sampled.toIntArray());
        }
    }

    @Test
    void generationIsDeterministicForASeedAndCropsToTheContext() {
        GptDecoder gpt = model(16, 4, 1, 16, false, false, 1);
        Tensor prompt = Tensor.of(new int[] {1, 2, 3, 4}, 2, 2);
        Tensor a = gpt.generate(new Generator(7), prompt, 6, 1.0, 0, 1.0);
        Tensor b = gpt.generate(new Generator(7), prompt, 6, 1.0, 0, 1.0);
        assertArrayEquals(new int[] {2, 8}, a.shape());
        assertArrayEquals(a.toIntArray(), b.toIntArray());
        assertArrayEquals(new int[] {1, 2}, a.slice(1, 0, 2).select(0, 0).contiguous().toIntArray()); // prompt kept
        boolean differs = false;
        for (long seed = 8; seed < 12 && !differs; seed++) {
            differs = !java.util.Arrays.equals(a.toIntArray(), gpt.generate(new Generator(seed), prompt, 6, 1.0, 0, 1.0).toIntArray());
        }
        assertTrue(differs, "other seeds should give other samples");
        assertArrayEquals(prompt.toIntArray(), gpt.generate(new Generator(0), prompt, 0, 1.0, 0, 1.0).toIntArray());
        // A prompt longer than the context: the model sees its last 4 tokens.
        Tensor longPrompt = Tensor.of(new int[] {9, 1, 2, 3, 4}, 1, 5);
        Tensor cropped = gpt.generate(new Generator(0), Tensor.of(new int[] {1, 2, 3, 4}, 1, 4), 1, 0.0, 0, 1.0);
        assertEquals(cropped.get(0, 4), gpt.generate(new Generator(0), longPrompt, 1, 0.0, 0, 1.0).get(0, 5));
    }

    @Test
    void logitsAtAPositionDoNotDependOnLaterTokens() {
        GptDecoder gpt = model(10, 6, 2, 16, true, false, 2);
        Tensor a = gpt.forward(Tensor.of(new int[] {1, 2, 3, 4, 5, 6}, 1, 6));
        Tensor b = gpt.forward(Tensor.of(new int[] {1, 2, 3, 9, 0, 8}, 1, 6));
        assertArrayEquals(a.slice(1, 0, 3).contiguous().toDoubleArray(), b.slice(1, 0, 3).contiguous().toDoubleArray());
        assertFalse(a.slice(1, 3, 4).allClose(b.slice(1, 3, 4), 1e-6, 1e-6));
    }

    @Test
    void lossIsTheMeanNegativeLogLikelihood() {
        GptDecoder gpt = model(7, 5, 1, 8, false, false, 3);
        Tensor tokens = Tensor.of(new int[] {1, 2, 3, 4, 5, 6, 0, 1}, 2, 4), targets = Tensor.of(new int[] {2, 3, 4, 5, 6, 0, 1, 2}, 2, 4);
        double[] logits = gpt.forward(tokens).toDoubleArray();
        int[] y = targets.toIntArray();
        double sum = 0;
        for (int r = 0; r < 8; r++) {
            double max = Double.NEGATIVE_INFINITY, z = 0;
            for (int v = 0; v < 7; v++) max = Math.max(max, logits[r * 7 + v]);
            for (int v = 0; v < 7; v++) z += Math.exp(logits[r * 7 + v] - max);
            sum += max + Math.log(z) - logits[r * 7 + y[r]];
        }
        assertEquals(sum / 8, gpt.loss(tokens, targets).item(), 1e-5);
    }

    @Test
    void parameterNamesFollowTheGptConvention() {
        List<String> untied = List.copyOf(model(5, 3, 1, 8, false, false, 0).namedParameters().keySet());
        assertEquals(List.of("wte.weight", "wpe.weight", "blocks.0.ln1.weight", "blocks.0.ln1.bias",
                "blocks.0.attn.qkv.weight", "blocks.0.attn.qkv.bias", "blocks.0.attn.proj.weight", "blocks.0.attn.proj.bias",
                "blocks.0.ln2.weight", "blocks.0.ln2.bias", "blocks.0.mlp.0.weight", "blocks.0.mlp.0.bias",
                "blocks.0.mlp.2.weight", "blocks.0.mlp.2.bias", "ln_f.weight", "ln_f.bias", "head.weight"), untied);
        var tied = model(5, 3, 2, 8, true, true, 0).namedParameters();
        assertFalse(tied.containsKey("head.weight"));
        assertTrue(tied.containsKey("blocks.1.attn.gate.weight"));
        assertArrayEquals(new int[] {5, 8}, tied.get("wte.weight").shape());
        assertArrayEquals(new int[] {3, 8}, tied.get("wpe.weight").shape());
    }

    private static void refused(String fragment, Runnable r) {
        var e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(fragment), () -> "message '" + e.getMessage() + "' lacks '" + fragment + "'");
    }

    @Test
    void badInputsAreRefused() {
        GptDecoder gpt = model(5, 3, 1, 8, false, false, 0);
        Tensor ok = Tensor.of(new int[] {1, 2}, 1, 2);
        refused("need int32 tokens [B, T] with T ≤ 3, got float32 of shape [1, 2]", () -> gpt.forward(Tensor.zeros(1, 2)));
        refused("got int32 of shape [1, 4]", () -> gpt.forward(Tensor.of(new int[] {1, 2, 3, 4}, 1, 4)));
        refused("got int32 of shape [2]", () -> gpt.forward(Tensor.of(new int[] {1, 2})));
        assertThrows(IndexOutOfBoundsException.class, () -> gpt.forward(Tensor.of(new int[] {1, 5}, 1, 2)));
        refused("targets of shape [1, 1]", () -> gpt.loss(ok, Tensor.of(new int[] {1}, 1, 1)));
        refused("maxNewTokens", () -> gpt.generate(new Generator(0), ok, -1, 1, 0, 1));
        refused("at least one token", () -> gpt.generate(new Generator(0), Tensor.of(new int[0], 1, 0), 1, 1, 0, 1));
        refused("temperature", () -> gpt.generate(new Generator(0), ok, 1, -1, 0, 1));
        refused("k must be in 0..V = 0..5", () -> gpt.generate(new Generator(0), ok, 1, 1, 6, 1));
        refused("invalid sizes", () -> GptDecoder.Config.of(5, 3, 1, 3, 8));
        refused("dtype must be floating", () -> GptDecoder.Config.of(5, 3, 1, 2, 8).withDtype(DType.INT32));
    }
}
