package dev.tapegrad.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Compares ln_q, GARL/PAFT weights, the surrogate's loss and gradient, and cold-start runs with tools/golden/rl_tsallis.py. */
class TsallisGoldenTest {
    private static final double RTOL = 1e-10;
    private static final Map<String, double[]> FX = load();

    /** The fixture's flat object: every key maps to a number (read as a one-element array) or a flat list of numbers. */
    private static Map<String, double[]> load() {
        Map<String, double[]> out = new HashMap<>();
        GoldenJson.resource("rl_tsallis.json").forEach((key, v) ->
                out.put(key, v instanceof List ? GoldenJson.doubles(v) : new double[] {GoldenJson.num(v)}));
        return out;
    }

    private static double[] get(String key) {
        double[] v = FX.get(key);
        if (v == null) throw new IllegalStateException("fixture has no key " + key);
        return v;
    }

    private static int count(String family) {
        int n = (int) get(family + "/count")[0];
        assertTrue(n > 0, family);
        return n;
    }

    private static void close(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], RTOL * Math.abs(expected[i]) + 1e-300, what + " [" + i + "]");
        }
    }

    @Test
    void lnQValuesAndGradients() {
        for (int c = 0; c < count("lnq"); c++) {
            String k = "lnq/" + c;
            double q = get(k + "/q")[0];
            Tensor x = Tensor.of(get(k + "/x")).requiresGrad(true);
            Tensor y = Tsallis.lnQ(x, q);
            close(get(k + "/value"), y.toDoubleArray(), k + " value q=" + q);
            y.sum().backward();
            close(get(k + "/grad"), x.grad().toDoubleArray(), k + " grad q=" + q);
            double[] xs = get(k + "/x"), ys = get(k + "/value");
            for (int i = 0; i < xs.length; i++) assertEquals(ys[i], Tsallis.lnQ(xs[i], q), RTOL * Math.abs(ys[i]), k);
        }
    }

    @Test
    void estimatorWeightsAndSurrogateLossAndGradient() {
        for (int c = 0; c < count("est"); c++) {
            String k = "est/" + c;
            double q = get(k + "/q")[0];
            double[] idsD = get(k + "/ids");
            int[] ids = new int[idsD.length];
            for (int i = 0; i < ids.length; i++) ids[i] = (int) idsD[i];
            Rewards rw = new Rewards(Tensor.of(get(k + "/rewards")), ids, null);
            Tensor garl = Garl.of(q).advantages(rw);
            close(get(k + "/garl"), garl.toDoubleArray(), k + " garl");
            close(get(k + "/garlMean"), new Garl(q, Garl.Baseline.GROUP_MEAN).advantages(rw).toDoubleArray(), k + " garl b=mean");
            close(get(k + "/paft"), Paft.exact(q).advantages(rw).toDoubleArray(), k + " paft");
            double[] shape = get(k + "/shape");
            int b = (int) shape[0], t = (int) shape[1];
            Tensor lp = Tensor.of(get(k + "/logProbs"), b, t).requiresGrad(true);
            Tensor loss = Tsallis.surrogate(PolicyBatch.onPolicy(lp, Tensor.of(get(k + "/mask"), b, t), garl));
            close(get(k + "/loss"), new double[] {loss.item()}, k + " loss");
            loss.backward();
            close(get(k + "/grad"), lp.grad().toDoubleArray(), k + " grad");
        }
    }

    @Test
    void coldStartRunsTakeTheSameStepsAsTorch() {
        for (int c = 0; c < count("cold"); c++) {
            String k = "cold/" + c;
            double[] cfg = get(k + "/config");
            ColdStart.Result r = new ColdStart((int) cfg[0], cfg[1], 100_000).run(cfg[2], cfg[3]);
            assertEquals((int) get(k + "/steps")[0], r.steps(), k);
            assertEquals(get(k + "/finalP")[0], r.finalP(), 1e-9, k);
        }
    }
}
