package dev.tapegrad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The fused {@link Tensor#layerNorm} and {@link Tensor#rmsNorm} against the same math composed from Tensor
 * ops: values and gradients (plain backward, which runs the fused kernel, and a backward with createGraph,
 * which composes), in float32 and float64, for contiguous and transposed inputs, with and without the
 * affine parameters. Gradient checks (first and second order) are in the OpTable.
 */
class NormOpsTest {
    static final double EPS = 1e-5;

    /** The composed reference: (x − μ)·rsqrt(mean((x − μ)²) + ε)·w + b over the last axis. */
    static Tensor composed(boolean centre, Tensor x, Tensor w, Tensor b) {
        int[] last = {x.dim() - 1};
        Tensor c = centre ? x.sub(x.mean(last, true)) : x;
        Tensor y = c.mul(c.square().mean(last, true).add(EPS).rsqrt());
        if (w != null) y = y.mul(w);
        return b != null ? y.add(b) : y;
    }

    static Tensor fused(boolean centre, Tensor x, Tensor w, Tensor b) {
        return centre ? x.layerNorm(w, b, EPS) : x.rmsNorm(w, EPS);
    }

    private static void assertClose(String what, Tensor expected, Tensor actual, double tol) {
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        assertEquals(java.util.Arrays.toString(expected.shape()), java.util.Arrays.toString(actual.shape()), what);
        for (int i = 0; i < e.length; i++) {
            assertTrue(Math.abs(e[i] - a[i]) <= tol * (1 + Math.abs(e[i])), what + "[" + i + "]: " + e[i] + " vs " + a[i]);
        }
    }

    /** Compares values and the gradients of Σ y·c (c fixed) with respect to x, w, b. */
    private static void compare(boolean centre, DType dtype, int[] shape, boolean transposed, boolean weight, boolean bias,
                                boolean createGraph) {
        Generator gen = new Generator(shape.length * 31 + shape[shape.length - 1]);
        int n = shape[shape.length - 1];
        Tensor x0 = Tensor.randn(gen, dtype, shape).mul(2).add(0.5);
        Tensor x = (transposed ? x0.transpose(0, -1).contiguous().transpose(0, -1) : x0).detach().requiresGrad(true);
        Tensor w = weight ? Tensor.randn(gen, dtype, n).mul(0.2).add(1).requiresGrad(true) : null;
        Tensor b = bias ? Tensor.randn(gen, dtype, n).requiresGrad(true) : null;
        Tensor c = Tensor.randn(gen, dtype, shape);
        Tensor[] leaves = java.util.stream.Stream.of(x, w, b).filter(java.util.Objects::nonNull).toArray(Tensor[]::new);
        double tol = dtype == DType.FLOAT32 ? 2e-4 : 1e-10;
        Function<Boolean, Tensor[]> run = fusedOp -> {
            Tensor y = fusedOp ? fused(centre, x, w, b) : composed(centre, x, w, b);
            Tensor[] g = Autograd.grad(y.mul(c).sum(), leaves, null, false, createGraph);
            Tensor[] all = new Tensor[leaves.length + 1];
            all[0] = y;
            System.arraycopy(g, 0, all, 1, g.length);
            return all;
        };
        Tensor[] expected = run.apply(false), actual = run.apply(true);
        String what = (centre ? "layerNorm " : "rmsNorm ") + dtype + " " + java.util.Arrays.toString(shape)
                + (transposed ? " transposed" : "") + (createGraph ? " createGraph" : "");
        for (int i = 0; i < expected.length; i++) assertClose(what + " #" + i, expected[i], actual[i], tol);
    }

    @Test
    void matchesTheComposedFormInValuesAndGradients() {
        for (boolean centre : new boolean[] {true, false}) {
            for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                for (int[] shape : new int[][] {{1}, {7}, {3, 17}, {2, 1, 40}, {5, 64}, {4, 3, 100}}) {
                    for (boolean createGraph : new boolean[] {false, true}) {
                        compare(centre, dtype, shape, false, true, centre, createGraph);
                        compare(centre, dtype, shape, false, false, false, createGraph);
                    }
                    if (shape.length > 1) compare(centre, dtype, shape, true, true, centre, false);
                }
            }
        }
    }

    @Test
    void biasWithoutWeightGetsItsGradient() {
        compare(true, DType.FLOAT64, new int[] {6, 9}, false, false, true, false);
    }

    @Test
    void gradientOfTheGradientMatchesTheComposedForm() {
        Generator gen = new Generator(5);
        Tensor x = Tensor.randn(gen, DType.FLOAT64, 3, 6).requiresGrad(true);
        Tensor w = Tensor.randn(gen, DType.FLOAT64, 6).add(1).requiresGrad(true);
        Tensor c = Tensor.randn(gen, DType.FLOAT64, 3, 6);
        double[][] hv = new double[2][];
        for (int k = 0; k < 2; k++) {
            Tensor y = k == 0 ? composed(true, x, w, null) : x.layerNorm(w, null, EPS);
            Tensor gx = Autograd.grad(y.mul(c).sum(), new Tensor[] {x}, null, true, true)[0];
            hv[k] = Autograd.grad(gx.square().sum(), new Tensor[] {x, w})[0].toDoubleArray();
        }
        for (int i = 0; i < hv[0].length; i++) assertEquals(hv[0][i], hv[1][i], 1e-9 * (1 + Math.abs(hv[0][i])));
    }

    /**
     * Forward mode: the tangent ẏ for tangents of x, w and b matches the composed form's, both when it comes
     * from the fused kernel (nothing requires grad) and when it is written with differentiable ops (x
     * requires grad while recording, so the tangent lands on the tape).
     */
    @Test
    void tangentsMatchTheComposedFormOnBothPaths() {
        for (boolean centre : new boolean[] {true, false}) {
            for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                for (int[] shape : new int[][] {{1}, {7}, {3, 17}, {2, 1, 40}}) {
                    Generator gen = new Generator(shape.length * 17 + shape[shape.length - 1]);
                    int n = shape[shape.length - 1];
                    Tensor x = Tensor.randn(gen, dtype, shape).mul(2).add(0.5);
                    Tensor w = Tensor.randn(gen, dtype, n).mul(0.2).add(1);
                    Tensor b = centre ? Tensor.randn(gen, dtype, n) : null;
                    Tensor tx = Tensor.randn(gen, dtype, shape), tw = Tensor.randn(gen, dtype, n);
                    Tensor tb = centre ? Tensor.randn(gen, dtype, n) : null;
                    double tol = dtype == DType.FLOAT32 ? 2e-4 : 1e-10;
                    String what = (centre ? "layerNorm " : "rmsNorm ") + dtype + " " + java.util.Arrays.toString(shape);
                    Tensor expected = tangent(false, centre, x, w, b, tx, tw, tb, false);
                    assertClose(what + " kernel", expected, tangent(true, centre, x, w, b, tx, tw, tb, false), tol);
                    assertClose(what + " differentiable", expected, tangent(true, centre, x, w, b, tx, tw, tb, true), tol);
                }
            }
        }
    }

    /** ẏ of the fused op or the composed form; with {@code onTape}, x requires grad and the tangent is recorded. */
    private static Tensor tangent(boolean fusedOp, boolean centre, Tensor x0, Tensor w, Tensor b, Tensor tx, Tensor tw,
                                  Tensor tb, boolean onTape) {
        Tensor x = x0.detach().requiresGrad(onTape);
        try (var scope = onTape ? Autograd.enableGrad() : Autograd.noGrad(); DualLevel level = Autograd.dualLevel()) {
            level.setTangent(x, tx);
            level.setTangent(w, tw);
            if (b != null) level.setTangent(b, tb);
            Tensor t = level.tangent(fusedOp ? fused(centre, x, w, b) : composed(centre, x, w, b));
            assertEquals(onTape, t.gradFn != null, "the tangent is recorded exactly when x requires grad");
            return t.detach();
        }
    }

    @Test
    void noTapeWithoutGradients() {
        Tensor y = Tensor.ones(DType.FLOAT32, 2, 3).layerNorm(null, null, EPS);
        assertNull(y.gradFn);
        assertEquals(0.0, y.abs().sum().item(), 0.0); // constant rows normalise to 0
    }

    @Test
    void badArgumentsAreRejectedWithTheOpAndShapes() {
        Tensor x = Tensor.ones(DType.FLOAT32, 2, 3);
        var e = assertThrows(IllegalArgumentException.class, () -> x.layerNorm(Tensor.ones(DType.FLOAT32, 4), null, EPS));
        assertTrue(e.getMessage().contains("layerNorm") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4]"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> x.rmsNorm(Tensor.ones(DType.FLOAT64, 3), EPS));
        assertTrue(e.getMessage().contains("rmsNorm") && e.getMessage().contains("float64"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.scalar(1.0).layerNorm(null, null, EPS));
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 0).rmsNorm(null, EPS));
        assertThrows(IllegalArgumentException.class, () -> x.layerNorm(null, null, -1));
        assertThrows(IllegalArgumentException.class, () -> x.layerNorm(null, null, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Tensor.arange(6).reshape(2, 3).layerNorm(null, null, EPS));
    }
}
