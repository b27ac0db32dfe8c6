package dev.tapegrad.optim;

import dev.tapegrad.Autograd;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Updates named parameters from their gradients with an update rule, PyTorch style:
 * <pre>{@code
 * Optimizer opt = Optimizer.builder(Optimizers.adamW())
 *         .params(model)                                  // Map<String, Tensor>, names are stable keys
 *         .set("lr", 1e-3).set("weightDecay", 0.01)
 *         .schedule("lr", Schedules.cosine(1e-3, 1000))  // any hyper-parameter can follow a schedule
 *         .noDecay(name -> name.endsWith(".bias"))        // a group without weight decay
 *         .build();
 * for (...) {
 *     opt.zeroGrad();
 *     loss(...).backward();
 *     opt.step();
 * }
 * }</pre>
 *
 * <p>Parameters are organised in groups, each with its own hyper-parameters (learning rate, weight decay,
 * ...): values are resolved from the rule's defaults, then optimizer-level settings, then group settings,
 * and a schedule, where one is set, replaces the value at every step. Parameters without a gradient are
 * skipped, like in PyTorch. The whole state (per-parameter buffers and step counts, group scalars, the step
 * count and the random generator) is captured by {@link #stateDict()} and restored by {@link #loadStateDict}, so a
 * resumed run continues bit for bit.
 *
 * <p><b>Threads.</b> An optimizer is not thread-safe: {@link #step()}, {@link #zeroGrad()} and the state
 * methods read and write the parameters, their gradients and the optimizer's buffers in place, unsynchronised.
 * Call them from one thread at a time, and only while no backward pass into the same parameters is running
 * on another thread (a {@code zeroGrad} during such a backward may clear a contribution, a {@code step}
 * may read a half-accumulated gradient). Several threads may run forward and backward through shared
 * parameters between two steps: their gradients add up (see {@link dev.tapegrad.Tensor}).
 */
public final class Optimizer {

    /** One parameter group: its parameters and its hyper-parameter settings. */
    static final class Group {
        final String name;
        final List<Slot> slots = new ArrayList<>();
        final Map<String, Double> values;
        final Map<String, Schedule> schedules;
        final Map<String, Double> scalars = new TreeMap<>();

        Group(String name, Map<String, Double> values, Map<String, Schedule> schedules) {
            this.name = name;
            this.values = values;
            this.schedules = schedules;
        }
    }

    private final Transform rule;
    private final List<Group> groups;
    private final Generator random;
    private long count;

    private Optimizer(Transform rule, List<Group> groups, long seed) {
        this.rule = rule;
        this.groups = groups;
        this.random = new Generator(seed);
    }

    /** Starts building an optimizer around an update rule (a named chain from {@link Optimizers}, or your own). */
    public static Builder builder(Transform rule) {
        return new Builder(rule);
    }

    /** The update rule. */
    public Transform rule() {
        return rule;
    }

    /** Steps taken so far. */
    public long stepCount() {
        return count;
    }

    /** The hyper-parameters group {@code index} uses at the next step (schedules evaluated). */
    public HyperParams hyperParams(int index) {
        return resolve(groups.get(index));
    }

    /** Names of the groups, in order. */
    public List<String> groupNames() {
        return groups.stream().map(g -> g.name).toList();
    }

    /** The parameters of every group by name, in group order (for wrappers that read or restore them). */
    Map<String, Tensor> parameters() {
        Map<String, Tensor> all = new LinkedHashMap<>();
        for (Group g : groups) for (Slot s : g.slots) all.put(s.name(), s.tensor());
        return all;
    }

    /** Clears the gradient of every parameter (call before each backward: gradients accumulate). */
    public void zeroGrad() {
        for (Group g : groups) for (Slot s : g.slots) s.tensor().zeroGrad();
    }

    /**
     * One update of every parameter that has a gradient: θ ← θ + rule(g), where the rule rewrites
     * {@link Slot#update()} and the optimizer adds it. A {@link FusedRule} as the whole rule writes θ itself
     * in one pass ({@link FusedRule#step}), and the addition is skipped.
     */
    public void step() {
        // Every group's hyper-parameters are resolved and checked before anything moves, so a schedule that
        // leaves its range fails the step without advancing step counts or updating earlier groups.
        List<HyperParams> hyper = new ArrayList<>(groups.size());
        for (Group g : groups) {
            HyperParams h = resolve(g);
            rule.validate(h);
            hyper.add(h);
        }
        try (var scope = Autograd.noGrad()) {
            for (int gi = 0; gi < groups.size(); gi++) {
                Group g = groups.get(gi);
                List<Slot> active = new ArrayList<>();
                for (Slot s : g.slots) {
                    if (s.tensor().grad() == null) continue;
                    s.load();
                    s.setStep(s.step() + 1);
                    active.add(s);
                }
                if (active.isEmpty()) continue;
                StepContext ctx = new StepContext(random, count, hyper.get(gi), g.scalars);
                if (rule instanceof FusedRule fused) {
                    fused.step(active, ctx);
                    for (Slot s : active) s.store();
                } else {
                    rule.apply(active, ctx);
                    for (Slot s : active) s.applyUpdate(); // θ ← θ + u, then store
                }
            }
        }
        count++;
    }

    private HyperParams resolve(Group g) {
        Map<String, Double> v = new HashMap<>(g.values);
        for (Map.Entry<String, Schedule> e : g.schedules.entrySet()) v.put(e.getKey(), e.getValue().at(count));
        return new HyperParams(v);
    }

    /**
     * A snapshot of the complete optimizer state (deep copies).
     *
     * @throws IllegalStateException when the rule created a state buffer it does not declare in
     *                               {@link Transform#stateKeys()} (such a state could not be loaded back)
     */
    public OptimizerState stateDict() {
        java.util.Set<String> declared = rule.stateKeys();
        List<OptimizerState.GroupState> gs = new ArrayList<>();
        for (Group g : groups) {
            List<OptimizerState.SlotState> ss = new ArrayList<>();
            for (Slot s : g.slots) {
                Map<String, double[]> buffers = new TreeMap<>();
                s.buffers().forEach((k, b) -> {
                    if (!declared.contains(k)) {
                        throw new IllegalStateException("optimizer " + signature(rule) + ": parameter " + s.name() + " has state buffer '"
                                + k + "' that the rule does not declare in stateKeys() " + new java.util.TreeSet<>(declared));
                    }
                    buffers.put(k, b.clone());
                });
                ss.add(new OptimizerState.SlotState(s.name(), s.shape(), s.step(), buffers));
            }
            gs.add(new OptimizerState.GroupState(g.name, new TreeMap<>(g.scalars), ss));
        }
        return new OptimizerState(signature(rule), count, random.stateDict(), gs);
    }

    /**
     * Restores a state taken from an optimizer with the same rule, groups and parameters. Every mismatch
     * (rule, group names, parameter names and order, shapes, buffer names the rule does not declare in
     * {@link Transform#stateKeys()}, the random generator's state) is reported at once, the first one first,
     * and nothing is changed unless all match. (The state itself is consistent: {@link OptimizerState} checks
     * counts, steps, unique names and buffer lengths when it is built.)
     *
     * @throws IllegalArgumentException listing the mismatches
     */
    public void loadStateDict(OptimizerState state) {
        List<String> problems = new ArrayList<>();
        if (!state.rule().equals(signature(rule))) {
            problems.add("rule: saved " + state.rule() + ", this optimizer " + signature(rule));
        }
        if (state.groups().size() != groups.size()) {
            problems.add("groups: saved " + state.groups().stream().map(OptimizerState.GroupState::name).toList()
                    + ", this optimizer " + groupNames());
        } else {
            for (int i = 0; i < groups.size(); i++) compare(groups.get(i), state.groups().get(i), rule.stateKeys(), problems);
        }
        try {
            new Generator(0).loadStateDict(state.random());
        } catch (IllegalArgumentException e) {
            problems.add("random generator state: " + e.getMessage());
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("optimizer state does not fit this optimizer:\n  - " + String.join("\n  - ", problems));
        }
        for (int i = 0; i < groups.size(); i++) {
            Group g = groups.get(i);
            OptimizerState.GroupState saved = state.groups().get(i);
            g.scalars.clear();
            g.scalars.putAll(saved.scalars());
            for (int j = 0; j < g.slots.size(); j++) {
                Slot s = g.slots.get(j);
                OptimizerState.SlotState ss = saved.slots().get(j);
                s.setStep(ss.step());
                s.buffers().clear();
                ss.buffers().forEach((k, b) -> s.buffers().put(k, b.clone()));
            }
        }
        count = state.count();
        random.loadStateDict(state.random());
    }

    private static void compare(Group g, OptimizerState.GroupState saved, java.util.Set<String> stateKeys, List<String> problems) {
        if (!g.name.equals(saved.name())) problems.add("group name: saved " + saved.name() + ", this optimizer " + g.name);
        Map<String, Slot> mine = new LinkedHashMap<>();
        for (Slot s : g.slots) mine.put(s.name(), s);
        List<String> savedNames = saved.slots().stream().map(OptimizerState.SlotState::name).toList();
        if (!savedNames.equals(List.copyOf(mine.keySet()))) {
            problems.add("group " + g.name + " parameters: saved " + savedNames + ", this optimizer " + mine.keySet());
            return;
        }
        for (OptimizerState.SlotState ss : saved.slots()) {
            Slot s = mine.get(ss.name());
            if (!java.util.Arrays.equals(s.shape(), ss.shape())) {
                problems.add(ss.name() + ": saved shape " + java.util.Arrays.toString(ss.shape()) + ", parameter "
                        + java.util.Arrays.toString(s.shape()));
                continue;
            }
            for (Map.Entry<String, double[]> e : ss.buffers().entrySet()) {
                if (!stateKeys.contains(e.getKey())) {
                    problems.add(ss.name() + ": buffer '" + e.getKey() + "' is not a state buffer of this rule (it keeps "
                            + new java.util.TreeSet<>(stateKeys) + ")");
                } else if (e.getValue().length != s.size()) {
                    problems.add(ss.name() + " buffer " + e.getKey() + ": " + e.getValue().length + " values for " + s.size() + " elements");
                }
            }
        }
    }

    static String signature(Transform t) {
        return t instanceof Chain c ? c.signature() : t.name();
    }

    /** Builds an {@link Optimizer}; see the class documentation for an example. */
    public static final class Builder {
        private final Transform rule;
        private final Map<String, Tensor> params = new LinkedHashMap<>();
        private final Map<Tensor, String> names = new java.util.IdentityHashMap<>();
        private final Map<String, Double> values = new LinkedHashMap<>();
        private final Map<String, Schedule> schedules = new LinkedHashMap<>();
        private final List<GroupSpec> groupSpecs = new ArrayList<>();
        private long seed = 0;

        private record GroupSpec(String name, Predicate<String> selects, GroupSettings settings) {}

        private Builder(Transform rule) {
            this.rule = Objects.requireNonNull(rule);
        }

        /** The parameters, by stable name (insertion order is kept). */
        public Builder params(Map<String, Tensor> named) {
            named.forEach(this::param);
            return this;
        }

        /**
         * One parameter. It must be a float32/float64 leaf tensor that owns its storage, and not a tensor already
         * given under another name (a shared weight is one parameter).
         */
        public Builder param(String name, Tensor t) {
            if (params.containsKey(name)) throw new IllegalArgumentException("optimizer: parameter '" + name + "' given twice");
            String other = names.get(t);
            if (other != null) {
                throw new IllegalArgumentException("optimizer: parameter '" + name + "' is the same tensor as '" + other
                        + "' (a shared or tied weight); give it once, or it would be updated twice per step");
            }
            if (!t.dtype().isFloating() || !t.isLeaf() || !t.isDense()) {
                throw new IllegalArgumentException("optimizer: parameter '" + name + "' must be a dense float32 or float64 leaf"
                        + " tensor (got " + t.dtype() + ", leaf " + t.isLeaf() + ", dense " + t.isDense() + ")");
            }
            params.put(name, t);
            names.put(t, name);
            return this;
        }

        /** A hyper-parameter value for all groups (a group may override it). */
        public Builder set(String hyper, double value) {
            values.put(hyper, value);
            return this;
        }

        /** A schedule for a hyper-parameter in all groups (evaluated at every step). */
        public Builder schedule(String hyper, Schedule s) {
            schedules.put(hyper, Objects.requireNonNull(s));
            return this;
        }

        /**
         * A parameter group: the parameters whose names {@code selects} accepts (and no earlier group took)
         * get the settings; the rest stay in the default group.
         */
        public Builder group(String name, Predicate<String> selects, Consumer<GroupSettings> settings) {
            if (name.equals("default") || groupSpecs.stream().anyMatch(g -> g.name.equals(name))) {
                throw new IllegalArgumentException("optimizer: group name '" + name + "' is already taken (names identify groups in saved state)");
            }
            GroupSettings gs = new GroupSettings();
            settings.accept(gs);
            groupSpecs.add(new GroupSpec(name, selects, gs));
            return this;
        }

        /** A group named {@code no_decay} with weight decay 0, for the parameters {@code selects} accepts (biases, norms). */
        public Builder noDecay(Predicate<String> selects) {
            return group("no_decay", selects, g -> g.set("weightDecay", 0.0));
        }

        /** Seed of the optimizer's random generator (for rules that sample, e.g. sparse masks). */
        public Builder seed(long s) {
            seed = s;
            return this;
        }

        /** Builds the optimizer, checking hyper-parameter names and ranges. */
        public Optimizer build() {
            if (params.isEmpty()) throw new IllegalArgumentException("optimizer: no parameters given");
            Map<String, Double> defaults = rule.defaults();
            checkKnown(defaults, values.keySet());
            checkKnown(defaults, schedules.keySet());
            List<Group> groups = new ArrayList<>();
            Map<String, Group> byParam = new LinkedHashMap<>();
            for (GroupSpec spec : groupSpecs) {
                checkKnown(defaults, spec.settings.values.keySet());
                checkKnown(defaults, spec.settings.schedules.keySet());
                Group g = newGroup(spec.name, spec.settings, defaults);
                groups.add(g);
                for (String p : params.keySet()) if (!byParam.containsKey(p) && spec.selects.test(p)) byParam.put(p, g);
            }
            Group main = newGroup("default", new GroupSettings(), defaults);
            groups.addFirst(main);
            params.forEach((name, t) -> byParam.getOrDefault(name, main).slots.add(new Slot(name, t)));
            groups.removeIf(g -> g.slots.isEmpty() && g != main);
            Optimizer opt = new Optimizer(rule, groups, seed);
            for (int i = 0; i < groups.size(); i++) rule.validate(opt.hyperParams(i));
            return opt;
        }

        private Group newGroup(String name, GroupSettings gs, Map<String, Double> defaults) {
            Map<String, Double> v = new LinkedHashMap<>(defaults);
            v.putAll(values);
            v.putAll(gs.values);
            Map<String, Schedule> s = new LinkedHashMap<>(schedules);
            gs.values.keySet().forEach(s::remove); // a group's constant overrides a global schedule
            s.putAll(gs.schedules);
            return new Group(name, v, s);
        }

        private void checkKnown(Map<String, Double> defaults, java.util.Set<String> names) {
            for (String n : names) {
                if (!defaults.containsKey(n)) {
                    throw new IllegalArgumentException(signature(rule) + ": unknown hyper-parameter '" + n + "' (known: "
                            + new java.util.TreeSet<>(defaults.keySet()) + ")");
                }
            }
        }
    }

    /** The settings of one parameter group. */
    public static final class GroupSettings {
        private final Map<String, Double> values = new LinkedHashMap<>();
        private final Map<String, Schedule> schedules = new LinkedHashMap<>();

        /** A hyper-parameter value for this group. */
        public GroupSettings set(String hyper, double value) {
            values.put(hyper, value);
            return this;
        }

        /** A schedule for a hyper-parameter of this group. */
        public GroupSettings schedule(String hyper, Schedule s) {
            schedules.put(hyper, Objects.requireNonNull(s));
            return this;
        }
    }
}
