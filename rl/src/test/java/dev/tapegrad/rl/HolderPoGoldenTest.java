package dev.tapegrad.rl;

import static dev.tapegrad.rl.GoldenJson.doubles;
import static dev.tapegrad.rl.GoldenJson.ints;
import static dev.tapegrad.rl.GoldenJson.list;
import static dev.tapegrad.rl.GoldenJson.map;
import static dev.tapegrad.rl.GoldenJson.num;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.Tensor;
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
    static final Map<String, Object> FIXTURE = GoldenJson.resource("rl_holder.json");

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

    private static String name(Map<String, Object> c) {
        return (String) c.get("name");
    }
}
