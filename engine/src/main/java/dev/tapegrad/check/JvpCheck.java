package dev.tapegrad.check;

import dev.tapegrad.Autograd;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Checks forward-mode derivatives (JVP rules) of a function of tensors, two ways:
 *
 * <ol>
 *   <li><b>against central differences</b>: for random tangents v, J·v from {@link Autograd#jvp} must match
 *       (f(x + εv) − f(x − εv)) / 2ε elementwise, within {@code atol + rtol·|numeric|};</li>
 *   <li><b>against the VJP, by the transpose identity</b>: for a random cotangent u, ⟨u, J·v⟩ = ⟨Jᵀ·u, v⟩. Both
 *       sides are exact up to rounding when the JVP and VJP rules are derivatives of one linearisation, so
 *       this is checked to {@link GradCheck.Options#transposeRtol()} relative (1e-10 by default), much tighter
 *       than finite differences can.</li>
 * </ol>
 *
 * Tangents and cotangents are drawn from a {@link Generator} seeded by {@link GradCheck.Options#seed()}, so a
 * check repeats exactly.
 */
public final class JvpCheck {
    private JvpCheck() {}

    /** Thrown when a JVP disagrees with finite differences or with the VJP. */
    public static final class JvpCheckFailure extends AssertionError {
        JvpCheckFailure(String message) {
            super(message);
        }
    }

    /** Runs both checks of f at {@code inputs}, with {@code options.directions()} random tangents. */
    public static void check(Function<List<Tensor>, Tensor> f, List<Tensor> inputs, GradCheck.Options options) {
        checkAgainst(f, f, inputs, options);
    }

    /**
     * Checks the JVP of {@code f} against central differences of another function {@code reference}, and
     * against f's own VJP by the transpose identity: for a custom op whose forward is not differentiable but
     * whose derivative rules stand for the derivative of a known function (a straight-through estimator, a
     * surrogate gradient), as {@link GradCheck#checkAgainst} does for the backward.
     */
    public static void checkAgainst(Function<List<Tensor>, Tensor> f, Function<List<Tensor>, Tensor> reference,
                                    List<Tensor> inputs, GradCheck.Options options) {
        Tensor y0;
        try (var scope = Autograd.noGrad()) {
            y0 = f.apply(detached(inputs));
        }
        if (!y0.dtype().isFloating()) return;
        Generator gen = new Generator(options.seed() * 31 + 17);
        for (int d = 0; d < Math.max(1, options.directions()); d++) {
            List<Tensor> v = tangents(gen, inputs, d);
            List<Tensor> dense = new ArrayList<>(); // the same tangents as plain values (zeros where none)
            for (int k = 0; k < inputs.size(); k++) {
                Tensor x = inputs.get(k);
                dense.add(v.get(k) == null ? Tensor.zeros(x.dtype(), x.shape()) : v.get(k).contiguous());
            }
            Tensor jv = Autograd.jvp(xs -> List.of(f.apply(xs)), inputs, v).tangent();
            if (!Arrays.equals(jv.shape(), y0.shape())) {
                throw new JvpCheckFailure("JVP has shape " + Arrays.toString(jv.shape()) + ", the output " + Arrays.toString(y0.shape()));
            }
            againstDifferences(reference, inputs, dense, jv, options, d);
            againstVjp(f, inputs, dense, jv, Tensor.randn(gen, y0.dtype(), y0.shape()), options.transposeRtol(), d);
        }
    }

    /** {@link #checkAgainst(Function, Function, List, GradCheck.Options)} for one input and default options. */
    public static void checkAgainst(Function<Tensor, Tensor> f, Function<Tensor, Tensor> reference, Tensor x) {
        checkAgainst(xs -> f.apply(xs.getFirst()), xs -> reference.apply(xs.getFirst()), List.of(x), GradCheck.Options.DEFAULT);
    }

    /**
     * Random tangents in each input's dtype. Direction 0 gives every input a dense one; later directions vary
     * what rules receive: the first input without a tangent (a null: the rule must treat it as zero) when there
     * are several inputs, and tangents given as transposed (strided) views of their values.
     */
    private static List<Tensor> tangents(Generator gen, List<Tensor> inputs, int direction) {
        List<Tensor> v = new ArrayList<>();
        for (int k = 0; k < inputs.size(); k++) {
            Tensor x = inputs.get(k);
            int[] shape = x.shape();
            if (direction % 2 == 1 && k == 0 && inputs.size() > 1) {
                v.add(null);
            } else if (direction % 2 == 1 && shape.length >= 2) {
                int[] reversed = new int[shape.length], order = new int[shape.length];
                for (int i = 0; i < shape.length; i++) {
                    reversed[i] = shape[shape.length - 1 - i];
                    order[i] = shape.length - 1 - i;
                }
                v.add(Tensor.randn(gen, x.dtype(), reversed).permute(order)); // x's shape, not contiguous
            } else {
                v.add(Tensor.randn(gen, x.dtype(), shape));
            }
        }
        return v;
    }

    private static void againstDifferences(Function<List<Tensor>, Tensor> f, List<Tensor> inputs, List<Tensor> v,
                                           Tensor jv, GradCheck.Options o, int direction) {
        double[] plus, minus;
        try (var scope = Autograd.noGrad()) {
            plus = f.apply(shifted(inputs, v, o.eps())).toDoubleArray();
            minus = f.apply(shifted(inputs, v, -o.eps())).toDoubleArray();
        }
        double[] analytic = jv.toDoubleArray();
        for (int i = 0; i < analytic.length; i++) {
            double numeric = (plus[i] - minus[i]) / (2 * o.eps());
            double err = Math.abs(analytic[i] - numeric);
            if (!(err <= o.atol() + o.rtol() * Math.abs(numeric))) {
                throw new JvpCheckFailure("JVP differs from central differences at output element " + i + " (direction "
                        + direction + "): forward mode " + analytic[i] + ", numeric " + numeric + " (eps " + o.eps()
                        + ", atol " + o.atol() + ", rtol " + o.rtol() + "); input shapes " + shapes(inputs));
            }
        }
    }

    private static void againstVjp(Function<List<Tensor>, Tensor> f, List<Tensor> inputs, List<Tensor> v, Tensor jv,
                                   Tensor u, double rtol, int direction) {
        List<Tensor> jtu = Autograd.vjp(f, inputs).apply(u);
        double lhs = 0, scale = 0;
        double[] us = u.toDoubleArray(), jvs = jv.toDoubleArray();
        for (int i = 0; i < us.length; i++) {
            lhs += us[i] * jvs[i];
            scale += Math.abs(us[i] * jvs[i]);
        }
        double rhs = 0;
        for (int k = 0; k < inputs.size(); k++) {
            double[] a = jtu.get(k).toDoubleArray(), b = v.get(k).toDoubleArray();
            for (int i = 0; i < a.length; i++) {
                rhs += a[i] * b[i];
                scale += Math.abs(a[i] * b[i]);
            }
        }
        if (!(Math.abs(lhs - rhs) <= rtol * scale + 1e-300)) {
            throw new JvpCheckFailure("JVP and VJP disagree (direction " + direction + "): ⟨u, J·v⟩ = " + lhs
                    + " but ⟨Jᵀ·u, v⟩ = " + rhs + "; input shapes " + shapes(inputs));
        }
    }

    private static List<Tensor> detached(List<Tensor> inputs) {
        List<Tensor> out = new ArrayList<>();
        for (Tensor x : inputs) out.add(x.detach());
        return out;
    }

    private static List<Tensor> shifted(List<Tensor> inputs, List<Tensor> v, double eps) {
        List<Tensor> out = new ArrayList<>();
        for (int k = 0; k < inputs.size(); k++) out.add(inputs.get(k).detach().add(v.get(k).mul(eps)));
        return out;
    }

    private static String shapes(List<Tensor> inputs) {
        StringBuilder sb = new StringBuilder();
        for (Tensor x : inputs) sb.append(sb.isEmpty() ? "" : ", ").append(Arrays.toString(x.shape()));
        return sb.toString();
    }
}
