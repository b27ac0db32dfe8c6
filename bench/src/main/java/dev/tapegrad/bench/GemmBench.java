package dev.tapegrad.bench;

import dev.tapegrad.DType;
import dev.tapegrad.Parallelism;
import dev.tapegrad.kernels.Gemm;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * C = A·B for row-major A (M×K), B (K×N) and C (M×N), in float32 ({@code sgemm}) and float64
 * ({@code dgemm}), through the engine's GEMM kernel with operands allocated once. One operation is
 * 2·M·N·K floating-point operations: GFLOP/s = 2MNK / (ms/op · 10⁶).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1) // forked JVMs inherit the launching JVM's flags (--add-modules jdk.incubator.vector)
public class GemmBench {

    /** M x K x N. */
    @Param({"64x64x64", "128x128x128", "256x256x256", "512x512x512", "1024x1024x1024", "2048x2048x2048",
            "128x784x512", "128x512x10"})
    public String shape;

    /** Threads of the engine's shared pool. */
    @Param({"1", "2"})
    public int threads;

    private int m, k, n;
    private float[] af, bf, cf;
    private double[] ad, bd, cd;

    /** Parses the shape, sets the thread count and fills A and B with uniform values in [−1, 1). */
    @Setup
    public void setup() {
        String[] d = shape.split("x");
        m = Integer.parseInt(d[0]);
        k = Integer.parseInt(d[1]);
        n = Integer.parseInt(d[2]);
        Parallelism.setThreads(threads);
        SplittableRandom rnd = new SplittableRandom(42);
        af = new float[m * k];
        bf = new float[k * n];
        cf = new float[m * n];
        ad = new double[m * k];
        bd = new double[k * n];
        cd = new double[m * n];
        for (int i = 0; i < af.length; i++) af[i] = (float) (ad[i] = rnd.nextDouble(-1, 1));
        for (int i = 0; i < bf.length; i++) bf[i] = (float) (bd[i] = rnd.nextDouble(-1, 1));
    }

    /** Float32 C = A·B. */
    @Benchmark
    public float[] sgemm() {
        Gemm.gemm(DType.FLOAT32, m, n, k, af, 0, k, 1, bf, 0, n, 1, cf, 0, n, false);
        return cf;
    }

    /** Float64 C = A·B. */
    @Benchmark
    public double[] dgemm() {
        Gemm.gemm(DType.FLOAT64, m, n, k, ad, 0, k, 1, bd, 0, n, 1, cd, 0, n, false);
        return cd;
    }
}
