package dev.tapegrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Forward values of {@link Linalg} on random well-conditioned batches, float64 and float32: each
 * decomposition reconstructs its input and its factors have the promised structure (triangular, orthonormal,
 * ordered, sign-normalised), and each solve satisfies its equation.
 */
class LinalgForwardTest {

    /** Batch shapes × sizes × dtypes. */
    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (DType dtype : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            for (int[] batch : new int[][] {{}, {3}, {2, 1}}) {
                for (int n : new int[] {1, 2, 5}) b.add(Arguments.of(dtype, batch, n));
            }
        }
        return b.build();
    }

    /** Relative tolerance of a reconstruction: the dtype's precision times a small factor. */
    private static double tol(DType dtype) {
        return dtype == DType.FLOAT64 ? 1e-12 : 2e-5;
    }

    static Tensor randn(long seed, DType dtype, int[] batch, int rows, int cols) {
        return Tensor.randn(new Generator(seed), DType.FLOAT64, MatrixBatch.withMatrix(batch, rows, cols)).to(dtype);
    }

    /** A symmetric positive-definite batch: Mᵀ·M + n·I. */
    static Tensor spd(long seed, DType dtype, int[] batch, int n) {
        Tensor m = randn(seed, DType.FLOAT64, batch, n, n);
        return m.transpose(-1, -2).matmul(m).add(Tensor.eye(n, DType.FLOAT64).mul(n)).to(dtype);
    }

    /** A well-conditioned general batch: M + 2√n·I (eigenvalues of M are about √n in size). */
    static Tensor wellConditioned(long seed, DType dtype, int[] batch, int n) {
        return randn(seed, DType.FLOAT64, batch, n, n).add(Tensor.eye(n, DType.FLOAT64).mul(3 * Math.sqrt(n))).to(dtype);
    }

    static void assertClose(String what, Tensor expected, Tensor got, double rtol) {
        assertArrayEquals(expected.shape(), got.shape(), what + ": shape");
        double[] e = expected.toDoubleArray(), g = got.toDoubleArray();
        double scale = 0;
        for (double v : e) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], g[i], rtol * Math.max(1.0, scale), what + ": element " + i);
        }
    }

    /** QᵀQ = I for the columns of q ([..., m, k]). */
    static void assertOrthonormalColumns(String what, Tensor q, double rtol) {
        int k = q.size(-1);
        Tensor gram = q.transpose(-1, -2).matmul(q);
        assertClose(what + " orthonormal", Tensor.eye(k, q.dtype()).expand(gram.shape()), gram, rtol);
    }

    static void assertTriangular(String what, Tensor t, boolean upper) {
        int n = t.size(-1), rows = t.size(-2);
        double[] v = t.toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            int r = (i / n) % rows, c = i % n;
            if (upper ? c < r : c > r) assertEquals(0.0, v[i], 0.0, what + " triangular at " + r + "," + c);
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void choleskyReconstructs(DType dtype, int[] batch, int n) {
        Tensor a = spd(1, dtype, batch, n);
        Tensor l = Linalg.cholesky(a);
        assertEquals(dtype, l.dtype());
        assertTriangular("L", l, false);
        for (double d : diagonal(l)) assertTrue(d > 0, "positive diagonal");
        assertClose("L·Lᵀ", a, l.matmul(l.transpose(-1, -2)), tol(dtype));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void qrReconstructs(DType dtype, int[] batch, int n) {
        for (int m : new int[] {n, n + 2}) {
            Tensor a = randn(2, dtype, batch, m, n);
            Linalg.QR qr = Linalg.qr(a);
            assertArrayEquals(MatrixBatch.withMatrix(batch, m, n), qr.q().shape());
            assertArrayEquals(MatrixBatch.withMatrix(batch, n, n), qr.r().shape());
            assertTriangular("R", qr.r(), true);
            for (double d : diagonal(qr.r())) assertTrue(d >= 0, "non-negative diagonal of R");
            assertOrthonormalColumns("Q", qr.q(), tol(dtype));
            assertClose("Q·R", a, qr.q().matmul(qr.r()), tol(dtype));
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void eighReconstructs(DType dtype, int[] batch, int n) {
        Tensor m = randn(3, DType.FLOAT64, batch, n, n);
        Tensor a = m.add(m.transpose(-1, -2)).to(dtype);
        Linalg.Eigh e = Linalg.eigh(a);
        assertArrayEquals(MatrixBatch.withMatrix(batch, n), e.values().shape());
        assertOrthonormalColumns("V", e.vectors(), tol(dtype));
        Tensor rebuilt = e.vectors().mul(e.values().unsqueeze(-2)).matmul(e.vectors().transpose(-1, -2));
        assertClose("V·diag(λ)·Vᵀ", a, rebuilt, tol(dtype));
        assertAscending(e.values(), n, true);
        assertLargestComponentPositive(e.vectors());
    }

    @ParameterizedTest
    @MethodSource("cases")
    void svdReconstructs(DType dtype, int[] batch, int n) {
        for (int[] mn : new int[][] {{n, n}, {n + 2, n}, {n, n + 3}}) {
            Tensor a = randn(4, dtype, batch, mn[0], mn[1]);
            Linalg.Svd svd = Linalg.svd(a);
            int k = Math.min(mn[0], mn[1]);
            assertArrayEquals(MatrixBatch.withMatrix(batch, mn[0], k), svd.u().shape());
            assertArrayEquals(MatrixBatch.withMatrix(batch, k), svd.s().shape());
            assertArrayEquals(MatrixBatch.withMatrix(batch, k, mn[1]), svd.vh().shape());
            assertOrthonormalColumns("U", svd.u(), tol(dtype));
            assertOrthonormalColumns("V", svd.vh().transpose(-1, -2), tol(dtype));
            assertClose("U·diag(s)·Vh", a, svd.u().mul(svd.s().unsqueeze(-2)).matmul(svd.vh()), tol(dtype));
            assertAscending(svd.s(), k, false);
            for (double s : svd.s().toDoubleArray()) assertTrue(s >= 0);
            assertLargestComponentPositive(svd.u());
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void solvesSatisfyTheirEquations(DType dtype, int[] batch, int n) {
        Tensor a = wellConditioned(5, dtype, batch, n);
        Tensor b = randn(6, dtype, batch, n, 3);
        assertClose("A·solve(A, B)", b, a.matmul(Linalg.solve(a, b)), tol(dtype) * 10);
        Tensor vec = randn(7, dtype, batch, 1, n).squeeze(-2);
        assertClose("A·solve(A, b)", vec, a.matmul(Linalg.solve(a, vec).unsqueeze(-1)).squeeze(-1), tol(dtype) * 10);
        Tensor inv = Linalg.inverse(a);
        assertClose("A·A⁻¹", Tensor.eye(n, dtype).expand(a.shape()), a.matmul(inv), tol(dtype) * 10);
        Tensor lower = Linalg.cholesky(spd(8, dtype, batch, n));
        Tensor x = Linalg.triangularSolve(lower, b, Linalg.Triangle.LOWER);
        assertClose("L·X", b, lower.matmul(x), tol(dtype) * 10);
        Tensor upper = lower.transpose(-1, -2);
        Tensor right = randn(9, dtype, batch, 2, n);
        Tensor xr = Linalg.triangularSolve(upper, right, Linalg.TriangularSolveOptions.of(Linalg.Triangle.UPPER).withLeft(false));
        assertClose("X·U", right, xr.matmul(upper), tol(dtype) * 10);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void determinantsMultiplyAndMatchTheLogDeterminant(DType dtype, int[] batch, int n) {
        Tensor a = wellConditioned(10, dtype, batch, n).div(Math.sqrt(n)), b = wellConditioned(11, dtype, batch, n).div(Math.sqrt(n));
        Tensor product = Linalg.det(a.matmul(b));
        assertClose("det(AB) = det A·det B", Linalg.det(a).mul(Linalg.det(b)), product, tol(dtype) * 100);
        Tensor s = spd(12, dtype, batch, n);
        assertClose("logdet = log det", Linalg.det(s).log(), Linalg.logdet(s), tol(dtype) * 100);
        Linalg.SlogDet sl = Linalg.slogdet(a);
        assertClose("slogdet", Linalg.det(a), sl.sign().mul(sl.logAbsDet().exp()), tol(dtype) * 100);
        Tensor l = Linalg.cholesky(s);
        Tensor diagProduct = Tensor.of(diagonal(l)).reshape(MatrixBatch.withMatrix(batch, n)).prod(new int[] {-1}, false);
        assertClose("det = Π diag(L)²", diagProduct.square(), Linalg.det(s).to(DType.FLOAT64), tol(dtype) * 100);
    }

    @Test
    void smallCasesByHand() {
        Tensor a = Tensor.of(new double[][] {{4, 2}, {2, 3}});
        assertArrayEquals(new double[] {2, 0, 1, Math.sqrt(2)}, Linalg.cholesky(a).toDoubleArray(), 1e-15);
        assertEquals(8.0, Linalg.det(a).item(), 1e-14);
        assertEquals(Math.log(8), Linalg.logdet(a).item(), 1e-14);
        Tensor swap = Tensor.of(new double[][] {{0, 1}, {1, 0}});
        assertEquals(-1.0, Linalg.det(swap).item(), 0.0);
        assertTrue(Double.isNaN(Linalg.logdet(swap).item()), "logdet of a negative determinant is NaN");
        assertEquals(-1.0, Linalg.slogdet(swap).sign().item(), 0.0);
        assertEquals(0.0, Linalg.slogdet(swap).logAbsDet().item(), 0.0);
        Tensor singular = Tensor.of(new double[][] {{1, 2}, {2, 4}});
        assertEquals(0.0, Linalg.det(singular).item(), 0.0);
        assertEquals(Double.NEGATIVE_INFINITY, Linalg.logdet(singular).item());
        Linalg.Eigh e = Linalg.eigh(swap);
        assertArrayEquals(new double[] {-1, 1}, e.values().toDoubleArray(), 1e-15);
        // eigenvectors (1, −1)/√2 and (1, 1)/√2: the first component is the largest on the tie, made positive
        double r = Math.sqrt(0.5);
        assertArrayEquals(new double[] {r, r, -r, r}, e.vectors().toDoubleArray(), 1e-15);
        Linalg.Svd svd = Linalg.svd(Tensor.of(new double[][] {{3, 0}, {0, -5}}));
        assertArrayEquals(new double[] {5, 3}, svd.s().toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {0, 1, 1, 0}, svd.u().toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {0, -1, 1, 0}, svd.vh().toDoubleArray(), 1e-15);
    }

    @Test
    void eighRecoversAKnownSpectrumIncludingRepeatedValues() {
        int n = 40;
        Tensor q = Linalg.qr(Tensor.randn(new Generator(21), DType.FLOAT64, n, n)).q();
        double[] lambda = new double[n];
        for (int i = 0; i < n; i++) lambda[i] = i < 5 ? 2.0 : i < 8 ? -1e-3 * i : Math.pow(1.3, i) - 30; // a 5-fold value
        Tensor a = q.mul(Tensor.of(lambda)).matmul(q.t());
        a = a.add(a.t()).mul(0.5);
        Linalg.Eigh e = Linalg.eigh(a);
        double[] sorted = lambda.clone();
        java.util.Arrays.sort(sorted);
        double scale = Math.abs(sorted[n - 1]);
        assertArrayEquals(sorted, e.values().toDoubleArray(), 1e-12 * scale);
        assertOrthonormalColumns("V", e.vectors(), 1e-13);
        assertClose("V·diag(λ)·Vᵀ", a, e.vectors().mul(e.values()).matmul(e.vectors().t()), 1e-13);
        // degenerate inputs: zero, identity, diagonal, 1×1
        assertArrayEquals(new double[] {0, 0, 0}, Linalg.eigh(Tensor.zeros(DType.FLOAT64, 3, 3)).values().toDoubleArray(), 0.0);
        Linalg.Eigh id = Linalg.eigh(Tensor.eye(4, DType.FLOAT64));
        assertArrayEquals(new double[] {1, 1, 1, 1}, id.values().toDoubleArray(), 0.0);
        assertArrayEquals(Tensor.eye(4, DType.FLOAT64).toDoubleArray(), id.vectors().toDoubleArray(), 0.0);
        Tensor diag = Tensor.of(new double[][] {{3, 0, 0}, {0, -2, 0}, {0, 0, 1}});
        assertArrayEquals(new double[] {-2, 1, 3}, Linalg.eigh(diag).values().toDoubleArray(), 0.0);
        assertArrayEquals(new double[] {-7.5}, Linalg.eigh(Tensor.of(new double[] {-7.5}, 1, 1)).values().toDoubleArray(), 0.0);
    }

    @Test
    void eighReadsOnlyTheLowerTriangle() {
        Tensor lower = Tensor.of(new double[][] {{2, 0}, {1, 3}});
        Tensor symmetric = Tensor.of(new double[][] {{2, 1}, {1, 3}});
        assertArrayEquals(Linalg.eigh(symmetric).values().toDoubleArray(), Linalg.eigh(lower).values().toDoubleArray(), 0.0);
        assertArrayEquals(Linalg.cholesky(symmetric).toDoubleArray(), Linalg.cholesky(lower).toDoubleArray(), 0.0);
    }

    @Test
    void rankDeficientSvdHasOrthonormalFactors() {
        Tensor a = Tensor.of(new double[][] {{1, 2, 3}, {2, 4, 6}, {1, 2, 3}, {0, 0, 0}});
        Linalg.Svd svd = Linalg.svd(a);
        assertOrthonormalColumns("U", svd.u(), 1e-13);
        assertOrthonormalColumns("V", svd.vh().transpose(-1, -2), 1e-13);
        assertClose("U·diag(s)·Vh", a, svd.u().mul(svd.s().unsqueeze(-2)).matmul(svd.vh()), 1e-13);
        Linalg.Svd zero = Linalg.svd(Tensor.zeros(DType.FLOAT64, 3, 2));
        assertArrayEquals(new double[] {0, 0}, zero.s().toDoubleArray(), 0.0);
        assertOrthonormalColumns("U of zero", zero.u(), 1e-15);
    }

    @Test
    void sameBitsEveryRun() {
        Tensor a = randn(13, DType.FLOAT64, new int[] {4}, 6, 6);
        Tensor s = a.add(a.transpose(-1, -2));
        assertArrayEquals(Linalg.eigh(s).vectors().toDoubleArray(), Linalg.eigh(s.clone()).vectors().toDoubleArray(), 0.0);
        assertArrayEquals(Linalg.svd(a).u().toDoubleArray(), Linalg.svd(a.clone()).u().toDoubleArray(), 0.0);
    }

    @Test
    void stridedInputsGiveTheSameResults() {
        Tensor a = randn(14, DType.FLOAT64, new int[] {2}, 4, 4);
        Tensor at = a.transpose(-1, -2).contiguous().transpose(-1, -2); // same values, column-major
        assertTrue(!at.isContiguous());
        assertArrayEquals(Linalg.inverse(a).toDoubleArray(), Linalg.inverse(at).toDoubleArray(), 0.0);
        assertArrayEquals(Linalg.svd(a).s().toDoubleArray(), Linalg.svd(at).s().toDoubleArray(), 0.0);
    }

    @Test
    void batchesBroadcastInSolve() {
        Tensor a = wellConditioned(15, DType.FLOAT64, new int[] {3, 1}, 4);
        Tensor b = randn(16, DType.FLOAT64, new int[] {2}, 4, 2);
        Tensor x = Linalg.solve(a, b);
        assertArrayEquals(new int[] {3, 2, 4, 2}, x.shape());
        assertClose("A·X", b.expand(3, 2, 4, 2), a.matmul(x), 1e-12);
        Tensor single = Tensor.randn(new Generator(17), DType.FLOAT64, 4);
        assertArrayEquals(new int[] {3, 1, 4}, Linalg.solve(a, single).shape());
    }

    @Test
    void badInputsGetClearErrors() {
        String m = assertThrows(IllegalArgumentException.class, () -> Linalg.inverse(Tensor.zeros(DType.FLOAT64, 2, 3))).getMessage();
        assertTrue(m.contains("inverse") && m.contains("[2, 3]") && m.contains("square"), m);
        Tensor spdThenNot = Tensor.stack(0, Tensor.eye(2, DType.FLOAT64), Tensor.of(new double[][] {{1, 2}, {2, 1}}));
        m = assertThrows(IllegalArgumentException.class, () -> Linalg.cholesky(spdThenNot)).getMessage();
        assertTrue(m.contains("cholesky") && m.contains("not positive definite") && m.contains("batch index [1]")
                && m.contains("order 2"), m);
        Tensor singular = Tensor.of(new double[][] {{1, 2}, {2, 4}});
        m = assertThrows(IllegalArgumentException.class, () -> Linalg.solve(singular, Tensor.ones(DType.FLOAT64, 2))).getMessage();
        assertTrue(m.contains("solve") && m.contains("singular"), m);
        m = assertThrows(IllegalArgumentException.class, () -> Linalg.inverse(singular)).getMessage();
        assertTrue(m.contains("inverse") && m.contains("singular"), m);
        m = assertThrows(IllegalArgumentException.class, () -> Linalg.solve(Tensor.eye(3, DType.FLOAT64), Tensor.ones(DType.FLOAT64, 2, 1))).getMessage();
        assertTrue(m.contains("solve") && m.contains("[2, 1]") && m.contains("[3, 3]"), m);
        m = assertThrows(IllegalArgumentException.class, () -> Linalg.qr(Tensor.zeros(DType.FLOAT64, 2, 3))).getMessage();
        assertTrue(m.contains("qr") && m.contains("m >= n"), m);
        m = assertThrows(IllegalArgumentException.class, () -> Linalg.det(Tensor.ones(DType.FLOAT64, 3))).getMessage();
        assertTrue(m.contains("det") && m.contains("[3]"), m);
        m = assertThrows(IllegalArgumentException.class, () -> Linalg.eigh(Tensor.of(new double[][] {{1, 0}, {Double.NaN, 1}}))).getMessage();
        assertTrue(m.contains("eigh") && m.contains("non-finite"), m);
        m = assertThrows(IllegalArgumentException.class, () -> Linalg.triangularSolve(Tensor.zeros(DType.FLOAT64, 2, 2),
                Tensor.ones(DType.FLOAT64, 2, 1), Linalg.Triangle.UPPER)).getMessage();
        assertTrue(m.contains("triangularSolve") && m.contains("zero"), m);
        m = assertThrows(IllegalArgumentException.class, () -> Linalg.solve(Tensor.eye(2, DType.FLOAT32), Tensor.ones(DType.FLOAT64, 2))).getMessage();
        assertTrue(m.contains("solve") && m.contains("dtype"), m);
        m = assertThrows(IllegalArgumentException.class, () -> Linalg.svd(Tensor.of(new int[] {1, 2, 3, 4}, 2, 2))).getMessage();
        assertTrue(m.contains("svd") && m.contains("int32"), m);
    }

    /** Every op that factorises a matrix refuses NaN and ±∞ alike, naming itself, the element and where it is. */
    @Test
    void nonFiniteMatricesAreRefusedByEveryOp() {
        java.util.Map<String, java.util.function.Function<Tensor, Object>> ops = new java.util.LinkedHashMap<>();
        ops.put("solve", a -> Linalg.solve(a, Tensor.ones(DType.FLOAT64, 2, 2, 1)));
        ops.put("triangularSolve", a -> Linalg.triangularSolve(a, Tensor.ones(DType.FLOAT64, 2, 2, 1), Linalg.Triangle.LOWER));
        ops.put("inverse", Linalg::inverse);
        ops.put("det", Linalg::det);
        ops.put("logdet", Linalg::logdet);
        ops.put("slogdet", Linalg::slogdet);
        ops.put("cholesky", Linalg::cholesky);
        ops.put("qr", Linalg::qr);
        ops.put("eigh", Linalg::eigh);
        ops.put("svd", Linalg::svd);
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            // a batch of two 2x2 matrices, the bad element at (1, 0) of the second (read by every op, in both triangles' ops)
            Tensor a = Tensor.of(new double[] {4, 1, 1, 3, 5, 1, bad, 2}, 2, 2, 2);
            for (var op : ops.entrySet()) {
                String m = assertThrows(IllegalArgumentException.class, () -> op.getValue().apply(a), op.getKey()).getMessage();
                assertTrue(m.startsWith(op.getKey() + ": non-finite element " + bad + " at (1, 0) at batch index [1]"), m);
                assertTrue(m.contains("[2, 2, 2]"), m);
            }
        }
        Tensor f32 = Tensor.of(new double[][] {{1, Double.NaN}, {0, 1}}).to(DType.FLOAT32);
        String m = assertThrows(IllegalArgumentException.class, () -> Linalg.det(f32)).getMessage();
        assertTrue(m.contains("det: non-finite element NaN at (0, 1)"), m);
    }

    @Test
    void triangularSolveOptionsAreARecordWithCopies() {
        Linalg.TriangularSolveOptions o = Linalg.TriangularSolveOptions.of(Linalg.Triangle.UPPER);
        assertEquals(new Linalg.TriangularSolveOptions(Linalg.Triangle.UPPER, true, false), o);
        assertEquals(new Linalg.TriangularSolveOptions(Linalg.Triangle.UPPER, false, true), o.withLeft(false).withUnitDiagonal(true));
        assertEquals(o, o.withLeft(false).withLeft(true));
        assertEquals(new Linalg.TriangularSolveOptions(Linalg.Triangle.UPPER, true, false), o, "the copies leave the original alone");
        assertThrows(IllegalArgumentException.class, () -> Linalg.TriangularSolveOptions.of(null));
    }

    @Test
    void degenerateSpectraGiveFiniteValueGradientsAndNonFiniteVectorGradients() {
        Tensor c = Tensor.randn(new Generator(31), DType.FLOAT64, 3, 3);
        Tensor a = Tensor.eye(3, DType.FLOAT64).requiresGrad(true); // a triple eigenvalue and singular value
        Linalg.eigh(a).values().mul(c.select(0, 0)).sum().backward();
        assertTrue(a.grad().isAllFinite(), "eigenvalue gradient at a repeated eigenvalue is finite");
        a.zeroGrad();
        Linalg.eigh(a).vectors().mul(c).sum().backward();
        assertTrue(!a.grad().isAllFinite(), "eigenvector gradient at a repeated eigenvalue is inf/NaN");
        a.zeroGrad();
        Linalg.svd(a).s().mul(c.select(0, 0)).sum().backward();
        assertTrue(a.grad().isAllFinite(), "singular value gradient at a repeated singular value is finite");
        a.zeroGrad();
        Linalg.svd(a).u().mul(c).sum().backward();
        assertTrue(!a.grad().isAllFinite(), "singular vector gradient at a repeated singular value is inf/NaN");
    }

    @Test
    void derivativesAtSingularMatricesFailNamingTheOp() {
        Tensor singular = Tensor.of(new double[][] {{1, 2}, {2, 4}}).requiresGrad(true);
        Tensor d = Linalg.det(singular);
        assertEquals(0.0, d.item(), 0.0);
        String m = assertThrows(IllegalArgumentException.class, d::backward).getMessage();
        assertTrue(m.startsWith("det: the derivative needs an invertible matrix") && m.contains("singular"), m);
        Tensor rankOne = Tensor.of(new double[][] {{1, 0}, {2, 0}, {3, 0}}).requiresGrad(true); // R[1][1] = 0 exactly
        Tensor q = Linalg.qr(rankOne).q();
        m = assertThrows(IllegalArgumentException.class, () -> q.sum().backward()).getMessage();
        assertTrue(m.startsWith("qr: the derivative needs A of full column rank") && m.contains("zero"), m);
    }

    // ---------------------------------------------------------------- helpers

    /** The diagonals of a batch of square matrices, concatenated. */
    static double[] diagonal(Tensor t) {
        int n = t.size(-1);
        double[] v = t.toDoubleArray(), d = new double[v.length / n];
        for (int i = 0; i < d.length; i++) d[i] = v[(i / n) * n * n + (i % n) * n + i % n];
        return d;
    }

    static void assertAscending(Tensor values, int n, boolean ascending) {
        double[] v = values.toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            if (i % n == 0) continue;
            assertTrue(ascending ? v[i - 1] <= v[i] : v[i - 1] >= v[i], "order at " + i);
        }
    }

    /** Every column's largest-magnitude component is positive. */
    static void assertLargestComponentPositive(Tensor vectors) {
        int rows = vectors.size(-2), cols = vectors.size(-1);
        double[] v = vectors.toDoubleArray();
        for (int base = 0; base < v.length; base += rows * cols) {
            for (int j = 0; j < cols; j++) {
                int best = 0;
                for (int i = 1; i < rows; i++) if (Math.abs(v[base + i * cols + j]) > Math.abs(v[base + best * cols + j])) best = i;
                assertTrue(v[base + best * cols + j] > 0, "sign of column " + j);
            }
        }
    }
}
