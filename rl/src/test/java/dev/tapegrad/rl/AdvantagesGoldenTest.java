package dev.tapegrad.rl;

import static dev.tapegrad.rl.GoldenJson.doubles;
import static dev.tapegrad.rl.GoldenJson.ints;
import static dev.tapegrad.rl.GoldenJson.num;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tapegrad.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Compares Advantages, OverlongPenalty and Copo with tools/golden/rl_advantages.py (PyTorch, float64). */
class AdvantagesGoldenTest {
    private static final double RTOL = 1e-10;
    private static final double ATOL = 1e-12; // for values that are 0 up to rounding

    private static final Map<String, Object> DATA = GoldenJson.resource("rl_advantages.json");

    @Test
    void advantagesMatchTorch() {
        List<?> cases = (List<?>) DATA.get("advantages");
        assertTrue(cases.size() > 40, "fixture has " + cases.size() + " advantage cases");
        for (Object o : cases) {
            Map<?, ?> c = (Map<?, ?>) o;
            String name = (String) c.get("name");
            double[] lengths = doubles(c.get("lengths"));
            Rewards r = new Rewards(Tensor.of(doubles(c.get("rewards"))), ints(c.get("groups")), Tensor.of(lengths));
            AdvantageEstimator est = switch ((String) c.get("estimator")) {
                case "grpo" -> Advantages.grpo(num(c, "eps"));
                case "drGrpo" -> Advantages.drGrpo();
                case "batchStd" -> Advantages.batchStd(num(c, "eps"));
                case "rloo" -> Advantages.rloo();
                case "reinforcePlusPlus" -> {
                    if (!(Boolean) c.get("useLengths")) r = r.withLengths(null);
                    yield (Boolean) c.get("groupBaseline") ? Advantages.reinforcePlusPlusBaseline(num(c, "eps"))
                            : Advantages.reinforcePlusPlus(num(c, "eps"));
                }
                case "stratified" -> Advantages.stratified(ints(c.get("strata")), num(c, "alpha"), num(c, "eps"));
                case "hapo" -> Advantages.hapoTokenGroupAverage(num(c, "eps"));
                case "opo" -> Advantages.opo();
                default -> throw new AssertionError("unknown estimator in " + name);
            };
            assertClose(doubles(c.get("expected")), est.advantages(r).toDoubleArray(), name + " " + est);
        }
    }

    @Test
    void overlongPenaltyMatchesTorch() {
        for (Object o : (List<?>) DATA.get("overlong")) {
            Map<?, ?> c = (Map<?, ?>) o;
            OverlongPenalty p = new OverlongPenalty(num(c, "maxLength"), num(c, "cache"));
            assertClose(doubles(c.get("expected")), p.penalties(Tensor.of(doubles(c.get("lengths")))).toDoubleArray(),
                    p.toString());
        }
    }

    @Test
    void copoSignalsLossAndGradientMatchTorch() {
        List<?> cases = (List<?>) DATA.get("copo");
        assertEquals(3, cases.size());
        for (Object o : cases) {
            Map<?, ?> c = (Map<?, ?>) o;
            int[] shape = ints(c.get("shape"));
            Copo copo = Copo.of(num(c, "k"), num(c, "b")).withConsistencyCoefficient((Boolean) c.get("coef"))
                    .withEps(num(c, "eps"));
            Rewards r = new Rewards(Tensor.of(doubles(c.get("rewards"))), ints(c.get("groups")), null);
            List<Integer> answers = new ArrayList<>();
            for (int a : ints(c.get("answers"))) answers.add(a);
            Copo.Signals s = copo.signals(r, answers);
            String name = "copo " + c.get("aggregation");
            assertClose(doubles(c.get("entropy")), s.entropy().toDoubleArray(), name + " entropy");
            assertClose(doubles(c.get("global")), s.globalAdvantages().toDoubleArray(), name + " A_glob");
            assertClose(doubles(c.get("local")), s.localAdvantages().toDoubleArray(), name + " A_loc");
            assertClose(doubles(c.get("weights")), s.localWeights().toDoubleArray(), name + " w");

            Aggregation agg = c.get("aggregation").equals("token-mean") ? Aggregation.tokenMean()
                    : Aggregation.seqMeanTokenMean();
            Tensor lp = Tensor.of(doubles(c.get("logProbs")), shape).requiresGrad(true);
            PolicyBatch batch = new PolicyBatch(lp, Tensor.of(doubles(c.get("oldLogProbs")), shape), null,
                    Tensor.of(doubles(c.get("mask")), shape), Tensor.zeros(shape[0]));
            Tensor loss = s.blend(new CopoTest.RatioTimesAdvantage(agg)).loss(batch);
            assertClose(new double[] {num(c, "loss")}, new double[] {loss.item()}, name + " loss");
            loss.backward();
            assertClose(doubles(c.get("grad")), lp.grad().toDoubleArray(), name + " gradient");
        }
    }

    private static void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(actual[i] - expected[i]) <= RTOL * Math.abs(expected[i]) + ATOL)) {
                fail(what + ": element " + i + " is " + actual[i] + ", torch gives " + expected[i]);
            }
        }
    }
}
