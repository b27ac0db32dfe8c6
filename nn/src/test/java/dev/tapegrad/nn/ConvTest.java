package dev.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import dev.tapegrad.check.Gen;
import dev.tapegrad.check.GradCheck;
import dev.tapegrad.check.Property;
import dev.tapegrad.check.TensorGen;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Gradients (first and second order), consistency, modules and errors of conv1d/conv2d. */
class ConvTest {

    /**
     * A random convolution over {@code d} spatial axes: geometry, channel counts and sizes that fit, and the
     * inputs x, weight and (optionally) bias, float64 in [−1, 1].
     */
    record Sample(int groups, int[] stride, int[] padding, int[] dilation, List<Tensor> inputs) {
        Tensor apply(List<Tensor> in) {
            Tensor bias = in.size() > 2 ? in.get(2) : null;
            return stride.length == 1
                    ? Convolution.conv1d(in.get(0), in.get(1), bias, stride[0], padding[0], dilation[0], groups)
                    : Convolution.conv2d(in.get(0), in.get(1), bias, stride, padding, dilation, groups);
        }

        @Override
        public String toString() {
            return "groups " + groups + ", stride " + Arrays.toString(stride) + ", padding " + Arrays.toString(padding)
                    + ", dilation " + Arrays.toString(dilation) + ", shapes "
                    + inputs.stream().map(t -> Arrays.toString(t.shape())).toList();
        }
    }

    static Gen<Sample> samples(int d) {
        List<Gen<Integer>> parts = new ArrayList<>(List.of(Gen.ints(1, 2), Gen.ints(1, 2), Gen.ints(1, 2), Gen.ints(1, 2),
                Gen.ints(0, 1)));                                   // batch, groups, in/group, out/group, bias
        for (int a = 0; a < d; a++) {                               // kernel, stride, padding, dilation, extra size
            parts.addAll(List.of(Gen.ints(1, 3), Gen.ints(1, 2), Gen.ints(0, 2), Gen.ints(1, 2), Gen.ints(0, 3)));
        }
        return Gen.sequence(parts).flatMap(v -> {
            int n = v.get(0), groups = v.get(1), in = groups * v.get(2), out = groups * v.get(3);
            int[] kernel = new int[d], stride = new int[d], padding = new int[d], dilation = new int[d], size = new int[d];
            for (int a = 0; a < d; a++) {
                int at = 5 + 5 * a;
                kernel[a] = v.get(at);
                stride[a] = v.get(at + 1);
                padding[a] = v.get(at + 2);
                dilation[a] = v.get(at + 3);
                size[a] = Math.max(1, dilation[a] * (kernel[a] - 1) + 1 - 2 * padding[a] + v.get(at + 4));
            }
            Gen<Double> values = TensorGen.values(-1, 1);
            List<Gen<Tensor>> tensors = new ArrayList<>(List.of(
                    TensorGen.tensor(concat(new int[] {n, in}, size), values),
                    TensorGen.tensor(concat(new int[] {out, in / groups}, kernel), values)));
            if (v.get(4) == 1) tensors.add(TensorGen.tensor(new int[] {out}, values));
            return Gen.sequence(tensors).map(ts -> new Sample(groups, stride, padding, dilation, ts));
        });
    }

    @Test
    void conv1dGradientsMatchCentralDifferences() {
        Property.forAll(samples(1)).tries(30).seed(101).check(s -> GradCheck.check(s::apply, s.inputs()));
    }

    @Test
    void conv2dGradientsMatchCentralDifferences() {
        Property.forAll(samples(2)).tries(25).seed(202).check(s -> GradCheck.check(s::apply, s.inputs()));
    }

    /** Second derivatives (x and w meet bilinearly, so the cross terms are real) on a tiny grouped, padded case. */
    @Test
    void conv2dSecondOrder() {
        Generator gen = new Generator(7);
        Tensor x = Tensor.randn(gen, DType.FLOAT64, 1, 2, 3, 3);
        Tensor w = Tensor.randn(gen, DType.FLOAT64, 2, 1, 2, 2);
        Tensor b = Tensor.randn(gen, DType.FLOAT64, 2);
        GradCheck.checkSecondOrder(xs -> Convolution.conv2d(xs.get(0), xs.get(1), xs.get(2), new int[] {2, 1},
                new int[] {1, 0}, new int[] {1, 2}, 2).tanh(), List.of(x, w, b));
    }

    /** conv1d is conv2d over a height-1 image with a height-1 kernel. */
    @Test
    void conv1dIsConv2dOfHeightOne() {
        Property.forAll(samples(1)).tries(20).seed(303).check(s -> {
            List<Tensor> in = s.inputs();
            Tensor bias = in.size() > 2 ? in.get(2) : null;
            Tensor y1 = s.apply(in);
            Tensor y2 = Convolution.conv2d(in.get(0).unsqueeze(2), in.get(1).unsqueeze(2), bias, new int[] {1, s.stride()[0]},
                    new int[] {0, s.padding()[0]}, new int[] {1, s.dilation()[0]}, s.groups()).squeeze(2);
            assertArrayEquals(y1.toDoubleArray(), y2.toDoubleArray(), 1e-12);
        });
    }

    /** Groups are independent convolutions on channel slices, concatenated. */
    @Test
    void groupsAreSeparateConvolutions() {
        Generator gen = new Generator(11);
        Tensor x = Tensor.randn(gen, DType.FLOAT64, 2, 4, 5, 5), w = Tensor.randn(gen, DType.FLOAT64, 6, 2, 3, 3);
        Tensor b = Tensor.randn(gen, DType.FLOAT64, 6);
        Tensor grouped = Convolution.conv2d(x, w, b, 1, 1, 1, 2);
        Tensor separate = Tensor.concat(1,
                Convolution.conv2d(x.slice(1, 0, 2), w.slice(0, 0, 3), b.slice(0, 0, 3), 1, 1, 1, 1),
                Convolution.conv2d(x.slice(1, 2, 4), w.slice(0, 3, 6), b.slice(0, 3, 6), 1, 1, 1, 1));
        assertArrayEquals(separate.toDoubleArray(), grouped.toDoubleArray(), 1e-12);
    }

    @Test
    void unbatchedInputIsOneBatchElement() {
        Generator gen = new Generator(12);
        Tensor x = Tensor.randn(gen, DType.FLOAT64, 3, 6, 5), w = Tensor.randn(gen, DType.FLOAT64, 2, 3, 2, 3);
        Tensor y = Convolution.conv2d(x, w, null, 2, 1, 1, 1);
        assertArrayEquals(new int[] {2, 4, 3}, y.shape());
        assertArrayEquals(Convolution.conv2d(x.unsqueeze(0), w, null, 2, 1, 1, 1).squeeze(0).toDoubleArray(),
                y.toDoubleArray(), 0);
    }

    @Test
    void conv2dModuleHasPyTorchLayoutAndInit() {
        Conv2d conv = Conv2d.builder(4, 6, 3, 2).padding(1, 0).groups(2).build(new Generator(5));
        Map<String, Tensor> params = conv.namedParameters();
        assertEquals(List.of("weight", "bias"), List.copyOf(params.keySet()));
        assertArrayEquals(new int[] {6, 2, 3, 2}, conv.weight().shape());
        assertArrayEquals(new int[] {6}, conv.bias().shape());
        double bound = 1 / Math.sqrt(2 * 3 * 2);                  // fan_in = in/groups · kH · kW
        for (Tensor p : params.values()) {
            double[] v = p.toDoubleArray();
            assertTrue(Arrays.stream(v).allMatch(e -> Math.abs(e) <= bound), "inside ±1/√fan_in");
            assertTrue(Arrays.stream(v).map(Math::abs).max().getAsDouble() > bound / 3, "spread over the range");
        }
        Tensor x = Tensor.randn(new Generator(6), 2, 4, 5, 5);
        Tensor y = conv.forward(x);
        assertEquals(DType.FLOAT32, y.dtype());
        assertArrayEquals(Convolution.conv2d(x, conv.weight(), conv.bias(), new int[] {1, 1}, new int[] {1, 0},
                new int[] {1, 1}, 2).toDoubleArray(), y.toDoubleArray(), 0);
        Conv2d again = Conv2d.builder(4, 6, 3, 2).padding(1, 0).groups(2).build(new Generator(5));
        assertArrayEquals(conv.weight().toDoubleArray(), again.weight().toDoubleArray(), 0, "seeded");
    }

    @Test
    void conv1dModuleWithoutBias() {
        Conv1d conv = Conv1d.builder(3, 5, 4).stride(2).padding(1).bias(false).dtype(DType.FLOAT64).build(new Generator(8));
        assertNull(conv.bias());
        assertEquals(List.of("weight"), List.copyOf(conv.namedParameters().keySet()));
        assertArrayEquals(new int[] {5, 3, 4}, conv.weight().shape());
        Tensor y = conv.forward(Tensor.randn(new Generator(9), DType.FLOAT64, 2, 3, 9));
        assertArrayEquals(new int[] {2, 5, 4}, y.shape());                // ⌊(9 + 2 − 3 − 1)/2⌋ + 1
        y.sum().backward();
        assertArrayEquals(new int[] {5, 3, 4}, conv.weight().grad().shape());
    }

    @Test
    void errorsNameTheLayerAndShapes() {
        Tensor w = Tensor.zeros(DType.FLOAT64, 4, 3, 3, 3);
        assertMessage("conv2d: input of shape [2, 5] must be [N, C, H, W] or [C, H, W]",
                () -> Convolution.conv2d(Tensor.zeros(DType.FLOAT64, 2, 5), w, null));
        assertMessage("conv2d: input of shape [1, 2, 5, 5] has 2 channels but weight of shape [4, 3, 3, 3] with groups 1 expects 3",
                () -> Convolution.conv2d(Tensor.zeros(DType.FLOAT64, 1, 2, 5, 5), w, null));
        assertMessage("conv2d: kernel [3, 3] (dilation [2, 2]) spans 5 positions along spatial axis 0, more than the padded input 4",
                () -> Convolution.conv2d(Tensor.zeros(DType.FLOAT64, 1, 3, 4, 9), w, null, 1, 0, 2, 1));
        assertMessage("conv2d: groups 2 must be positive and divide both the 3 input channels",
                () -> Convolution.conv2d(Tensor.zeros(DType.FLOAT64, 1, 3, 5, 5), w, null, 1, 0, 1, 2));
        assertMessage("conv2d: bias of shape [3] must be [4] for weight of shape [4, 3, 3, 3]",
                () -> Convolution.conv2d(Tensor.zeros(DType.FLOAT64, 1, 3, 5, 5), w, Tensor.zeros(DType.FLOAT64, 3)));
        assertMessage("conv2d: input is float32 but weight is float64",
                () -> Convolution.conv2d(Tensor.zeros(1, 3, 5, 5), w, null));
        assertMessage("conv2d: need kernel, stride and dilation >= 1 and padding >= 0",
                () -> Convolution.conv2d(Tensor.zeros(DType.FLOAT64, 1, 3, 5, 5), w, null, 0, 0, 1, 1));
        assertMessage("conv1d: weight of shape [4, 3, 3, 3] must have rank 3",
                () -> Convolution.conv1d(Tensor.zeros(DType.FLOAT64, 1, 3, 5), w, null));
        Conv1d layer = new Conv1d(new Generator(1), 3, 2, 3);
        assertMessage("Conv1d: input of shape [1, 4, 6] has 4 channels but weight of shape [2, 3, 3]",
                () -> layer.forward(Tensor.zeros(1, 4, 6)));
        assertMessage("Conv2d: need positive channels divisible by groups, got in 3, out 4, groups 2",
                () -> Conv2d.builder(3, 4, 3).groups(2).build(new Generator(1)));
    }

    static void assertMessage(String prefix, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(prefix), () -> "message: " + e.getMessage() + "\nexpected to start with: " + prefix);
    }

    static int[] concat(int[] a, int[] b) {
        int[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
