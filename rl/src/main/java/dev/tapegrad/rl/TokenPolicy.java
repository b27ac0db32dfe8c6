package dev.tapegrad.rl;

import dev.tapegrad.Autograd;
import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import dev.tapegrad.nn.GptDecoder;
import dev.tapegrad.nn.Sampling;
import java.util.Arrays;

/**
 * A token policy π_θ(o_t | q, o_{&lt;t}) given by a {@link GptDecoder} and a sampling temperature τ:
 * <pre>
 *   π_θ(· | prefix) = softmax(z / τ),   z = the decoder's logits at the prefix's last position
 * </pre>
 * {@link #generate} draws completions (with top-k and top-p truncation on top, as
 * {@link Sampling#sample} does) without recording a tape; {@link #logProbs} gives the differentiable
 * log π_θ(o_t | q, o_{&lt;t}) of given completions. The log-probabilities are those of the tempered, untruncated
 * distribution softmax(z/τ) (as verl and trl compute them): with top-k/top-p on, they are not exactly the
 * probabilities the tokens were drawn with.
 *
 * <p>Prompts are int32 [N, P] (one length for the batch), completions int32 [N, T]. A completion ends at its
 * first EOS; positions after it hold PAD and are masked out ({@link #completionMask}). P + T must fit the
 * decoder's context.
 */
public final class TokenPolicy {

    /**
     * Sampling settings.
     *
     * @param temperature τ &gt; 0
     * @param topK        0 (off) or 1..V
     * @param topP        in (0, 1]; 1 = off
     */
    public record SamplingConfig(double temperature, int topK, double topP) {
        /** Validates τ and p (k is checked against the vocabulary by the policy). */
        public SamplingConfig {
            if (!(temperature > 0) || Double.isInfinite(temperature)) {
                throw new IllegalArgumentException("TokenPolicy: temperature must be finite and > 0, got " + temperature);
            }
            if (topK < 0) throw new IllegalArgumentException("TokenPolicy: topK must be ≥ 0 (0 = off), got " + topK);
            if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("TokenPolicy: topP must be in (0, 1], got " + topP);
        }

        /** Plain sampling from softmax(z): τ = 1, no truncation. */
        public static SamplingConfig plain() {
            return new SamplingConfig(1.0, 0, 1.0);
        }
    }

    private final GptDecoder decoder;
    private final SamplingConfig sampling;

    /** A policy over {@code decoder} with the given sampling settings. */
    public TokenPolicy(GptDecoder decoder, SamplingConfig sampling) {
        if (sampling.topK() > decoder.config().vocabSize()) {
            throw new IllegalArgumentException("TokenPolicy: topK " + sampling.topK() + " exceeds the vocabulary size "
                    + decoder.config().vocabSize());
        }
        this.decoder = decoder;
        this.sampling = sampling;
    }

    /** The decoder (its parameters are the policy's). */
    public GptDecoder decoder() {
        return decoder;
    }

    /** The sampling settings. */
    public SamplingConfig sampling() {
        return sampling;
    }

    /**
     * Completions and the log-probabilities they were drawn with.
     *
     * @param completions int32 [N, T], PAD after each row's first EOS
     * @param logProbs    [N, T], log softmax(z/τ)[o_t] evaluated while sampling (0 after EOS), in the decoder's dtype
     */
    public record Generation(Tensor completions, Tensor logProbs) {}

    /**
     * Draws one completion of at most {@code maxNewTokens} tokens per prompt row, without a tape. Token t of row i
     * is drawn from {@link Sampling#sample}(gen, z_{i,t}, τ, k, p), rows in order, so a seed fixes the result bit
     * for bit. After a row's first EOS its tokens are PAD; generation stops once every row has ended.
     *
     * @param prompts int32 [N, P]
     * @return completions int32 [N, maxNewTokens] and their sampling log-probabilities
     */
    public Generation generate(Generator gen, Tensor prompts, int maxNewTokens) {
        int n = checkPrompts("generate", prompts), p = prompts.size(1);
        checkContext("generate", p, maxNewTokens);
        int total = p + maxNewTokens;
        int[] seq = new int[n * total];
        int[] given = prompts.contiguous().toIntArray();
        for (int r = 0; r < n; r++) System.arraycopy(given, r * p, seq, r * total, p);
        double[] logp = new double[n * maxNewTokens];
        boolean[] ended = new boolean[n];
        int open = n;
        try (var scope = Autograd.noGrad()) {
            for (int len = p; len < total && open > 0; len++) {
                int[] prefix = new int[n * len];
                for (int r = 0; r < n; r++) System.arraycopy(seq, r * total, prefix, r * len, len);
                Tensor logits = decoder.forward(Tensor.of(prefix, n, len)).select(1, len - 1);
                int[] next = Sampling.sample(gen, logits, sampling.temperature(), sampling.topK(), sampling.topP()).toIntArray();
                double[] lp = logits.div(sampling.temperature()).logSoftmax(-1).toDoubleArray();
                int v = logits.size(1);
                for (int r = 0; r < n; r++) {
                    if (ended[r]) continue; // stays PAD (0)
                    seq[r * total + len] = next[r];
                    logp[r * maxNewTokens + len - p] = lp[r * v + next[r]];
                    if (next[r] == TokenVocabulary.EOS) {
                        ended[r] = true;
                        open--;
                    }
                }
            }
        }
        int[] out = new int[n * maxNewTokens];
        for (int r = 0; r < n; r++) System.arraycopy(seq, r * total + p, out, r * maxNewTokens, maxNewTokens);
        return new Generation(Tensor.of(out, n, maxNewTokens), Tensor.of(logp, n, maxNewTokens).to(decoder.config().dtype()));
    }

    /**
     * log π_θ(o_{i,t} | q_i, o_{i,&lt;t}) = log softmax(z_{i,t}/τ)[o_{i,t}], shape [N, T], in the decoder's dtype and
     * differentiable in its parameters (when a tape records). One forward pass over [q_i, o_{i,0..T−2}]: the
     * logits at position P−1+t predict completion token t. Values at positions after EOS are finite but
     * meaningless (mask them).
     *
     * @param prompts     int32 [N, P]
     * @param completions int32 [N, T], T ≥ 1
     */
    public Tensor logProbs(Tensor prompts, Tensor completions) {
        int n = checkPrompts("logProbs", prompts), p = prompts.size(1);
        if (completions.dtype() != DType.INT32 || completions.dim() != 2 || completions.size(0) != n || completions.size(1) < 1) {
            throw new IllegalArgumentException("TokenPolicy.logProbs: completions must be int32 [N, T] with N = " + n
                    + " and T ≥ 1, got " + completions.dtype() + " " + Arrays.toString(completions.shape()));
        }
        int t = completions.size(1);
        checkContext("logProbs", p, t);
        int len = p + t - 1;
        int[] input = new int[n * len];
        int[] q = prompts.contiguous().toIntArray(), o = completions.contiguous().toIntArray();
        for (int r = 0; r < n; r++) {
            System.arraycopy(q, r * p, input, r * len, p);
            System.arraycopy(o, r * t, input, r * len + p, t - 1);
        }
        Tensor logits = decoder.forward(Tensor.of(input, n, len)).slice(1, p - 1, len);
        if (sampling.temperature() != 1.0) logits = logits.div(sampling.temperature());
        return logits.logSoftmax(-1).gather(2, completions.unsqueeze(2)).squeeze(2);
    }

    /** m_{i,t} = 1 for the tokens of row i up to and including its first EOS, 0 after; [N, T] of {@code dtype}. */
    public static Tensor completionMask(Tensor completions, DType dtype) {
        int n = completions.size(0), t = completions.size(1);
        int[] o = completions.contiguous().toIntArray();
        double[] m = new double[n * t];
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < t; j++) {
                m[r * t + j] = 1;
                if (o[r * t + j] == TokenVocabulary.EOS) break;
            }
        }
        return Tensor.of(m, n, t).to(dtype);
    }

    private int checkPrompts(String op, Tensor prompts) {
        if (prompts.dtype() != DType.INT32 || prompts.dim() != 2 || prompts.size(0) < 1 || prompts.size(1) < 1) {
            throw new IllegalArgumentException("TokenPolicy." + op + ": prompts must be int32 [N, P] with N, P ≥ 1, got "
                    + prompts.dtype() + " " + Arrays.toString(prompts.shape()));
        }
        return prompts.size(0);
    }

    private void checkContext(String op, int p, int t) {
        if (t < 0 || p + t > decoder.config().contextLength()) {
            throw new IllegalArgumentException("TokenPolicy." + op + ": prompt length " + p + " + completion length " + t
                    + " must be ≤ the decoder's context " + decoder.config().contextLength() + " (and T ≥ 0)");
        }
    }
}
