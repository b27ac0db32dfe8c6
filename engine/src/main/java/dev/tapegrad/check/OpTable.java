package dev.tapegrad.check;

import dev.tapegrad.OpDef;
import dev.tapegrad.Primitives;
import dev.tapegrad.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    private static void add(OpInfo info) {
        if (ENTRIES.putIfAbsent(info.name(), info) != null) throw new IllegalStateException("duplicate op " + info.name());
    }

    static {
        for (OpDef def : Primitives.all()) for (OpInfo example : def.examples()) add(example);
    }

    /** Names of all entries, for messages. */
    public static List<String> names() {
        return Arrays.asList(ENTRIES.keySet().toArray(new String[0]));
    }
}
