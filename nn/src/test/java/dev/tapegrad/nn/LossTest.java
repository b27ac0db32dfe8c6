package dev.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.Autograd;
import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import dev.tapegrad.check.Gen;
import dev.tapegrad.check.GradCheck;
import dev.tapegrad.check.Property;
import dev.tapegrad.check.TensorGen;
import dev.tapegrad.nn.Losses.CrossEntropyOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Gradients, stability at extreme logits, PyTorch's ignore-index / smoothing / weighting rules, and errors. */
class LossTest {
    private static final Reduction[] STANDARD = {Reduction.NONE, Reduction.MEAN, Reduction.SUM};
    private static final GradCheck.Options DIRECTIONAL =
            GradCheck.Options.DEFAULT.withMode(GradCheck.Mode.DIRECTIONAL).withDirections(3);
    private static final int IGNORE = -1;

    // ---------------------------------------------------------------- generators

    /** (input, target) of one shape with |input − target| ≥ 0.05 (L1's kink). */
    private static Gen<List<Tensor>> regressionPairs() {
        return TensorGen.shapes(0, 3, 1, 4).flatMap(s -> Gen.zip(
                TensorGen.tensor(s, TensorGen.values(-2, 2)),
                TensorGen.tensor(s, TensorGen.valuesAwayFrom(-2, 2, 0.05, 0)),
                (y, d) -> List.of(y.add(d), y)));
    }

    /** A classification problem: logits [N, C], labels in [0, C) or IGNORE (never all ignored), weights [C]. */
    record Problem(Tensor logits, Tensor labels, Tensor weight) {}

    private static Gen<Problem> problems() {
        Gen<int[]> nc = Gen.zip(Gen.ints(1, 4), Gen.ints(2, 5), (n, c) -> new int[] {n, c});
        return nc.flatMap(s -> Gen.zip(
                TensorGen.tensor(s, TensorGen.values(-3, 3)),
                Gen.pair(Gen.listOf(Gen.ints(IGNORE, s[1] - 1), s[0], s[0]),
                        TensorGen.tensor(new int[] {s[1]}, TensorGen.values(0.2, 2))),
                (logits, p) -> {
                    int[] labels = p.first().stream().mapToInt(Integer::intValue).toArray();
                    if (java.util.Arrays.stream(labels).allMatch(y -> y == IGNORE)) labels[0] = 0;
                    return new Problem(logits, Tensor.of(labels), p.second());
                }));
    }

    private static Stream<DynamicTest> forEachReduction(String name, Reduction[] reductions,
                                                        Function<Reduction, Runnable> test) {
        return Stream.of(reductions).map(r -> DynamicTest.dynamicTest(name + " " + r, () -> test.apply(r).run()));
    }

    // ---------------------------------------------------------------- gradients

    @TestFactory
    Stream<DynamicTest> regressionGradients() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Reduction r : STANDARD) {
            tests.add(check("mse " + r, xs -> Losses.mse(xs.get(0), xs.get(1), r)));
            tests.add(check("l1 " + r, xs -> Losses.l1(xs.get(0), xs.get(1), r)));
            tests.add(check("huber " + r, xs -> Losses.huber(xs.get(0), xs.get(1), 0.8, r)));
            tests.add(check("smoothL1 " + r, xs -> Losses.smoothL1(xs.get(0), xs.get(1), 0.5, r)));
        }
        tests.add(DynamicTest.dynamicTest("mse second order", () -> Property.forAll(regressionPairs()).tries(8).seed(3)
                .check(xy -> GradCheck.checkSecondOrder(xs -> Losses.mse(xs.get(0), xs.get(1), Reduction.MEAN), xy, DIRECTIONAL))));
        return tests.stream();
    }

    private static DynamicTest check(String name, Function<List<Tensor>, Tensor> loss) {
        return DynamicTest.dynamicTest(name, () -> Property.forAll(regressionPairs()).tries(15).seed(2)
                .check(xy -> GradCheck.check(loss, xy)));
    }

    /** Cross-entropy with class indices, in the logits and the class weights, with and without smoothing. */
    @TestFactory
    Stream<DynamicTest> crossEntropyIndexGradients() {
        return forEachReduction("crossEntropy", STANDARD, r -> () -> {
            for (double eps : new double[] {0.0, 0.2}) {
                CrossEntropyOptions o = CrossEntropyOptions.DEFAULT.withIgnoreIndex(IGNORE).withLabelSmoothing(eps).withReduction(r);
                Property.forAll(problems()).tries(10).seed(4).check(p -> {
                    GradCheck.check(xs -> Losses.crossEntropy(xs.get(0), p.labels(), o), List.of(p.logits()));
                    GradCheck.check(xs -> Losses.crossEntropy(xs.get(0), p.labels(), o.withWeight(xs.get(1))),
                            List.of(p.logits(), p.weight()));
                });
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> crossEntropyProbabilityGradients() {
        return forEachReduction("crossEntropy (probabilities)", STANDARD, r -> () ->
                Property.forAll(problems()).tries(10).seed(5).check(p -> {
                    Tensor probs = p.logits().mul(-0.7).softmax(1);
                    CrossEntropyOptions o = CrossEntropyOptions.DEFAULT.withLabelSmoothing(0.1).withReduction(r);
                    GradCheck.check(xs -> Losses.crossEntropy(xs.get(0), xs.get(1), o.withWeight(xs.get(2))),
                            List.of(p.logits(), probs, p.weight()));
                }));
    }

    @TestFactory
    Stream<DynamicTest> nllGradients() {
        return forEachReduction("nll", STANDARD, r -> () -> Property.forAll(problems()).tries(10).seed(6).check(p ->
                GradCheck.check(xs -> Losses.nll(xs.get(0), p.labels(), xs.get(1), IGNORE, r), List.of(p.logits(), p.weight()))));
    }

    @TestFactory
    Stream<DynamicTest> bceWithLogitsGradients() {
        Gen<List<Tensor>> gen = TensorGen.shapes(1, 2, 1, 4).flatMap(s -> Gen.sequence(List.of(
                TensorGen.tensor(s, TensorGen.values(-4, 4)),
                TensorGen.tensor(s, TensorGen.values(0, 1)),
                TensorGen.tensor(new int[] {s[s.length - 1]}, TensorGen.values(0.2, 2)),
                TensorGen.tensor(new int[] {s[s.length - 1]}, TensorGen.values(0.2, 3)))));
        return forEachReduction("bceWithLogits", STANDARD, r -> () -> Property.forAll(gen).tries(12).seed(7).check(in ->
                GradCheck.check(xs -> Losses.bceWithLogits(xs.get(0), xs.get(1), xs.get(2), xs.get(3), r), in)));
    }

    @TestFactory
    Stream<DynamicTest> klDivGradients() {
        Gen<List<Tensor>> probs = TensorGen.shapes(1, 3, 1, 4).flatMap(s -> Gen.sequence(List.of(
                TensorGen.tensor(s, TensorGen.values(-4, 0)), TensorGen.tensor(s, TensorGen.values(0.05, 1)))));
        Gen<List<Tensor>> logs = TensorGen.shapes(1, 3, 1, 4).flatMap(s -> Gen.sequence(List.of(
                TensorGen.tensor(s, TensorGen.values(-4, 0)), TensorGen.tensor(s, TensorGen.values(-4, 0)))));
        Reduction[] all = Reduction.values();
        return forEachReduction("klDiv", all, r -> () -> {
            Property.forAll(probs).tries(10).seed(8).check(in -> GradCheck.check(xs -> Losses.klDiv(xs.get(0), xs.get(1), false, r), in));
            Property.forAll(logs).tries(10).seed(9).check(in -> GradCheck.check(xs -> Losses.klDiv(xs.get(0), xs.get(1), true, r), in));
        });
    }

    @TestFactory
    Stream<DynamicTest> cosineEmbeddingGradients() {
        double margin = 0.2;
        Gen<List<Tensor>> gen = Gen.zip(Gen.ints(1, 4), Gen.ints(2, 5), (n, d) -> new int[] {n, d}).flatMap(s -> Gen.sequence(List.of(
                TensorGen.tensor(s, TensorGen.values(-2, 2)), TensorGen.tensor(s, TensorGen.values(-2, 2)),
                TensorGen.tensor(new int[] {s[0]}, Gen.elements(1.0, -1.0)))))
                // away from the hinge cos = margin of the −1 pairs, and from zero vectors
                .filter(in -> {
                    double[] cos = cosines(in.get(0), in.get(1)), y = in.get(2).toDoubleArray();
                    for (int i = 0; i < y.length; i++) if (y[i] < 0 && Math.abs(cos[i] - margin) < 0.05) return false;
                    return in.get(0).abs().sum().item() > 0.1 && in.get(1).abs().sum().item() > 0.1;
                });
        return forEachReduction("cosineEmbedding", STANDARD, r -> () -> Property.forAll(gen).tries(15).seed(10).check(in ->
                GradCheck.check(xs -> Losses.cosineEmbedding(xs.get(0), xs.get(1), in.get(2), margin, r),
                        List.of(in.get(0), in.get(1)))));
    }

    private static double[] cosines(Tensor a, Tensor b) {
        return a.mul(b).sum(1).div(a.square().sum(1).mul(b.square().sum(1)).sqrt().add(1e-300)).toDoubleArray();
    }

    @Test
    void secondOrderOfSmoothLosses() {
        Property.forAll(problems()).tries(6).seed(11).check(p -> {
            CrossEntropyOptions o = CrossEntropyOptions.DEFAULT.withIgnoreIndex(IGNORE).withLabelSmoothing(0.1)
                    .withWeight(p.weight());
            GradCheck.checkSecondOrder(x -> Losses.crossEntropy(x, p.labels(), o), p.logits(), DIRECTIONAL);
            Tensor t = p.logits().mul(0.5).sigmoid();
            GradCheck.checkSecondOrder(xs -> Losses.bceWithLogits(xs.get(0), xs.get(1), null, p.weight(), Reduction.SUM),
                    List.of(p.logits(), t), DIRECTIONAL);
            GradCheck.checkSecondOrder(x -> Losses.klDiv(x.logSoftmax(1), p.logits().softmax(1), false, Reduction.BATCH_MEAN),
                    p.logits().mul(0.3), DIRECTIONAL);
        });
    }

    // ---------------------------------------------------------------- extreme logits

    private static final double[][] EXTREME = {{1e4, -1e4, 0}, {-1e4, 1e4, -1e4}, {1e4, 1e4, -1e4}, {-1e4, -1e4, -1e4}};

    /** Value and gradient (in the first input) of a loss, asserting both are finite. */
    private static double[] finiteLossAndGrad(String what, Function<Tensor, Tensor> loss, Tensor x) {
        Tensor leaf = x.detach().requiresGrad(true);
        Tensor value = loss.apply(leaf);
        Tensor g = Autograd.grad(value.sum(), new Tensor[] {leaf})[0];
        assertTrue(value.isAllFinite(), what + ": value " + value);
        assertTrue(g.isAllFinite(), what + ": gradient " + g);
        return new double[] {value.sum().item()};
    }

    @Test
    void extremeLogitsGiveFiniteValuesAndGradients() {
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor z = Tensor.of(EXTREME).to(dt);
            Tensor labels = Tensor.of(new int[] {1, 1, 2, 0});
            Tensor w = Tensor.of(new double[] {0.5, 2, 1}).to(dt);
            Tensor probs = Tensor.of(new double[][] {{0.2, 0.8, 0}, {0, 0, 1}, {0.5, 0.25, 0.25}, {1, 0, 0}}).to(dt);
            var o = CrossEntropyOptions.DEFAULT;
            String d = " " + dt;
            double plain = finiteLossAndGrad("ce" + d, x -> Losses.crossEntropy(x, labels), z)[0];
            // −log p: 2e4, 0, 2e4 + log 2, log 3
            assertEquals((2e4 + 0 + 2e4 + Math.log(2) + Math.log(3)) / 4, plain, 1e-3 * 4, "ce" + d);
            finiteLossAndGrad("ce weighted smoothed" + d,
                    x -> Losses.crossEntropy(x, labels, o.withWeight(w).withLabelSmoothing(0.1)), z);
            finiteLossAndGrad("ce ignore" + d, x -> Losses.crossEntropy(x, Tensor.of(new int[] {1, -100, 2, 0}),
                    o.withLabelSmoothing(0.3).withReduction(Reduction.NONE)), z);
            finiteLossAndGrad("ce probabilities" + d, x -> Losses.crossEntropy(x, probs, o.withLabelSmoothing(0.2)), z);
            finiteLossAndGrad("nll of logSoftmax" + d, x -> Losses.nll(x.logSoftmax(1), labels), z);
            finiteLossAndGrad("kl" + d, x -> Losses.klDiv(x.logSoftmax(1), probs, false, Reduction.BATCH_MEAN), z);
            finiteLossAndGrad("kl log target" + d,
                    x -> Losses.klDiv(x.logSoftmax(1), z.mul(0.5).logSoftmax(1), true, Reduction.SUM), z);

            Tensor bz = Tensor.of(new double[] {1e4, -1e4, 1e4, -1e4}).to(dt);
            Tensor bt = Tensor.of(new double[] {0, 1, 1, 0}).to(dt);
            Tensor pw = Tensor.of(new double[] {3}).to(dt);
            double bce = finiteLossAndGrad("bce" + d, x -> Losses.bceWithLogits(x, bt, null, pw, Reduction.SUM), bz)[0];
            assertEquals(1e4 + 3e4, bce, 1e-3, "bce" + d);
            Tensor leaf = bz.detach().requiresGrad(true);
            Losses.bceWithLogits(leaf, bt, null, pw, Reduction.SUM).backward();
            // ∂/∂z = (1 − t)·σ(z) − p·t·σ(−z)... with p = 3: [1, −3, 0, 0]
            assertArrayEquals(new double[] {1, -3, 0, 0}, leaf.grad().toDoubleArray(), 1e-6, "bce grad" + d);
        }
    }

    @Test
    void crossEntropyGradientAtExtremeLogitsIsSoftmaxMinusOneHot() {
        Tensor z = Tensor.of(new double[][] {{1e4, -1e4}, {1e4, -1e4}}).requiresGrad(true);
        Losses.crossEntropy(z, Tensor.of(new int[] {0, 1}), CrossEntropyOptions.DEFAULT.withReduction(Reduction.SUM)).backward();
        assertArrayEquals(new double[] {0, 0, 1, -1}, z.grad().toDoubleArray(), 0.0);
    }

    // ---------------------------------------------------------------- PyTorch's rules

    @Test
    void ignoredTargetsContributeNothing() {
        Tensor z = Tensor.randn(new Generator(1), DType.FLOAT64, 5, 3);
        Tensor labels = Tensor.of(new int[] {2, -100, 0, -100, 1});
        Tensor w = Tensor.of(new double[] {0.5, 2, 3});
        Tensor kept = z.indexSelect(0, Tensor.of(new int[] {0, 2, 4}));
        Tensor keptLabels = Tensor.of(new int[] {2, 0, 1});
        for (double eps : new double[] {0, 0.3}) {
            for (Tensor weight : new Tensor[] {null, w}) {
                var o = CrossEntropyOptions.DEFAULT.withLabelSmoothing(eps).withWeight(weight);
                // the mean over the kept rows only: ignored rows are in neither numerator nor denominator
                assertEquals(Losses.crossEntropy(kept, keptLabels, o).item(), Losses.crossEntropy(z, labels, o).item(), 1e-14);
                Tensor leaf = z.detach().requiresGrad(true);
                Losses.crossEntropy(leaf, labels, o).backward();
                double[] g = leaf.grad().toDoubleArray();
                for (int row : new int[] {1, 3}) {
                    for (int c = 0; c < 3; c++) assertEquals(0.0, g[row * 3 + c], 0.0, "gradient of ignored row " + row);
                }
                double[] none = Losses.crossEntropy(z, labels, o.withReduction(Reduction.NONE)).toDoubleArray();
                assertEquals(0.0, none[1], 0.0);
                assertEquals(0.0, none[3], 0.0);
            }
        }
        // a custom ignore index; a batch that is all ignored has mean 0/0 = NaN (PyTorch) and sum 0
        Tensor allIgnored = Tensor.of(new int[] {1, 1, 1, 1, 1});
        var o = CrossEntropyOptions.DEFAULT.withIgnoreIndex(1);
        assertTrue(Double.isNaN(Losses.crossEntropy(z, allIgnored, o).item()));
        assertEquals(0.0, Losses.crossEntropy(z, allIgnored, o.withReduction(Reduction.SUM)).item(), 0.0);
    }

    @Test
    void weightedMeanDividesByTheTargetsWeights() {
        Tensor z = Tensor.of(new double[][] {{0.3, -1.2, 2.0}, {1.0, 0.0, -0.5}});
        Tensor labels = Tensor.of(new int[] {2, 1});
        Tensor w = Tensor.of(new double[] {1, 4, 0.5});
        double[] nll = Losses.crossEntropy(z, labels, CrossEntropyOptions.DEFAULT.withReduction(Reduction.NONE)).toDoubleArray();
        double expected = (0.5 * nll[0] + 4 * nll[1]) / (0.5 + 4);
        assertEquals(expected, Losses.crossEntropy(z, labels, CrossEntropyOptions.DEFAULT.withWeight(w)).item(), 1e-15);
        assertEquals(expected, Losses.nll(z.logSoftmax(1), labels, w, -100, Reduction.MEAN).item(), 1e-15);
    }

    @Test
    void labelSmoothingMixesInTheUniformDistribution() {
        Tensor z = Tensor.randn(new Generator(2), DType.FLOAT64, 4, 5);
        Tensor labels = Tensor.of(new int[] {4, 0, 2, 2});
        Tensor w = Tensor.of(new double[] {1, 2, 0.5, 1, 3});
        double eps = 0.25;
        Tensor smoothed = labels.oneHot(5).to(DType.FLOAT64).mul(1 - eps).add(eps / 5);
        var o = CrossEntropyOptions.DEFAULT;
        // class indices with ε = soft targets (1 − ε)·onehot + ε/C (sum with weights; mean without)
        assertEquals(Losses.crossEntropy(z, smoothed, o.withWeight(w).withReduction(Reduction.SUM)).item(),
                Losses.crossEntropy(z, labels, o.withWeight(w).withLabelSmoothing(eps).withReduction(Reduction.SUM)).item(), 1e-13);
        assertEquals(Losses.crossEntropy(z, smoothed).item(), Losses.crossEntropy(z, labels, o.withLabelSmoothing(eps)).item(), 1e-14);
        // ε = 0 is plain cross-entropy; ε = 1 ignores the labels: −mean_c log p_c
        assertEquals(Losses.crossEntropy(z, labels).item(), Losses.crossEntropy(z, labels, o.withLabelSmoothing(0)).item(), 0.0);
        double uniform = z.logSoftmax(1).mean().neg().item();
        assertEquals(uniform, Losses.crossEntropy(z, labels, o.withLabelSmoothing(1)).item(), 1e-14);
        assertEquals(uniform, Losses.crossEntropy(z, Tensor.of(new int[] {0, 1, 3, 3}), o.withLabelSmoothing(1)).item(), 1e-14);
    }

    @Test
    void klDivergenceProperties() {
        Tensor p = Tensor.of(new double[][] {{0.2, 0.8, 0.0}, {0.5, 0.25, 0.25}});
        Tensor logQ = Tensor.of(new double[][] {{0.1, 0.1, 0.8}, {0.3, 0.3, 0.4}}).log();
        Tensor safeLogP = Tensor.where(p.eq(0.0), Tensor.full(-1e300, DType.FLOAT64), p.log());
        // KL(p‖p) = 0, with 0·log 0 = 0 and no NaN
        assertEquals(0.0, Losses.klDiv(safeLogP, p, false, Reduction.SUM).item(), 1e-15);
        double sum = Losses.klDiv(logQ, p, false, Reduction.SUM).item();
        double direct = 0.2 * Math.log(0.2 / 0.1) + 0.8 * Math.log(0.8 / 0.1)
                + 0.5 * Math.log(0.5 / 0.3) + 0.25 * Math.log(0.25 / 0.3) + 0.25 * Math.log(0.25 / 0.4);
        assertEquals(direct, sum, 1e-15);
        assertEquals(sum / 2, Losses.klDiv(logQ, p, false, Reduction.BATCH_MEAN).item(), 1e-15);
        assertEquals(sum / 6, Losses.klDiv(logQ, p, false, Reduction.MEAN).item(), 1e-15);
        // the target may be given as log p
        Tensor logP = Tensor.of(new double[][] {{0.2, 0.7, 0.1}, {0.5, 0.25, 0.25}}).log();
        assertEquals(Losses.klDiv(logQ, logP.exp(), false, Reduction.SUM).item(),
                Losses.klDiv(logQ, logP, true, Reduction.SUM).item(), 1e-15);
        // gradients where p = 0 are finite, in the input and in the target
        Tensor pp = p.detach().requiresGrad(true), qq = logQ.detach().requiresGrad(true);
        Losses.klDiv(qq, pp, false, Reduction.SUM).backward();
        assertTrue(pp.grad().isAllFinite() && qq.grad().isAllFinite());
    }

    @Test
    void cosineEmbeddingValues() {
        Tensor a = Tensor.of(new double[][] {{1, 2, 3}, {1, 0, 0}, {1, 1, 0}});
        Tensor b = Tensor.of(new double[][] {{2, 4, 6}, {0, 1, 0}, {1, 0, 0}});
        Tensor y = Tensor.of(new int[] {1, -1, -1});
        double[] l = Losses.cosineEmbedding(a, b, y, 0.5, Reduction.NONE).toDoubleArray();
        assertEquals(0.0, l[0], 1e-12);                       // parallel pair labelled similar
        assertEquals(0.0, l[1], 0.0);                         // orthogonal pair labelled dissimilar: under the margin
        assertEquals(Math.sqrt(0.5) - 0.5, l[2], 1e-12);      // cos 45° above the margin
    }

    // ---------------------------------------------------------------- errors

    private static void assertMessage(Throwable e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + p + "' missing from: " + e.getMessage());
    }

    @Test
    void targetShapeAndTypeMismatchesAreClearErrors() {
        Tensor z = Tensor.zeros(DType.FLOAT64, 3, 4);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(z, Tensor.of(new int[] {0, 1, 2, 3}))),
                "crossEntropy", "[4]", "[3, 4]", "[3]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(z, Tensor.zeros(DType.FLOAT64, 3, 5))),
                "crossEntropy", "[3, 5]", "[3, 4]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(z, Tensor.zeros(DType.FLOAT32, 3, 4))),
                "crossEntropy", "float32", "float64");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(z, Tensor.of(new int[] {0, 1, 2}),
                CrossEntropyOptions.DEFAULT.withWeight(Tensor.ones(DType.FLOAT64, 3)))), "weights", "[3]", "4");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(Tensor.scalar(1.0, DType.FLOAT64),
                Tensor.of(new int[] {0}))), "crossEntropy", "scalar");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Losses.nll(z, Tensor.of(new int[] {0, 1}))), "nll", "[2]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Losses.mse(z, Tensor.zeros(DType.FLOAT64, 4, 3))),
                "mse", "[4, 3]", "[3, 4]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Losses.mse(z, z, Reduction.BATCH_MEAN)), "mse", "BATCH_MEAN");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Losses.bceWithLogits(z, z, null,
                Tensor.ones(DType.FLOAT64, 3), Reduction.MEAN)), "bceWithLogits", "posWeight", "[3]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Losses.klDiv(z, Tensor.zeros(DType.FLOAT64, 3), false,
                Reduction.SUM)), "klDiv", "[3]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Losses.cosineEmbedding(z, z, Tensor.of(new int[] {1, 0, -1}),
                0, Reduction.MEAN)), "cosineEmbedding", "1 or -1");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Losses.cosineEmbedding(z, z, Tensor.of(new int[] {1, 1}),
                0, Reduction.MEAN)), "cosineEmbedding", "[2]");
        assertThrows(IllegalArgumentException.class, () -> CrossEntropyOptions.DEFAULT.withLabelSmoothing(1.5));
        assertThrows(IllegalArgumentException.class, () -> Losses.huber(z, z, 0, Reduction.MEAN));
        assertThrows(IllegalArgumentException.class, () -> Losses.smoothL1(z, z, -1, Reduction.MEAN));
        assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(Tensor.of(new int[] {1, 2}), Tensor.of(new int[] {0})));
    }

    @Test
    void labelsOutOfRangeAreIndexErrors() {
        Tensor z = Tensor.zeros(DType.FLOAT64, 3, 4);
        assertMessage(assertThrows(IndexOutOfBoundsException.class, () -> Losses.crossEntropy(z, Tensor.of(new int[] {0, 4, 1}))),
                "crossEntropy", "label 4", "position 1", "4 classes");
        // −1 is a label like any other unless it is the ignore index
        assertMessage(assertThrows(IndexOutOfBoundsException.class, () -> Losses.nll(z, Tensor.of(new int[] {0, 1, -1}))),
                "nll", "label -1", "position 2");
        Losses.crossEntropy(z, Tensor.of(new int[] {0, 1, -1}), CrossEntropyOptions.DEFAULT.withIgnoreIndex(-1));
        // the ignore index itself may be out of range without error, also in [N, C, d] layout
        Tensor z3 = Tensor.zeros(DType.FLOAT64, 2, 4, 3);
        assertEquals(Math.log(4), Losses.crossEntropy(z3, Tensor.of(new int[] {0, -100, 3, 3, 2, 1}, 2, 3)).item(), 1e-15);
        assertMessage(assertThrows(IndexOutOfBoundsException.class,
                () -> Losses.crossEntropy(z3, Tensor.of(new int[] {0, 1, 3, 3, 9, 1}, 2, 3))), "label 9", "position 4");
    }
}
