package dev.tapegrad.nn;

import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;

/**
 * Multi-head self-attention with an optional gated output, the module form of
 * {@link Attention#selfAttention}: out = proj((heads of SDPA(x·W_qkvᵀ + b_qkv)) ⊙ σ(x·W_gᵀ)).
 *
 * <p>Parameters (PyTorch names and layouts):
 * <ul>
 * <li>{@code qkv.weight [3C, C]}, {@code qkv.bias [3C]}: one fused projection whose rows give Q, K, V in
 *     that order, the same layout as {@code torch.nn.MultiheadAttention}'s {@code in_proj_weight} and
 *     {@code in_proj_bias}.</li>
 * <li>{@code proj.weight [C, C]}, {@code proj.bias [C]}: the output projection ({@code out_proj}).</li>
 * <li>{@code gate.weight [C, C]}, only when gated: the elementwise, head-specific sigmoid gate of Qiu et al.
 *     (2025), applied to the concatenated head outputs before {@code proj}, without bias.</li>
 * </ul>
 * Every projection is a {@link Linear} with its default initialisation. There is no dropout.
 */
public final class MultiHeadAttention extends UnaryModule {
    private final int heads;
    private final Linear qkv;
    private final Linear proj;
    private final Linear gate;

    /** A float32 layer with biases, ungated. */
    public MultiHeadAttention(Generator gen, int embedDim, int heads) {
        this(gen, builder(embedDim, heads));
    }

    private MultiHeadAttention(Generator gen, Builder b) {
        int embedDim = b.embedDim, heads = b.heads;
        boolean bias = b.bias, gated = b.gated;
        DType dtype = b.dtype;
        if (embedDim <= 0 || heads <= 0 || embedDim % heads != 0) {
            throw new IllegalArgumentException("MultiHeadAttention: embedding size " + embedDim + " is not divisible into "
                    + heads + " heads");
        }
        this.heads = heads;
        this.qkv = child("qkv", Linear.builder(embedDim, 3 * embedDim).bias(bias).dtype(dtype).build(gen));
        this.proj = child("proj", Linear.builder(embedDim, embedDim).bias(bias).dtype(dtype).build(gen));
        this.gate = gated ? child("gate", Linear.builder(embedDim, embedDim).bias(false).dtype(dtype).build(gen)) : null;
    }

    /**
     * A builder of a layer of embedding size C = {@code embedDim} split into {@code heads} heads of size C/heads;
     * by default float32, with biases, ungated.
     */
    public static Builder builder(int embedDim, int heads) {
        return new Builder(embedDim, heads);
    }

    /** The optional settings of a {@link MultiHeadAttention} layer. */
    public static final class Builder {
        private final int embedDim, heads;
        private boolean bias = true, gated = false;
        private DType dtype = DType.FLOAT32;

        private Builder(int embedDim, int heads) {
            this.embedDim = embedDim;
            this.heads = heads;
        }

        /** Whether {@code qkv} and {@code proj} have biases (default true). */
        public Builder bias(boolean bias) {
            this.bias = bias;
            return this;
        }

        /** Whether to add the output gate {@code gate} (default false). */
        public Builder gated(boolean gated) {
            this.gated = gated;
            return this;
        }

        /** The dtype of the parameters (default float32). */
        public Builder dtype(DType dtype) {
            this.dtype = java.util.Objects.requireNonNull(dtype, "MultiHeadAttention: dtype");
            return this;
        }

        /** The layer, initialised from {@code gen}. */
        public MultiHeadAttention build(Generator gen) {
            return new MultiHeadAttention(gen, this);
        }
    }

    /** Number of heads. */
    public int heads() {
        return heads;
    }

    /** Whether the output gate is present. */
    public boolean isGated() {
        return gate != null;
    }

    /** Attention of every position to every position (no mask, not causal): {@code [..., T, C] → [..., T, C]}. */
    @Override
    public Tensor forward(Tensor x) {
        return forward(x, null, false);
    }

    /**
     * Self-attention of x {@code [..., T, C]} with a mask broadcastable to {@code [..., H, T, T]} (bool: true =
     * attend; float: added to the scores; null: none) and optionally causal; see {@link Attention}.
     */
    public Tensor forward(Tensor x, Tensor mask, boolean causal) {
        int c = qkv.weight().size(1);
        if (x.dim() < 2 || x.size(-1) != c) {
            throw new IllegalArgumentException("MultiHeadAttention: input of shape " + java.util.Arrays.toString(x.shape())
                    + " must be [..., T, " + c + "]");
        }
        return Attention.selfAttention(x, heads, qkv.weight(), qkv.bias(), proj.weight(), proj.bias(),
                gate == null ? null : gate.weight(), mask, causal);
    }
}
