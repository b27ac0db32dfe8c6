package dev.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Behaviour of the layers and modules: train vs eval, masks, padding, buffers, the Mlp builder, errors. */
class LayersBehaviourTest {

    /** A tiny activation module for the builder tests (the Activations family lives elsewhere). */
    private static final class TanhModule extends UnaryModule {
        @Override
        public Tensor forward(Tensor x) {
            return x.tanh();
        }
    }

    private static void assertMessage(Class<? extends Throwable> type, Executable call, String... parts) {
        Throwable e = assertThrows(type, call);
        for (String p : parts) assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' lacks '" + p + "'");
    }

    // ---------------------------------------------------------------- dropout

    @Test
    void dropoutInTrainingZeroesAboutPAndScalesTheRest() {
        double p = 0.3;
        int n = 50_000;
        double[] y = Layers.dropout(new Generator(42), Tensor.ones(DType.FLOAT64, n), p, true).toDoubleArray();
        int zeros = 0;
        double sum = 0;
        for (double v : y) {
            if (v == 0) zeros++;
            else assertEquals(1 / (1 - p), v, 1e-15, "kept units are scaled by 1/(1-p)");
            sum += v;
        }
        double sd = Math.sqrt(n * p * (1 - p));
        assertEquals(n * p, zeros, 5 * sd, "about p of the units are dropped");
        assertEquals(1.0, sum / n, 5 * sd / n / (1 - p), "E[y] = x");
    }

    @Test
    void dropoutModuleIsIdentityInEvalAndReproducibleBySeed() {
        Tensor x = Tensor.randn(new Generator(1), 4, 50);
        Dropout d = new Dropout(new Generator(9), 0.5);
        Tensor a = d.forward(x), b = d.forward(x);
        assertFalse(a.allClose(b, 0, 0), "successive masks differ");
        assertTrue(a.allClose(new Dropout(new Generator(9), 0.5).forward(x), 0, 0), "same seed, same mask");
        d.eval();
        assertSame(x, d.forward(x), "identity in eval mode");
        assertSame(x, Layers.dropout(new Generator(0), x, 0.0, true), "p = 0 is the identity");
    }

    @Test
    void dropoutGradientIsTheScaledMask() {
        Tensor x = Tensor.ones(DType.FLOAT64, 1000).requiresGrad(true);
        Tensor y = Layers.dropout(new Generator(3), x, 0.25, true);
        y.sum().backward();
        assertArrayEquals(y.toDoubleArray(), x.grad().toDoubleArray(), 0, "dy/dx = m/(1-p), which is y at x = 1");
    }

    @Test
    void dropoutRejectsBadProbabilities() {
        for (double p : new double[] {-0.1, 1.0, 1.5, Double.NaN}) {
            assertMessage(IllegalArgumentException.class, () -> new Dropout(new Generator(0), p), "Dropout", "[0, 1)");
            assertMessage(IllegalArgumentException.class, () -> Layers.dropout(new Generator(0), Tensor.ones(2), p, false), "dropout");
        }
        assertMessage(IllegalArgumentException.class, () -> Layers.dropout(new Generator(0), Tensor.arange(3), 0.5, true), "int32");
    }

    // ---------------------------------------------------------------- batch norm

    @Test
    void batchNormUsesBatchStatisticsInTrainingAndRunningOnesInEval() {
        BatchNorm1d bn = BatchNorm1d.builder(3).dtype(DType.FLOAT64).build();
        assertEquals(List.of("weight", "bias", "running_mean", "running_var", "num_batches_tracked"), List.copyOf(bn.stateDict().keySet()));
        assertEquals(DType.INT32, bn.stateDict().get("num_batches_tracked").dtype());
        Tensor x = Tensor.randn(new Generator(5), DType.FLOAT64, 64, 3, 4).mul(3).add(2);
        Tensor y = bn.forward(x);
        // Batch statistics: each channel of y has mean 0 and biased variance σ²/(σ² + ε) ≈ 1.
        double[] mean = y.mean(new int[] {0, 2}, false).toDoubleArray();
        double[] var = y.var(new int[] {0, 2}, 0, false).toDoubleArray();
        for (int c = 0; c < 3; c++) {
            assertEquals(0, mean[c], 1e-12);
            assertEquals(1, var[c], 1e-5);
        }
        // Running statistics moved 10% of the way from (0, 1) to the batch mean and unbiased variance.
        double[] bm = x.mean(new int[] {0, 2}, false).toDoubleArray(), bv = x.var(new int[] {0, 2}, 1, false).toDoubleArray();
        for (int c = 0; c < 3; c++) {
            assertEquals(0.1 * bm[c], bn.runningMean().get(c), 1e-12);
            assertEquals(0.9 + 0.1 * bv[c], bn.runningVar().get(c), 1e-12);
        }
        assertEquals(1, bn.numBatchesTracked());
        assertFalse(bn.runningMean().requiresGrad());

        bn.eval();
        Tensor ye = bn.forward(x);
        Tensor expected = x.sub(bn.runningMean().reshape(1, 3, 1)).div(bn.runningVar().add(1e-5).sqrt().reshape(1, 3, 1));
        assertTrue(ye.allClose(expected, 1e-12, 1e-12), "eval normalises with the running statistics");
        assertFalse(ye.allClose(y, 1e-3, 1e-3), "eval differs from training");
        assertEquals(1, bn.numBatchesTracked(), "eval does not update anything");
        assertEquals(0.1 * bm[0], bn.runningMean().get(0), 1e-12);
        Tensor single = bn.forward(Tensor.ones(DType.FLOAT64, 1, 3)); // one sample is fine in eval
        assertArrayEquals(new int[] {1, 3}, single.shape());
    }

    @Test
    void batchNormBackwardWorksAfterTheRunningUpdate() {
        BatchNorm1d bn = BatchNorm1d.builder(2).dtype(DType.FLOAT64).build();
        Tensor x = Tensor.randn(new Generator(2), DType.FLOAT64, 5, 2).requiresGrad(true);
        bn.forward(x).square().sum().backward();
        assertTrue(bn.weight().grad() != null && x.grad() != null);
        assertNull(bn.runningMean().grad());
    }

    @Test
    void batchNormWithoutRunningStatisticsUsesBatchStatisticsInEval() {
        BatchNorm1d bn = BatchNorm1d.builder(2).affine(false).trackRunningStats(false).dtype(DType.FLOAT64).build();
        assertTrue(bn.stateDict().isEmpty());
        Tensor x = Tensor.randn(new Generator(4), DType.FLOAT64, 6, 2);
        Tensor train = bn.forward(x);
        bn.eval();
        assertTrue(bn.forward(x).allClose(train, 0, 0));
        assertEquals(-1, bn.numBatchesTracked());
    }

    @Test
    void batchNormErrors() {
        BatchNorm1d bn = new BatchNorm1d(3);
        assertMessage(IllegalArgumentException.class, () -> bn.forward(Tensor.ones(4, 2)), "BatchNorm1d", "[4, 2]", "[N, 3]");
        assertMessage(IllegalArgumentException.class, () -> bn.forward(Tensor.ones(4, 3, 2, 2)), "BatchNorm1d", "[4, 3, 2, 2]");
        assertMessage(IllegalArgumentException.class, () -> bn.forward(Tensor.ones(1, 3)), "more than one value per channel", "[1, 3]");
        assertEquals(0, bn.numBatchesTracked(), "a refused batch changes nothing");
        assertMessage(IllegalArgumentException.class, () -> Layers.batchNorm(Tensor.ones(DType.FLOAT64, 4, 3),
                Tensor.zeros(3), Tensor.ones(3), null, null, true, 0.1, 1e-5), "running_mean", "float32", "float64");
        assertArrayEquals(new double[] {0, 0, 0}, bn.runningMean().toDoubleArray(), "nothing updated before the error");
        assertMessage(IllegalArgumentException.class, () -> BatchNorm1d.builder(3).momentum(1.5).build(), "momentum");
        assertMessage(IllegalArgumentException.class, () -> Layers.batchNorm(Tensor.zeros(4, 0), null, null, null, null, true, 0.1, 1e-5),
                "batchNorm", "non-empty", "[4, 0]");
    }

    // ---------------------------------------------------------------- embedding

    @Test
    void embeddingPaddingRowStartsAtZeroAndGetsNoGradient() {
        Embedding plain = Embedding.builder(5, 3).dtype(DType.FLOAT64).build(new Generator(1));
        Embedding padded = Embedding.builder(5, 3).paddingIdx(-2).dtype(DType.FLOAT64).build(new Generator(1));
        assertEquals(3, padded.paddingIdx());
        assertArrayEquals(new double[3], padded.weight().select(0, 3).toDoubleArray(), "padding row initialised to 0");
        assertTrue(plain.weight().select(0, 1).allClose(padded.weight().select(0, 1), 0, 0), "other rows as without padding");
        Tensor idx = Tensor.of(new int[] {3, 1, 3, 0, 1, 4}, 2, 3);
        for (Embedding e : List.of(plain, padded)) e.forward(idx).mul(Tensor.arange(1, 7, 1, DType.FLOAT64).reshape(2, 3, 1)).sum().backward();
        Tensor gp = padded.weight().grad(), g = plain.weight().grad();
        assertArrayEquals(new double[3], gp.select(0, 3).toDoubleArray(), "no gradient for the padding row");
        assertTrue(g.select(0, 3).abs().sum().item() > 0, "without padding the row does get a gradient");
        for (int row : new int[] {0, 1, 2, 4}) assertTrue(gp.select(0, row).allClose(g.select(0, row), 0, 0));
        assertArrayEquals(new int[] {2, 3, 3}, padded.forward(idx).shape());
    }

    @Test
    void embeddingErrors() {
        Embedding e = new Embedding(new Generator(0), 4, 2);
        assertMessage(IndexOutOfBoundsException.class, () -> e.forward(Tensor.of(new int[] {1, 4})), "4");
        assertMessage(IllegalArgumentException.class, () -> e.forward(Tensor.of(new double[] {1})), "int32");
        assertMessage(IllegalArgumentException.class, () -> Embedding.builder(4, 2).paddingIdx(4).build(new Generator(0)),
                "Embedding", "padding index 4");
        assertMessage(IllegalArgumentException.class, () -> Embedding.builder(4, 2).paddingIdx(-5).build(new Generator(0)),
                "padding index -5");
    }

    // ---------------------------------------------------------------- layer norm, RMS norm

    @Test
    void layerNormModuleNormalisesRows() {
        LayerNorm ln = LayerNorm.builder(8).dtype(DType.FLOAT64).build();
        assertEquals(List.of("weight", "bias"), List.copyOf(ln.stateDict().keySet()));
        Tensor y = ln.forward(Tensor.randn(new Generator(3), DType.FLOAT64, 5, 8).mul(4).add(1));
        for (double m : y.mean(new int[] {1}, false).toDoubleArray()) assertEquals(0, m, 1e-12);
        for (double v : y.var(new int[] {1}, 0, false).toDoubleArray()) assertEquals(1, v, 1e-5);
        assertTrue(LayerNorm.builder(8).affine(false).bias(false).build().stateDict().isEmpty());
        assertEquals(List.of("weight"), List.copyOf(LayerNorm.builder(8).bias(false).build().stateDict().keySet()));
    }

    @Test
    void rmsNormDefaultsToTheMachineEpsilonAndGivesUnitRms() {
        assertEquals(Math.ulp(1.0f), Layers.rmsNormDefaultEps(DType.FLOAT32));
        assertEquals(0x1p-52, Layers.rmsNormDefaultEps(DType.FLOAT64));
        Tensor x = Tensor.randn(new Generator(8), DType.FLOAT64, 4, 6).mul(3);
        Tensor y = RMSNorm.builder(6).dtype(DType.FLOAT64).build().forward(x);
        for (double ms : y.square().mean(new int[] {1}, false).toDoubleArray()) assertEquals(1, ms, 1e-12);
        assertTrue(y.allClose(Layers.rmsNorm(x, new int[] {6}, null, 0x1p-52), 0, 0));
        assertNotEquals(y.get(0, 0), Layers.rmsNorm(x, new int[] {6}, null, 1.0).get(0, 0));
    }

    @Test
    void normErrorsNameTheShapes() {
        LayerNorm ln = new LayerNorm(4);
        assertMessage(IllegalArgumentException.class, () -> ln.forward(Tensor.ones(2, 5)), "layerNorm", "[2, 5]", "[4]");
        assertMessage(IllegalArgumentException.class, () -> new RMSNorm(4).forward(Tensor.ones(4, 3)), "rmsNorm", "[4, 3]");
        assertMessage(IllegalArgumentException.class, () -> Layers.layerNorm(Tensor.ones(3, 4), new int[] {4}, Tensor.ones(3), null),
                "weight", "[4]", "[3]");
        assertMessage(IllegalArgumentException.class, () -> Layers.layerNorm(Tensor.ones(3, 4), new int[] {4}, null, null, 0), "eps");
        assertMessage(IllegalArgumentException.class, () -> LayerNorm.builder(new int[0]).build(), "LayerNorm");
        assertMessage(IllegalArgumentException.class, () -> RMSNorm.builder(4).eps(-1.0).build(), "RMSNorm", "eps");
    }

    // ---------------------------------------------------------------- linear, bilinear

    @Test
    void linearAndBilinearErrors() {
        // one check, the engine's: the module adds its sizes, the message names the shapes
        assertMessage(IllegalArgumentException.class, () -> new Linear(new Generator(0), 4, 3).forward(Tensor.ones(2, 5)),
                "Linear(4 → 3)", "[2, 5]", "4", "[3, 4]");
        assertMessage(IllegalArgumentException.class, () -> new Linear(new Generator(0), 4, 3).forward(Tensor.ones(DType.FLOAT64, 2, 4)),
                "Linear(4 → 3)", "float64", "float32");
        assertMessage(IllegalArgumentException.class, () -> Layers.linear(Tensor.ones(2, 4), Tensor.ones(3, 4), Tensor.ones(4)),
                "linear", "bias", "[3]", "[4]");
        assertMessage(IllegalArgumentException.class, () -> Layers.linear(Tensor.ones(2, 4), Tensor.ones(4), null),
                "linear", "weight", "[out, in]", "[4]");
        Bilinear b = new Bilinear(new Generator(0), 3, 2, 4);
        assertArrayEquals(new int[] {4, 3, 2}, b.weight().shape());
        assertArrayEquals(new int[] {5, 4}, b.forward(Tensor.ones(5, 3), Tensor.ones(5, 2)).shape());
        assertMessage(IllegalArgumentException.class, () -> b.forward(Tensor.ones(5, 3), Tensor.ones(4, 2)),
                "bilinear", "[5, 3]", "[4, 2]");
        assertMessage(IllegalArgumentException.class, () -> b.forward(Tensor.ones(5, 2), Tensor.ones(5, 2)), "bilinear", "[5, 2]");
    }

    @Test
    void bilinearIsTheSumOverItsDefinition() {
        Generator g = new Generator(6);
        Tensor x1 = Tensor.randn(g, DType.FLOAT64, 3), x2 = Tensor.randn(g, DType.FLOAT64, 2), w = Tensor.randn(g, DType.FLOAT64, 4, 3, 2);
        Tensor y = Layers.bilinear(x1, x2, w, null);
        assertArrayEquals(new int[] {4}, y.shape());
        for (int k = 0; k < 4; k++) {
            double s = 0;
            for (int i = 0; i < 3; i++) for (int j = 0; j < 2; j++) s += x1.get(i) * w.get(k, i, j) * x2.get(j);
            assertEquals(s, y.get(k), 1e-12);
        }
    }

    // ---------------------------------------------------------------- Mlp

    @Test
    void mlpBuilderMakesASequentialWithPyTorchNames() {
        Sequential net = Mlp.builder(6).hidden(5, TanhModule::new).hidden(4, TanhModule::new).out(2).dropout(0.5)
                .dtype(DType.FLOAT64).build(new Generator(0));
        assertEquals(7, net.size());
        assertInstanceOf(Linear.class, net.get(0));
        assertInstanceOf(TanhModule.class, net.get(1));
        assertInstanceOf(Dropout.class, net.get(2));
        assertInstanceOf(Linear.class, net.get(6));
        assertEquals(List.of("0.weight", "0.bias", "3.weight", "3.bias", "6.weight", "6.bias"), List.copyOf(net.namedParameters().keySet()));
        assertEquals(6 * 5 + 5 + 5 * 4 + 4 + 4 * 2 + 2, net.parameterCount());

        Tensor x = Tensor.randn(new Generator(1), DType.FLOAT64, 3, 6);
        assertArrayEquals(new int[] {3, 2}, net.forward(x).shape());
        assertFalse(net.forward(x).allClose(net.forward(x), 0, 0), "dropout is active in training");
        net.eval();
        assertTrue(net.forward(x).allClose(net.forward(x), 0, 0), "and off in eval");

        Sequential plain = Mlp.builder(3).out(1).build(new Generator(0));
        assertEquals(1, plain.size(), "no hidden layers: one Linear");
        assertEquals(3, Mlp.builder(3).hidden(2, TanhModule::new).out(1).build(new Generator(0)).size(), "no dropout modules at p = 0");
    }

    @Test
    void mlpBuilderErrors() {
        assertMessage(IllegalStateException.class, () -> Mlp.builder(3).hidden(2, TanhModule::new).build(new Generator(0)), "out(size)");
        assertMessage(IllegalArgumentException.class, () -> Mlp.builder(0), "input size");
        assertMessage(IllegalArgumentException.class, () -> Mlp.builder(3).hidden(-1, TanhModule::new), "hidden size");
        assertMessage(IllegalArgumentException.class, () -> Mlp.builder(3).dropout(1.0), "[0, 1)");
    }

    @Test
    void linearKeepsPyTorchsDefaultInitialisationBound() {
        Linear l = new Linear(new Generator(0), 16, 1000);
        double bound = 1 / Math.sqrt(16);
        double max = 0;
        for (double v : l.weight().toDoubleArray()) max = Math.max(max, Math.abs(v));
        assertTrue(max < bound && max > 0.99 * bound, "weights fill ±1/√in, max |w| = " + max);
        assertTrue(l.weight().requiresGrad() && l.weight().isLeaf());
    }
}
