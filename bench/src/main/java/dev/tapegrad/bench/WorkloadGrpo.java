package dev.tapegrad.bench;

import dev.tapegrad.Autograd;
import dev.tapegrad.Generator;
import dev.tapegrad.MemoryScope;
import dev.tapegrad.Tensor;
import dev.tapegrad.optim.Optimizer;
import dev.tapegrad.optim.Optimizers;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The GRPO workload of {@code bench/reference/ad_grpo_step.py}, written with engine and optim ops (not the rl module).
 * Policy(prev, pos) = tanh(tanh((tok[prev] + pos[pos])·W₁ + b₁)·W₂ + b₂)·W₃ + b₃ over V = 32 tokens, L = 32
 * positions, G = 8 sequences, E = 32, hidden 128; parameters from generator 0 (embeddings N(0, 1), weights
 * N(0, 1/fan_in), biases 0); the reference policy is a frozen copy of the initial parameters.
 *
 * <p>Rollout (no tape): token t ~ softmax(policy(token t−1, t)) with BOS = 0, from generator 1234 + step,
 * recording old log-probabilities; reward r_g = #(tokens &lt; V/2 and even)/L; A_g = (r_g − mean r)/(std r + 1e-4)
 * (unbiased std). Loss over all G·L positions, with ratio ρ = exp(log p − log p_old) and d = log p_ref − log p:
 * −mean_g mean_t [min(ρA, clamp(ρ, 0.8, 1.2)A) − 0.04·(eᵈ − d − 1)]. {@link #lossStep} = reference forward +
 * policy forward + loss + backward; {@link #step} = rollout + loss step + Adam (lr 1e-3).
 */
final class WorkloadGrpo {
    private static final int V = 32, L = 32, G = 8, E = 32, HD = 128;
    private static final double CLIP = 0.2, BETA = 0.04;

    private final Map<String, Tensor> p = new LinkedHashMap<>();
    private final Map<String, Tensor> ref = new LinkedHashMap<>();
    private final Tensor positions;
    private final Optimizer adam;
    private int stepNo;

    /** One rollout's result: tokens [G, L] (int32), old log-probabilities [G, L], advantages [G]. */
    record Batch(Tensor tokens, Tensor prev, Tensor oldLogp, Tensor advantages) {}

    WorkloadGrpo() {
        Generator gen = new Generator(0);
        param(gen, "tok_emb", 1.0, V, E);
        param(gen, "pos_emb", 1.0, L, E);
        param(gen, "W1", 1 / Math.sqrt(E), E, HD);
        p.put("b1", Tensor.zeros(HD).requiresGrad(true));
        param(gen, "W2", 1 / Math.sqrt(HD), HD, HD);
        p.put("b2", Tensor.zeros(HD).requiresGrad(true));
        param(gen, "W3", 1 / Math.sqrt(HD), HD, V);
        p.put("b3", Tensor.zeros(V).requiresGrad(true));
        p.forEach((k, v) -> ref.put(k, v.detach().clone()));
        int[] pos = new int[G * L];
        for (int i = 0; i < pos.length; i++) pos[i] = i % L;
        positions = Tensor.of(pos, G, L);
        adam = Optimizers.create("adam", Map.of("lr", 1e-3), p);
    }

    private void param(Generator gen, String name, double std, int... shape) {
        p.put(name, Tensor.randn(gen, shape).mul(std).requiresGrad(true));
    }

    private static Tensor policy(Map<String, Tensor> w, Tensor prev, Tensor pos) {
        Tensor e = Tensor.embedding(w.get("tok_emb"), prev).add(Tensor.embedding(w.get("pos_emb"), pos));
        Tensor h1 = e.matmul(w.get("W1")).add(w.get("b1")).tanh();
        Tensor h2 = h1.matmul(w.get("W2")).add(w.get("b2")).tanh();
        return h2.matmul(w.get("W3")).add(w.get("b3"));
    }

    /** Samples G sequences from the current policy and scores them. */
    Batch rollout() {
        Generator gen = new Generator(1234 + stepNo);
        int[] toks = new int[G * L], prevToks = new int[G * L];
        float[] old = new float[G * L];
        int[] prev = new int[G];
        try (var scope = Autograd.noGrad()) {
            for (int t = 0; t < L; t++) {
                int[] pos = new int[G];
                java.util.Arrays.fill(pos, t);
                Tensor lp = policy(p, Tensor.of(prev, G), Tensor.of(pos, G)).logSoftmax(-1);
                float[] logp = lp.toFloatArray();
                for (int g = 0; g < G; g++) {
                    int next = sample(gen, logp, g * V);
                    prevToks[g * L + t] = prev[g];
                    toks[g * L + t] = next;
                    old[g * L + t] = logp[g * V + next];
                    prev[g] = next;
                }
            }
        }
        double[] r = new double[G];
        double mean = 0;
        for (int g = 0; g < G; g++) {
            for (int t = 0; t < L; t++) {
                int tok = toks[g * L + t];
                if (tok < V / 2 && tok % 2 == 0) r[g]++;
            }
            r[g] /= L;
            mean += r[g] / G;
        }
        double var = 0;
        for (double x : r) var += (x - mean) * (x - mean) / (G - 1);
        float[] adv = new float[G];
        for (int g = 0; g < G; g++) adv[g] = (float) ((r[g] - mean) / (Math.sqrt(var) + 1e-4));
        return new Batch(Tensor.of(toks, G, L), Tensor.of(prevToks, G, L), Tensor.of(old, G, L), Tensor.of(adv, G));
    }

    /** Inverse-CDF sampling from the distribution exp(logp[from .. from + V)). */
    private static int sample(Generator gen, float[] logp, int from) {
        double u = gen.nextDouble(), acc = 0;
        for (int i = 0; i < V; i++) {
            acc += Math.exp(logp[from + i]);
            if (u < acc) return i;
        }
        return V - 1; // rounding left the total just below u
    }

    /**
     * Clear gradients, reference and policy forward, loss, backward; returns the loss. Runs in a
     * {@link MemoryScope} (buffers reused from the previous steps); the loss is kept for the caller.
     */
    Tensor lossStep(Batch b) {
        try (var scope = MemoryScope.open()) {
            return MemoryScope.keep(lossStepBody(b));
        }
    }

    private Tensor lossStepBody(Batch b) {
        for (Tensor t : p.values()) t.zeroGrad();
        Tensor picked = b.tokens().unsqueeze(2);
        Tensor refLogp;
        try (var scope = Autograd.noGrad()) {
            refLogp = policy(ref, b.prev(), positions).logSoftmax(-1).gather(2, picked).squeeze(2);
        }
        Tensor logp = policy(p, b.prev(), positions).logSoftmax(-1).gather(2, picked).squeeze(2);
        Tensor ratio = logp.sub(b.oldLogp()).exp();
        Tensor a = b.advantages().unsqueeze(1);
        Tensor surr = ratio.mul(a).minimum(ratio.clamp(1 - CLIP, 1 + CLIP).mul(a));
        Tensor d = refLogp.sub(logp);
        Tensor kl = d.exp().sub(d).sub(1.0);
        Tensor loss = surr.sub(kl.mul(BETA)).mean(1).mean().neg();
        loss.backward();
        return loss;
    }

    /** Rollout + loss step + Adam update, in one {@link MemoryScope}. */
    Tensor step() {
        try (var scope = MemoryScope.open()) {
            Batch b = rollout();
            Tensor loss = lossStep(b);
            adam.step();
            stepNo++;
            return loss;
        }
    }
}
