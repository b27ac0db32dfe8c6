package dev.tapegrad.bench;

import dev.tapegrad.Autograd;
import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import dev.tapegrad.optim.Optimizer;
import dev.tapegrad.optim.Optimizers;
import java.util.Map;
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
 * One AdamW step (lr 1e-3, β = (0.9, 0.999), ε = 1e-8, weight decay 0.01) on one parameter of
 * {@code size} elements, three ways:
 * <ul>
 *   <li>{@code fused}: {@link Optimizers#adamWFused()}, one Vector API pass updating m, v and θ;</li>
 *   <li>{@code chain}: {@link Optimizers#adamW()}, three transforms and θ ← θ + u, one Vector API pass each;</li>
 *   <li>{@code naive}: the same formula written with tensor ops under no-grad, a new tensor per operation,
 *       m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², θ ← θ − lr·(m̂/(√v̂ + ε) + wd·θ), then copied into θ
 *       (in the parameter's dtype, while the optimizers compute in double).</li>
 * </ul>
 * The gradient stays the same from step to step. Run with {@code -prof gc} for bytes allocated per step.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1) // forked JVMs inherit the launching JVM's flags (--add-modules jdk.incubator.vector)
public class AdamWStep {

    private static final double LR = 1e-3, BETA1 = 0.9, BETA2 = 0.999, EPS = 1e-8, WD = 0.01;

    /** How the step is computed. */
    @Param({"fused", "chain", "naive"})
    public String variant;

    /** The parameter's dtype. */
    @Param({"FLOAT64", "FLOAT32"})
    public String dtype;

    /** Elements of the parameter. */
    @Param({"1048576"})
    public int size;

    private Runnable step;

    /** Builds the parameter, its gradient and the chosen variant's step. */
    @Setup
    public void setup() {
        Generator gen = new Generator(42);
        DType type = DType.valueOf(dtype);
        Tensor theta = Tensor.randn(gen, type, size).requiresGrad(true);
        theta.setGrad(Tensor.randn(gen, type, size));
        step = switch (variant) {
            case "fused", "chain" -> {
                Optimizer opt = Optimizers.create(variant.equals("fused") ? "adamw-fused" : "adamw",
                        Map.of("lr", LR, "beta1", BETA1, "beta2", BETA2, "eps", EPS, "weightDecay", WD), Map.of("w", theta));
                yield opt::step;
            }
            case "naive" -> new NaiveAdamW(theta);
            default -> throw new IllegalArgumentException("unknown variant " + variant);
        };
    }

    /** One optimizer step. */
    @Benchmark
    public void step() {
        step.run();
    }

    /** AdamW written with ordinary tensor ops, the way one would before having an optimizer library. */
    private static final class NaiveAdamW implements Runnable {
        private final Tensor theta;
        private Tensor m, v;
        private int t;

        NaiveAdamW(Tensor theta) {
            this.theta = theta;
            this.m = Tensor.zeros(theta.dtype(), theta.shape());
            this.v = Tensor.zeros(theta.dtype(), theta.shape());
        }

        @Override
        public void run() {
            try (var scope = Autograd.noGrad()) {
                Tensor g = theta.grad();
                t++;
                m = m.mul(BETA1).add(g.mul(1 - BETA1));
                v = v.mul(BETA2).add(g.mul(g).mul(1 - BETA2));
                Tensor mHat = m.div(1 - Math.pow(BETA1, t));
                Tensor vHat = v.div(1 - Math.pow(BETA2, t));
                Tensor next = theta.sub(mHat.div(vHat.sqrt().add(EPS)).add(theta.mul(WD)).mul(LR));
                theta.copyInPlace(next);
            }
        }
    }
}
