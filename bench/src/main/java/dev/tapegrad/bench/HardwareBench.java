package dev.tapegrad.bench;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.FMA;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What this core can do at most, measured in the same JMH run as the kernels so that the hardware targets
 * (bench/README.md) are ratios of one session, not comparisons with figures taken on another machine.
 * <ul>
 *   <li>{@link #fmaPeak}: 2²⁴/lanes rounds of {@value #ACCUMULATORS} independent
 *       {@code acc = fma(acc, a, b)} on the preferred float species, all in registers: 2 · 12 · 2²⁴
 *       floating-point operations per call, whatever the vector width. Twelve chains hide the fma latency (4 cycles) on two FMA ports.
 *       GFLOP/s = {@link #fmaPeakFlops()} / score.</li>
 *   <li>{@link #triad}: STREAM's triad a = b + s·c on 16M floats (192 MiB moved, far beyond the caches), the
 *       plain vector loop: bytes moved per call = 3 · 4 · n (JMH does not count write-allocate traffic, nor do
 *       we). GB/s = 12n / score.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
public class HardwareBench {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Rounds per call, chosen so that a call does the same work whatever the vector width. */
    static final int FMA_ITERATIONS = (1 << 24) / S.length();
    static final int ACCUMULATORS = 12;
    /** Elements per triad operand. */
    static final int TRIAD_N = 1 << 24;

    private float[] a, b, c;
    private float scalar;

    /** Floating-point operations of one {@link #fmaPeak} call. */
    public static double fmaPeakFlops() {
        return 2.0 * S.length() * ACCUMULATORS * FMA_ITERATIONS;
    }

    /** Triad operands filled with small values (no denormals). */
    @Setup
    public void setup() {
        a = new float[TRIAD_N];
        b = new float[TRIAD_N];
        c = new float[TRIAD_N];
        for (int i = 0; i < TRIAD_N; i++) {
            b[i] = (i % 7) * 0.25f;
            c[i] = (i % 5) * 0.5f;
        }
        scalar = 3.0f;
    }

    /** Register-resident fma chains; the sum of the accumulators is returned so nothing is eliminated. */
    @Benchmark
    public float fmaPeak() {
        FloatVector x = FloatVector.broadcast(S, 0.999f), y = FloatVector.broadcast(S, 1e-7f);
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0,
                a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (int i = 0; i < FMA_ITERATIONS; i++) {
            a0 = a0.lanewise(FMA, x, y);
            a1 = a1.lanewise(FMA, x, y);
            a2 = a2.lanewise(FMA, x, y);
            a3 = a3.lanewise(FMA, x, y);
            a4 = a4.lanewise(FMA, x, y);
            a5 = a5.lanewise(FMA, x, y);
            a6 = a6.lanewise(FMA, x, y);
            a7 = a7.lanewise(FMA, x, y);
            a8 = a8.lanewise(FMA, x, y);
            a9 = a9.lanewise(FMA, x, y);
            a10 = a10.lanewise(FMA, x, y);
            a11 = a11.lanewise(FMA, x, y);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(ADD);
    }

    /** a = b + s·c over 16M floats. */
    @Benchmark
    public float[] triad() {
        int i = 0, n = TRIAD_N;
        FloatVector s = FloatVector.broadcast(S, scalar);
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector.fromArray(S, c, i).fma(s, FloatVector.fromArray(S, b, i)).intoArray(a, i);
        }
        for (; i < n; i++) a[i] = b[i] + scalar * c[i];
        return a;
    }
}
