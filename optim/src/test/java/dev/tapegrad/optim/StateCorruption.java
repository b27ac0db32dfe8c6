package dev.tapegrad.optim;

import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The harness of the optimizer-state corruption probes: a real AdamW state (two groups, four parameters, some
 * steps taken) and the classification of what happens when a damaged copy of its file is loaded into a fresh
 * optimizer of the same configuration.
 */
final class StateCorruption {

    /** What loading one damaged file did. */
    enum Outcome {
        /** refused with an IllegalArgumentException, IllegalStateException or an I/O exception */
        REJECTED,
        /** loaded, and the optimizer's state equals the original's (the damage did not matter) */
        LOADED_SAME,
        /** loaded, and the optimizer now holds a state that differs from the original: a silent corruption */
        LOADED_CHANGED,
        /** any other exception or error (NullPointerException, OutOfMemoryError, ...) */
        CRASHED
    }

    /** Counts of each outcome over a series of damaged files. */
    static final class Tally {
        final int[] counts = new int[Outcome.values().length];
        String firstCrash = "";
        String firstChanged = "";

        int get(Outcome o) {
            return counts[o.ordinal()];
        }

        int total() {
            return Arrays.stream(counts).sum();
        }

        @Override
        public String toString() {
            return total() + " files: " + get(Outcome.REJECTED) + " rejected, " + get(Outcome.LOADED_CHANGED)
                    + " loaded with a changed state, " + get(Outcome.LOADED_SAME) + " loaded unchanged, "
                    + get(Outcome.CRASHED) + " crashed" + (firstCrash.isEmpty() ? "" : " (first: " + firstCrash + ")")
                    + (firstChanged.isEmpty() ? "" : " (first change: " + firstChanged + ")");
        }
    }

    private StateCorruption() {}

    /** A fresh optimizer of the probe's configuration (AdamW, a no-decay group for the biases). */
    static Optimizer newOptimizer(Map<String, Tensor> params) {
        return Optimizer.builder(Optimizers.adamW()).params(params).set("lr", 1e-2).set("weightDecay", 0.01)
                .noDecay(name -> name.endsWith(".bias")).build();
    }

    /** The probe's parameters: two layers' weights and biases, float32, fixed seed. */
    static Map<String, Tensor> newParams() {
        Generator gen = new Generator(7);
        Map<String, Tensor> p = new LinkedHashMap<>();
        p.put("layer0.weight", Tensor.randn(gen, DType.FLOAT32, 8, 6).requiresGrad(true));
        p.put("layer0.bias", Tensor.randn(gen, DType.FLOAT32, 8).requiresGrad(true));
        p.put("layer1.weight", Tensor.randn(gen, DType.FLOAT32, 4, 8).requiresGrad(true));
        p.put("layer1.bias", Tensor.randn(gen, DType.FLOAT32, 4).requiresGrad(true));
        return p;
    }

    /** An optimizer after {@code steps} steps on a quadratic with random coefficients. */
    static Optimizer trained(int steps) {
        Map<String, Tensor> params = newParams();
        Optimizer opt = newOptimizer(params);
        Generator gen = new Generator(11);
        for (int k = 0; k < steps; k++) {
            opt.zeroGrad();
            Tensor loss = null;
            for (Tensor p : params.values()) {
                Tensor term = p.square().mul(Tensor.randn(gen, DType.FLOAT32, p.shape())).sum();
                loss = loss == null ? term : loss.add(term);
            }
            Objects.requireNonNull(loss).backward();
            opt.step();
        }
        return opt;
    }

    /** Loads {@code bytes} into a fresh optimizer of the same configuration and says what happened. */
    static Outcome classify(byte[] bytes, OptimizerState original, Tally tally, String label) {
        Outcome o;
        try {
            Optimizer fresh = newOptimizer(newParams());
            fresh.loadStateDict(OptimizerState.fromBytes(bytes));
            String diff = difference(original, fresh.stateDict());
            o = diff.isEmpty() ? Outcome.LOADED_SAME : Outcome.LOADED_CHANGED;
            if (o == Outcome.LOADED_CHANGED && tally.firstChanged.isEmpty()) tally.firstChanged = label + ": " + diff;
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            o = Outcome.REJECTED;
        } catch (Throwable t) {
            o = Outcome.CRASHED;
            if (tally.firstCrash.isEmpty()) tally.firstCrash = label + ": " + t;
        }
        tally.counts[o.ordinal()]++;
        return o;
    }

    /** Where two states differ ("" when they are equal, bit for bit). */
    static String difference(OptimizerState a, OptimizerState b) {
        if (!a.rule().equals(b.rule())) return "rule";
        if (a.count() != b.count()) return "count " + a.count() + " -> " + b.count();
        if (!Arrays.equals(a.random(), b.random())) return "random state";
        if (a.groups().size() != b.groups().size()) return "group count";
        for (int g = 0; g < a.groups().size(); g++) {
            OptimizerState.GroupState ga = a.groups().get(g), gb = b.groups().get(g);
            if (!ga.name().equals(gb.name())) return "group name";
            if (!bitsEqual(ga.scalars(), gb.scalars())) return "scalars of " + ga.name();
            if (ga.slots().size() != gb.slots().size()) return "slot count";
            for (int s = 0; s < ga.slots().size(); s++) {
                OptimizerState.SlotState sa = ga.slots().get(s), sb = gb.slots().get(s);
                if (!sa.name().equals(sb.name())) return "slot name";
                if (!Arrays.equals(sa.shape(), sb.shape())) return "shape of " + sa.name();
                if (sa.step() != sb.step()) return "step of " + sa.name() + " " + sa.step() + " -> " + sb.step();
                if (!sa.buffers().keySet().equals(sb.buffers().keySet())) {
                    return "buffers of " + sa.name() + " " + sa.buffers().keySet() + " -> " + sb.buffers().keySet();
                }
                for (String k : sa.buffers().keySet()) {
                    if (!Arrays.equals(bits(sa.buffers().get(k)), bits(sb.buffers().get(k)))) return "values of " + sa.name() + " " + k;
                }
            }
        }
        return "";
    }

    private static boolean bitsEqual(Map<String, Double> a, Map<String, Double> b) {
        if (!a.keySet().equals(b.keySet())) return false;
        for (String k : a.keySet()) {
            if (Double.doubleToRawLongBits(a.get(k)) != Double.doubleToRawLongBits(b.get(k))) return false;
        }
        return true;
    }

    private static long[] bits(double[] v) {
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) out[i] = Double.doubleToRawLongBits(v[i]);
        return out;
    }

    /** Flips bit {@code bit} (counted from the file's first byte, low bit first). */
    static byte[] flip(byte[] bytes, long bit) {
        byte[] copy = bytes.clone();
        copy[(int) (bit >>> 3)] ^= (byte) (1 << (bit & 7));
        return copy;
    }

    /** Runs every single-bit flip whose index {@code i} satisfies {@code i % stride == offset}, then the truncations. */
    static Tally[] run(byte[] bytes, OptimizerState original, int flipStride, int cutStride) {
        Tally flips = new Tally(), cuts = new Tally();
        long bitCount = (long) bytes.length * 8;
        for (long bit = 0; bit < bitCount; bit += flipStride) classify(flip(bytes, bit), original, flips, "bit " + bit);
        for (int len = 0; len < bytes.length; len += cutStride) classify(Arrays.copyOf(bytes, len), original, cuts, "cut at " + len);
        return new Tally[] {flips, cuts};
    }

    static List<String> describe(byte[] bytes, Tally[] t) {
        return List.of("state file of " + bytes.length + " bytes (" + bytes.length * 8L + " bits)",
                "single-bit flips: " + t[0], "truncations: " + t[1]);
    }

}
