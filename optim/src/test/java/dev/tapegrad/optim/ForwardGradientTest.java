package dev.tapegrad.optim;

import static org.junit.jupiter.api.Assertions.*;

import dev.tapegrad.Autograd;
import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Gradient estimates without a backward pass: the forward gradient (∇f·v)v with Gaussian tangents and the SPSA
 * estimate are unbiased (the mean of many estimates lies within its confidence interval of the backprop
 * gradient, for several functions, with fixed seeds), the guessed-tangent estimate is the exact projection onto
 * the guess, and the parameters are left as they were.
 */
class ForwardGradientTest {

    /** How many standard errors a mean may lie from the truth (fixed seeds: the outcome never changes between runs). */
    private static final double Z = 4.5;
    private static final int DRAWS = 2500;

    /** A test function: named parameters and a loss that reads them. */
    private record Problem(String name, Map<String, Tensor> params, Supplier<Tensor> loss) {}

    private static List<Problem> problems() {
        Generator gen = new Generator(21);
        List<Problem> list = new ArrayList<>();
        // 1. elementwise and coupled terms: Σ a·sin(a) + ½Σ b² + (Σ a)(Σ b)
        Map<String, Tensor> p1 = new LinkedHashMap<>();
        p1.put("a", Tensor.randn(gen, DType.FLOAT64, 3));
        p1.put("b", Tensor.randn(gen, DType.FLOAT64, 2, 2));
        list.add(new Problem("trig", p1, () -> {
            Tensor a = p1.get("a"), b = p1.get("b");
            return a.mul(a.sin()).sum().add(b.square().sum().mul(0.5)).add(a.sum().mul(b.sum()));
        }));
        // 2. an ill-conditioned quadratic ½‖M·w − t‖²
        Tensor m = Tensor.randn(gen, DType.FLOAT64, 4, 4).mul(Tensor.of(new double[] {3, 1, 0.3, 0.1}));
        Tensor t = Tensor.randn(gen, DType.FLOAT64, 4);
        Map<String, Tensor> p2 = new LinkedHashMap<>();
        p2.put("w", Tensor.randn(gen, DType.FLOAT64, 4));
        list.add(new Problem("quadratic", p2, () -> m.mul(p2.get("w")).sum(1).sub(t).square().sum().mul(0.5)));   // M·w as Σ_j M_ij w_j
        // 3. the cross-entropy of a small softmax classifier
        SoftmaxToy toy = new SoftmaxToy(5, 20, 3, 3, 0);
        list.add(new Problem("softmax", toy.params, toy::loss));
        return list;
    }

    /** The backprop gradient, flattened in the parameters' order. */
    private static double[] truth(Problem p) {
        Map<String, Tensor> leaves = p.params();
        leaves.values().forEach(x -> x.requiresGrad(true));
        Tensor[] g = Autograd.grad(p.loss().get(), leaves.values().toArray(Tensor[]::new));
        leaves.values().forEach(x -> x.requiresGrad(false));
        return flatten(List.of(g));
    }

    private static double[] flatten(java.util.Collection<Tensor> ts) {
        List<Double> all = new ArrayList<>();
        for (Tensor t : ts) for (double v : t.toDoubleArray()) all.add(v);
        return all.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /**
     * The largest |z| over every component of the mean estimate and over the mean of the projection
     * ⟨g̃, g⟩/‖g‖² (whose truth is 1), with z = (mean − truth)/(standard error).
     */
    private static double largestZ(double[] g, Function<Integer, double[]> draw, int n) {
        int d = g.length;
        double gg = 0;
        for (double x : g) gg += x * x;
        double[] sum = new double[d + 1], sumSq = new double[d + 1];
        for (int k = 0; k < n; k++) {
            double[] e = draw.apply(k);
            double proj = 0;
            for (int i = 0; i < d; i++) {
                sum[i] += e[i];
                sumSq[i] += e[i] * e[i];
                proj += e[i] * g[i] / gg;
            }
            sum[d] += proj;
            sumSq[d] += proj * proj;
        }
        double worst = 0;
        for (int i = 0; i <= d; i++) {
            double mean = sum[i] / n, var = (sumSq[i] - n * mean * mean) / (n - 1);
            double se = Math.sqrt(Math.max(var, 0) / n);
            double want = i < d ? g[i] : 1;
            worst = Math.max(worst, Math.abs(mean - want) / (se + 1e-300));
        }
        return worst;
    }

    @Test
    void theTangentSampledForwardGradientIsUnbiased() {
        for (Problem p : problems()) {
            double[] g = truth(p);
            Generator gen = new Generator(1);
            double z = largestZ(g, k -> flatten(ForwardGradient.sample(gen, p.params(), p.loss()).gradient().values()), DRAWS);
            assertTrue(z < Z, p.name() + ": the mean forward gradient is " + z + " standard errors from the gradient");
            // The check has power: an estimator biased by 20% fails it.
            Generator gen2 = new Generator(1);
            double biased = largestZ(g, k -> scale(flatten(ForwardGradient.sample(gen2, p.params(), p.loss()).gradient().values()), 0.8), DRAWS);
            assertTrue(biased > Z, p.name() + ": a 20% bias went unnoticed (z = " + biased + ")");
        }
    }

    @Test
    void theTwoForwardSpsaEstimateIsUnbiased() {
        for (Problem p : problems()) {
            double[] g = truth(p);
            Map<String, double[]> before = new LinkedHashMap<>();
            p.params().forEach((n, t) -> before.put(n, t.toDoubleArray()));
            Generator gen = new Generator(2);
            double z = largestZ(g, k -> flatten(SpsaGradient.estimate(gen, p.params(), 1e-4, p.loss()).gradient().values()), DRAWS);
            assertTrue(z < Z, p.name() + ": the mean SPSA estimate is " + z + " standard errors from the gradient");
            Generator gen2 = new Generator(2);
            double biased = largestZ(g, k -> scale(flatten(SpsaGradient.estimate(gen2, p.params(), 1e-4, p.loss()).gradient().values()), 0.8), DRAWS);
            assertTrue(biased > Z, p.name() + ": a 20% bias went unnoticed (z = " + biased + ")");
            // every parameter is back to its exact value
            before.forEach((n, v) -> assertArrayEquals(v, p.params().get(n).toDoubleArray(), 0.0, p.name() + " " + n));
        }
    }

    private static double[] scale(double[] x, double s) {
        double[] y = x.clone();
        for (int i = 0; i < y.length; i++) y[i] *= s;
        return y;
    }

    @Test
    void oneJvpGivesTheExactDirectionalDerivative() {
        for (Problem p : problems()) {
            double[] g = truth(p);
            GradientEstimate e = ForwardGradient.sample(new Generator(3), p.params(), p.loss());
            // the estimate is (∇f·v)v: recover v and check ∇f·v against backprop
            double[] est = flatten(e.gradient().values()), v = scale(est, 1 / e.directionalDerivative());
            double dot = 0;
            for (int i = 0; i < g.length; i++) dot += g[i] * v[i];
            assertEquals(dot, e.directionalDerivative(), 1e-10 * (1 + Math.abs(dot)), p.name());
            assertEquals(p.loss().get().item(), e.loss(), 0.0, p.name());
        }
    }

    @Test
    void aGuessedTangentGivesTheGradientsProjectionOntoTheGuess() {
        for (Problem p : problems()) {
            double[] g = truth(p);
            // guess = the gradient itself: the estimate is the gradient
            Map<String, Tensor> guess = new LinkedHashMap<>();
            int at = 0;
            for (Map.Entry<String, Tensor> e : p.params().entrySet()) {
                double[] part = java.util.Arrays.copyOfRange(g, at, at + e.getValue().numel());
                guess.put(e.getKey(), Tensor.of(part, e.getValue().shape()));
                at += part.length;
            }
            assertArrayEquals(g, flatten(ForwardGradient.alongGuess(p.params(), guess, p.loss()).gradient().values()), 1e-10, p.name());
            // any other guess u: (∇f·û)û
            Generator gen = new Generator(4);
            Map<String, Tensor> u = new LinkedHashMap<>();
            p.params().forEach((n, t) -> u.put(n, Tensor.randn(gen, DType.FLOAT64, t.shape())));
            double[] uf = flatten(u.values());
            double uu = 0, gu = 0;
            for (int i = 0; i < g.length; i++) {
                uu += uf[i] * uf[i];
                gu += g[i] * uf[i];
            }
            assertArrayEquals(scale(uf, gu / uu), flatten(ForwardGradient.alongGuess(p.params(), u, p.loss()).gradient().values()), 1e-10,
                    p.name());
        }
    }

    private static double cosine(double[] a, double[] b) {
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }
        return ab / Math.sqrt(aa * bb);
    }

    @Test
    void aRoughGuessBeatsRandomTangentsByAWideMargin() {
        // 229 parameters: a random tangent's estimate has |cos| ≈ √(2/(π·229)) ≈ 0.05 with the gradient; a guess
        // that is the gradient plus noise of the same norm (cos ≈ 0.7) keeps that cosine exactly.
        SoftmaxToy toy = new SoftmaxToy(12, 64, 8, 5, 16);
        Problem p = new Problem("mlp", toy.params, toy::loss);
        double[] g = truth(p);
        Generator gen = new Generator(6);
        double gNorm = Math.sqrt(java.util.Arrays.stream(g).map(x -> x * x).sum());
        Map<String, Tensor> guess = new LinkedHashMap<>();
        double[] noise = Tensor.randn(gen, DType.FLOAT64, g.length).toDoubleArray();
        double nNorm = Math.sqrt(java.util.Arrays.stream(noise).map(x -> x * x).sum());
        int at = 0;
        for (Map.Entry<String, Tensor> e : toy.params.entrySet()) {
            double[] part = new double[e.getValue().numel()];
            for (int i = 0; i < part.length; i++) part[i] = g[at + i] + noise[at + i] * gNorm / nNorm;
            guess.put(e.getKey(), Tensor.of(part, e.getValue().shape()));
            at += part.length;
        }
        double guided = cosine(g, flatten(ForwardGradient.alongGuess(toy.params, guess, toy::loss).gradient().values()));
        double random = 0;
        for (int k = 0; k < 200; k++) random += Math.abs(cosine(g, flatten(ForwardGradient.sample(gen, toy.params, toy::loss).gradient().values()))) / 200;
        assertEquals(cosine(g, flatten(guess.values())), guided, 1e-9);
        assertTrue(guided > 0.6 && random < 0.1 && guided > 5 * random, "guided cosine " + guided + ", random " + random);
    }

    @Test
    void aSeedGivesTheSameEstimateWhateverTheMapOrder() {
        Tensor a = Tensor.of(new double[] {0.3, -1.2}), b = Tensor.of(new double[] {2.0});
        Map<String, Tensor> ab = new LinkedHashMap<>(), ba = new LinkedHashMap<>();
        ab.put("a", a);
        ab.put("b", b);
        ba.put("b", b);
        ba.put("a", a);
        Supplier<Tensor> f = () -> a.square().sum().mul(b.sum()).add(a.sum());   // no exp or tanh: kernels whose last bit the JIT may change
        for (int kind = 0; kind < 2; kind++) {
            GradientEstimate x = kind == 0 ? ForwardGradient.sample(new Generator(8), ab, f) : SpsaGradient.estimate(new Generator(8), ab, 1e-3, f);
            GradientEstimate y = kind == 0 ? ForwardGradient.sample(new Generator(8), ba, f) : SpsaGradient.estimate(new Generator(8), ba, 1e-3, f);
            assertEquals(List.of("a", "b"), List.copyOf(x.gradient().keySet()));
            assertEquals(List.of("b", "a"), List.copyOf(y.gradient().keySet()));
            for (String n : List.of("a", "b")) assertArrayEquals(x.gradient().get(n).toDoubleArray(), y.gradient().get(n).toDoubleArray(), 0.0);
        }
    }

    @Test
    void forwardGradientsTrainThroughAnOptimizer() {
        // ½‖w − t‖² over 6 parameters, SGD on forward-gradient estimates written into .grad
        Tensor t = Tensor.of(new double[] {1, -2, 3, 0.5, -1, 2});
        Map<String, Tensor> params = Map.of("w", Tensor.zeros(DType.FLOAT64, 6).requiresGrad(true));
        Supplier<Tensor> loss = () -> params.get("w").sub(t).square().sum().mul(0.5);
        Optimizer opt = Optimizer.builder(Optimizers.sgd()).params(params).set("lr", 0.05).build();
        double start = loss.get().item();
        Generator gen = new Generator(9);
        for (int k = 0; k < 400; k++) {
            opt.zeroGrad();
            ForwardGradient.sample(gen, params, loss).setGrads(params);
            opt.step();
        }
        assertTrue(loss.get().item() < 0.01 * start, "loss " + loss.get().item() + " from " + start);
    }

    @Test
    void badInputIsRefusedAndSpsaRestoresTheParametersWhenTheLossThrows() {
        Tensor a = Tensor.of(new double[] {1, 2});
        Map<String, Tensor> params = Map.of("a", a);
        var e = assertThrows(IllegalArgumentException.class, () -> SpsaGradient.estimate(new Generator(1), params, 0, () -> a.sum()));
        assertTrue(e.getMessage().contains("c must be > 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ForwardGradient.sample(new Generator(1), params, () -> a.mul(2)));
        assertTrue(e.getMessage().contains("single number") && e.getMessage().contains("[2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ForwardGradient.alongGuess(params, Map.of("a", Tensor.zeros(DType.FLOAT64, 2)), () -> a.sum()));
        assertTrue(e.getMessage().contains("not zero"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ForwardGradient.alongGuess(params, Map.of("q", Tensor.ones(DType.FLOAT64, 2)), () -> a.sum()));
        assertTrue(e.getMessage().contains("'q'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ForwardGradient.sample(new Generator(1), Map.of("i", Tensor.of(new int[] {1})), () -> a.sum()));
        assertTrue(e.getMessage().contains("'i'"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> SpsaGradient.estimate(new Generator(1), params, 0.1, () -> {
            throw new IllegalStateException("device lost");
        }));
        assertArrayEquals(new double[] {1, 2}, a.toDoubleArray(), 0.0);
        var missing = assertThrows(IllegalArgumentException.class,
                () -> ForwardGradient.sample(new Generator(1), params, () -> a.sum()).setGrads(Map.of()));
        assertTrue(missing.getMessage().contains("'a'"), missing.getMessage());
    }
}
