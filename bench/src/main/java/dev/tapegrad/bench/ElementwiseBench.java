package dev.tapegrad.bench;

import dev.tapegrad.Autograd;
import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import dev.tapegrad.kernels.BinaryOp;
import dev.tapegrad.kernels.Elementwise;
import dev.tapegrad.kernels.ReduceOp;
import dev.tapegrad.kernels.Reductions;
import dev.tapegrad.kernels.Strided;
import dev.tapegrad.kernels.UnaryOp;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
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
 * Elementwise float32 kernels on one thread, on {@code n} elements (1M fits in L2+L3, 16M streams from memory):
 * <ul>
 *   <li>{@code fma}: b·c + d as {@code d.addcmul(b, c)} (one fused pass), {@code fmaChain}: the same as
 *       {@code b.mul(c).add(d)} (two passes and a temporary), {@code exp}: {@code x.exp()}, {@code tanh}:
 *       {@code x.tanh()}, through the public {@link Tensor} API under no-grad (each op allocates its
 *       output); {@code expRecorded}: {@code x.exp()} on an x that requires grad, so the tape records it;</li>
 *   <li>{@code kernelFma} (the fused {@link Elementwise#addcmul} kernel), {@code kernelExp},
 *       {@code kernelTanh}: the same work on the raw kernels into preallocated arrays, which is what
 *       NumPy's {@code out=} form measures.</li>
 * </ul>
 * Elements per second = n / score. Before measuring, every fork runs every unary, binary, comparison and
 * reduction kernel ({@link #warmEveryOp()}) so that the JIT has seen all of them, as in a real program; turn
 * that off with {@code -jvmArgsAppend -Dbench.pollute=false} to compare.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1) // forked JVMs inherit the launching JVM's flags (--add-modules jdk.incubator.vector)
public class ElementwiseBench {

    /** Elements per operand. */
    @Param({"1048576", "16777216"})
    public int n;

    private Tensor x, xg, b, c, d;
    private float[] xs, bs, cs, ds, out;

    /** Standard normal operands (seed 42) and, unless disabled, the all-ops warm-up. */
    @Setup
    public void setup() {
        if (Boolean.parseBoolean(System.getProperty("bench.pollute", "true"))) warmEveryOp();
        Generator gen = new Generator(42);
        x = Tensor.randn(gen, DType.FLOAT32, n);
        b = Tensor.randn(gen, DType.FLOAT32, n);
        c = Tensor.randn(gen, DType.FLOAT32, n);
        d = Tensor.randn(gen, DType.FLOAT32, n);
        xg = x.detach().requiresGrad(true);
        xs = x.toFloatArray();
        bs = b.toFloatArray();
        cs = c.toFloatArray();
        ds = d.toFloatArray();
        out = new float[n];
    }

    /** b·c + d through the public API, fused: {@code d.addcmul(b, c)}. */
    @Benchmark
    public Tensor fma() {
        try (var scope = Autograd.noGrad()) {
            return d.addcmul(b, c);
        }
    }

    /** b·c + d through the public API as two ops, {@code b.mul(c).add(d)}. */
    @Benchmark
    public Tensor fmaChain() {
        try (var scope = Autograd.noGrad()) {
            return b.mul(c).add(d);
        }
    }

    /** e^x through the public API. */
    @Benchmark
    public Tensor exp() {
        try (var scope = Autograd.noGrad()) {
            return x.exp();
        }
    }

    /** e^x through the public API on an input that requires grad: the op is recorded on the tape. */
    @Benchmark
    public Tensor expRecorded() {
        return xg.exp();
    }

    /** tanh x through the public API. */
    @Benchmark
    public Tensor tanh() {
        try (var scope = Autograd.noGrad()) {
            return x.tanh();
        }
    }

    /** b·c + d on the fused kernel, one pass into a preallocated array. */
    @Benchmark
    public float[] kernelFma() {
        Elementwise.addcmul(DType.FLOAT32, flat(ds), flat(bs), flat(cs), 1.0, out);
        return out;
    }

    /** e^x on the kernel, into a preallocated array. */
    @Benchmark
    public float[] kernelExp() {
        Elementwise.unary(DType.FLOAT32, UnaryOp.EXP, flat(xs), out);
        return out;
    }

    /** tanh x on the kernel, into a preallocated array. */
    @Benchmark
    public float[] kernelTanh() {
        Elementwise.unary(DType.FLOAT32, UnaryOp.TANH, flat(xs), out);
        return out;
    }

    private static Strided flat(float[] a) {
        return new Strided(a, 0, new int[] {a.length}, new int[] {1});
    }

    /**
     * Runs every unary, binary, comparison and reduction kernel (float and double, contiguous and broadcast
     * rows, long rows and short ones with tails) and every elementwise {@link Tensor} op, interleaved, until
     * the JIT has compiled them: the state of a program that has used many ops, where a kernel compiled
     * with every op's code in its hot loop would slow down.
     */
    public static void warmEveryOp() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int size : new int[] {1003, 65_537}) {
            float[] fa = new float[size], fb = new float[size], fo = new float[size];
            double[] da = new double[size], db = new double[size], dout = new double[size];
            for (int i = 0; i < size; i++) {
                fa[i] = (float) (da[i] = rnd.nextDouble(-3, 3));
                fb[i] = (float) (db[i] = rnd.nextDouble(0.5, 3));
            }
            int[] mask = new int[size];
            int reps = 4_000_000 / size;
            for (int r = 0; r < reps; r++) {
                for (UnaryOp op : UnaryOp.values()) {
                    Elementwise.unary(DType.FLOAT32, op, flat(fa), fo);
                    Elementwise.unary(DType.FLOAT64, op, flatD(da), dout);
                }
                for (BinaryOp op : BinaryOp.values()) {
                    Elementwise.binary(DType.FLOAT32, op, flat(fa), flat(fb), fo);
                    Elementwise.binary(DType.FLOAT32, op, flat(fa), scalar(fb), fo);
                    Elementwise.binary(DType.FLOAT32, op, scalar(fa), flat(fb), fo);
                    Elementwise.binary(DType.FLOAT64, op, flatD(da), flatD(db), dout);
                }
                for (var op : dev.tapegrad.kernels.CompareOp.values()) Elementwise.compare(DType.FLOAT32, DType.FLOAT32, op, flat(fa), flat(fb), mask);
                for (ReduceOp op : ReduceOp.values()) {
                    Reductions.reduce(DType.FLOAT32, op, fa, 0, 1, size, 1, fo);
                    Reductions.reduce(DType.FLOAT32, op, fa, 0, 1, size / 16, 16, fo);
                    Reductions.reduce(DType.FLOAT64, op, da, 0, 1, size, 1, dout);
                }
            }
        }
        Generator gen = new Generator(1);
        Tensor p = Tensor.uniform(gen, 0.5, 2.0, DType.FLOAT32, 64, 64), q = Tensor.randn(gen, DType.FLOAT32, 64, 64);
        List<UnaryOperator<Tensor>> ops = List.of(Tensor::neg, Tensor::abs, Tensor::sign, Tensor::exp, Tensor::expm1,
                Tensor::log, Tensor::log1p, Tensor::sqrt, Tensor::rsqrt, Tensor::square, Tensor::reciprocal, Tensor::sin,
                Tensor::cos, Tensor::tanh, Tensor::sigmoid, Tensor::logSigmoid, Tensor::relu, Tensor::softplus,
                Tensor::erf, t -> t.add(q), t -> t.sub(q), t -> t.mul(q), t -> t.div(q), t -> t.pow(q),
                t -> t.maximum(q), t -> t.minimum(q), t -> t.mul(2.0), t -> t.softmax(-1), t -> t.sum(1), t -> t.max(1));
        for (int r = 0; r < 500; r++) for (UnaryOperator<Tensor> op : ops) op.apply(p);
    }

    private static Strided flatD(double[] a) {
        return new Strided(a, 0, new int[] {a.length}, new int[] {1});
    }

    private static Strided scalar(float[] a) {
        return new Strided(a, 0, new int[] {a.length}, new int[] {0});
    }
}
