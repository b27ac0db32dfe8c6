package dev.tapegrad.bench;

import dev.tapegrad.Autograd;
import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import dev.tapegrad.curvature.HessianOperator;
import dev.tapegrad.curvature.Lanczos;
import dev.tapegrad.curvature.ParamVector;
import dev.tapegrad.nn.ActivationModule;
import dev.tapegrad.nn.Losses;
import dev.tapegrad.nn.Mlp;
import dev.tapegrad.nn.Sequential;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The curvature tools on the digits MLP of the {@code curvature} example: 64 → 32 (tanh) → 10, float64, n = 2410
 * parameters, the loss on a fixed batch of 256 inputs (64 values in [0, 1), labels in [0, 10), from generator 1:
 * the digits' shapes; the times do not depend on the values), one thread.
 * <ul>
 *   <li>{@code hvpForwardOverReverse} / {@code hvpReverseOverReverse}: one Hessian-vector product over all four
 *       parameters ({@link HessianOperator#apply}) in each mode. {@code loss} picks the cross-entropy or the mean
 *       squared error against one-hot targets (forward over reverse needs a JVP rule for every op; the fused
 *       cross-entropy may not have one yet, then that row fails and says so);</li>
 *   <li>{@code lanczosStep}: one step of {@link Lanczos} with full reorthogonalisation (reverse-over-reverse
 *       product, then Gram–Schmidt twice against the basis), the average over a 20-step run.</li>
 * </ul>
 * Run: {@code ./mvnw -B -q compile -Pbench -pl bench -am -Djmh.args="CurvatureBench -f 1 -wi 3 -i 5"}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class CurvatureBench {
    /** Lanczos steps per {@code lanczosStep} invocation. */
    static final int STEPS = 20;

    /** The loss: "crossEntropy" or "mse". */
    @Param({"crossEntropy", "mse"})
    public String loss;

    private HessianOperator forward, reverse;
    private ParamVector direction;

    /** Builds the model, the batch and the two operators. */
    @Setup
    public void setup() {
        dev.tapegrad.Parallelism.setThreads(1);
        Sequential model = Mlp.builder(64).hidden(32, ActivationModule::tanh).out(10).dtype(DType.FLOAT64).build(new Generator(0));
        Generator data = new Generator(1);
        Tensor x = Tensor.rand(data, 256, 64).to(DType.FLOAT64);
        Tensor labels = Tensor.randint(data, 0, 10, 256);
        Tensor oneHot = labels.oneHot(10).to(DType.FLOAT64);
        Supplier<Tensor> f = loss.equals("mse")
                ? () -> model.forward(x).sub(oneHot).square().mean()
                : () -> Losses.crossEntropy(model.forward(x), labels);
        Map<String, Tensor> params = model.namedParameters();
        forward = HessianOperator.builder(params, f).mode(Autograd.Mode.FORWARD).build();
        reverse = HessianOperator.builder(params, f).mode(Autograd.Mode.REVERSE).build();
        direction = ParamVector.gaussian(new Generator(2), reverse.layout());
    }

    /** H·v forward over reverse. */
    @Benchmark
    public ParamVector hvpForwardOverReverse() {
        return forward.apply(direction);
    }

    /** H·v reverse over reverse. */
    @Benchmark
    public ParamVector hvpReverseOverReverse() {
        return reverse.apply(direction);
    }

    /** One Lanczos step (product and full reorthogonalisation), averaged over a 20-step run. */
    @Benchmark
    @OperationsPerInvocation(STEPS)
    public Lanczos.Result lanczosStep() {
        return Lanczos.fromStart(reverse, direction, STEPS, Lanczos.Options.DEFAULT);
    }
}
