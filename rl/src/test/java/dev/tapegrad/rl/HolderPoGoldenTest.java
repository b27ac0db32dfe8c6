package dev.tapegrad.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Compares PowerMean, HolderPo and PSchedule with the fixtures of {@code tools/golden/rl_holder.py}: exact
 * decimal power means and weights, the official code's loss formulas in torch float64 (values and gradients
 * w.r.t. the log-probabilities), and the official schedule formulas.
 */
class HolderPoGoldenTest {
    static final double RTOL = 1e-10, ATOL = 1e-12;
    static final Map<String, Object> FIXTURE = load();

    @Test
    void powerMeansAndWeightsMatchExactDecimalArithmetic() {
        List<Object> cases = list(FIXTURE.get("powerMeans"));
        assertTrue(cases.size() >= 10);
        for (Object o : cases) {
            Map<String, Object> c = map(o);
            int[] shape = ints(c.get("shape"));
            double p = num(c.get("p"));
            Tensor d = Tensor.of(doubles(c.get("d")), shape).requiresGrad(true);
            Tensor mask = Tensor.of(doubles(c.get("mask")), shape);
            Tensor logMean = PowerMean.logMean(d, mask, p);
            close(name(c), "logMean", doubles(c.get("logMean")), logMean.toDoubleArray());
            logMean.sum().backward();
            close(name(c), "weights", doubles(c.get("weights")), d.grad().toDoubleArray());
        }
    }

    @Test
    void lossesAndGradientsMatchTorch() {
        List<Object> cases = list(FIXTURE.get("losses"));
        assertTrue(cases.size() >= 18);
        for (Object o : cases) {
            Map<String, Object> c = map(o);
            int[] shape = ints(c.get("shape"));
            Tensor lp = Tensor.of(doubles(c.get("logProbs")), shape).requiresGrad(true);
            Tensor adv = Tensor.of(doubles(c.get("advantages")), ints(c.get("advantagesShape")));
            PolicyBatch batch = new PolicyBatch(lp, Tensor.of(doubles(c.get("oldLogProbs")), shape), null,
                    Tensor.of(doubles(c.get("mask")), shape), adv);
            HolderPo h = HolderPo.of(HolderPo.Variant.valueOf((String) c.get("variant")), num(c.get("p")))
                    .withClip(num(c.get("clipLow")), num(c.get("clipHigh")));
            Tensor loss = h.loss(batch);
            close(name(c), "loss", new double[] {num(c.get("loss"))}, new double[] {loss.item()});
            loss.backward();
            close(name(c), "grad", doubles(c.get("grad")), lp.grad().toDoubleArray());
        }
    }

    @Test
    void schedulesMatchTheOfficialFormulas() {
        for (Object o : list(FIXTURE.get("schedules"))) {
            Map<String, Object> c = map(o);
            PSchedule s = new PSchedule(PSchedule.Shape.valueOf((String) c.get("shape")), num(c.get("pMin")),
                    num(c.get("pMax")), (long) num(c.get("steps")), num(c.get("power")));
            double[] at = doubles(c.get("at")), expected = doubles(c.get("values"));
            for (int k = 0; k < at.length; k++) assertEquals(expected[k], s.at((long) at[k]), 1e-14, s + " at " + at[k]);
        }
    }

    private static void close(String name, String what, double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length, name + " " + what + " length");
        for (int i = 0; i < expected.length; i++) {
            double tol = ATOL + RTOL * Math.abs(expected[i]);
            assertTrue(Math.abs(expected[i] - actual[i]) <= tol,
                    name + " " + what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i]);
        }
    }

    // ------------------------------------------------------------------ a tiny JSON reader (objects, arrays, numbers, strings)

    private static Map<String, Object> load() {
        try (InputStream in = HolderPoGoldenTest.class.getResourceAsStream("/golden/rl_holder.json")) {
            assertNotNull(in, "golden/rl_holder.json is missing: run tools/golden/rl_holder.py");
            return map(new Json(new String(in.readAllBytes(), StandardCharsets.UTF_8)).value());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class Json {
        private final String s;
        private int i;

        Json(String s) {
            this.s = s;
        }

        Object value() {
            skip();
            char c = s.charAt(i);
            if (c == '{') {
                Map<String, Object> m = new LinkedHashMap<>();
                i++;
                while (!peek('}')) {
                    String k = string();
                    skip();
                    expect(':');
                    m.put(k, value());
                    if (!peek('}')) expect(',');
                }
                i++;
                return m;
            }
            if (c == '[') {
                List<Object> l = new ArrayList<>();
                i++;
                while (!peek(']')) {
                    l.add(value());
                    if (!peek(']')) expect(',');
                }
                i++;
                return l;
            }
            if (c == '"') return string();
            int start = i;
            while (i < s.length() && "+-0123456789.eEInfinityNa".indexOf(s.charAt(i)) >= 0) i++;
            return Double.parseDouble(s.substring(start, i));
        }

        private String string() {
            skip();
            expect('"');
            int start = i;
            while (s.charAt(i) != '"') i++;
            return s.substring(start, i++);
        }

        private boolean peek(char c) {
            skip();
            return s.charAt(i) == c;
        }

        private void expect(char c) {
            skip();
            if (s.charAt(i) != c) throw new IllegalStateException("JSON: expected '" + c + "' at " + i);
            i++;
        }

        private void skip() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return (List<Object>) o;
    }

    private static double num(Object o) {
        return (Double) o;
    }

    private static String name(Map<String, Object> c) {
        return (String) c.get("name");
    }

    private static double[] doubles(Object o) {
        return list(o).stream().mapToDouble(x -> (Double) x).toArray();
    }

    private static int[] ints(Object o) {
        return list(o).stream().mapToInt(x -> (int) (double) (Double) x).toArray();
    }
}
