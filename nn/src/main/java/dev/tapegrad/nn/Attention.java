package dev.tapegrad.nn;

import dev.tapegrad.DType;
import dev.tapegrad.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Attention as functions of tensors (like {@code torch.nn.functional}); {@link MultiHeadAttention} is the
 * module that owns the weights and calls {@link #selfAttention}.
 *
 * <p><b>Masks.</b> A mask broadcasts against the scores {@code [..., Tq, Tk]}. A <em>bool</em> mask says
 * which keys a query may attend to (true = attend, PyTorch's {@code scaled_dot_product_attention}
 * convention); the other scores become −∞ before the softmax. A <em>floating</em> mask is added to the
 * scores (0 to keep, −∞ or a large negative number to block). {@link #causalMask} and
 * {@link #paddingMask} build the two common bool masks.
 *
 * <p><b>Fully masked rows.</b> A query that may attend to no key at all (every score −∞, e.g. a padding
 * query under a causal and padding mask) has no defined softmax; instead of NaN it gets all-zero
 * attention weights, hence a zero output row and zero gradients through that row (PyTorch's explicit
 * softmax gives NaN there). Rows with at least one allowed key are untouched by this rule.
 */
public final class Attention {
    private Attention() {}

    /**
     * Scaled dot-product attention (Vaswani et al. 2017, "Attention Is All You Need"):
     * out = softmax(Q·Kᵀ/√d + M)·V, with M the mask as described in the {@linkplain Attention class notes}.
     *
     * @param q      queries {@code [..., Tq, d]}
     * @param k      keys {@code [..., Tk, d]}
     * @param v      values {@code [..., Tk, dv]}; leading axes of q, k, v broadcast
     * @param mask   {@code null}, a bool mask (true = attend) or a float mask added to the scores, broadcastable
     *               to {@code [..., Tq, Tk]}
     * @param causal whether query i may only attend to keys j ≤ i (see {@link #causalMask})
     * @return {@code [..., Tq, dv]}
     */
    public static Tensor scaledDotProduct(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal) {
        if (v.dim() < 2 || k.dim() < 2 || v.size(-2) != k.size(-2)) {
            throw new IllegalArgumentException("scaledDotProduct: values of shape " + str(v) + " must be [..., Tk, dv] with Tk"
                    + " matching the keys of shape " + str(k));
        }
        return weights(q, k, mask, causal).matmul(v);
    }

    /**
     * The attention weights P = softmax(Q·Kᵀ/√d + M) over the last axis, {@code [..., Tq, Tk]}; rows with no
     * allowed key are zero (see the {@linkplain Attention class notes}). {@link #scaledDotProduct} is P·V.
     */
    public static Tensor weights(Tensor q, Tensor k, Tensor mask, boolean causal) {
        if (q.dim() < 2 || k.dim() < 2 || q.size(-1) != k.size(-1)) {
            throw new IllegalArgumentException("scaledDotProduct: queries of shape " + str(q) + " and keys of shape " + str(k)
                    + " must be [..., Tq, d] and [..., Tk, d] with the same d");
        }
        if (!q.dtype().isFloating() || q.dtype() != k.dtype()) {
            throw new IllegalArgumentException("scaledDotProduct: queries and keys must share a floating dtype, got "
                    + q.dtype() + " and " + k.dtype());
        }
        int tq = q.size(-2), tk = k.size(-2);
        Tensor scores = q.matmul(k.transpose(-2, -1)).mul(1.0 / Math.sqrt(q.size(-1)));
        if (mask != null) {
            int[] target = scores.shape();
            if (!broadcastsTo(mask.shape(), target)) {
                throw new IllegalArgumentException("scaledDotProduct: mask of shape " + str(mask)
                        + " does not broadcast to the scores of shape " + str(scores));
            }
            if (mask.dtype() == DType.BOOL) scores = scores.maskedFill(mask.eq(0.0), Double.NEGATIVE_INFINITY);
            else if (mask.dtype() == scores.dtype()) scores = scores.add(mask);
            else throw new IllegalArgumentException("scaledDotProduct: mask must be bool or " + scores.dtype() + ", got " + mask.dtype());
        }
        if (causal) scores = scores.maskedFill(causalMask(tq, tk).eq(0.0), Double.NEGATIVE_INFINITY);
        return softmaxOrZero(scores);
    }

    /**
     * Softmax over the last axis, except that a row whose scores are all −∞ gives zeros instead of NaN: such
     * rows are replaced by zeros (a finite, uniform softmax) and the result is then zeroed there, so neither
     * values nor gradients see a NaN.
     */
    private static Tensor softmaxOrZero(Tensor scores) {
        Tensor dead = scores.detach().max(new int[] {-1}, true).eq(Double.NEGATIVE_INFINITY);
        Tensor finite = scores.maskedFill(dead, 0.0);
        return finite.softmax(-1).maskedFill(dead, 0.0);
    }

    /** The causal mask, bool {@code [Tq, Tk]}: true where key j ≤ query i (top-left aligned, like {@code torch.tril}). */
    public static Tensor causalMask(int tq, int tk) {
        if (tq < 0 || tk < 0) throw new IllegalArgumentException("causalMask: sizes must be non-negative, got " + tq + ", " + tk);
        return Tensor.arange(tq).unsqueeze(1).ge(Tensor.arange(tk).unsqueeze(0));
    }

    /**
     * A key-padding mask from per-token validity: {@code valid} is {@code [B, Tk]} (bool, or int32 with 1 for a
     * real token and 0 for padding, as Hugging Face's {@code attention_mask}); the result is bool
     * {@code [B, 1, 1, Tk]}, which broadcasts over heads and queries of scores {@code [B, H, Tq, Tk]}.
     */
    public static Tensor paddingMask(Tensor valid) {
        if (valid.dim() != 2 || valid.dtype().isFloating()) {
            throw new IllegalArgumentException("paddingMask: need a bool or int32 [B, T] tensor, got " + valid.dtype()
                    + " of shape " + str(valid));
        }
        return valid.ne(0.0).reshape(valid.size(0), 1, 1, valid.size(1));
    }

    /**
     * Multi-head self-attention with an optional output gate (the layer of {@link MultiHeadAttention}).
     *
     * <p>With x of shape {@code [..., T, C]}, H heads of size d = C/H:
     * <ol>
     * <li>[Q | K | V] = x·W_qkvᵀ + b_qkv, W_qkv of shape {@code [3C, C]} (rows 0..C−1 give Q, then K, then V:
     *     PyTorch's {@code in_proj_weight} layout); each of Q, K, V is split into heads,
     *     channels h·d..(h+1)·d−1 forming head h: {@code [..., H, T, d]}.</li>
     * <li>Yₕ = {@link #scaledDotProduct}(Qₕ, Kₕ, Vₕ, mask, causal), heads concatenated back to
     *     {@code [..., T, C]}.</li>
     * <li>Gated attention (Qiu et al. 2025, "Gated Attention for Large Language Models", variant G1
     *     elementwise): Y' = Y ⊙ σ(x·W_gᵀ) with W_g of shape {@code [C, C]} and no bias. Gate channel
     *     h·d + i multiplies channel i of head h, so each head has its own gate computed from the layer's
     *     input (the pre-normed hidden state in a {@link TransformerBlock}). Skipped when W_g is null.</li>
     * <li>out = Y'·W_projᵀ + b_proj.</li>
     * </ol>
     *
     * @param x          input {@code [..., T, C]}
     * @param heads      number of heads H (dividing C)
     * @param qkvWeight  W_qkv {@code [3C, C]}
     * @param qkvBias    b_qkv {@code [3C]}, or null
     * @param projWeight W_proj {@code [C, C]}
     * @param projBias   b_proj {@code [C]}, or null
     * @param gateWeight W_g {@code [C, C]}, or null for no gate
     * @param mask       bool or float mask broadcastable to {@code [..., H, T, T]} (e.g. {@link #paddingMask}), or null
     * @param causal     whether position i may only attend to positions j ≤ i
     * @return {@code [..., T, C]}
     */
    public static Tensor selfAttention(Tensor x, int heads, Tensor qkvWeight, Tensor qkvBias, Tensor projWeight,
                                       Tensor projBias, Tensor gateWeight, Tensor mask, boolean causal) {
        if (x.dim() < 2) throw new IllegalArgumentException("selfAttention: input of shape " + str(x) + " must be [..., T, C]");
        int c = x.size(-1);
        if (heads <= 0 || c % heads != 0) {
            throw new IllegalArgumentException("selfAttention: embedding size " + c + " is not divisible into " + heads + " heads");
        }
        requireShape("qkv weight", qkvWeight, 3 * c, c);
        requireShape("proj weight", projWeight, c, c);
        if (qkvBias != null) requireShape("qkv bias", qkvBias, 3 * c);
        if (projBias != null) requireShape("proj bias", projBias, c);
        if (gateWeight != null) requireShape("gate weight", gateWeight, c, c);

        List<Tensor> qkv = linear(x, qkvWeight, qkvBias).chunk(3, -1);
        Tensor y = scaledDotProduct(splitHeads(qkv.get(0), heads), splitHeads(qkv.get(1), heads),
                splitHeads(qkv.get(2), heads), mask, causal);
        y = mergeHeads(y);
        if (gateWeight != null) y = y.mul(linear(x, gateWeight, null).sigmoid());
        return linear(y, projWeight, projBias);
    }

    /** x·Wᵀ + b. */
    private static Tensor linear(Tensor x, Tensor w, Tensor b) {
        Tensor y = x.matmul(w.t());
        return b == null ? y : y.add(b);
    }

    /** [..., T, C] → [..., H, T, C/H]. */
    private static Tensor splitHeads(Tensor x, int heads) {
        int[] s = x.shape();
        int[] split = Arrays.copyOf(s, s.length + 1);
        split[s.length - 1] = heads;
        split[s.length] = s[s.length - 1] / heads;
        return x.reshape(split).transpose(-3, -2);
    }

    /** [..., H, T, d] → [..., T, H·d]. */
    private static Tensor mergeHeads(Tensor y) {
        Tensor t = y.transpose(-3, -2);
        int[] s = t.shape();
        int[] merged = Arrays.copyOf(s, s.length - 1);
        merged[s.length - 2] = s[s.length - 2] * s[s.length - 1];
        return t.reshape(merged);
    }

    private static void requireShape(String what, Tensor t, int... shape) {
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException("selfAttention: " + what + " has shape " + str(t) + ", expected "
                    + Arrays.toString(shape));
        }
    }

    /** Whether {@code from} broadcasts to exactly {@code to} (NumPy rules, without growing {@code to}). */
    private static boolean broadcastsTo(int[] from, int[] to) {
        if (from.length > to.length) return false;
        for (int i = 1; i <= from.length; i++) {
            int f = from[from.length - i];
            if (f != 1 && f != to[to.length - i]) return false;
        }
        return true;
    }

    private static String str(Tensor t) {
        return Arrays.toString(t.shape());
    }
}
