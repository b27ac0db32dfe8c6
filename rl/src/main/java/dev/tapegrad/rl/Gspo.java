package dev.tapegrad.rl;

import dev.tapegrad.Tensor;

/**
 * GSPO, Group Sequence Policy Optimization (arXiv 2507.18071): one importance ratio per sequence, the
 * geometric mean of its token ratios, clipped at the sequence level.
 * <pre>
 *   s_i = (π_θ(o_i)/π_old(o_i))^{1/|o_i|} = exp((1/|o_i|) Σ_t m_{i,t} d_{i,t})
 *   loss = (1/B') Σ_{i non-empty} max(−Â_i·s_i, −Â_i·clip(s_i, 1 − ε_low, 1 + ε_high))
 * </pre>
 * Inside the clip band the gradient is −(1/B') Σ_i Â_i·s_i·(1/|o_i|) Σ_t ∇log π_θ(o_{i,t}). The mean of the
 * log-ratios is taken before the exp (log space); empty sequences are not counted. Per-token advantages are
 * reduced to one per sequence by their masked mean ({@link PolicyBatch#sequenceAdvantages()}); use
 * {@link Token} to keep them per token.
 *
 * @param epsLow  ε_low ∈ [0, 1] (paper: 3e-4)
 * @param epsHigh ε_high ≥ 0 (paper: 4e-4)
 */
public record Gspo(double epsLow, double epsHigh) implements PolicyObjective {

    public Gspo {
        ClippedSurrogate.checkEps("Gspo", epsLow, epsHigh);
    }

    /** The paper's ranges: ε_low = 3e-4, ε_high = 4e-4. */
    public static Gspo paper() {
        return new Gspo(3e-4, 4e-4);
    }

    /** log s_i = masked mean of d over sequence i, [B] (0 for an empty sequence). */
    public static Tensor logSequenceRatio(PolicyBatch batch) {
        return MaskedReductions.maskedMean(LogRatios.logRatio(batch), batch.mask());
    }

    @Override
    public Tensor loss(PolicyBatch batch) {
        Tensor s = logSequenceRatio(batch).exp();
        Tensor perSequence = ClippedSurrogate.clippedLoss(s, batch.sequenceAdvantages(), 1 - epsLow, 1 + epsHigh, Double.NaN);
        return MaskedReductions.meanOverSequences(perSequence, batch.mask());
    }

    /**
     * GSPO-token: the token ratio s_{i,t} = sg[s_i]·π_θ(o_{i,t})/sg[π_θ(o_{i,t})] has the value s_i and the
     * gradient s_i·∇log π_θ(o_{i,t}), so per-token advantages Â_{i,t} can be used:
     * <pre>
     *   ℓ_{i,t} = max(−Â_{i,t}·s_{i,t}, −Â_{i,t}·clip(s_{i,t}, 1 − ε_low, 1 + ε_high)),  sequence-mean of token-means
     * </pre>
     * With per-sequence advantages it equals {@link Gspo} in value and gradient.
     *
     * @param epsLow  ε_low ∈ [0, 1]
     * @param epsHigh ε_high ≥ 0
     */
    public record Token(double epsLow, double epsHigh) implements TokenObjective {

        public Token {
            ClippedSurrogate.checkEps("Gspo.Token", epsLow, epsHigh);
        }

        /** The paper's ranges: ε_low = 3e-4, ε_high = 4e-4. */
        public static Token paper() {
            return new Token(3e-4, 4e-4);
        }

        @Override
        public Tensor perTokenLoss(PolicyBatch batch) {
            Tensor logS = logSequenceRatio(batch).detach().unsqueeze(1);
            Tensor logP = MaskedReductions.masked(batch.logProbs(), batch.mask());
            Tensor s = logS.add(logP.sub(logP.detach())).exp(); // value s_i exactly: logP − sg(logP) = 0
            return ClippedSurrogate.clippedLoss(s, batch.tokenAdvantages(), 1 - epsLow, 1 + epsHigh, Double.NaN);
        }

        /** The sequence mean of token means (GSPO's 1/G Σ_i 1/|o_i| Σ_t). */
        @Override
        public Aggregation aggregation() {
            return Aggregation.seqMeanTokenMean();
        }
    }
}
