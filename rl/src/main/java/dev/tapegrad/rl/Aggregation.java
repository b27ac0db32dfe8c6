package dev.tapegrad.rl;

import dev.tapegrad.Tensor;

/**
 * How per-token losses ℓ_{i,t} of B sequences become one scalar: the "token-mean vs sequence-mean" choice,
 * which changes the weight each token gets (see DAPO, arXiv 2503.14476, and Dr. GRPO, arXiv 2503.20783).
 *
 * <table>
 * <caption>modes (m = mask, |o_i| = Σ_t m_{i,t}, B' = number of non-empty sequences)</caption>
 * <tr><th>mode</th><th>formula</th><th>used by</th></tr>
 * <tr><td>{@link #tokenMean()}</td><td>Σ_i Σ_t m ℓ / Σ_i |o_i|</td><td>DAPO; verl/trl default</td></tr>
 * <tr><td>{@link #seqMeanTokenMean()}</td><td>(1/B') Σ_i (1/|o_i|) Σ_t m ℓ</td><td>original GRPO, GSPO, SAPO</td></tr>
 * <tr><td>{@link #seqMeanTokenSum()}</td><td>(1/B') Σ_i Σ_t m ℓ</td><td>verl</td></tr>
 * <tr><td>{@link #constantNormaliser(double)}</td><td>(1/(B'·L)) Σ_i Σ_t m ℓ, L a constant (the maximum
 * generation length)</td><td>Dr. GRPO: every token weighs the same whatever its sequence's length</td></tr>
 * </table>
 *
 * <p>Edge cases, defined the same way for every mode: an empty sequence contributes 0 and is not counted in
 * B'; an all-masked batch gives 0 with a zero gradient (never 0/0). Denominators are counts of the batch given,
 * so with gradient accumulation the caller scales by the number of micro-batches.
 */
public sealed interface Aggregation {

    /** Reduces per-token losses [B,T] under a 0/1 mask [B,T] to a scalar. */
    Tensor apply(Tensor perToken, Tensor mask);

    /** Σ_i Σ_t m ℓ / Σ_i |o_i| (DAPO's token-level loss). */
    static Aggregation tokenMean() {
        return Mode.TOKEN_MEAN;
    }

    /** (1/B') Σ_i (1/|o_i|) Σ_t m ℓ (the GRPO paper's sample-level loss). */
    static Aggregation seqMeanTokenMean() {
        return Mode.SEQ_MEAN_TOKEN_MEAN;
    }

    /** (1/B') Σ_i Σ_t m ℓ. */
    static Aggregation seqMeanTokenSum() {
        return Mode.SEQ_MEAN_TOKEN_SUM;
    }

    /** (1/(B'·L)) Σ_i Σ_t m ℓ with a constant L > 0 (Dr. GRPO: L = the maximum generation length). */
    static Aggregation constantNormaliser(double length) {
        return new ConstantNormaliser(length);
    }

    /** The three modes without a parameter, each a named reduction. */
    enum Mode implements Aggregation {
        /** Σ_i Σ_t m ℓ / Σ_i |o_i|. */
        TOKEN_MEAN("token-mean") {
            @Override
            public Tensor apply(Tensor perToken, Tensor mask) {
                return MaskedReductions.masked(perToken, mask).sum().div(Math.max(mask.sum().item(), 1.0));
            }
        },
        /** (1/B') Σ_i (1/|o_i|) Σ_t m ℓ. */
        SEQ_MEAN_TOKEN_MEAN("seq-mean-token-mean") {
            @Override
            public Tensor apply(Tensor perToken, Tensor mask) {
                return MaskedReductions.meanOverSequences(MaskedReductions.maskedMean(perToken, mask), mask);
            }
        },
        /** (1/B') Σ_i Σ_t m ℓ. */
        SEQ_MEAN_TOKEN_SUM("seq-mean-token-sum") {
            @Override
            public Tensor apply(Tensor perToken, Tensor mask) {
                return MaskedReductions.meanOverSequences(MaskedReductions.maskedSum(perToken, mask), mask);
            }
        };

        private final String label;

        Mode(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /**
     * Dr. GRPO's constant normaliser.
     *
     * @param length L, the constant every sequence's token sum is divided by
     */
    record ConstantNormaliser(double length) implements Aggregation {
        public ConstantNormaliser {
            if (!(length > 0) || Double.isInfinite(length)) {
                throw new IllegalArgumentException("Aggregation.constantNormaliser: L must be finite and > 0, got " + length);
            }
        }

        @Override
        public Tensor apply(Tensor perToken, Tensor mask) {
            return MaskedReductions.meanOverSequences(MaskedReductions.maskedSum(perToken, mask), mask).div(length);
        }

        @Override
        public String toString() {
            return "seq-mean-token-sum-norm(L=" + length + ")";
        }
    }
}
