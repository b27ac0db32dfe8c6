package dev.tapegrad.nn;

import dev.tapegrad.Autograd;
import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A decoder-only transformer language model in the GPT-2 shape (Radford et al. 2019):
 * <pre>
 *   h₀     = wte[tokens] + wpe[0..T−1]
 *   hₗ     = blockₗ(hₗ₋₁)             causal pre-norm {@link TransformerBlock}s, l = 1..L
 *   logits = ln_f(h_L)·Wᵀ             W = head.weight [V, C], or wte.weight when tied
 * </pre>
 * Parameters: {@code wte.weight [V, C]}, {@code wpe.weight [contextLength, C]}, {@code blocks.N.*},
 * {@code ln_f.weight/bias} and, unless tied, {@code head.weight [V, C]} (no bias). With a tied head the
 * output projection is the token embedding itself (Press &amp; Wolf 2017) and there is no {@code head}
 * entry in the state dict. Embeddings are initialised N(0, 0.02²) as in GPT-2, linear layers as
 * {@link Linear}. There is no dropout.
 */
public final class GptDecoder extends Module {

    /**
     * The model's sizes.
     *
     * @param vocabSize     V, number of token ids
     * @param contextLength longest sequence the position embedding covers
     * @param layers        number of blocks L
     * @param heads         attention heads per block (dividing embedDim)
     * @param embedDim      embedding size C
     * @param gated         gated attention (see {@link MultiHeadAttention})
     * @param tiedHead      whether the output head reuses {@code wte.weight}
     * @param dtype         FLOAT32 or FLOAT64
     */
    public record Config(int vocabSize, int contextLength, int layers, int heads, int embedDim, boolean gated,
                         boolean tiedHead, DType dtype) {
        /** Validates the sizes. */
        public Config {
            if (vocabSize <= 0 || contextLength <= 0 || layers < 0 || heads <= 0 || embedDim <= 0 || embedDim % heads != 0) {
                throw new IllegalArgumentException("GptDecoder: invalid sizes vocabSize=" + vocabSize + ", contextLength="
                        + contextLength + ", layers=" + layers + ", heads=" + heads + ", embedDim=" + embedDim
                        + " (all positive, embedDim divisible by heads)");
            }
            if (dtype == null || !dtype.isFloating()) throw new IllegalArgumentException("GptDecoder: dtype must be floating, got " + dtype);
        }

        /** A float32 configuration with ungated attention and a separate output head; see the {@code with} methods. */
        public static Config of(int vocabSize, int contextLength, int layers, int heads, int embedDim) {
            return new Config(vocabSize, contextLength, layers, heads, embedDim, false, false, DType.FLOAT32);
        }

        /** This configuration with gated attention on or off. */
        public Config withGated(boolean on) {
            return new Config(vocabSize, contextLength, layers, heads, embedDim, on, tiedHead, dtype);
        }

        /** This configuration with the output head tied to {@code wte.weight} or not. */
        public Config withTiedHead(boolean on) {
            return new Config(vocabSize, contextLength, layers, heads, embedDim, gated, on, dtype);
        }

        /** This configuration with another dtype. */
        public Config withDtype(DType d) {
            return new Config(vocabSize, contextLength, layers, heads, embedDim, gated, tiedHead, d);
        }
    }

    private final Config config;
    private final Embedding wte;
    private final Embedding wpe;
    private final List<TransformerBlock> blocks = new ArrayList<>();
    private final UnaryModule lnF;
    private final Linear head;

    /** A model of the given configuration, initialised from {@code gen}. */
    public GptDecoder(Generator gen, Config config) {
        this.config = config;
        int c = config.embedDim();
        this.wte = child("wte", Embedding.builder(config.vocabSize(), c).dtype(config.dtype()).build(gen));
        Init.normal(gen, wte.weight(), 0, 0.02); // GPT-2's N(0, 0.02²) instead of nn.Embedding's N(0, 1)
        this.wpe = child("wpe", Embedding.builder(config.contextLength(), c).dtype(config.dtype()).build(gen));
        Init.normal(gen, wpe.weight(), 0, 0.02);
        Sequential list = child("blocks", new Sequential());
        for (int l = 0; l < config.layers(); l++) {
            TransformerBlock b = TransformerBlock.builder(c, config.heads()).causal(true).gated(config.gated())
                    .dtype(config.dtype()).build(gen);
            list.add(b);
            blocks.add(b);
        }
        this.lnF = child("ln_f", LayerNorm.builder(c).eps(1e-5).dtype(config.dtype()).build());
        this.head = config.tiedHead() ? null
                : child("head", Linear.builder(c, config.vocabSize()).bias(false).dtype(config.dtype()).build(gen));
    }

    /** The configuration. */
    public Config config() {
        return config;
    }

    /** Next-token logits {@code [B, T, V]} for int32 tokens {@code [B, T]}, T ≤ contextLength; logits[b, t] predicts token t + 1. */
    public Tensor forward(Tensor tokens) {
        checkTokens("forward", tokens);
        int t = tokens.size(1);
        Tensor h = wte.forward(tokens).add(wpe.forward(Tensor.arange(t)));
        for (TransformerBlock b : blocks) h = b.forward(h);
        h = lnF.forward(h);
        return h.matmul((head == null ? wte.weight() : head.weight()).t());
    }

    /**
     * Mean next-token cross-entropy: −(1/BT)·Σ_{b,t} log softmax(logits[b, t])[targets[b, t]], computed as
     * logSoftmax followed by gather. {@code targets} is int32 {@code [B, T]} like {@code tokens} (usually the
     * tokens shifted left by one).
     */
    public Tensor loss(Tensor tokens, Tensor targets) {
        Tensor logits = forward(tokens);
        checkTokens("loss", targets);
        if (!Arrays.equals(tokens.shape(), targets.shape())) {
            throw new IllegalArgumentException("GptDecoder.loss: targets of shape " + Arrays.toString(targets.shape())
                    + " must match tokens of shape " + Arrays.toString(tokens.shape()));
        }
        return logits.logSoftmax(-1).gather(-1, targets.unsqueeze(-1)).mean().neg();
    }

    /**
     * Autoregressive sampling without gradients: appends {@code maxNewTokens} tokens to each row of the int32
     * prompt {@code [B, T₀]} (T₀ ≥ 1, may exceed contextLength) and returns {@code [B, T₀ + maxNewTokens]}. Each step runs the model on the
     * last (at most contextLength) tokens and draws the next token from the last position's logits with
     * {@link Sampling#sample} (temperature, top-k, top-p, {@code gen}); the same seed gives the same tokens, and
     * temperature 0 is greedy decoding.
     */
    public Tensor generate(Generator gen, Tensor prompt, int maxNewTokens, double temperature, int topK, double topP) {
        checkTokens("generate", prompt, Integer.MAX_VALUE);
        if (maxNewTokens < 0) throw new IllegalArgumentException("GptDecoder.generate: maxNewTokens must be ≥ 0, got " + maxNewTokens);
        if (prompt.size(1) == 0) throw new IllegalArgumentException("GptDecoder.generate: the prompt must hold at least one token");
        Sampling.checkArguments(temperature, topK, topP, config.vocabSize());
        int b = prompt.size(0), t0 = prompt.size(1), total = t0 + maxNewTokens;
        int[] seq = new int[b * total];
        int[] p = prompt.contiguous().toIntArray();
        for (int r = 0; r < b; r++) System.arraycopy(p, r * t0, seq, r * total, t0);
        try (var scope = Autograd.noGrad()) {
            for (int len = t0; len < total; len++) {
                int start = Math.max(0, len - config.contextLength());
                int[] window = new int[b * (len - start)];
                for (int r = 0; r < b; r++) System.arraycopy(seq, r * total + start, window, r * (len - start), len - start);
                Tensor logits = forward(Tensor.of(window, b, len - start)).select(1, len - start - 1);
                int[] next = Sampling.sample(gen, logits, temperature, topK, topP).toIntArray();
                for (int r = 0; r < b; r++) seq[r * total + len] = next[r];
            }
        }
        return Tensor.of(seq, b, total);
    }

    private void checkTokens(String op, Tensor tokens) {
        checkTokens(op, tokens, config.contextLength());
    }

    private static void checkTokens(String op, Tensor tokens, int maxLength) {
        if (tokens.dtype() != DType.INT32 || tokens.dim() != 2 || tokens.size(1) > maxLength) {
            throw new IllegalArgumentException("GptDecoder." + op + ": need int32 tokens [B, T] with T ≤ " + maxLength
                    + ", got " + tokens.dtype() + " of shape " + Arrays.toString(tokens.shape()));
        }
    }
}
