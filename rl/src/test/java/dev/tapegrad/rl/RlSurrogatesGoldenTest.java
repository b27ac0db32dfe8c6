package dev.tapegrad.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tapegrad.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
    void everyObjectiveMatchesTorch() throws IOException {
        List<Object> cases = cases();
        int policyCases = 0, entropyCases = 0;
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Object o : cases) {
            Map<?, ?> c = (Map<?, ?>) o;
            String name = (String) c.get("objective");
            int b = num(c, "B"), t = num(c, "T");
            Tensor mask = Tensor.of(doubles(c, "mask"), b, t);
            Tensor x;
            Tensor loss;
            if (name.startsWith("entropy:")) {
                int v = num(c, "V");
                x = Tensor.of(doubles(c, "logits"), b, t, v).requiresGrad(true);
                Aggregation agg = name.equals("entropy:token-mean")
                        ? Aggregation.tokenMean() : Aggregation.seqMeanTokenMean();
                loss = Entropy.bonus(x, mask, 0.01, agg);
                entropyCases++;
            } else {
                PolicyObjective objective = Objects.requireNonNull(OBJECTIVES.get(name), name);
                seen.add(name);
                x = Tensor.of(doubles(c, "logp"), b, t).requiresGrad(true);
                double[] adv = doubles(c, "adv");
                Tensor a = Boolean.TRUE.equals(c.get("advPerToken")) ? Tensor.of(adv, b, t) : Tensor.of(adv, b);
                PolicyBatch batch = new PolicyBatch(x, Tensor.of(doubles(c, "old"), b, t), Tensor.of(doubles(c, "ref"), b, t),
                        mask, a);
                loss = objective.loss(batch);
                policyCases++;
            }
            close(name + " loss", ((Number) c.get("loss")).doubleValue(), loss.item());
            loss.backward();
            double[] want = doubles(c, "grad"), got = x.grad().toDoubleArray();
            assertEquals(want.length, got.length, name);
            for (int i = 0; i < want.length; i++) close(name + " grad[" + i + "]", want[i], got[i]);
        }
        assertEquals(OBJECTIVES.keySet(), seen, "every objective has fixtures");
        assertTrue(policyCases >= 2 * OBJECTIVES.size() && entropyCases == 2, policyCases + " / " + entropyCases);
    }

    private static void close(String what, double want, double got) {
        if (!(Math.abs(want - got) <= ATOL + RTOL * Math.abs(want))) fail(what + ": torch " + want + ", tapegrad " + got);
    }

    private static int num(Map<?, ?> c, String key) {
        return ((Number) c.get(key)).intValue();
    }

    private static double[] doubles(Map<?, ?> c, String key) {
        List<?> list = (List<?>) c.get(key);
        double[] out = new double[list.size()];
        for (int i = 0; i < out.length; i++) out[i] = ((Number) list.get(i)).doubleValue();
        return out;
    }

    private static List<Object> cases() throws IOException {
        try (InputStream in = RlSurrogatesGoldenTest.class.getResourceAsStream("/golden/rl_surrogates.json")) {
            if (in == null) fail("missing fixture golden/rl_surrogates.json (run tools/golden/rl_surrogates.py)");
            Map<?, ?> root = (Map<?, ?>) new Json(new String(in.readAllBytes(), StandardCharsets.UTF_8)).value();
            @SuppressWarnings("unchecked")
            List<Object> cases = (List<Object>) root.get("cases");
            return cases;
        }
    }

    /** A minimal JSON reader (objects, arrays, strings without escapes, numbers incl. Python's ±Infinity/NaN, booleans). */
    private static final class Json {
        private final String s;
        private int i;

        Json(String s) {
            this.s = s;
        }

        Object value() {
            skip();
            char ch = s.charAt(i);
            if (ch == '{') {
                Map<String, Object> m = new LinkedHashMap<>();
                i++;
                skip();
                if (s.charAt(i) == '}') { i++; return m; }
                while (true) {
                    skip();
                    String key = (String) value();
                    skip();
                    expect(':');
                    m.put(key, value());
                    skip();
                    if (s.charAt(i++) == '}') return m;
                }
            }
            if (ch == '[') {
                List<Object> l = new ArrayList<>();
                i++;
                skip();
                if (s.charAt(i) == ']') { i++; return l; }
                while (true) {
                    l.add(value());
                    skip();
                    if (s.charAt(i++) == ']') return l;
                }
            }
            if (ch == '"') {
                int end = s.indexOf('"', i + 1);
                String str = s.substring(i + 1, end);
                i = end + 1;
                return str;
            }
            int start = i;
            while (i < s.length() && ",]} \n".indexOf(s.charAt(i)) < 0) i++;
            String tok = s.substring(start, i);
            return switch (tok) {
                case "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                case "null" -> null;
                case "Infinity" -> Double.POSITIVE_INFINITY;
                case "-Infinity" -> Double.NEGATIVE_INFINITY;
                case "NaN" -> Double.NaN;
                default -> Double.parseDouble(tok);
            };
        }

        private void skip() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        }

        private void expect(char c) {
            if (s.charAt(i++) != c) throw new IllegalStateException("json: expected " + c + " at " + (i - 1));
        }
    }
}
