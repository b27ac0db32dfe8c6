package dev.tapegrad.optim;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Transforms applied one after the other (optax's {@code chain}); itself a transform, so chains nest.
 * A named optimizer is a chain with a name, e.g. AdamW = chain(scale by Adam, add decayed weights, scale by
 * −lr).
 *
 * @param name  the chain's name (the optimizer's name, for a named optimizer)
 * @param parts the transforms, applied in order; their names must be distinct
 */
public record Chain(String name, List<Transform> parts) implements Transform {

    /** Copies the parts and refuses two transforms with the same name (their state keys would collide). */
    public Chain {
        parts = List.copyOf(parts);
        Set<String> seen = new HashSet<>();
        for (Transform t : parts) {
            if (!seen.add(t.name())) {
                throw new IllegalArgumentException("chain " + name + ": two transforms are named '" + t.name()
                        + "'; their state would collide, give one a distinct name");
            }
        }
    }

    /** A chain of the given transforms. */
    public static Chain of(String name, Transform... parts) {
        return new Chain(name, List.of(parts));
    }

    @Override
    public Map<String, Double> defaults() {
        Map<String, Double> all = new LinkedHashMap<>();
        for (Transform t : parts) all.putAll(t.defaults());
        return all;
    }

    @Override
    public Set<String> stateKeys() {
        Set<String> all = new TreeSet<>();
        for (Transform t : parts) all.addAll(t.stateKeys());
        return all;
    }

    @Override
    public void validate(HyperParams hyper) {
        for (Transform t : parts) t.validate(hyper);
    }

    @Override
    public void apply(List<Slot> slots, StepContext ctx) {
        for (Transform t : parts) t.apply(slots, ctx);
    }

    /** The chain's structure, e.g. {@code adamw[scaleByAdam, decoupledWeightDecay, scaleByLr]}: saved state records it. */
    public String signature() {
        StringBuilder sb = new StringBuilder(name).append('[');
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0) sb.append(", ");
            Transform t = parts.get(i);
            sb.append(t instanceof Chain c ? c.signature() : t.name());
        }
        return sb.append(']').toString();
    }
}
