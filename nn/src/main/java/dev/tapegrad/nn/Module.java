package dev.tapegrad.nn;

import dev.tapegrad.Autograd;
import dev.tapegrad.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A building block of a network: it owns named parameters (trainable tensors), buffers (state that is
 * saved but not trained, like batch-norm running statistics) and child modules, as in PyTorch's
 * {@code nn.Module}.
 *
 * <p>Names follow PyTorch's convention, so state dicts move between tapegrad and PyTorch unchanged: a
 * parameter {@code weight} of the child {@code attn} of the child {@code 0} of the child {@code blocks} is
 * {@code blocks.0.attn.weight}. Registration order is kept, and is the order of {@link #namedParameters()}.
 *
 * <p>Subclasses register what they own in their constructor with {@link #param}, {@link #buffer} and
 * {@link #child}, and define their own {@code forward} (modules of one input extend {@link UnaryModule}).
 *
 * <p><b>Threads.</b> One module may serve several threads at once for forward and backward: each thread's
 * forward builds its own graph on its own tape, and the backward passes accumulate into the shared
 * parameters' gradients safely (see {@link Tensor}: contributions add up, none is lost). That holds for
 * modules whose forward only reads their state: {@link Linear}, {@link Sequential} stacks of them (what
 * {@link Mlp} builds), attention, the GPT decoder, and normalisation layers in eval mode. Not thread-safe: a forward that
 * updates state ({@link BatchNorm1d} running statistics in training mode) or draws random numbers from a
 * shared {@code Generator} ({@link Dropout} in training mode: give each thread its own module or generator);
 * {@link #train}/{@link #eval}, {@link #zeroGrad()}, loading a state dict or an optimizer step while another
 * thread runs the module; and changing parameters in place while other threads read them.
 */
public abstract class Module {
    private final Map<String, Tensor> params = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Registers a parameter (made a leaf that requires grad) and returns it. */
    protected final Tensor param(String name, Tensor value) {
        checkName(name);
        Tensor p = value.isLeaf() && !value.requiresGrad() ? value : value.detach().clone();
        if (!p.isDense()) p = p.clone();
        p.requiresGrad(true);
        params.put(name, p);
        return p;
    }

    /** Registers a buffer (saved in the state dict, not trained) and returns it. */
    protected final Tensor buffer(String name, Tensor value) {
        checkName(name);
        Tensor b = value.isDense() && value.isLeaf() ? value : value.detach().clone();
        buffers.put(name, b);
        return b;
    }

    /** Registers a child module and returns it. */
    protected final <M extends Module> M child(String name, M module) {
        checkName(name);
        children.put(name, Objects.requireNonNull(module));
        return module;
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": name '" + name + "' must be non-empty and contain no '.'");
        }
        if (params.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": '" + name + "' is already registered");
        }
    }

    /**
     * Every parameter of this module and its descendants, by dotted name, in registration order. A tensor
     * reachable by several paths (a module used twice) appears once, under its first name, as in PyTorch's
     * {@code named_parameters()}: an optimizer built from this map updates it once per step.
     */
    public final Map<String, Tensor> namedParameters() {
        Map<String, Tensor> all = new LinkedHashMap<>();
        collect("", all, true, false);
        Map<String, Tensor> out = new LinkedHashMap<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        all.forEach((name, t) -> {
            if (seen.add(t)) out.put(name, t);
        });
        return out;
    }

    /** The parameters, in the order of {@link #namedParameters()}. */
    public final List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Every buffer of this module and its descendants, by dotted name. */
    public final Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", out, false, true);
        return out;
    }

    /** The direct children, by name. */
    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /**
     * Parameters and buffers by dotted name: what {@link StateDicts} saves. The tensors are the live ones; a
     * shared tensor appears under every path, as in PyTorch's {@code state_dict()}.
     */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", out, true, true);
        return out;
    }

    private void collect(String prefix, Map<String, Tensor> out, boolean withParams, boolean withBuffers) {
        if (withParams) params.forEach((n, t) -> out.put(prefix + n, t));
        if (withBuffers) buffers.forEach((n, t) -> out.put(prefix + n, t));
        children.forEach((n, m) -> m.collect(prefix + n + ".", out, withParams, withBuffers));
    }

    /**
     * Copies values into this module's parameters and buffers (in place, so optimizers keep working).
     * Every problem is reported at once: missing names, unexpected names, shape and dtype mismatches;
     * nothing is changed unless everything matches.
     */
    public final void loadStateDict(Map<String, Tensor> values) {
        Map<String, Tensor> mine = stateDict();
        List<String> problems = new ArrayList<>();
        for (String name : mine.keySet()) if (!values.containsKey(name)) problems.add("missing: " + name);
        for (String name : new TreeSet<>(values.keySet())) if (!mine.containsKey(name)) problems.add("unexpected: " + name);
        mine.forEach((name, t) -> {
            Tensor v = values.get(name);
            if (v == null) return;
            if (!Arrays.equals(v.shape(), t.shape())) {
                problems.add(name + ": shape " + Arrays.toString(v.shape()) + " in the state dict, " + Arrays.toString(t.shape()) + " in the module");
            } else if (v.dtype() != t.dtype()) {
                problems.add(name + ": dtype " + v.dtype() + " in the state dict, " + t.dtype() + " in the module");
            }
        });
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("loadStateDict(" + getClass().getSimpleName() + "): " + problems.size()
                    + " problem(s):\n  - " + String.join("\n  - ", problems));
        }
        try (var scope = Autograd.noGrad()) {
            mine.forEach((name, t) -> t.copyInPlace(values.get(name)));
        }
    }

    /** Training mode (dropout active, batch norm uses and updates batch statistics), recursively. Returns this. */
    public Module train() {
        return train(true);
    }

    /** Evaluation mode (dropout off, batch norm uses running statistics), recursively. Returns this. */
    public Module eval() {
        return train(false);
    }

    /** Sets training mode recursively. Returns this. */
    public Module train(boolean on) {
        training = on;
        for (Module m : children.values()) m.train(on);
        return this;
    }

    /** Whether this module is in training mode. */
    public final boolean isTraining() {
        return training;
    }

    /** Clears the gradient of every parameter. */
    public final void zeroGrad() {
        for (Tensor p : namedParameters().values()) p.zeroGrad();
    }

    /** Stops training every parameter (requiresGrad false), e.g. a frozen backbone. Returns this. */
    public Module freeze() {
        for (Tensor p : namedParameters().values()) p.requiresGrad(false);
        return this;
    }

    /** Makes every parameter trainable again. Returns this. */
    public Module unfreeze() {
        for (Tensor p : namedParameters().values()) p.requiresGrad(true);
        return this;
    }

    /** Number of scalar parameters. */
    public final long parameterCount() {
        long n = 0;
        for (Tensor p : namedParameters().values()) n += p.numel();
        return n;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append('(');
        params.forEach((n, t) -> sb.append(n).append('=').append(Arrays.toString(t.shape())).append(' '));
        if (!children.isEmpty()) {
            sb.append('\n');
            children.forEach((n, m) -> sb.append("  (").append(n).append("): ")
                    .append(m.toString().replace("\n", "\n  ")).append('\n'));
        }
        return sb.toString().stripTrailing() + ')';
    }
}
