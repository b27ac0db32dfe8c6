package dev.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.MemoryScope;
import dev.tapegrad.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two threads run forward and backward through one shared module at the same moment; afterwards every
 * parameter's gradient must be the sum of what each thread contributes on its own, in every trial.
 *
 * <p>The reference is the same two backward passes run one after the other on this thread. Starting from
 * no gradient, the concurrent result is {@code gA + gB} or {@code gB + gA} (float addition commutes, so
 * both are the same bits); the comparison still allows 1e-12 relative, because the reference and the
 * threads' passes may run the kernels in different JIT tiers. A lost contribution is off by a whole
 * gradient, and a gradient read after the other thread returned its buffer to the pool fails outright.
 */
class ConcurrentBackwardTest {
    private static final double TOLERANCE = 1e-12;

    /** A short run in the default suite: half the trials inside a {@link MemoryScope} (pooled gradients). */
    @Test
    void twoThreadsBackwardThroughOneModuleLoseNothing() throws Exception {
        assertEquals(new Outcome(300, 0, 0), run(300));
    }

    /** The long probe: 2,000 trials. */
    @Test
    @Tag("probe")
    void twoThousandTrialsLoseNothing() throws Exception {
        Outcome o = run(2_000);
        System.out.println("concurrent backward: " + o);
        assertEquals(new Outcome(2_000, 0, 0), o);
    }

    /**
     * What happened in a run: trials in which some parameter's gradient ended wrong (a contribution lost),
     * and trials in which a thread's backward failed (a gradient read after its buffer went back to the pool).
     */
    record Outcome(int trials, int wrong, int failed) {}

    /** Runs {@code trials} trials; odd trials run each thread's step inside a {@link MemoryScope}. */
    static Outcome run(int trials) throws Exception {
        Sequential mlp = Mlp.builder(64).hidden(256, ActivationModule::tanh).out(64).dtype(DType.FLOAT64).build(new Generator(7));
        Generator gen = new Generator(11);
        Tensor xa = Tensor.randn(gen, DType.FLOAT64, 2, 64), xb = Tensor.randn(gen, DType.FLOAT64, 2, 64);
        Map<String, Tensor> params = mlp.namedParameters();
        List<String> names = new ArrayList<>(params.keySet());

        // The reference: each thread's gradient alone, then the sum.
        List<double[]> expected = new ArrayList<>();
        mlp.zeroGrad();
        step(mlp, xa, false);
        List<double[]> ga = grads(params, names);
        mlp.zeroGrad();
        step(mlp, xb, false);
        List<double[]> gb = grads(params, names);
        for (int i = 0; i < names.size(); i++) {
            double[] s = ga.get(i).clone();
            for (int j = 0; j < s.length; j++) s[j] += gb.get(i)[j];
            expected.add(s);
        }

        int wrong = 0, failed = 0;
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int trial = 0; trial < trials; trial++) {
                mlp.zeroGrad();
                boolean scoped = trial % 2 == 1;
                Future<?> a = pool.submit(() -> { start.await(); step(mlp, xa, scoped); return null; });
                Future<?> b = pool.submit(() -> { start.await(); step(mlp, xb, scoped); return null; });
                boolean threw = false;
                for (Future<?> f : List.of(a, b)) {
                    try {
                        f.get();
                    } catch (java.util.concurrent.ExecutionException e) {
                        threw = true;
                    }
                }
                if (threw) failed++;
                else if (!matches(grads(params, names), expected)) wrong++;
            }
        } finally {
            pool.shutdownNow();
        }
        mlp.zeroGrad();
        return new Outcome(trials, wrong, failed);
    }

    private static void step(Sequential mlp, Tensor x, boolean scoped) {
        if (!scoped) {
            mlp.forward(x).square().mean().backward();
            return;
        }
        try (var scope = MemoryScope.open()) {
            mlp.forward(x).square().mean().backward();
        }
    }

    private static List<double[]> grads(Map<String, Tensor> params, List<String> names) {
        List<double[]> out = new ArrayList<>();
        for (String n : names) {
            Tensor g = params.get(n).grad();
            out.add(g == null ? null : g.toDoubleArray());
        }
        return out;
    }

    private static boolean matches(List<double[]> got, List<double[]> expected) {
        for (int i = 0; i < expected.size(); i++) {
            double[] g = got.get(i), e = expected.get(i);
            if (g == null) return false;
            for (int j = 0; j < e.length; j++) {
                if (Math.abs(g[j] - e[j]) > TOLERANCE * Math.max(1, Math.abs(e[j]))) return false;
            }
        }
        return true;
    }
}
