package dev.tapegrad;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ViewOpsTest {
    private static final double TOL = 1e-6;

    /** 0, 1, ..., n-1 as float64 in the given shape. */
    static Tensor iota(int... shape) {
        return Tensor.arange(0, Shapes.numel(shape), 1, DType.FLOAT64).reshape(shape);
    }

    static Tensor randn(long seed, int... shape) {
        return Tensor.randn(new Generator(seed), DType.FLOAT64, shape);
    }

    /** x ↦ ∇f(x), itself differentiable (for second-order checks). */
    static Function<Tensor, Tensor> gradientOf(Function<Tensor, Tensor> f) {
        return x -> Autograd.grad(args -> f.apply(args.getFirst()), List.of(x), true).getFirst();
    }

    private static void assertValues(double[] expected, Tensor t) {
        assertArrayEquals(expected, t.toDoubleArray(), 0.0);
    }

    private static void assertShape(int[] expected, Tensor t) {
        assertArrayEquals(expected, t.shape(), "shape");
    }

    // ---------------------------------------------------------------- storage sharing

    @Test
    void viewsShareStorageWithTheirBase() {
        Tensor x = iota(2, 3, 4);
        List<Function<Tensor, Tensor>> views = List.of(
                t -> t.reshape(6, 4), t -> t.view(-1), t -> t.flatten(1, 2), t -> t.transpose(0, 2),
                t -> t.permute(2, 0, 1), t -> t.slice(2, 1, 4, 2), t -> t.select(1, -1), t -> t.unsqueeze(3),
                t -> t.slice(0, 0, 1).squeeze(0), t -> t.slice(0, 1, 2).squeeze(), t -> t.unsqueeze(0).expand(5, 2, 3, 4),
                t -> t.contiguous());
        for (Function<Tensor, Tensor> v : views) {
            Tensor base = x.clone();
            Tensor view = v.apply(base);
            double[] before = view.toDoubleArray();
            base.copyInPlace(base.mul(10.0).add(1.0));
            double[] after = view.toDoubleArray();
            for (int i = 0; i < before.length; i++) assertEquals(10 * before[i] + 1, after[i], 0.0);
        }
    }

    @Test
    void writingThroughASliceChangesTheBase() {
        Tensor x = iota(3, 4);
        x.slice(1, 1, 4, 2).copyInPlace(Tensor.full(-1, DType.FLOAT64, 3, 2));
        assertValues(new double[] {0, -1, 2, -1, 4, -1, 6, -1, 8, -1, 10, -1}, x);
        x.select(0, 1).copyInPlace(Tensor.zeros(DType.FLOAT64, 4));
        assertValues(new double[] {0, -1, 2, -1, 0, 0, 0, 0, 8, -1, 10, -1}, x);
    }

    // ---------------------------------------------------------------- reshape and view

    @Test
    void reshapeOfATransposedTensorCopies() {
        Tensor x = iota(2, 3);
        Tensor r = x.t().reshape(6);
        assertValues(new double[] {0, 3, 1, 4, 2, 5}, r);
        x.copyInPlace(Tensor.zeros(DType.FLOAT64, 2, 3));
        assertValues(new double[] {0, 3, 1, 4, 2, 5}, r); // its own storage
    }

    @Test
    void viewOfANonViewableLayoutFailsClearly() {
        Tensor x = iota(2, 3).t();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> x.view(6));
        assertTrue(e.getMessage().contains("view") && e.getMessage().contains("[3, 2]")
                && e.getMessage().contains("reshape()"), e.getMessage());
        // Merging the transposed-away axes of a 3-D tensor is not viewable either.
        Tensor y = iota(2, 3, 4).transpose(0, 1);
        assertThrows(IllegalArgumentException.class, () -> y.view(3, 8));
    }

    @Test
    void viewOfStridedLayoutsWhereTheyAllowIt() {
        // Every other column: strides [6, 2] merge into a single stride 2.
        Tensor x = iota(4, 6);
        Tensor v = x.slice(1, 0, 6, 2).view(12);
        assertArrayEquals(new int[] {2}, v.strides());
        assertValues(new double[] {0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22}, v);
        // Splitting a transposed axis, and an expanded (stride-0) axis, are fine.
        Tensor y = iota(2, 3, 4).transpose(0, 1);
        assertValues(y.contiguous().reshape(3, 2, 2, 2).toDoubleArray(), y.view(3, 2, 2, 2));
        Tensor e = iota(1, 3).expand(4, 3).view(2, 2, 3);
        assertValues(iota(1, 3).expand(4, 3).contiguous().reshape(2, 2, 3).toDoubleArray(), e);
        assertThrows(IllegalArgumentException.class, () -> iota(1, 3).expand(4, 3).view(12));
    }

    @Test
    void reshapeAgreesWithReshapingAContiguousCopy() {
        Generator gen = new Generator(3);
        int[][] targets = {{24}, {4, 6}, {2, 2, 6}, {6, 1, 4}, {1, 24, 1}, {3, 8}, {2, 3, 2, 2}};
        for (int trial = 0; trial < 30; trial++) {
            Tensor x = iota(2, 3, 4);
            // A random permutation, then maybe a size-1 axis and a step-1 slice (layouts vary).
            int[] order = Tensor.randperm(gen, 3).toIntArray();
            Tensor p = x.permute(order);
            if (gen.nextInt(2) == 0) p = p.unsqueeze(gen.nextInt(4));
            for (int[] target : targets) {
                Tensor r = p.reshape(target);
                assertValues(p.contiguous().toDoubleArray(), r);
                try {
                    assertValues(p.contiguous().toDoubleArray(), p.view(target));
                } catch (IllegalArgumentException notViewable) {
                    assertTrue(notViewable.getMessage().startsWith("view:"));
                }
            }
        }
    }

    @Test
    void reshapeInfersOneSizeAndChecksCounts() {
        assertShape(new int[] {3, 4}, iota(12).reshape(3, -1));
        assertThrows(IllegalArgumentException.class, () -> iota(12).reshape(5, -1));
        assertThrows(IllegalArgumentException.class, () -> iota(12).reshape(-1, -1));
        assertThrows(IllegalArgumentException.class, () -> iota(12).reshape(3, 5));
        assertShape(new int[] {0, 3}, Tensor.zeros(DType.FLOAT64, 3, 0).t().reshape(0, 3));
    }

    @Test
    void flattenRanges() {
        assertShape(new int[] {2, 12}, iota(2, 3, 4).flatten(1, -1));
        assertShape(new int[] {6, 4}, iota(2, 3, 4).flatten(0, 1));
        assertShape(new int[] {24}, iota(2, 3, 4).flatten());
        assertShape(new int[] {1}, Tensor.scalar(5, DType.FLOAT64).flatten());
        assertThrows(IllegalArgumentException.class, () -> iota(2, 3, 4).flatten(2, 1));
    }

    // ---------------------------------------------------------------- slice, select, squeeze, expand

    @Test
    void sliceWithStepsAndNegativeBounds() {
        Tensor x = iota(10);
        assertValues(new double[] {7, 8, 9}, x.slice(0, -3, 10));
        assertValues(new double[] {1, 4, 7}, x.slice(0, 1, -1, 3));
        assertValues(new double[] {0, 4, 8}, x.slice(0, -100, 100, 4));
        assertValues(new double[] {}, x.slice(0, 8, 2));
        assertValues(new double[] {9}, x.slice(0, -1, 10, 5));
        assertShape(new int[] {0}, x.slice(0, 10, 20));
        assertThrows(IllegalArgumentException.class, () -> x.slice(0, 0, 5, 0));
        assertThrows(IllegalArgumentException.class, () -> x.slice(0, 0, 5, -1));
        assertThrows(IllegalArgumentException.class, () -> x.slice(1, 0, 5));
        Tensor m = iota(3, 5).slice(1, 1, 5, 2).slice(0, 2, 0, 1);
        assertShape(new int[] {0, 2}, m);
    }

    @Test
    void selectAndItsBounds() {
        Tensor x = iota(3, 4);
        assertValues(new double[] {8, 9, 10, 11}, x.select(0, -1));
        assertValues(new double[] {1, 5, 9}, x.select(1, 1));
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> x.select(1, 4));
        assertTrue(e.getMessage().contains("select") && e.getMessage().contains("size 4"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> x.select(0, -4));
    }

    @Test
    void squeezeAndUnsqueeze() {
        Tensor x = iota(1, 3, 1, 2);
        assertShape(new int[] {3, 2}, x.squeeze());
        assertShape(new int[] {3, 1, 2}, x.squeeze(0));
        assertShape(new int[] {1, 3, 2}, x.squeeze(-2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> x.squeeze(1));
        assertTrue(e.getMessage().contains("size 3"), e.getMessage());
        assertShape(new int[] {1, 3, 1, 2, 1}, x.unsqueeze(-1));
        assertShape(new int[] {1, 1, 3, 1, 2}, x.unsqueeze(0));
        assertShape(new int[] {1}, Tensor.scalar(2, DType.FLOAT64).unsqueeze(0));
        assertThrows(IllegalArgumentException.class, () -> x.unsqueeze(6));
        Tensor u = iota(2, 3).t().unsqueeze(1); // non-contiguous input
        assertValues(new double[] {0, 3, 1, 4, 2, 5}, u);
    }

    @Test
    void expandRepeatsWithoutCopying() {
        Tensor x = iota(3, 1);
        Tensor e = x.expand(2, 3, 4);
        assertArrayEquals(new int[] {0, 1, 0}, e.strides());
        assertShape(new int[] {3, 4}, x.expand(-1, 4));
        assertValues(new double[] {0, 0, 1, 1, 2, 2}, x.expand(3, 2));
        assertThrows(IllegalArgumentException.class, () -> x.expand(2, 4));
        assertThrows(IllegalArgumentException.class, () -> x.expand(4));
        assertThrows(IllegalArgumentException.class, () -> x.expand(-1, 3, 4)); // -1 on a new leading axis
        assertThrows(IllegalArgumentException.class, () -> x.expand(3, -2));
    }

    @Test
    void dtypeConversion() {
        Tensor x = Tensor.of(new double[] {-1.5, 0, 2.7});
        assertArrayEquals(new int[] {-1, 0, 2}, x.to(DType.INT32).toIntArray());
        assertArrayEquals(new int[] {1, 0, 1}, x.to(DType.BOOL).toIntArray());
        assertEquals(DType.BOOL, x.to(DType.BOOL).dtype());
        assertSame(x, x.to(DType.FLOAT64));
        Tensor leaf = Tensor.of(new double[] {1, 2, 3}).requiresGrad(true);
        leaf.to(DType.FLOAT32).mul(Tensor.of(new float[] {1, 2, 3})).sum().backward();
        assertEquals(DType.FLOAT64, leaf.grad().dtype());
        assertValues(new double[] {1, 2, 3}, leaf.grad());
    }

    /** Every dtype pair, from a contiguous tensor (typed fast path) and a transposed view (generic copy). */
    @Test
    void dtypeConversionOfDenseAndStridedInputsAgree() {
        double[] v = {-2.5, -1.0, -0.49, 0, 0.5, 1.7, 3.0, 1e9 + 0.25, -7.9, 2.0, 0.1, 16777217};
        DType[] types = {DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.BOOL};
        for (DType from : types) {
            Tensor dense = Tensor.of(v, 3, 4).to(from).contiguous();
            Tensor strided = dense.transpose(0, 1);   // [4, 3], not contiguous
            double[] rounded = dense.toDoubleArray();
            for (DType to : types) {
                double[] expected = new double[v.length], expectedT = new double[v.length];
                for (int i = 0; i < v.length; i++) {
                    double r = rounded[i];
                    expected[i] = switch (to) {
                        case FLOAT32 -> (float) r;
                        case INT32 -> (int) r;
                        case BOOL -> r != 0 ? 1 : 0;
                        default -> r;
                    };
                }
                for (int i = 0; i < 4; i++) for (int j = 0; j < 3; j++) expectedT[i * 3 + j] = expected[j * 4 + i];
                String what = from + " -> " + to;
                assertArrayEquals(expected, dense.to(to).toDoubleArray(), what + " (dense)");
                assertArrayEquals(expectedT, strided.to(to).toDoubleArray(), what + " (strided)");
                assertArrayEquals(java.util.Arrays.copyOfRange(expected, 2, 12),
                        dense.reshape(12).slice(0, 2, 12).to(to).toDoubleArray(), what + " (offset)");
            }
        }
    }

    // ---------------------------------------------------------------- gradients

    @Test
    void gradientsOfEveryViewOp() {
        List<Function<Tensor, Tensor>> ops = List.of(
                t -> t.reshape(4, 6), t -> t.transpose(0, 2).reshape(-1), t -> t.view(6, 4),
                t -> t.flatten(), t -> t.flatten(0, 1), t -> t.transpose(1, 2), t -> t.permute(2, 0, 1),
                t -> t.select(2, 1).t(), t -> t.slice(2, -3, 4, 2), t -> t.slice(1, 2, 0), t -> t.select(1, -1),
                t -> t.slice(0, 1, 2).squeeze(), t -> t.slice(0, 0, 1).squeeze(0), t -> t.unsqueeze(1),
                t -> t.unsqueeze(3).expand(3, 2, 3, 4, 5), t -> t.slice(1, 0, 1).expand(2, -1, 4),
                t -> t.transpose(0, 1).contiguous(), t -> t.clone(), t -> t.permute(1, 2, 0).slice(1, 1, 4, 2).reshape(-1), t -> t.slice(2, 0, 4, 2).view(-1));
        for (Function<Tensor, Tensor> f : ops) NumericGrad.check(f, randn(11, 2, 3, 4), TOL);
    }

    @Test
    void sliceGradientPlacesTheCotangentAtTheSlicedPositions() {
        Tensor x = iota(7).requiresGrad(true);
        x.slice(0, 1, 7, 3).backward(Tensor.of(new double[] {10, 20}));
        assertValues(new double[] {0, 10, 0, 0, 20, 0, 0}, x.grad());
    }

    @Test
    void secondOrderThroughSliceAndUnslice() {
        // ∇ Σ slice(x)³ = unslice(3·slice(x)²): its derivative again goes through slice and unslice.
        NumericGrad.check(gradientOf(x -> x.slice(1, -4, 5, 2).pow(3).sum()), randn(5, 3, 5), TOL);
        NumericGrad.check(gradientOf(x -> x.select(0, 1).pow(3).sum()), randn(6, 3, 5), TOL);
        // The vector-Jacobian product v ↦ unslice(v) differentiated with respect to v.
        Tensor x = randn(7, 9).requiresGrad(true);
        NumericGrad.check(v -> {
            Tensor w = v.requiresGrad() ? v : v.detach().requiresGrad(true);
            try (var s = Autograd.enableGrad()) {
                return Autograd.grad(x.slice(0, 1, 9, 3), new Tensor[] {x}, w, true, true)[0];
            }
        }, randn(8, 3), TOL);
    }

    @Test
    void secondOrderThroughAnEmptySlice() {
        Tensor x = randn(1, 5).requiresGrad(true);
        Tensor v = Tensor.zeros(DType.FLOAT64, 0).requiresGrad(true);
        Tensor g = Autograd.grad(x.slice(0, 0, 0, 3), new Tensor[] {x}, v, true, true)[0];
        assertValues(new double[5], g);
        Tensor gv = Autograd.grad(g.mul(randn(2, 5)).sum(), new Tensor[] {v})[0];
        assertShape(new int[] {0}, gv);
    }
}
