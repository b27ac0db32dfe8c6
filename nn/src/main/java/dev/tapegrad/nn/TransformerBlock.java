package dev.tapegrad.nn;

import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;

/**
 * A pre-norm transformer block (GPT-2 style, Radford et al. 2019; Xiong et al. 2020):
 * <pre>
 *   h   = x + attn(ln1(x))
 *   out = h + mlp(ln2(h)),   mlp(z) = W₂·GELU(W₁·z + b₁) + b₂,  W₁ of shape [4C, C]
 * </pre>
 * with GELU in its exact (erf) form and layer norms with eps = 1e-5. Parameters: {@code ln1.weight/bias},
 * {@code attn.*} (see {@link MultiHeadAttention}), {@code ln2.weight/bias}, {@code mlp.0.weight/bias} (W₁, b₁)
 * and {@code mlp.2.weight/bias} (W₂, b₂); {@code mlp.1} is the parameter-free GELU, as in a PyTorch
 * {@code nn.Sequential(Linear, GELU, Linear)}. There is no dropout.
 */
public final class TransformerBlock extends UnaryModule {
    private final boolean causal;
    private final UnaryModule ln1;
    private final MultiHeadAttention attn;
    private final UnaryModule ln2;
    private final Sequential mlp;

    /** A float32 block of embedding size {@code embedDim} with {@code heads} heads, not causal, ungated. */
    public TransformerBlock(Generator gen, int embedDim, int heads) {
        this(gen, builder(embedDim, heads));
    }

    private TransformerBlock(Generator gen, Builder b) {
        int embedDim = b.embedDim;
        DType dtype = b.dtype;
        this.causal = b.causal;
        this.ln1 = child("ln1", LayerNorm.builder(embedDim).eps(1e-5).dtype(dtype).build());
        this.attn = child("attn", MultiHeadAttention.builder(embedDim, b.heads).gated(b.gated).dtype(dtype).build(gen));
        this.ln2 = child("ln2", LayerNorm.builder(embedDim).eps(1e-5).dtype(dtype).build());
        this.mlp = child("mlp", new Sequential(Linear.builder(embedDim, 4 * embedDim).dtype(dtype).build(gen),
                ActivationModule.gelu(), Linear.builder(4 * embedDim, embedDim).dtype(dtype).build(gen)));
    }

    /** A builder of a block of embedding size {@code embedDim} with {@code heads} heads; by default float32, not causal, ungated. */
    public static Builder builder(int embedDim, int heads) {
        return new Builder(embedDim, heads);
    }

    /** The optional settings of a {@link TransformerBlock}. */
    public static final class Builder {
        private final int embedDim, heads;
        private boolean causal = false, gated = false;
        private DType dtype = DType.FLOAT32;

        private Builder(int embedDim, int heads) {
            this.embedDim = embedDim;
            this.heads = heads;
        }

        /** Whether attention is causal: each position sees only itself and earlier ones (default false). */
        public Builder causal(boolean causal) {
            this.causal = causal;
            return this;
        }

        /** Whether attention has the output gate of {@link MultiHeadAttention} (default false). */
        public Builder gated(boolean gated) {
            this.gated = gated;
            return this;
        }

        /** The dtype of the parameters (default float32). */
        public Builder dtype(DType dtype) {
            this.dtype = java.util.Objects.requireNonNull(dtype, "TransformerBlock: dtype");
            return this;
        }

        /** The block, initialised from {@code gen}. */
        public TransformerBlock build(Generator gen) {
            return new TransformerBlock(gen, this);
        }
    }

    /** The attention layer. */
    public MultiHeadAttention attention() {
        return attn;
    }

    /** The block applied to x {@code [..., T, C]} without a padding mask. */
    @Override
    public Tensor forward(Tensor x) {
        return forward(x, null);
    }

    /** The block applied to x {@code [..., T, C]}; {@code mask} as in {@link MultiHeadAttention#forward(Tensor, Tensor, boolean)}. */
    public Tensor forward(Tensor x, Tensor mask) {
        Tensor h = x.add(attn.forward(ln1.forward(x), mask, causal));
        return h.add(mlp.forward(ln2.forward(h)));
    }
}
