package dev.tapegrad.bench;

import dev.tapegrad.Tensor;
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
 * The time of activation checkpointing: the {@link WorkloadTransformer} step (forward + backward) plain and with
 * its block as one {@link dev.tapegrad.Recompute} segment, in ms per step. The memory side is
 * {@link RecomputeMemory}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
public class RecomputeBench {

    /** The Transformer workload. */
    @State(Scope.Benchmark)
    public static class Transformer {
        WorkloadTransformer w;

        /** Builds the workload. */
        @Setup
        public void setup() {
            w = new WorkloadTransformer();
        }
    }

    /** The step as it is: every activation of the block kept for backward. */
    @Benchmark
    public Tensor plainStep(Transformer s) {
        return s.w.step();
    }

    /** The step with the block recomputed in backward. */
    @Benchmark
    public Tensor checkpointedStep(Transformer s) {
        return s.w.stepCheckpointed();
    }
}
