package dev.tapegrad.examples;

import static org.junit.jupiter.api.Assertions.*;

import dev.tapegrad.Tensor;
import dev.tapegrad.check.GradCheck;
import dev.tapegrad.check.GradCheckFailure;
import dev.tapegrad.check.Property;
import dev.tapegrad.check.PropertyFailure;
import dev.tapegrad.check.TensorGen;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Each learner example runs briefly and shows what its javadoc says it shows. */
class LearnerExamplesTest {

    @Test
    void broadcastingBuildsTheTableAndViewsShareStorageButCopiesDoNot() {
        var r = TensorsAndBroadcasting.run(3, 5, false);
        assertArrayEquals(new int[] {3, 5}, r.table().shape());
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 5; j++) assertEquals(10 * i + j, r.table().get(i, j));
        }
        assertTrue(r.viewSawTheWrite());
        assertFalse(r.copySawTheWrite());
    }

    @Test
    void backwardGivesTheAnalyticGradientsAndTheTapeNamesTheOps() {
        double[] x = {-1.0, 0.25, 2.0}, y = {0.5, -3.0, 1.5};
        var r = BackwardAndTape.run(x, y, false);
        for (int i = 0; i < x.length; i++) {
            assertEquals(y[i] + Math.cos(x[i]), r.gradX().get(i), 1e-12);
            assertEquals(x[i], r.gradY().get(i), 0);
            assertEquals(1.0, r.gradZ().get(i), 0);
        }
        assertArrayEquals(new String[] {"mul", "sin", "add", "sum"}, r.tapeOps());
        assertFalse(r.noGradRecords());
    }

    @Test
    void hessianVectorProductMatchesTheClosedForm() {
        for (long seed = 1; seed <= 3; seed++) {
            var r = HessianVectorProduct.run(6, seed, false);
            assertTrue(r.byHvp().allClose(r.closedForm(), 1e-10, 1e-10), r.byHvp() + " vs " + r.closedForm());
            assertTrue(r.byGradOfGrad().allClose(r.closedForm(), 1e-10, 1e-10));
            assertTrue(r.closedForm().abs().max().item() > 0.1, "a non-trivial product");
        }
    }

    @Test
    void customOpPassesItsChecksAndStaysFinite() {
        var r = CustomOpExample.run(15, 3, false);
        assertTrue(r.firstOrder().checks() > 0 && r.secondOrder().checks() > 0);
        assertEquals(800 - Math.log(2), r.largeInput(), 1e-9);
    }

    /** The same harness catches a wrong backward: the checks of the example can fail. */
    @Test
    void theCheckCatchesAWrongBackward() {
        var wrong = dev.tapegrad.CustomOp.of("logcosh_wrong", CustomOpExample.LOG_COSH::forward,
                (g, in, out) -> new Tensor[] {g.mul(in[0].sigmoid())});
        assertThrows(GradCheckFailure.class, () -> GradCheck.check(wrong::apply, Tensor.of(new double[] {0.5, 1.0}, 2)));
        assertThrows(PropertyFailure.class, () -> Property.forAll(TensorGen.tensors(TensorGen.shapes(1, 2, 1, 3)))
                .tries(10).seed(1).check(t -> GradCheck.check(wrong::apply, t)));
    }

    @Test
    void charTransformerLossFallsFromLogV() {
        var r = CharTransformer.run(new CharTransformer.Config(30, 4, 16, 16, 1, 1e-2, 2), false);
        double[] l = r.losses();
        assertEquals(Math.log(r.vocabSize()), l[0], 0.3, "an untrained model is near uniform");
        double first = Arrays.stream(l, 0, 5).average().orElseThrow();
        double last = Arrays.stream(l, l.length - 5, l.length).average().orElseThrow();
        assertTrue(last < first - 0.3, "loss " + first + " -> " + last);
        assertEquals(48, r.sample().length());
        String vocab = CharTransformer.vocabulary(CharTransformer.corpus(new dev.tapegrad.Generator(2), 20_000));
        for (char ch : r.sample().toCharArray()) assertTrue(vocab.indexOf(ch) >= 0, "sampled " + ch);
    }

    @Test
    void grammarCorpusIsSentencesOfKnownWords() {
        String text = CharTransformer.corpus(new dev.tapegrad.Generator(5), 500);
        assertTrue(text.length() >= 500);
        for (String sentence : text.strip().split("\\. ?")) {
            int words = sentence.split(" ").length;
            assertTrue(words >= 3 && words <= 7, sentence);
        }
    }

    @Test
    void powerMeanIsMonotoneInPBetweenMinAndMaxAndWeightsConcentrate() {
        double[] r = HolderPoSchedule.RATIOS;
        var res = HolderPoSchedule.run(r, HolderPoSchedule.PS, 6, false);
        double min = Arrays.stream(r).min().orElseThrow(), max = Arrays.stream(r).max().orElseThrow();
        for (int k = 0; k < res.ps().length; k++) {
            assertTrue(res.means()[k] >= min && res.means()[k] <= max);
            if (k > 0) assertTrue(res.means()[k] > res.means()[k - 1], "M_p increases with p");
            assertEquals(1.0, Arrays.stream(res.weights()[k]).sum(), 1e-12);
        }
        int p0 = indexOf(res.ps(), 0), p1 = indexOf(res.ps(), 1);
        double geo = Math.exp(Arrays.stream(r).map(Math::log).average().orElseThrow());
        assertEquals(geo, res.means()[p0], 1e-12);
        assertEquals(Arrays.stream(r).average().orElseThrow(), res.means()[p1], 1e-12);
        // the weight on the largest ratio grows with p (from 1/n at p = 0)
        for (int k = p0 + 1; k < res.ps().length; k++) {
            assertTrue(res.weights()[k][r.length - 1] > res.weights()[k - 1][r.length - 1]);
        }
        assertEquals(1.0 / r.length, res.weights()[p0][0], 1e-12);
        // the released schedule goes linearly from 2 to -2; the S-curve rises from -2 to 2
        assertEquals(2.0, res.released()[0], 0);
        assertEquals(-2.0, res.released()[5], 0);
        assertEquals(0.4, res.released()[2], 1e-12);
        assertEquals(-2.0, res.sCurve()[0], 1e-12);
        assertEquals(2.0, res.sCurve()[5], 1e-12);
        for (int i = 1; i < 6; i++) assertTrue(res.released()[i] < res.released()[i - 1] && res.sCurve()[i] > res.sCurve()[i - 1]);
    }

    @Test
    void everyLearnerExampleHasAMain() throws Exception {
        for (Class<?> c : new Class<?>[] {TensorsAndBroadcasting.class, BackwardAndTape.class, HessianVectorProduct.class,
                CustomOpExample.class, CharTransformer.class, HolderPoSchedule.class}) {
            assertNotNull(c.getMethod("main", String[].class), c.getName());
        }
    }

    private static int indexOf(double[] values, double v) {
        for (int i = 0; i < values.length; i++) if (values[i] == v) return i;
        throw new AssertionError(v + " not in " + Arrays.toString(values));
    }
}
