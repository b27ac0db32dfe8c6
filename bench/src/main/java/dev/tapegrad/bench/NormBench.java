package dev.tapegrad.bench;

import dev.tapegrad.Autograd;
import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import dev.tapegrad.nn.Losses;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Normalisations over the last axis of a [128, 512] float32 tensor x ~ N(0, 1) (seed 42), one thread:
 * <ul>
 *   <li>{@code softmax}: {@code x.softmax(-1)}, sᵢ = e^(xᵢ − max x)/Σⱼ e^(xⱼ − max x) per row (no tape);</li>
 *   <li>{@code softmaxBackward}: the same on the tape, then backward with the cotangent c ~ N(0, 1) (seed 42,
 *       after γ and β): x̄ = s·(c − Σ c·s) per row (forward included);</li>
 *   <li>{@code crossEntropy}: mean cross-entropy of the rows of x against class labels in [0, 512) (seed 42,
 *       after c), {@code Losses.crossEntropy}, forward + backward to x;</li>
 *   <li>{@code layerNorm}: y = (x − μ)/√(σ² + 1e-5)·γ + β per row, with μ and σ² the row's mean and (biased)
 *       variance and γ, β of shape [512] (γ = 1 + 0.1·N(0, 1), β = 0.1·N(0, 1)), by the fused
 *       {@link Tensor#layerNorm} (no tape); {@code layerNormComposed}: the same composed from Tensor ops
 *       (mean, sub, square, mean, add, rsqrt, mul, mul, add), as before the fused kernel;</li>
 *   <li>{@code rmsNorm} / {@code rmsNormComposed}: y = x/√(mean(x²) + 1e-5)·γ, fused / composed;</li>
 *   <li>{@code ...Backward}: forward on the tape with x, γ (and β) requiring grad, then backward of Σ y·c with
 *       c ~ N(0, 1) fixed, so the time includes the forward, the tape and x̄, γ̄, β̄.</li>
 * </ul>
 * As in {@link ElementwiseBench}, every fork first runs every op ({@link ElementwiseBench#warmEveryOp()}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1) // forked JVMs inherit the launching JVM's flags (--add-modules jdk.incubator.vector)
public class NormBench {
    /** Rows and features of x. */
    static final int ROWS = 128, FEATURES = 512;
    private static final double EPS = 1e-5;
    private static final int[] LAST = {1};

    private Tensor x, gamma, beta, cotangent, labels;

    /** The operands and, unless {@code -Dbench.pollute=false}, the all-ops warm-up. */
    @Setup
    public void setup() {
        if (Boolean.parseBoolean(System.getProperty("bench.pollute", "true"))) ElementwiseBench.warmEveryOp();
        dev.tapegrad.Parallelism.setThreads(1);
        Generator gen = new Generator(42);
        x = Tensor.randn(gen, DType.FLOAT32, ROWS, FEATURES);
        gamma = Tensor.randn(gen, DType.FLOAT32, FEATURES).mul(0.1).add(1.0);
        beta = Tensor.randn(gen, DType.FLOAT32, FEATURES).mul(0.1);
        cotangent = Tensor.randn(gen, DType.FLOAT32, ROWS, FEATURES);
        labels = Tensor.randint(gen, 0, FEATURES, ROWS);
    }

    /** Softmax over the last axis. */
    @Benchmark
    public Tensor softmax() {
        try (var scope = Autograd.noGrad()) {
            return x.softmax(-1);
        }
    }

    /** Softmax over the last axis, forward and backward; returns x̄. */
    @Benchmark
    public Tensor softmaxBackward() {
        Tensor leaf = x.detach().requiresGrad(true);
        leaf.softmax(-1).backward(cotangent);
        return leaf.grad();
    }

    /** Mean cross-entropy of the rows against class labels, forward and backward; returns x̄. */
    @Benchmark
    public Tensor crossEntropy() {
        Tensor leaf = x.detach().requiresGrad(true);
        Losses.crossEntropy(leaf, labels).backward();
        return leaf.grad();
    }

    /** Layer norm over the last axis, one fused kernel. */
    @Benchmark
    public Tensor layerNorm() {
        try (var scope = Autograd.noGrad()) {
            return x.layerNorm(gamma, beta, EPS);
        }
    }

    /** Layer norm over the last axis, composed from Tensor ops. */
    @Benchmark
    public Tensor layerNormComposed() {
        try (var scope = Autograd.noGrad()) {
            return composedLayerNorm(x, gamma, beta);
        }
    }

    /** RMS norm over the last axis, one fused kernel. */
    @Benchmark
    public Tensor rmsNorm() {
        try (var scope = Autograd.noGrad()) {
            return x.rmsNorm(gamma, EPS);
        }
    }

    /** RMS norm over the last axis, composed from Tensor ops. */
    @Benchmark
    public Tensor rmsNormComposed() {
        try (var scope = Autograd.noGrad()) {
            return composedRmsNorm(x, gamma);
        }
    }

    /** Fused layer norm forward and backward. */
    @Benchmark
    public Tensor[] layerNormBackward() {
        return backward(true, true);
    }

    /** Composed layer norm forward and backward. */
    @Benchmark
    public Tensor[] layerNormComposedBackward() {
        return backward(true, false);
    }

    /** Fused RMS norm forward and backward. */
    @Benchmark
    public Tensor[] rmsNormBackward() {
        return backward(false, true);
    }

    /** Composed RMS norm forward and backward. */
    @Benchmark
    public Tensor[] rmsNormComposedBackward() {
        return backward(false, false);
    }

    private static Tensor composedLayerNorm(Tensor x, Tensor gamma, Tensor beta) {
        Tensor centred = x.sub(x.mean(LAST, true));
        Tensor variance = centred.square().mean(LAST, true);
        return centred.mul(variance.add(EPS).rsqrt()).mul(gamma).add(beta);
    }

    private static Tensor composedRmsNorm(Tensor x, Tensor gamma) {
        return x.mul(x.square().mean(LAST, true).add(EPS).rsqrt()).mul(gamma);
    }

    /** x̄, γ̄ (and β̄ for layer norm) of Σ y·c. */
    private Tensor[] backward(boolean layer, boolean fused) {
        Tensor xs = x.detach().requiresGrad(true), g = gamma.detach().requiresGrad(true);
        Tensor b = beta.detach().requiresGrad(true);
        Tensor y = layer ? (fused ? xs.layerNorm(g, b, EPS) : composedLayerNorm(xs, g, b))
                : (fused ? xs.rmsNorm(g, EPS) : composedRmsNorm(xs, g));
        Tensor[] leaves = layer ? new Tensor[] {xs, g, b} : new Tensor[] {xs, g};
        return Autograd.grad(y.mul(cotangent).sum(), leaves);
    }
}
