package dev.tapegrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The JVP rules of the linear-algebra ops on their own: {@link Autograd#jvp} of each op applied directly to its
 * inputs (no other op carries a tangent) against central differences (f(x + h·v) − f(x − h·v)) / 2h, and
 * ⟨u, J·v⟩ against ⟨Jᵀ·u, v⟩ from the VJP. Inputs are well conditioned (see {@link LinalgSamples}); the
 * tangents of cholesky and eigh are symmetric, since those ops read one triangle of a symmetric matrix.
 * (The op table checks every op again through its examples, which also differentiate the maps that make
 * the inputs.)
 */
class LinalgJvpTest {
    record Case(String name, Function<List<Tensor>, Tensor> f, List<Tensor> inputs, boolean symmetricTangents) {}

    private static Tensor raw(long seed, int... shape) {
        return Tensor.randn(new Generator(seed), DType.FLOAT64, shape);
    }

    static Stream<Case> cases() {
        Tensor a = LinalgSamples.invertible(raw(1, 2, 4, 4));
        Tensor spd = LinalgSamples.positiveDefinite(raw(2, 2, 4, 4));
        Tensor sym = LinalgSamples.separatedSymmetric(raw(3, 2, 4, 4));
        Tensor tall = LinalgSamples.separatedSingular(raw(4, 2, 5, 3));
        Tensor wide = LinalgSamples.separatedSingular(raw(5, 3, 5));
        Tensor square = LinalgSamples.separatedSingular(raw(6, 4, 4));
        Tensor b = raw(7, 2, 4, 3);
        return Stream.of(
                new Case("solve", xs -> Linalg.solve(xs.get(0), xs.get(1)), List.of(a, b), false),
                new Case("triangularSolve/lower", xs -> Linalg.triangularSolve(xs.get(0), xs.get(1), Linalg.Triangle.LOWER), List.of(a, b), false),
                new Case("triangularSolve/upper-unit", xs -> Linalg.triangularSolve(xs.get(0), xs.get(1),
                        Linalg.TriangularSolveOptions.of(Linalg.Triangle.UPPER).withUnitDiagonal(true)), List.of(a, b), false),
                new Case("inverse", xs -> Linalg.inverse(xs.get(0)), List.of(a), false),
                new Case("det", xs -> Linalg.det(xs.get(0)), List.of(a.div(9)), false),
                new Case("logdet", xs -> Linalg.logdet(xs.get(0)), List.of(a), false),
                new Case("slogdet", xs -> Linalg.slogdet(xs.get(0)).logAbsDet(), List.of(a.neg()), false),
                new Case("cholesky", xs -> Linalg.cholesky(xs.get(0)), List.of(spd), true),
                new Case("qr/q", xs -> Linalg.qr(xs.get(0)).q(), List.of(tall), false),
                new Case("qr/r", xs -> Linalg.qr(xs.get(0)).r(), List.of(tall), false),
                new Case("eigh/values", xs -> Linalg.eigh(xs.get(0)).values(), List.of(sym), true),
                new Case("eigh/vectors", xs -> Linalg.eigh(xs.get(0)).vectors(), List.of(sym), true),
                new Case("svd/s", xs -> Linalg.svd(xs.get(0)).s(), List.of(tall), false),
                new Case("svd/u-tall", xs -> Linalg.svd(xs.get(0)).u(), List.of(tall), false),
                new Case("svd/vh-tall", xs -> Linalg.svd(xs.get(0)).vh(), List.of(tall), false),
                new Case("svd/u-wide", xs -> Linalg.svd(xs.get(0)).u(), List.of(wide), false),
                new Case("svd/vh-wide", xs -> Linalg.svd(xs.get(0)).vh(), List.of(wide), false),
                new Case("svd/vh-square", xs -> Linalg.svd(xs.get(0)).vh(), List.of(square), false));
    }

    @TestFactory
    Stream<DynamicTest> jvpMatchesCentralDifferencesAndTheVjp() {
        return cases().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    private static void check(Case c) {
        Generator gen = new Generator(11);
        List<Tensor> x = c.inputs().stream().map(Tensor::detach).toList();
        List<Tensor> v = x.stream().map(t -> {
            Tensor r = Tensor.randn(gen, DType.FLOAT64, t.shape());
            return c.symmetricTangents() ? r.add(r.transpose(-1, -2)).mul(0.5) : r;
        }).toList();
        Autograd.Jvp jvp = Autograd.jvp(xs -> List.of(c.f().apply(xs)), x, v);
        Tensor jv = jvp.tangents().getFirst();
        double h = 1e-6;
        Tensor numeric;
        try (var s = Autograd.noGrad()) {
            Tensor plus = c.f().apply(shifted(x, v, h)), minus = c.f().apply(shifted(x, v, -h));
            numeric = plus.sub(minus).div(2 * h);
        }
        assertArrayEquals(numeric.shape(), jv.shape(), c.name() + ": tangent shape");
        double[] e = numeric.toDoubleArray(), g = jv.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], g[i], 1e-6 * (1 + Math.abs(e[i])), c.name() + ": J·v element " + i);
        }
        // ⟨u, J·v⟩ = ⟨Jᵀ·u, v⟩
        Tensor u = Tensor.randn(gen, DType.FLOAT64, jv.shape());
        List<Tensor> leaves = x.stream().map(t -> t.detach().requiresGrad(true)).toList();
        Tensor[] vjp = Autograd.grad(c.f().apply(leaves), leaves.toArray(Tensor[]::new), u, false, false);
        double left = u.mul(jv).sum().item(), right = 0;
        for (int i = 0; i < vjp.length; i++) right += vjp[i].mul(v.get(i)).sum().item();
        assertEquals(left, right, 1e-10 * (1 + Math.abs(left)), c.name() + ": transpose identity");
    }

    /**
     * Reverse over forward: the gradient of ⟨u, J·v⟩ with respect to the inputs, by differentiating the tangent
     * that the JVP rules computed under recording, equals the one by reverse over reverse (differentiating
     * ⟨Jᵀ·u, v⟩). For an op with several outputs this needs every output on the tape before any JVP rule runs.
     */
    @TestFactory
    Stream<DynamicTest> reverseOverForwardEqualsReverseOverReverse() {
        return cases().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Generator gen = new Generator(13);
            List<Tensor> x = c.inputs().stream().map(Tensor::detach).toList();
            List<Tensor> v = x.stream().map(t -> {
                Tensor r = Tensor.randn(gen, DType.FLOAT64, t.shape());
                return c.symmetricTangents() ? r.add(r.transpose(-1, -2)).mul(0.5) : r;
            }).toList();
            Tensor u;
            try (var s = Autograd.noGrad()) {
                u = Tensor.randn(gen, DType.FLOAT64, c.f().apply(x).shape());
            }
            List<Tensor> leaves = x.stream().map(t -> t.detach().requiresGrad(true)).toList();
            Tensor inner;
            try (DualLevel level = Autograd.dualLevel()) {
                for (int i = 0; i < leaves.size(); i++) level.setTangent(leaves.get(i), v.get(i));
                inner = level.tangent(c.f().apply(leaves)).mul(u).sum();
            }
            Tensor[] rof = Autograd.grad(inner, leaves.toArray(Tensor[]::new));
            List<Tensor> leaves2 = x.stream().map(t -> t.detach().requiresGrad(true)).toList();
            Tensor[] g = Autograd.grad(c.f().apply(leaves2), leaves2.toArray(Tensor[]::new), u, true, true);
            Tensor dot = null;
            for (int i = 0; i < g.length; i++) dot = dot == null ? g[i].mul(v.get(i)).sum() : dot.add(g[i].mul(v.get(i)).sum());
            Tensor[] ror = Autograd.grad(dot, leaves2.toArray(Tensor[]::new));
            for (int i = 0; i < ror.length; i++) {
                double[] e = ror[i].toDoubleArray(), got = rof[i].toDoubleArray();
                for (int k = 0; k < e.length; k++) {
                    assertEquals(e[k], got[k], 1e-9 * (1 + Math.abs(e[k])), c.name() + ": input " + i + " element " + k);
                }
            }
        }));
    }

    /** float32 inputs: the VJP and the JVP are float32 and agree with the float64 ones to float32 precision. */
    @TestFactory
    Stream<DynamicTest> float32DerivativesMatchFloat64() {
        return cases().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Generator gen = new Generator(12);
            List<Tensor> x64 = c.inputs().stream().map(Tensor::detach).toList();
            List<Tensor> v64 = x64.stream().map(t -> {
                Tensor r = Tensor.randn(gen, DType.FLOAT64, t.shape());
                return c.symmetricTangents() ? r.add(r.transpose(-1, -2)).mul(0.5) : r;
            }).toList();
            List<Tensor> x32 = x64.stream().map(t -> t.to(DType.FLOAT32)).toList();
            List<Tensor> v32 = v64.stream().map(t -> t.to(DType.FLOAT32)).toList();
            Tensor jv64 = Autograd.jvp(xs -> List.of(c.f().apply(xs)), x64, v64).tangents().getFirst();
            Tensor jv32 = Autograd.jvp(xs -> List.of(c.f().apply(xs)), x32, v32).tangents().getFirst();
            assertEquals(DType.FLOAT32, jv32.dtype(), c.name() + ": tangent dtype");
            assertClose(c.name() + ": float32 J·v", jv64, jv32);
            Tensor u = Tensor.randn(gen, DType.FLOAT64, jv64.shape());
            Tensor[] g64 = vjp(c, x64, u), g32 = vjp(c, x32, u.to(DType.FLOAT32));
            for (int i = 0; i < g64.length; i++) {
                assertEquals(DType.FLOAT32, g32[i].dtype(), c.name() + ": gradient dtype");
                assertClose(c.name() + ": float32 Jᵀ·u of input " + i, g64[i], g32[i]);
            }
        }));
    }

    private static Tensor[] vjp(Case c, List<Tensor> x, Tensor u) {
        List<Tensor> leaves = x.stream().map(t -> t.detach().requiresGrad(true)).toList();
        return Autograd.grad(c.f().apply(leaves), leaves.toArray(Tensor[]::new), u, false, false);
    }

    /** Within 1e-4 of the largest magnitude of the float64 values (float32 has about 7 digits). */
    private static void assertClose(String what, Tensor expected, Tensor got) {
        double[] e = expected.toDoubleArray(), g = got.toDoubleArray();
        double scale = 1e-3;
        for (double v : e) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < e.length; i++) assertEquals(e[i], g[i], 1e-4 * scale, what + " element " + i);
    }

    private static List<Tensor> shifted(List<Tensor> x, List<Tensor> v, double h) {
        return java.util.stream.IntStream.range(0, x.size()).mapToObj(i -> x.get(i).add(v.get(i).mul(h))).toList();
    }
}
