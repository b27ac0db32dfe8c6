package dev.tapegrad.check;

import static dev.tapegrad.check.Samples.*;

import dev.tapegrad.OpDef;
import dev.tapegrad.Primitives;
import dev.tapegrad.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The table of differentiable ops: one {@link OpInfo} per op (or overload) with the inputs it is defined on,
 * in the spirit of PyTorch's OpInfo and JAX's grad-test specs. Entries come from the examples of the op
 * declarations ({@link Primitives#all()}). Generic property tests iterate it (every op,
 * random shapes with broadcasting and size-1 axes, first and second order), and a coverage test fails when
 * a public differentiable method of {@link Tensor} has no entry.
 *
 * <p>Non-differentiable arguments (axes, indices, masks, split sizes) are derived deterministically from the
 * generated inputs' shapes, so each random case exercises them too.
 */
public final class OpTable {
    private OpTable() {}

    private static final Map<String, OpInfo> ENTRIES = new LinkedHashMap<>();

    /** Every entry, in a stable order. */
    public static List<OpInfo> all() {
        return List.copyOf(ENTRIES.values());
    }

    /** The entry with this name. */
    public static OpInfo get(String name) {
        OpInfo e = ENTRIES.get(name);
        if (e == null) throw new IllegalArgumentException("OpTable: no op named '" + name + "'; known: " + ENTRIES.keySet());
        return e;
    }

    /**
     * Tensor methods that return tensors but have no gradient to check, with the reason. The coverage
     * test accepts these and nothing else without an entry.
     */
    public static final Map<String, String> NOT_DIFFERENTIABLE = Map.ofEntries(
            Map.entry("zeros", "creation"), Map.entry("ones", "creation"), Map.entry("full", "creation"),
            Map.entry("scalar", "creation"), Map.entry("arange", "creation"), Map.entry("linspace", "creation"),
            Map.entry("eye", "creation"), Map.entry("of", "creation"), Map.entry("randn", "creation"),
            Map.entry("rand", "creation"), Map.entry("uniform", "creation"), Map.entry("bernoulli", "creation"),
            Map.entry("randint", "creation"), Map.entry("randperm", "creation"),
            Map.entry("eq", "comparison: bool mask"), Map.entry("ne", "comparison: bool mask"),
            Map.entry("lt", "comparison: bool mask"), Map.entry("le", "comparison: bool mask"),
            Map.entry("gt", "comparison: bool mask"), Map.entry("ge", "comparison: bool mask"),
            Map.entry("argmax", "int32 indices"), Map.entry("argmin", "int32 indices"),
            Map.entry("oneHot", "int32 labels to a constant encoding"),
            Map.entry("detach", "stops the gradient by definition"),
            Map.entry("grad", "accessor"), Map.entry("requiresGrad", "flag setter"),
            Map.entry("retainGrad", "flag setter"), Map.entry("registerHook", "hook registration"),
            Map.entry("copyInPlace", "in-place, not recorded"), Map.entry("fillInPlace", "in-place, not recorded"),
            Map.entry("addInPlace", "in-place, not recorded"), Map.entry("mulInPlace", "in-place, not recorded"));

    private static void add(String name, Gen<List<Tensor>> inputs, Function<List<Tensor>, Tensor> f) {
        add(new OpInfo(name, inputs, f, GradCheck.Options.DEFAULT, true));
    }

    private static void add(OpInfo info) {
        if (ENTRIES.putIfAbsent(info.name(), info) != null) throw new IllegalStateException("duplicate op " + info.name());
    }

    private static void unary(String name, Gen<Double> values, Function<Tensor, Tensor> f) {
        add(name, one(0, values), xs -> f.apply(xs.get(0)));
    }

    static {
        for (OpDef def : Primitives.all()) for (OpInfo example : def.examples()) add(example);

        // ---- reductions
        unary("sum", ANY, Tensor::sum);
        unary("sum/axes", ANY, x -> x.sum(someAxes(x)));
        unary("sum/axes-keepdim", ANY, x -> x.sum(someAxes(x), true));
        unary("mean", ANY, Tensor::mean);
        unary("mean/axes-keepdim", ANY, x -> x.mean(someAxes(x), true));
        unary("prod", NONZERO, Tensor::prod);
        unary("prod/axes", NONZERO, x -> x.prod(someAxes(x)));
        unary("max", ANY, Tensor::max);
        unary("max/axes", ANY, x -> x.max(someAxes(x)));
        unary("min/axes-keepdim", ANY, x -> x.min(someAxes(x), true));
        unary("min", ANY, Tensor::min);
        add("var", one(1, ANY).filter(xs -> xs.get(0).numel() > 1), xs -> xs.get(0).var());
        unary("var/axes-correction", ANY, x -> x.var(someAxes(x), 0, true));
        add("std", one(1, ANY).filter(xs -> xs.get(0).numel() > 1), xs -> xs.get(0).std());
        unary("std/axes-correction", NONZERO, x -> x.std(someAxes(x), 0, false).add(x.sum().mul(0.0))); // σ > 0 away from constant rows
        unary("logsumexp", ANY, x -> x.logsumexp(someAxes(x)));
        unary("logsumexp/keepdim", ANY, x -> x.logsumexp(someAxes(x), true));
        unary("norm/p2", NONZERO, x -> x.norm(2));
        unary("norm/p1-axes", NONZERO, x -> x.norm(1, someAxes(x), true));
        unary("norm/p3", NONZERO, x -> x.norm(3));
        unary("norm/inf", ANY, x -> x.norm(Double.POSITIVE_INFINITY));
        add("cumsum", one(1, ANY), xs -> xs.get(0).cumsum(-1));
        add("sumToSize", one(1, ANY), xs -> {
            int[] s = xs.get(0).shape();
            for (int a = 0; a < s.length; a += 2) s[a] = 1;
            return xs.get(0).sumToSize(s);
        });

        // ---- softmax family
        add("softmax", one(1, TensorGen.values(-4, 4)), xs -> xs.get(0).softmax(-1));
        add("logSoftmax", one(1, TensorGen.values(-4, 4)), xs -> xs.get(0).logSoftmax(0));
        add("softmax/axis0", one(2, TensorGen.values(-4, 4)), xs -> xs.get(0).softmax(0));
        add("logSoftmax/last", one(1, TensorGen.values(-4, 4)), xs -> xs.get(0).logSoftmax(-1));
        add("crossEntropy", one(1, TensorGen.values(-4, 4)), xs -> {
            int[] s = xs.get(0).shape();
            int[] rows = Arrays.copyOf(s, s.length - 1);
            return xs.get(0).crossEntropy(indices(s[s.length - 1], rows).reshape(rows));
        });
        add("crossEntropy/axis0-ignore-smoothing", one(2, TensorGen.values(-4, 4)), xs -> {
            int[] s = xs.get(0).shape();
            int[] labels = indices(s[0], Arrays.copyOfRange(s, 1, s.length)).toIntArray();
            for (int i = 1; i < labels.length; i += 3) labels[i] = -1; // every third row ignored
            return xs.get(0).crossEntropy(Tensor.of(labels, Arrays.copyOfRange(s, 1, s.length)), 0, -1, 0.1);
        });

        // ---- fused linear map
        add("linear", shaped(s -> List.of(new int[] {s.get(0), s.get(1)}, new int[] {s.get(2), s.get(1)}, new int[] {s.get(2)}), 3, ANY),
                xs -> Tensor.linear(xs.get(0), xs.get(1), xs.get(2)));
        add("linear/batched-no-bias", shaped(s -> List.of(new int[] {2, s.get(0), s.get(1)}, new int[] {s.get(2), s.get(1)}), 3, ANY),
                xs -> Tensor.linear(xs.get(0), xs.get(1), null));
        add("linear/vector-transposed-weight", shaped(s -> List.of(new int[] {s.get(0)}, new int[] {s.get(0), s.get(1)}, new int[] {s.get(1)}), 2, ANY),
                xs -> Tensor.linear(xs.get(0), xs.get(1).t(), xs.get(2)));

        // ---- fused normalisations (ε = 0.1 keeps near-constant rows well conditioned for finite differences)
        add("layerNorm", normInputs(2), xs -> xs.get(0).layerNorm(xs.get(1), xs.get(2), 0.1));
        add("layerNorm/plain", normInputs(0), xs -> xs.get(0).layerNorm(null, null, 0.1));
        add("layerNorm/transposed-input", shaped(s -> List.of(new int[] {s.get(0) + 1, s.get(1)}, new int[] {s.get(0) + 1}), 2, ANY),
                xs -> xs.get(0).t().layerNorm(xs.get(1), null, 0.1));
        add("rmsNorm", normInputs(1), xs -> xs.get(0).rmsNorm(xs.get(1), 0.1));
        add("rmsNorm/plain", normInputs(0), xs -> xs.get(0).rmsNorm(null, 0.1));

        // ---- linear algebra
        add("matmul", shaped(s -> List.of(new int[] {s.get(0), s.get(1)}, new int[] {s.get(1), s.get(2)}), 3, ANY),
                xs -> xs.get(0).matmul(xs.get(1)));
        add("matmul/vector-vector", shaped(s -> List.of(new int[] {s.get(0)}, new int[] {s.get(0)}), 1, ANY),
                xs -> xs.get(0).matmul(xs.get(1)));
        add("matmul/matrix-vector", shaped(s -> List.of(new int[] {s.get(0), s.get(1)}, new int[] {s.get(1)}), 2, ANY),
                xs -> xs.get(0).matmul(xs.get(1)));
        add("matmul/vector-matrix", shaped(s -> List.of(new int[] {s.get(0)}, new int[] {s.get(0), s.get(1)}), 2, ANY),
                xs -> xs.get(0).matmul(xs.get(1)));
        add("matmul/batched-broadcast", shaped(s -> List.of(new int[] {2, 1, s.get(0), s.get(1)}, new int[] {s.get(2), s.get(1), s.get(0)}), 3, ANY),
                xs -> xs.get(0).matmul(xs.get(1)));
        add("matmul/transposed", shaped(s -> List.of(new int[] {s.get(1), s.get(0)}, new int[] {s.get(2), s.get(1)}), 3, ANY),
                xs -> xs.get(0).t().matmul(xs.get(1).t()));
    }

    /** Names of all entries, for messages. */
    public static List<String> names() {
        return Arrays.asList(ENTRIES.keySet().toArray(new String[0]));
    }
}
