package dev.tapegrad.bench;

import dev.tapegrad.Generator;
import dev.tapegrad.MemoryScope;
import dev.tapegrad.Recompute;
import dev.tapegrad.Tensor;
import dev.tapegrad.nn.Activations;
import dev.tapegrad.nn.Layers;
import dev.tapegrad.nn.Losses;
import dev.tapegrad.optim.Optimizer;
import dev.tapegrad.optim.Optimizers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Transformer workload of {@code bench/reference/ad_transformer_step.py}, written with explicit ops like the
 * reference: one pre-norm block, B = 16, T = 64, C = 64, H = 4 heads of 16, V = 256, MLP hidden 256.
 * <pre>
 * x = wte[idx] + wpe;  h = LN₁(x);  q, k, v = split(h·W_qkv + b_qkv) → [B, H, T, 16]
 * y = softmax(mask(q·kᵀ/4))·v → [B, T, C];  x = x + y·W_o + b_o
 * x = x + gelu(LN₂(x)·W_fc + b_fc)·W_pr + b_pr;  loss = CE(LN_f(x)·W_head, tgt)  (mean)
 * </pre>
 * Weights and embeddings N(0, 0.02²) from generator 0 in the reference's creation order, biases 0, LayerNorm
 * γ = 1, β = 0; tokens and targets uniform in [0, V) from generator 1. One step = clear gradients + forward
 * + backward (the reference's {@code fwd_bwd}); {@link #trainStep} adds Adam (lr 3e-4).
 */
final class WorkloadTransformer {
    private static final int B = 16, T = 64, C = 64, H = 4, V = 256, D = C / H;
    private static final int[] NORM = {C};
    private static final double LN_EPS = 1e-5;

    private final Map<String, Tensor> p = new LinkedHashMap<>();
    private final Tensor idx, tgt, mask;
    private final Optimizer adam;

    WorkloadTransformer() {
        Generator gen = new Generator(0);
        normal(gen, "wte", V, C);
        normal(gen, "wpe", T, C);
        constant("ln1_g", 1, C);
        constant("ln1_b", 0, C);
        normal(gen, "w_qkv", C, 3 * C);
        constant("b_qkv", 0, 3 * C);
        normal(gen, "w_o", C, C);
        constant("b_o", 0, C);
        constant("ln2_g", 1, C);
        constant("ln2_b", 0, C);
        normal(gen, "w_fc", C, 4 * C);
        constant("b_fc", 0, 4 * C);
        normal(gen, "w_pr", 4 * C, C);
        constant("b_pr", 0, C);
        constant("lnf_g", 1, C);
        constant("lnf_b", 0, C);
        normal(gen, "w_head", C, V);
        Generator data = new Generator(1);
        idx = Tensor.randint(data, 0, V, B, T);
        tgt = Tensor.randint(data, 0, V, B, T);
        Tensor pos = Tensor.arange(T);
        mask = pos.unsqueeze(0).gt(pos.unsqueeze(1)); // [i, j] = j > i: the future is masked
        adam = Optimizers.create("adam", Map.of("lr", 3e-4), p);
    }

    private void normal(Generator gen, String name, int... shape) {
        p.put(name, Tensor.randn(gen, shape).mul(0.02).requiresGrad(true));
    }

    private void constant(String name, double value, int... shape) {
        p.put(name, Tensor.full(value, dev.tapegrad.DType.FLOAT32, shape).requiresGrad(true));
    }

    private static Tensor ln(Tensor x, String prefix, Map<String, Tensor> w) {
        return Layers.layerNorm(x, NORM, w.get(prefix + "_g"), w.get(prefix + "_b"), LN_EPS);
    }

    private static Tensor heads(Tensor t) {
        return t.reshape(B, T, H, D).transpose(1, 2);
    }

    /** The block's parameters, in the order {@link #forwardCheckpointed} passes them to the segment. */
    private static final List<String> BLOCK = List.of("ln1_g", "ln1_b", "w_qkv", "b_qkv", "w_o", "b_o", "ln2_g",
            "ln2_b", "w_fc", "b_fc", "w_pr", "b_pr");

    /** The loss of one forward pass. */
    Tensor forward() {
        return head(block(embed(), p));
    }

    /**
     * The loss of one forward pass with the block as one {@link Recompute} segment: its activations are
     * recomputed in backward instead of kept (the block's input and parameters are the segment's inputs).
     */
    Tensor forwardCheckpointed() {
        List<Tensor> in = new ArrayList<>();
        in.add(embed());
        for (String name : BLOCK) in.add(p.get(name));
        Tensor x = Recompute.apply(xs -> {
            Map<String, Tensor> w = new LinkedHashMap<>();
            for (int i = 0; i < BLOCK.size(); i++) w.put(BLOCK.get(i), xs.get(i + 1));
            return block(xs.get(0), w);
        }, in);
        return head(x);
    }

    private Tensor embed() {
        return Tensor.embedding(p.get("wte"), idx).add(p.get("wpe"));
    }

    /** Attention and MLP with residuals, reading the block's parameters from {@code w}. */
    private Tensor block(Tensor x, Map<String, Tensor> w) {
        Tensor qkv = ln(x, "ln1", w).matmul(w.get("w_qkv")).add(w.get("b_qkv"));
        List<Tensor> parts = qkv.split(C, 2);
        Tensor q = heads(parts.get(0)), k = heads(parts.get(1)), v = heads(parts.get(2));
        Tensor att = q.matmul(k.transpose(-2, -1)).mul(1.0 / Math.sqrt(D))
                .maskedFill(mask, Double.NEGATIVE_INFINITY).softmax(-1);
        Tensor y = att.matmul(v).transpose(1, 2).reshape(B, T, C);
        x = x.add(y.matmul(w.get("w_o")).add(w.get("b_o")));
        Tensor fc = Activations.gelu(ln(x, "ln2", w).matmul(w.get("w_fc")).add(w.get("b_fc")));
        return x.add(fc.matmul(w.get("w_pr")).add(w.get("b_pr")));
    }

    private Tensor head(Tensor x) {
        Tensor logits = ln(x, "lnf", p).matmul(p.get("w_head"));
        return Losses.crossEntropy(logits.reshape(-1, V), tgt.reshape(-1));
    }

    /**
     * Clear gradients, forward, backward; returns the loss. Runs in a {@link MemoryScope} (buffers reused
     * from the previous steps); the loss is kept for the caller.
     */
    Tensor step() {
        try (var scope = MemoryScope.open()) {
            for (Tensor t : p.values()) t.zeroGrad();
            Tensor loss = forward();
            loss.backward();
            return MemoryScope.keep(loss);
        }
    }

    /** {@link #step} with the block checkpointed ({@link #forwardCheckpointed}). */
    Tensor stepCheckpointed() {
        try (var scope = MemoryScope.open()) {
            for (Tensor t : p.values()) t.zeroGrad();
            Tensor loss = forwardCheckpointed();
            loss.backward();
            return MemoryScope.keep(loss);
        }
    }

    /** The parameters by name (their gradients after a step). */
    Map<String, Tensor> parameters() {
        return p;
    }

    /** {@link #step} followed by an Adam update. */
    Tensor trainStep() {
        Tensor loss = step();
        adam.step();
        return loss;
    }
}
