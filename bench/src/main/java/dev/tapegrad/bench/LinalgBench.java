package dev.tapegrad.bench;

import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Linalg;
import dev.tapegrad.Tensor;
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
 * The forward passes of {@link Linalg} on one float64 n×n matrix (no tape): the symmetric eigendecomposition
 * (tridiagonal QR, about 9n³ flops with vectors), the SVD (one-sided Jacobi), Cholesky (n³/3) and a solve
 * with n right-hand sides (LU, about 8n³/3). The kernels are single-threaded plain Java.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
public class LinalgBench {

    @Param({"64", "256"})
    public int n;

    private Tensor general, symmetric, spd;

    /** A random general matrix M, its symmetric part M + Mᵀ, and the positive-definite Mᵀ·M + n·I. */
    @Setup
    public void setup() {
        general = Tensor.randn(new Generator(42), DType.FLOAT64, n, n);
        symmetric = general.add(general.t()).contiguous();
        spd = general.t().matmul(general).add(Tensor.eye(n, DType.FLOAT64).mul(n)).contiguous();
    }

    @Benchmark
    public Linalg.Eigh eigh() {
        return Linalg.eigh(symmetric);
    }

    @Benchmark
    public Linalg.Svd svd() {
        return Linalg.svd(general);
    }

    @Benchmark
    public Tensor cholesky() {
        return Linalg.cholesky(spd);
    }

    @Benchmark
    public Tensor solve() {
        return Linalg.solve(spd, general);
    }
}
