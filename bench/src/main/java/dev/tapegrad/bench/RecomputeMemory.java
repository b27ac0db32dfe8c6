package dev.tapegrad.bench;

import dev.tapegrad.Tensor;
import java.util.Arrays;
import java.util.Map;

/**
 * The memory side of activation checkpointing on the {@link WorkloadTransformer} step: the heap still reachable
 * after the forward pass (what the tape keeps for backward, which is the step's peak) with the block plain and
 * checkpointed, the median of several runs after a full collection each; then whether the two give the same
 * gradients. Run: {@code java --add-modules jdk.incubator.vector -cp <bench class path>
 * dev.tapegrad.bench.RecomputeMemory}.
 */
public final class RecomputeMemory {
    private static final int RUNS = 7;

    private RecomputeMemory() {}

    /** Prints retained bytes after forward, plain and checkpointed, and the largest gradient difference. */
    public static void main(String[] args) {
        WorkloadTransformer w = new WorkloadTransformer();
        long plain = retained(w, false), ckpt = retained(w, true);
        System.out.printf("retained after forward: plain %.2f MiB, checkpointed %.2f MiB (%.0f%%)%n",
                plain / 1048576.0, ckpt / 1048576.0, 100.0 * ckpt / plain);

        gradients(w); // clears the gradients the measurements accumulated
        w.forward().backward();
        Map<String, double[]> g = gradients(w);
        w.forwardCheckpointed().backward();
        double worst = 0;
        for (var e : gradients(w).entrySet()) {
            double[] a = g.get(e.getKey()), b = e.getValue();
            for (int i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        System.out.println("largest gradient difference, checkpointed vs plain: " + worst);
    }

    private static Map<String, double[]> gradients(WorkloadTransformer w) {
        Map<String, double[]> out = new java.util.LinkedHashMap<>();
        for (var e : w.parameters().entrySet()) {
            out.put(e.getKey(), e.getValue().grad().toDoubleArray());
            e.getValue().zeroGrad();
        }
        return out;
    }

    /** Median over runs of the heap used with the loss (and so its tape) alive minus the heap without it. */
    private static long retained(WorkloadTransformer w, boolean checkpointed) {
        long[] bytes = new long[RUNS];
        for (int r = 0; r < RUNS; r++) {
            long before = usedAfterGc();
            Tensor loss = checkpointed ? w.forwardCheckpointed() : w.forward();
            long after = usedAfterGc();
            bytes[r] = after - before;
            loss.backward(); // keeps the loss reachable until after the measurement, then frees the tape
        }
        Arrays.sort(bytes);
        return bytes[RUNS / 2];
    }

    private static long usedAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) System.gc();
        return rt.totalMemory() - rt.freeMemory();
    }
}
