package dev.tapegrad.bench;

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
 * The autodiff workloads of {@code bench/reference/ad_*.py}, one benchmark each, in ms per step:
 * <ul>
 *   <li>{@code scalarGraph}: {@link WorkloadScalarGraph}, divide by {@value WorkloadScalarGraph#OPS} ops for the
 *       cost per op;</li>
 *   <li>{@code mlpStep}: {@link WorkloadMlp} (run with {@code -prof gc} for bytes allocated per step);</li>
 *   <li>{@code transformerStep}: {@link WorkloadTransformer}, forward + backward;</li>
 *   <li>{@code grpoLoss} and {@code grpoStep}: {@link WorkloadGrpo}, the loss step on a fixed rollout, and the
 *       whole step (rollout + loss + Adam).</li>
 * </ul>
 * Each benchmark method has its own state, so a run builds only the workloads it measures.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1) // forked JVMs inherit the launching JVM's flags (--add-modules jdk.incubator.vector)
public class WorkloadBench {

    /** Threads of the engine's shared pool ({@link dev.tapegrad.Parallelism}). */
    @State(Scope.Benchmark)
    public static class Threads {
        /** Pool size for the run. */
        @Param({"1", "2"})
        public int threads;

        /** Sizes the engine's pool before the workloads are built. */
        @Setup
        public void apply() {
            dev.tapegrad.Parallelism.setThreads(threads);
        }
    }

    /** The scalar graph. */
    @State(Scope.Benchmark)
    public static class ScalarGraph {
        WorkloadScalarGraph w;

        /** Builds the parameters and samples. */
        @Setup
        public void setup(Threads t) {
            w = new WorkloadScalarGraph();
        }
    }

    /** The MLP. */
    @State(Scope.Benchmark)
    public static class Mlp {
        WorkloadMlp w;

        /** Builds the model, the batch and the optimizer. */
        @Setup
        public void setup(Threads t) {
            w = new WorkloadMlp();
        }
    }

    /** The Transformer block. */
    @State(Scope.Benchmark)
    public static class Transformer {
        WorkloadTransformer w;

        /** Builds the parameters and the tokens. */
        @Setup
        public void setup(Threads t) {
            w = new WorkloadTransformer();
        }
    }

    /** The GRPO policy with one fixed rollout for the loss-only benchmark. */
    @State(Scope.Benchmark)
    public static class Grpo {
        WorkloadGrpo w;
        WorkloadGrpo.Batch batch;

        /** Builds the policy, its frozen reference and one rollout. */
        @Setup
        public void setup(Threads t) {
            w = new WorkloadGrpo();
            batch = w.rollout();
        }
    }

    /** One scalar-graph step (10,287 ops forward, their rules backward, SGD). */
    @Benchmark
    public Tensor scalarGraph(ScalarGraph s) {
        return s.w.step();
    }

    /** One MLP training step. */
    @Benchmark
    public Tensor mlpStep(Mlp s) {
        return s.w.step();
    }

    /** One Transformer forward + backward. */
    @Benchmark
    public Tensor transformerStep(Transformer s) {
        return s.w.step();
    }

    /** One GRPO loss forward + backward on a fixed rollout. */
    @Benchmark
    public Tensor grpoLoss(Grpo s) {
        return s.w.lossStep(s.batch);
    }

    /** One whole GRPO step: rollout, loss forward + backward, Adam. */
    @Benchmark
    public Tensor grpoStep(Grpo s) {
        return s.w.step();
    }
}
