package dev.tapegrad.rl;

import static dev.tapegrad.rl.GoldenJson.doubles;
import static dev.tapegrad.rl.GoldenJson.num;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tapegrad.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/** Compares every objective with the independent PyTorch implementation in tools/golden/rl_surrogates.py. */
class RlSurrogatesGoldenTest {
    private static final double RTOL = 1e-10, ATOL = 1e-13;

    private static final Map<String, PolicyObjective> OBJECTIVES = new LinkedHashMap<>();

    static {
        OBJECTIVES.put("ppo", ClippedSurrogate.ppo());
        OBJECTIVES.put("grpo", ClippedSurrogate.grpo());
        OBJECTIVES.put("dapo", ClippedSurrogate.dapo());
        OBJECTIVES.put("drgrpo8", ClippedSurrogate.drGrpo(8));
        OBJECTIVES.put("dualclip3", ClippedSurrogate.dapo().withDualClip(3).withAggregation(Aggregation.seqMeanTokenSum()));
        OBJECTIVES.put("gspo", new Gspo(0.1, 0.15));
        OBJECTIVES.put("gspo-paper", Gspo.paper());
        OBJECTIVES.put("gspo-token", new Gspo.Token(0.1, 0.15));
        OBJECTIVES.put("gmpo", Gmpo.paper());
        OBJECTIVES.put("gmpo-tokenadv", new Gmpo(0.3, 0.5));
        OBJECTIVES.put("sapo", Sapo.paper());
        OBJECTIVES.put("cispo-two-sided", Cispo.twoSided(0.2, 0.28));
        OBJECTIVES.put("cispo-capped", Cispo.capped(1.5));
        OBJECTIVES.put("grpo+k1", new WithKl(ClippedSurrogate.grpo(), 0.1, Kl.K1));
        OBJECTIVES.put("grpo+k2", new WithKl(ClippedSurrogate.grpo(), 0.1, Kl.K2));
        OBJECTIVES.put("grpo+k3", WithKl.grpo(0.1));
        OBJECTIVES.put("grpo+k3+", new WithKl(ClippedSurrogate.grpo(), 0.1, Kl.K3_K2_GRAD));
    }

    @Test
    void everyObjectiveMatchesTorch() {
        List<Object> cases = GoldenJson.list(GoldenJson.resource("rl_surrogates.json").get("cases"));
        int policyCases = 0, entropyCases = 0;
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Object o : cases) {
            Map<?, ?> c = (Map<?, ?>) o;
            String name = (String) c.get("objective");
            int b = (int) num(c, "B"), t = (int) num(c, "T");
            Tensor mask = Tensor.of(doubles(c.get("mask")), b, t);
            Tensor x;
            Tensor loss;
            if (name.startsWith("entropy:")) {
                int v = (int) num(c, "V");
                x = Tensor.of(doubles(c.get("logits")), b, t, v).requiresGrad(true);
                Aggregation agg = name.equals("entropy:token-mean")
                        ? Aggregation.tokenMean() : Aggregation.seqMeanTokenMean();
                loss = Entropy.bonus(x, mask, 0.01, agg);
                entropyCases++;
            } else {
                PolicyObjective objective = Objects.requireNonNull(OBJECTIVES.get(name), name);
                seen.add(name);
                x = Tensor.of(doubles(c.get("logp")), b, t).requiresGrad(true);
                double[] adv = doubles(c.get("adv"));
                Tensor a = Boolean.TRUE.equals(c.get("advPerToken")) ? Tensor.of(adv, b, t) : Tensor.of(adv, b);
                PolicyBatch batch = new PolicyBatch(x, Tensor.of(doubles(c.get("old")), b, t),
                        Tensor.of(doubles(c.get("ref")), b, t), mask, a);
                loss = objective.loss(batch);
                policyCases++;
            }
            close(name + " loss", num(c, "loss"), loss.item());
            loss.backward();
            double[] want = doubles(c.get("grad")), got = x.grad().toDoubleArray();
            assertEquals(want.length, got.length, name);
            for (int i = 0; i < want.length; i++) close(name + " grad[" + i + "]", want[i], got[i]);
        }
        assertEquals(OBJECTIVES.keySet(), seen, "every objective has fixtures");
        assertTrue(policyCases >= 2 * OBJECTIVES.size() && entropyCases == 2, policyCases + " / " + entropyCases);
    }

    private static void close(String what, double want, double got) {
        if (!(Math.abs(want - got) <= ATOL + RTOL * Math.abs(want))) fail(what + ": torch " + want + ", tapegrad " + got);
    }
}
