package dev.tapegrad;

import dev.tapegrad.check.Gen;
import dev.tapegrad.check.GradCheck;
import dev.tapegrad.check.OpInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The declaration of one primitive op, JAX-style: its name, a one-line description with the math, and the
 * examples the op table checks it on. The op's method, right below its declaration in its family class
 * ({@code UnaryOps}, {@code ReduceOps}, ...), computes the output with a kernel and calls {@link #record}
 * with the op's two derivative rules, so forward, reverse and forward derivative are on one screen:
 *
 * <pre>{@code
 * static final OpDef EXP = OpDef.of("exp", "eˣ; d/dx eˣ = eˣ")
 *         .example(Samples.one(Samples.ANY), xs -> xs.get(0).exp());
 *
 * static Tensor exp(Tensor x) {
 *     Tensor y = compute(EXP, UnaryOp.EXP, x);
 *     return EXP.record(y, x, new Tensor[] {y}, g -> g.mul(y), t -> t.mul(y));   // VJP ḡ·eˣ, JVP ẋ·eˣ
 * }
 * }</pre>
 *
 * <p>{@link Primitives#all()} lists every declaration; {@link dev.tapegrad.check.OpTable} and the op reference
 * of {@code docs/REFERENCE.md} are derived from them. Ops composed of other ops (their derivatives follow from
 * their parts) are declared too, with {@link #composite}, so that they are documented and checked like the
 * rest.
 */
public final class OpDef {
    private static final AtomicInteger NEXT = new AtomicInteger();

    private final String name;
    private final String doc;
    private final boolean composite;
    private final List<OpInfo> examples = new ArrayList<>();
    /** Declaration order: static initialisers run in textual order, so this orders the ops of a family. */
    final int seq = NEXT.getAndIncrement();

    private OpDef(String name, String doc, boolean composite) {
        this.name = Objects.requireNonNull(name);
        this.doc = Objects.requireNonNull(doc);
        this.composite = composite;
    }

    /** A primitive: computed by a kernel, with its own VJP and JVP rules. */
    static OpDef of(String name, String doc) {
        return new OpDef(name, doc, false);
    }

    /** An op built from other ops: its derivatives are those of its parts; declared for docs and checks. */
    static OpDef composite(String name, String doc) {
        return new OpDef(name, doc, true);
    }

    /** An op-table example named after the op itself. */
    OpDef example(Gen<List<Tensor>> inputs, Function<List<Tensor>, Tensor> f) {
        return example("", inputs, f, GradCheck.Options.DEFAULT);
    }

    /** An op-table example named {@code name/variant}. */
    OpDef example(String variant, Gen<List<Tensor>> inputs, Function<List<Tensor>, Tensor> f) {
        return example(variant, inputs, f, GradCheck.Options.DEFAULT);
    }

    /** An op-table example named {@code name/variant}, checked with other tolerances. */
    OpDef example(String variant, Gen<List<Tensor>> inputs, Function<List<Tensor>, Tensor> f, GradCheck.Options tolerances) {
        examples.add(new OpInfo(variant.isEmpty() ? name : name + "/" + variant, inputs, f, tolerances, true));
        return this;
    }

    /**
     * An op-table example for a {@code Tensor} method that is a form of this op under another name (clampMin
     * is clamp with no upper bound): the entry is named {@code method} or {@code method/variant}.
     */
    OpDef exampleOf(String method, String variant, Gen<List<Tensor>> inputs, Function<List<Tensor>, Tensor> f) {
        examples.add(new OpInfo(variant.isEmpty() ? method : method + "/" + variant, inputs, f, GradCheck.Options.DEFAULT, true));
        return this;
    }

    /** An op-table example checked at first order only (its backward is not differentiable, or not meant to be). */
    OpDef firstOrderExample(String variant, Gen<List<Tensor>> inputs, Function<List<Tensor>, Tensor> f) {
        examples.add(new OpInfo(variant.isEmpty() ? name : name + "/" + variant, inputs, f, GradCheck.Options.DEFAULT, false));
        return this;
    }

    /**
     * Records one application of this op: the VJP rule goes on the tape when an input requires grad, and
     * when a {@link DualLevel} is open and an input carries a tangent, the JVP rule computes the output's
     * tangent now.
     *
     * @param out    the freshly computed output
     * @param inputs the differentiable inputs, in the order both rules use
     * @param saved  the tensors the VJP rule reads (checked for in-place changes at backward)
     * @param vjp    ḡ ↦ ḡ·∂out/∂inputᵢ for each input
     * @param jvp    (ẋ₁, ẋ₂, ...) ↦ Σᵢ ∂out/∂inputᵢ·ẋᵢ
     */
    Tensor record(Tensor out, Tensor[] inputs, Tensor[] saved, Rule vjp, JvpRule jvp) {
        Objects.requireNonNull(vjp, () -> name + ": missing VJP rule");
        Objects.requireNonNull(jvp, () -> name + ": missing JVP rule");
        return Tape.record(name, out, inputs, saved, vjp, jvp);
    }

    /**
     * Records an op with several outputs (a decomposition): one tape node per output, each with its own VJP and
     * JVP rule (VJPs are linear, so the contributions of the outputs a loss uses add up, and an unused output
     * contributes nothing). Every node is created before any JVP rule runs, so that a rule reading another
     * output sees it on the tape (reverse over forward), whatever the order of the outputs.
     */
    Tensor[] record(Tensor[] outs, Tensor[] inputs, Tensor[] saved, Rule[] vjps, JvpRule[] jvps) {
        Tape.State s = Tape.state();
        boolean inRule = s.inJvpRule, tangents = s.dualLevel != 0 && !inRule;
        s.inJvpRule = true; // the nodes first, without tangents
        try {
            for (int i = 0; i < outs.length; i++) record(outs[i], inputs, saved, vjps[i], jvps[i]);
        } finally {
            s.inJvpRule = inRule;
        }
        if (tangents) for (int i = 0; i < outs.length; i++) ForwardMode.propagate(name, outs[i], inputs, jvps[i], s);
        return outs;
    }

    /** {@link #record} for an op of one input, with rules ḡ ↦ ḡ·∂out/∂x and ẋ ↦ ∂out/∂x·ẋ. */
    Tensor record(Tensor out, Tensor input, Tensor[] saved, java.util.function.UnaryOperator<Tensor> vjp,
                  java.util.function.UnaryOperator<Tensor> jvp) {
        Objects.requireNonNull(vjp, () -> name + ": missing VJP rule");
        Objects.requireNonNull(jvp, () -> name + ": missing JVP rule");
        return Tape.record(name, out, new Tensor[] {input}, saved, g -> new Tensor[] {vjp.apply(g)}, t -> jvp.apply(t[0]));
    }

    /** The op's name, as in error messages and the op table. */
    public String name() {
        return name;
    }

    /** One line: what the op computes and its derivative. */
    public String doc() {
        return doc;
    }

    /** Whether the op is composed of other ops (no rules of its own). */
    public boolean isComposite() {
        return composite;
    }

    /** The op-table examples, each checked for gradients (first and second order) and JVPs. */
    public List<OpInfo> examples() {
        return List.copyOf(examples);
    }

    @Override
    public String toString() {
        return name;
    }
}
