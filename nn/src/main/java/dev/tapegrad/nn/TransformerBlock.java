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

    /**
     * A block of embedding size {@code embedDim} with {@code heads} heads.
     *
     * @param causal whether attention is causal (each position sees only itself and earlier ones)
     * @param gated  whether attention has the output gate of {@link MultiHeadAttention}
     */
    public TransformerBlock(Generator gen, int embedDim, int heads, boolean causal, boolean gated, DType dtype) {
        this.causal = causal;
        this.ln1 = child("ln1", new LayerNorm(new int[] {embedDim}, 1e-5, true, true, dtype));
        this.attn = child("attn", new MultiHeadAttention(gen, embedDim, heads, true, gated, dtype));
        this.ln2 = child("ln2", new LayerNorm(new int[] {embedDim}, 1e-5, true, true, dtype));
        this.mlp = child("mlp", new Sequential(new Linear(gen, embedDim, 4 * embedDim, true, dtype),
                ActivationModule.gelu(), new Linear(gen, 4 * embedDim, embedDim, true, dtype)));
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
