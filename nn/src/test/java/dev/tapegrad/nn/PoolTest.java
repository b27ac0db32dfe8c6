package dev.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.Autograd;
import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import dev.tapegrad.check.Gen;
import dev.tapegrad.check.GradCheck;
import dev.tapegrad.check.Property;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Gradients, tie and padding behaviour, modules and errors of max and average pooling. */
class PoolTest {

    /** A random pooling over {@code d} spatial axes and an input whose values are at least 0.1 apart (no ties). */
    record Sample(boolean max, int[] kernel, int[] stride, int[] padding, Tensor x) {
        Tensor apply(Tensor in) {
            if (kernel.length == 1) {
                return max ? Convolution.maxPool1d(in, kernel[0], stride[0], padding[0])
                        : Convolution.avgPool1d(in, kernel[0], stride[0], padding[0]);
            }
            return max ? Convolution.maxPool2d(in, kernel, stride, padding) : Convolution.avgPool2d(in, kernel, stride, padding);
        }

        @Override
        public String toString() {
            return (max ? "max" : "avg") + " kernel " + Arrays.toString(kernel) + ", stride " + Arrays.toString(stride)
                    + ", padding " + Arrays.toString(padding) + ", x " + Arrays.toString(x.shape());
        }
    }

    static Gen<Sample> samples(int d, boolean max) {
        List<Gen<Integer>> parts = new ArrayList<>(List.of(Gen.ints(1, 2), Gen.ints(1, 3), Gen.ints(0, 1_000_000)));
        for (int a = 0; a < d; a++) parts.addAll(List.of(Gen.ints(1, 3), Gen.ints(1, 3), Gen.ints(0, 1), Gen.ints(0, 3)));
        return Gen.sequence(parts).map(v -> {
            int[] kernel = new int[d], stride = new int[d], padding = new int[d], shape = new int[d + 2];
            shape[0] = v.get(0);
            shape[1] = v.get(1);
            for (int a = 0; a < d; a++) {
                int at = 3 + 4 * a;
                kernel[a] = v.get(at);
                stride[a] = v.get(at + 1);
                padding[a] = Math.min(v.get(at + 2), kernel[a] / 2);
                shape[a + 2] = Math.max(1, kernel[a] - 2 * padding[a] + v.get(at + 3));
            }
            int n = Arrays.stream(shape).reduce(1, (p, q) -> p * q);
            // a random permutation of 0, 0.1, ..., 0.1·(n − 1), shifted to straddle zero: distinct values far from ties
            Tensor x = Tensor.randperm(new Generator(v.get(2)), n).to(DType.FLOAT64).mul(0.1).sub(0.05 * n).reshape(shape);
            return new Sample(max, kernel, stride, padding, x);
        });
    }

    @Test
    void maxPoolGradientsMatchCentralDifferences() {
        for (int d = 1; d <= 2; d++) {
            Property.forAll(samples(d, true)).tries(25).seed(10 + d).check(s -> GradCheck.check(s::apply, s.x()));
        }
    }

    @Test
    void avgPoolGradientsMatchCentralDifferences() {
        for (int d = 1; d <= 2; d++) {
            Property.forAll(samples(d, false)).tries(25).seed(20 + d).check(s -> GradCheck.check(s::apply, s.x()));
        }
    }

    /** Each output's gradient goes to exactly one element of its window, the first maximum (PyTorch). */
    @Test
    void tiesSendTheGradientToTheFirstMaximum() {
        Tensor x = Tensor.ones(DType.FLOAT64, 1, 1, 5).requiresGrad(true);
        Convolution.maxPool1d(x, 2, 1, 0).sum().backward();               // windows {0,1} {1,2} {2,3} {3,4}
        assertArrayEquals(new double[] {1, 1, 1, 1, 0}, x.grad().toDoubleArray());
        Tensor y = Tensor.ones(DType.FLOAT64, 1, 1, 2, 4).requiresGrad(true);
        Convolution.maxPool2d(y, 2).sum().backward();
        assertArrayEquals(new double[] {1, 0, 1, 0, 0, 0, 0, 0}, y.grad().toDoubleArray());
    }

    /** Padding of max pooling is −∞: a window of negative values and padding gives their maximum, not 0. */
    @Test
    void maxPoolPaddingNeverWins() {
        Tensor x = Tensor.of(new double[] {-3, -4, -2, -5}, 1, 1, 4);
        assertArrayEquals(new double[] {-3, -2, -2, -2}, Convolution.maxPool1d(x, 3, 1, 1).toDoubleArray());
    }

    /** Average pooling counts the padding zeros (count_include_pad = true). */
    @Test
    void avgPoolCountsPadding() {
        Tensor x = Tensor.ones(DType.FLOAT64, 1, 3, 3);                   // unbatched [C, H, W]
        Tensor y = Convolution.avgPool2d(x, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1});
        assertArrayEquals(new int[] {1, 3, 3}, y.shape());
        assertArrayEquals(new double[] {4, 6, 4, 6, 9, 6, 4, 6, 4}, y.mul(9).toDoubleArray(), 1e-12);
    }

    @Test
    void maxPoolPropagatesNaN() {
        Tensor x = Tensor.of(new double[] {1, Double.NaN, 3, 4}, 1, 1, 4);
        double[] y = Convolution.maxPool1d(x, 2).toDoubleArray();
        assertTrue(Double.isNaN(y[0]));
        assertEquals(4, y[1]);
    }

    @Test
    void modulesMatchTheFunctions() {
        Tensor x = Tensor.randn(new Generator(3), 2, 3, 7, 6);
        assertEquals(0, new MaxPool2d(2).parameterCount());
        assertArrayEquals(Convolution.maxPool2d(x, 2).toDoubleArray(), new MaxPool2d(2).forward(x).toDoubleArray(), 0);
        int[] k = {3, 2}, s = {2, 1}, p = {1, 0};
        assertArrayEquals(Convolution.avgPool2d(x, k, s, p).toDoubleArray(),
                AvgPool2d.builder(3, 2).stride(2, 1).padding(1, 0).build().forward(x).toDoubleArray(), 0);
        Tensor z = x.reshape(2, 3, 42);
        assertArrayEquals(Convolution.maxPool1d(z, 4, 3, 2).toDoubleArray(),
                MaxPool1d.builder(4).stride(3).padding(2).build().forward(z).toDoubleArray(), 0);
        assertArrayEquals(Convolution.avgPool1d(z, 5).toDoubleArray(), new AvgPool1d(5).forward(z).toDoubleArray(), 0);
        assertArrayEquals(new int[] {2, 3, 8}, new AvgPool1d(5).forward(z).shape());
        try (var scope = Autograd.noGrad()) {
            assertEquals(DType.FLOAT32, new MaxPool1d(2).forward(z).dtype());
        }
    }

    @Test
    void errorsNameTheLayerAndShapes() {
        ConvTest.assertMessage("maxPool2d: padding [2, 0] must be at most half the kernel [3, 3]",
                () -> Convolution.maxPool2d(Tensor.zeros(1, 1, 5, 5), new int[] {3, 3}, new int[] {1, 1}, new int[] {2, 0}));
        ConvTest.assertMessage("avgPool1d: input of shape [5] must be [N, C, L] or [C, L]",
                () -> Convolution.avgPool1d(Tensor.zeros(5), 2));
        ConvTest.assertMessage("MaxPool2d: kernel [3, 3] (dilation [1, 1]) spans 3 positions along spatial axis 1, more than the padded input 2 (input [1, 1, 4, 2]",
                () -> new MaxPool2d(3).forward(Tensor.zeros(1, 1, 4, 2)));
        ConvTest.assertMessage("avgPool2d: input must be float32 or float64, got int32",
                () -> Convolution.avgPool2d(Tensor.of(new int[] {1, 2, 3, 4}, 1, 1, 2, 2), 2));
        ConvTest.assertMessage("AvgPool1d: need kernel, stride and dilation >= 1 and padding >= 0",
                () -> new AvgPool1d(0));
        ConvTest.assertMessage("MaxPool1d: padding [2] must be at most half the kernel [3]",
                () -> MaxPool1d.builder(3).stride(1).padding(2).build());
    }
}
