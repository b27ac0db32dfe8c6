package dev.tapegrad.bench;

import dev.tapegrad.Autograd;
import dev.tapegrad.DType;
import dev.tapegrad.DualLevel;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
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
 * Forward mode on the MLP of {@link WorkloadMlp} (784 → 512 → ReLU → 512 → ReLU → 10, float32, batch 128 of
 * x ~ N(0, 1), labels in [0, 10); weights N(0, 1)/√fan-in from generator 0, data from generator 1), written
 * with {@link Tensor#linear} on plain tensors, one thread:
 * <ul>
 *   <li>{@code forward}: the logits, no tape;</li>
 *   <li>{@code forwardJvp}: the logits and their tangent ∂logits/∂θ·v for a random direction v over all six
 *       parameters, in one pass inside a {@link DualLevel} (no tape); the target is ≤ 2× forward;</li>
 *   <li>{@code hvpForwardOverReverse} / {@code hvpReverseOverReverse}: the Hessian-vector product of the mean
 *       cross-entropy with respect to the last layer's weight W₃ [10, 512] (the rest held fixed), by
 *       {@link Autograd#hvp(Function, Tensor, Tensor, Autograd.Mode)} in each mode. For a fair comparison the
 *       activations feeding W₃ are recomputed inside f in both.</li>
 * </ul>
 * Run: {@code ./mvnw -B -q compile -Pbench -pl bench -am -Djmh.args="ForwardModeBench -f 1 -wi 3 -i 5"}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class ForwardModeBench {
    @Param({"128"})
    public int batch;

    private Tensor x, labels;
    private Tensor[] params, tangents;
    private Tensor hvpDirection;

    @Setup
    public void setup() {
        dev.tapegrad.Parallelism.setThreads(1);
        Generator init = new Generator(0);
        int[][] shapes = {{512, 784}, {512}, {512, 512}, {512}, {10, 512}, {10}};
        params = new Tensor[shapes.length];
        tangents = new Tensor[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            double scale = 1 / Math.sqrt(shapes[i].length == 2 ? shapes[i][1] : shapes[i - 1][1]);
            params[i] = Tensor.randn(init, DType.FLOAT32, shapes[i]).mul(scale);
        }
        for (int i = 0; i < shapes.length; i++) tangents[i] = Tensor.randn(init, DType.FLOAT32, shapes[i]);
        hvpDirection = Tensor.randn(init, DType.FLOAT32, 10, 512);
        Generator data = new Generator(1);
        x = Tensor.randn(data, DType.FLOAT32, batch, 784);
        labels = Tensor.randint(data, 0, 10, batch);
    }

    private Tensor logits(Tensor w3) {
        Tensor h = Tensor.linear(x, params[0], params[1]).relu();
        h = Tensor.linear(h, params[2], params[3]).relu();
        return Tensor.linear(h, w3, params[5]);
    }

    @Benchmark
    public Tensor forward() {
        try (var scope = Autograd.noGrad()) {
            return logits(params[4]);
        }
    }

    @Benchmark
    public Tensor forwardJvp() {
        try (var scope = Autograd.noGrad(); DualLevel level = Autograd.dualLevel()) {
            for (int i = 0; i < params.length; i++) level.setTangent(params[i], tangents[i]);
            return level.tangent(logits(params[4]));
        }
    }

    private Tensor loss(Tensor w3) {
        return logits(w3).crossEntropy(labels);
    }

    @Benchmark
    public Tensor hvpForwardOverReverse() {
        return Autograd.hvp(this::loss, params[4], hvpDirection, Autograd.Mode.FORWARD);
    }

    @Benchmark
    public Tensor hvpReverseOverReverse() {
        return Autograd.hvp(this::loss, params[4], hvpDirection, Autograd.Mode.REVERSE);
    }
}
