package dev.tapegrad;

import static dev.tapegrad.ViewOpsTest.gradientOf;
import static dev.tapegrad.ViewOpsTest.iota;
import static dev.tapegrad.ViewOpsTest.randn;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class IndexOpsTest {
    private static final double TOL = 1e-6;

    private static Tensor ints(int[] values, int... shape) {
        return Tensor.of(values, shape);
    }

    private static void assertValues(double[] expected, Tensor t) {
        assertArrayEquals(expected, t.toDoubleArray(), 0.0);
    }

    private static void assertMessage(Class<? extends Throwable> type, org.junit.jupiter.api.function.Executable call,
                                      String... fragments) {
        Throwable e = assertThrows(type, call);
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "'" + f + "' missing in: " + e.getMessage());
    }

    // ---------------------------------------------------------------- gather

    /** out[i][j] = x[index[i][j]][j] (axis 0) or x[i][index[i][j]] (axis 1), by plain loops. */
    private static double[] naiveGather2d(Tensor x, int axis, Tensor index) {
        int rows = index.size(0), cols = index.size(1);
        double[] out = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                int v = (int) index.get(i, j);
                out[i * cols + j] = axis == 0 ? x.get(v, j) : x.get(i, v);
            }
        }
        return out;
    }

    @Test
    void gatherMatchesLoopsAlongEitherAxis() {
        Tensor x = iota(4, 5);
        Tensor idx0 = ints(new int[] {3, 0, 1, 1, 2, 0, 3, 3}, 2, 4); // smaller than x on axis 1
        Tensor idx1 = ints(new int[] {4, 4, 0, 1, 2, 3, 0, 0, 0}, 3, 3);
        assertValues(naiveGather2d(x, 0, idx0), x.gather(0, idx0));
        assertValues(naiveGather2d(x, 1, idx1), x.gather(1, idx1));
        assertValues(naiveGather2d(x, 1, idx1), x.gather(-1, idx1));
        // Non-contiguous x and index.
        Tensor xt = iota(5, 4).t();
        Tensor it = ints(new int[] {0, 4, 1, 3, 2, 2}, 2, 3).t().contiguous().t().slice(1, 0, 2);
        assertValues(naiveGather2d(xt, 1, it), xt.gather(1, it));
        // Index larger than x along the gathered axis is fine.
        assertValues(new double[] {1, 1, 1, 0, 0}, Tensor.of(new double[] {0, 1}).gather(0, ints(new int[] {1, 1, 1, 0, 0})));
    }

    @Test
    void gatherGradientScattersIntoZeros() {
        Tensor idx = ints(new int[] {2, 0, 2, 2, 1, 0}, 2, 3);
        NumericGrad.check(x -> x.gather(1, idx), randn(1, 2, 4), TOL);
        NumericGrad.check(x -> x.gather(0, ints(new int[] {1, 1, 0, 2}, 2, 2)), randn(2, 3, 3), TOL);
        // Repeated indices accumulate: d/dx Σ gather = counts.
        Tensor x = Tensor.zeros(DType.FLOAT64, 2, 4).requiresGrad(true);
        x.gather(1, idx).sum().backward();
        assertValues(new double[] {1, 0, 2, 0, 1, 1, 1, 0}, x.grad());
        // Second order: the rule (scatterAdd) is itself differentiable.
        NumericGrad.check(gradientOf(t -> t.gather(1, idx).pow(3).sum()), randn(3, 2, 4), TOL);
    }

    @Test
    void gatherChecksIndices() {
        Tensor x = iota(3, 4);
        assertMessage(IndexOutOfBoundsException.class, () -> x.gather(1, ints(new int[] {0, 4}, 1, 2)),
                "gather", "index 4", "size 4", "axis 1");
        assertMessage(IndexOutOfBoundsException.class, () -> x.gather(0, ints(new int[] {-1}, 1, 1)),
                "gather", "index -1", "size 3");
        assertMessage(IllegalArgumentException.class, () -> x.gather(1, Tensor.of(new double[] {0, 1}, 1, 2)),
                "gather", "int32", "float64");
        assertMessage(IllegalArgumentException.class, () -> x.gather(1, ints(new int[] {0, 1})),
                "gather", "[2]", "[3, 4]");
        assertMessage(IllegalArgumentException.class, () -> x.gather(1, ints(new int[] {0, 0, 0, 0}, 4, 1)),
                "gather", "[4, 1]", "[3, 4]", "axis 0");
        assertThrows(IllegalArgumentException.class, () -> x.gather(2, ints(new int[] {0}, 1, 1)));
    }

    // ---------------------------------------------------------------- indexSelect and embedding

    @Test
    void indexSelectWithRepeats() {
        Tensor x = iota(3, 4);
        Tensor idx = ints(new int[] {2, 0, 2});
        assertValues(new double[] {8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11}, x.indexSelect(0, idx));
        assertValues(new double[] {2, 0, 2, 6, 4, 6, 10, 8, 10}, x.indexSelect(1, idx));
        assertArrayEquals(new int[] {3, 0}, x.indexSelect(1, ints(new int[0])).shape());
        assertValues(new double[] {6, 4, 6}, x.t().indexSelect(0, idx).select(1, 1));
    }

    @Test
    void indexSelectGradientAddsRows() {
        Tensor idx = ints(new int[] {1, 1, 0, 3});
        NumericGrad.check(x -> x.indexSelect(0, idx), randn(4, 4, 3), TOL);
        NumericGrad.check(x -> x.indexSelect(1, idx), randn(5, 2, 4), TOL);
        Tensor x = Tensor.zeros(DType.FLOAT64, 4, 2).requiresGrad(true);
        x.indexSelect(0, idx).sum().backward();
        assertValues(new double[] {1, 1, 2, 2, 0, 0, 1, 1}, x.grad());
        NumericGrad.check(gradientOf(t -> t.indexSelect(1, idx).pow(3).sum()), randn(6, 2, 4), TOL);
    }

    @Test
    void indexSelectChecksIndices() {
        Tensor x = iota(3, 4);
        assertMessage(IndexOutOfBoundsException.class, () -> x.indexSelect(0, ints(new int[] {0, 3})),
                "indexSelect", "index 3", "size 3");
        assertMessage(IllegalArgumentException.class, () -> x.indexSelect(0, ints(new int[] {0, 1}, 1, 2)),
                "indexSelect", "1-D");
        assertMessage(IllegalArgumentException.class, () -> x.indexSelect(0, ints(new int[] {1}).ne(0.0)),
                "indexSelect", "int32", "bool");
    }

    @Test
    void embeddingLooksUpRows() {
        Tensor w = iota(5, 3);
        Tensor e = Tensor.embedding(w, ints(new int[] {4, 0, 4, 1}, 2, 2));
        assertArrayEquals(new int[] {2, 2, 3}, e.shape());
        assertValues(new double[] {12, 13, 14, 0, 1, 2, 12, 13, 14, 3, 4, 5}, e);
        assertArrayEquals(new int[] {3}, Tensor.embedding(w, Tensor.scalar(2, DType.INT32)).shape());
        // Gradient: each row receives the sum of the cotangents of its lookups.
        Tensor leaf = Tensor.zeros(DType.FLOAT64, 5, 3).requiresGrad(true);
        Tensor.embedding(leaf, ints(new int[] {4, 0, 4, 1}, 2, 2)).sum().backward();
        assertValues(new double[] {1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 2, 2, 2}, leaf.grad());
        NumericGrad.check(t -> Tensor.embedding(t, ints(new int[] {2, 2, 0}, 3, 1)), randn(7, 3, 2), TOL);
        assertMessage(IndexOutOfBoundsException.class, () -> Tensor.embedding(w, ints(new int[] {1, 5})),
                "embedding", "index 5", "5 rows");
        assertMessage(IllegalArgumentException.class, () -> Tensor.embedding(iota(5), ints(new int[] {1})),
                "embedding", "[5]");
    }

    // ---------------------------------------------------------------- scatterAdd

    @Test
    void scatterAddMatchesLoops() {
        Tensor x = iota(3, 4);
        Tensor idx = ints(new int[] {2, 0, 2, 1, 1, 1}, 2, 3);
        Tensor src = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        double[] expected = x.toDoubleArray();
        for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++) expected[(int) idx.get(i, j) * 4 + j] += src.get(i, j);
        assertValues(expected, x.scatterAdd(0, idx, src));
        assertValues(iota(3, 4).toDoubleArray(), x); // out of place
        // Along axis 1, with a src larger than the index (only its leading block is read).
        Tensor big = iota(3, 5).add(100.0);
        Tensor out = x.scatterAdd(1, ints(new int[] {3, 3, 0, 1}, 2, 2), big);
        assertValues(new double[] {0, 1, 2, 3 + 100 + 101, 4 + 105, 5 + 106, 6, 7, 8, 9, 10, 11}, out);
    }

    @Test
    void scatterAddGradients() {
        Tensor idx = ints(new int[] {2, 0, 2, 1, 1, 1}, 2, 3);
        Tensor src = randn(1, 2, 3);
        Tensor x = randn(2, 3, 4);
        NumericGrad.check(t -> t.scatterAdd(0, idx, src), x, TOL);
        NumericGrad.check(s -> x.scatterAdd(0, idx, s), src, TOL);
        NumericGrad.check(s -> x.scatterAdd(1, ints(new int[] {3, 3, 0, 1}, 2, 2), s), randn(3, 3, 5), TOL);
        NumericGrad.check(gradientOf(s -> x.scatterAdd(0, idx, s).pow(3).sum()), src, TOL);
    }

    @Test
    void scatterAddChecks() {
        Tensor x = iota(3, 4);
        assertMessage(IndexOutOfBoundsException.class,
                () -> x.scatterAdd(0, ints(new int[] {0, 7}, 1, 2), iota(1, 2)), "scatterAdd", "index 7", "size 3");
        assertMessage(IllegalArgumentException.class,
                () -> x.scatterAdd(0, ints(new int[] {0, 1}, 1, 2), iota(1, 1)), "scatterAdd", "[1, 2]", "[1, 1]");
        assertMessage(IllegalArgumentException.class,
                () -> x.scatterAdd(0, ints(new int[] {0, 1}, 1, 2), iota(1, 2).to(DType.FLOAT32)), "scatterAdd", "float32");
        assertMessage(IllegalArgumentException.class,
                () -> x.scatterAdd(0, ints(new int[] {0, 1}, 2), iota(2)), "scatterAdd", "rank");
    }

    // ---------------------------------------------------------------- oneHot

    @Test
    void oneHotEncodesLabels() {
        Tensor h = ints(new int[] {2, 0, 1, 2}, 2, 2).t().oneHot(3);
        assertEquals(DType.FLOAT32, h.dtype());
        assertArrayEquals(new int[] {2, 2, 3}, h.shape());
        assertValues(new double[] {0, 0, 1, 0, 1, 0, 1, 0, 0, 0, 0, 1}, h);
        assertMessage(IndexOutOfBoundsException.class, () -> ints(new int[] {0, 3}).oneHot(3), "oneHot", "index 3", "3 classes");
        assertMessage(IndexOutOfBoundsException.class, () -> ints(new int[] {-1}).oneHot(3), "oneHot", "index -1");
        assertMessage(IllegalArgumentException.class, () -> iota(2).oneHot(3), "oneHot", "int32");
        assertMessage(IllegalArgumentException.class, () -> ints(new int[] {0}).oneHot(0), "oneHot", "positive");
    }

    // ---------------------------------------------------------------- concat and stack

    @Test
    void concatJoinsAlongAnAxis() {
        Tensor a = iota(2, 2), b = iota(2, 3).add(10.0), c = Tensor.zeros(DType.FLOAT64, 2, 0);
        Tensor j = Tensor.concat(1, a, b, c);
        assertArrayEquals(new int[] {2, 5}, j.shape());
        assertValues(new double[] {0, 1, 10, 11, 12, 2, 3, 13, 14, 15}, j);
        assertValues(new double[] {0, 1, 2, 3, 0, 1, 2, 3}, Tensor.concat(-2, a, a));
        assertValues(new double[] {0, 2, 1, 3, 0, 1, 2, 3}, Tensor.concat(0, a.t(), a)); // non-contiguous input
        assertValues(new double[] {1, 2, 3}, Tensor.concat(0, ints(new int[] {1}), ints(new int[] {2, 3})));
    }

    @Test
    void concatGradientSlices() {
        Tensor b = randn(1, 3, 2);
        NumericGrad.check(a -> Tensor.concat(1, a, b, a.mul(2.0)), randn(2, 3, 4), TOL);
        NumericGrad.check(a -> Tensor.concat(0, b.t(), a), randn(3, 1, 3), TOL);
        NumericGrad.check(gradientOf(a -> Tensor.concat(0, a, b.t()).pow(3).sum()), randn(4, 2, 3), TOL);
    }

    @Test
    void concatChecks() {
        assertMessage(IllegalArgumentException.class, () -> Tensor.concat(0, iota(2, 3), iota(2, 4)),
                "concat", "tensor 1", "[2, 4]", "[2, 3]");
        assertMessage(IllegalArgumentException.class, () -> Tensor.concat(0, iota(2, 3), iota(6)), "concat", "[6]");
        assertMessage(IllegalArgumentException.class, () -> Tensor.concat(0, iota(2), iota(2).to(DType.FLOAT32)),
                "concat", "float32", "float64");
        assertMessage(IllegalArgumentException.class, () -> Tensor.concat(0), "concat", "at least one");
        assertThrows(IllegalArgumentException.class, () -> Tensor.concat(0, Tensor.scalar(1, DType.FLOAT64)));
    }

    @Test
    void stackAddsAnAxis() {
        Tensor a = iota(2, 3), b = iota(2, 3).neg();
        assertArrayEquals(new int[] {2, 2, 3}, Tensor.stack(0, a, b).shape());
        assertValues(new double[] {0, 0, 1, -1, 2, -2, 3, -3, 4, -4, 5, -5}, Tensor.stack(-1, a, b));
        assertValues(new double[] {0, 1, 2, 0, -1, -2, 3, 4, 5, -3, -4, -5}, Tensor.stack(1, a, b));
        NumericGrad.check(x -> Tensor.stack(2, x, x.square()), randn(1, 2, 3), TOL);
        assertMessage(IllegalArgumentException.class, () -> Tensor.stack(0, a, iota(3, 2)), "stack", "[3, 2]", "[2, 3]");
        assertMessage(IllegalArgumentException.class, () -> Tensor.stack(0, a, a.to(DType.FLOAT32)), "stack", "float32");
        assertThrows(IllegalArgumentException.class, () -> Tensor.stack(3, a, b));
    }

    // ---------------------------------------------------------------- split and chunk

    private static int[] sizes(List<Tensor> pieces, int axis) {
        return pieces.stream().mapToInt(t -> t.size(axis)).toArray();
    }

    @Test
    void splitBySizeAndBySizes() {
        Tensor x = iota(5, 2);
        List<Tensor> parts = x.split(2, 0);
        assertArrayEquals(new int[] {2, 2, 1}, sizes(parts, 0));
        assertValues(new double[] {8, 9}, parts.get(2));
        assertArrayEquals(new int[] {5}, sizes(x.split(7, 0), 0));
        assertArrayEquals(new int[] {1, 1}, sizes(x.split(1, -1), 1));
        assertArrayEquals(new int[] {0}, sizes(Tensor.zeros(DType.FLOAT64, 0, 2).split(3, 0), 0));
        List<Tensor> bySizes = x.split(new int[] {1, 0, 4}, 0);
        assertArrayEquals(new int[] {1, 0, 4}, sizes(bySizes, 0));
        assertValues(new double[] {2, 3, 4, 5, 6, 7, 8, 9}, bySizes.get(2));
        // The pieces are views of x.
        x.copyInPlace(x.neg());
        assertValues(new double[] {-8, -9}, parts.get(2));
        assertMessage(IllegalArgumentException.class, () -> x.split(new int[] {2, 2}, 0), "split", "[2, 2]", "4", "size 5");
        assertMessage(IllegalArgumentException.class, () -> x.split(new int[] {6, -1}, 0), "split", "negative");
        assertMessage(IllegalArgumentException.class, () -> x.split(0, 0), "split", "positive");
    }

    @Test
    void chunkFollowsPyTorch() {
        assertArrayEquals(new int[] {2, 2, 1}, sizes(iota(5).chunk(3, 0), 0));
        assertArrayEquals(new int[] {2, 2, 1}, sizes(iota(5).chunk(4, 0), 0)); // fewer than asked
        assertArrayEquals(new int[] {2, 2, 2}, sizes(iota(6).chunk(4, 0), 0));
        assertArrayEquals(new int[] {1, 1}, sizes(iota(2).chunk(5, 0), 0));
        assertArrayEquals(new int[] {0, 0, 0}, sizes(Tensor.zeros(DType.FLOAT64, 0).chunk(3, 0), 0));
        assertArrayEquals(new int[] {2, 2}, sizes(iota(3, 4).chunk(2, 1), 1));
        assertMessage(IllegalArgumentException.class, () -> iota(3).chunk(0, 0), "chunk", "positive");
    }

    @Test
    void splitGradients() {
        // Pieces used differently: each piece's gradient lands in its own rows.
        NumericGrad.check(x -> {
            List<Tensor> p = x.split(new int[] {1, 3}, 1);
            return p.get(0).mul(p.get(1).sum(new int[] {1}, true)).add(p.get(1).square().sum(new int[] {1}, true));
        }, randn(1, 3, 4), TOL);
        NumericGrad.check(x -> {
            List<Tensor> p = x.chunk(3, 0);
            return Tensor.concat(0, p.get(2), p.get(0).mul(3.0), p.get(1).square());
        }, randn(2, 5, 2), TOL);
    }
}
