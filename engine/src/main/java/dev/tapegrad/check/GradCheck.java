package dev.tapegrad.check;

import dev.tapegrad.Autograd;
import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Checks analytic gradients (the vector-Jacobian products computed by backward) against central
 * differences, in float64.
 *
 * <p>For f: (x₀, ..., xₙ₋₁) ↦ y, a random cotangent c (of y's shape) and the analytic gradients
 * gᵢ = Jᵢᵀc from {@link Autograd#grad(Tensor, Tensor[], Tensor, boolean, boolean)}, two checks are
 * available (see {@link Mode}):
 * <ul>
 * <li><b>elementwise</b>: for every element j of every input i, the numerical value
 *     ⟨c, (f(x + ε·eᵢⱼ) − f(x − ε·eᵢⱼ)) / 2ε⟩ must match (gᵢ)ⱼ; a failure names the input, the element's
 *     multi-index and both values. Costs two evaluations of f per input element.</li>
 * <li><b>directional</b> (JAX's {@code check_grads}): for a random tangent tᵢ of each input, the identity
 *     ⟨Jᵢᵀc, tᵢ⟩ = ⟨c, Jᵢtᵢ⟩ with Jᵢtᵢ ≈ (f(.., xᵢ + εtᵢ, ..) − f(.., xᵢ − εtᵢ, ..)) / 2ε. Costs two evaluations
 *     per input and direction, whatever the size, and catches nearly every wrong rule.</li>
 * </ul>
 * A pair (numerical n, analytic a) passes when |a − n| ≤ atol + rtol·|n|. The defaults follow PyTorch's
 * gradcheck: ε = 10⁻⁶, atol = 10⁻⁵, rtol = 10⁻³. Random directions come from {@link Options#seed()}, so a check
 * is deterministic. Inputs and outputs must be float64 (float32 central differences are too noisy).
 *
 * <p>{@link #checkSecondOrder} checks the gradient function itself (PyTorch's gradgradcheck): the map
 * (x, c) ↦ Jᵀc, built with {@code createGraph = true}, is checked the same way, which verifies that the
 * backward rules are themselves correctly differentiable (Hessian-vector products, gradient penalties).
 *
 * <pre>{@code
 * GradCheck.check(x -> x.tanh().mul(x), x);                                  // one input
 * GradCheck.check(xs -> xs.get(0).mul(xs.get(1)).exp(), List.of(a, b));       // several inputs
 * GradCheck.checkSecondOrder(x -> x.sigmoid(), x, GradCheck.Options.DEFAULT.withMode(GradCheck.Mode.DIRECTIONAL));
 * }</pre>
 * Each method returns a {@link Report} and throws {@link GradCheckFailure} (an {@link AssertionError}) when
 * a check fails.
 */
public final class GradCheck {
    private GradCheck() {}

    /** Which comparison to run. */
    public enum Mode {
        /** Elementwise when the inputs have at most {@link Options#elementwiseLimit()} elements in total, else directional. */
        AUTO,
        /** Every input element separately: precise diagnosis, cost proportional to the input size. */
        ELEMENTWISE,
        /** {@link Options#directions()} random directions per input: cheap for large inputs. */
        DIRECTIONAL
    }

    /**
     * Tolerances and settings.
     *
     * @param eps              the central-difference step ε
     * @param atol             absolute tolerance
     * @param rtol             relative tolerance (relative to the numerical value)
     * @param mode             elementwise, directional, or chosen by size
     * @param directions       random (cotangent, tangent) pairs per input in directional mode
     * @param elementwiseLimit total input elements up to which {@link Mode#AUTO} checks elementwise
     * @param seed             seed of the random cotangents and tangents
     * @param transposeRtol    relative tolerance of {@link JvpCheck}'s transpose identity ⟨u, J·v⟩ = ⟨Jᵀ·u, v⟩:
     *                         rounding only, 1e-10 for float64 arithmetic; coarser for an op that rounds to
     *                         float32 (the two sides then round different vectors)
     */
    public record Options(double eps, double atol, double rtol, Mode mode, int directions, int elementwiseLimit,
                          long seed, double transposeRtol) {
        /** ε = 1e-6, atol = 1e-5, rtol = 1e-3, AUTO with 256 elements, 2 directions, seed 0, transpose rtol 1e-10. */
        public static final Options DEFAULT = new Options(1e-6, 1e-5, 1e-3, Mode.AUTO, 2, 256, 0);

        /** Validates the settings. */
        public Options {
            if (!(eps > 0) || !(atol >= 0) || !(rtol >= 0) || mode == null || directions < 1 || elementwiseLimit < 0
                    || !(transposeRtol >= 0)) {
                throw new IllegalArgumentException("GradCheck.Options: need eps > 0, atol >= 0, rtol >= 0, a mode,"
                        + " directions >= 1, elementwiseLimit >= 0, transposeRtol >= 0; got eps " + eps + ", atol " + atol
                        + ", rtol " + rtol + ", mode " + mode + ", directions " + directions + ", elementwiseLimit "
                        + elementwiseLimit + ", transposeRtol " + transposeRtol);
            }
        }

        /** Settings with the transpose identity checked to float64 rounding (1e-10 relative). */
        public Options(double eps, double atol, double rtol, Mode mode, int directions, int elementwiseLimit, long seed) {
            this(eps, atol, rtol, mode, directions, elementwiseLimit, seed, 1e-10);
        }

        /** These options with another step ε. */
        public Options withEps(double e) { return new Options(e, atol, rtol, mode, directions, elementwiseLimit, seed, transposeRtol); }
        /** These options with another absolute tolerance. */
        public Options withAtol(double a) { return new Options(eps, a, rtol, mode, directions, elementwiseLimit, seed, transposeRtol); }
        /** These options with another relative tolerance. */
        public Options withRtol(double r) { return new Options(eps, atol, r, mode, directions, elementwiseLimit, seed, transposeRtol); }
        /** These options with another mode. */
        public Options withMode(Mode m) { return new Options(eps, atol, rtol, m, directions, elementwiseLimit, seed, transposeRtol); }
        /** These options with another number of random directions. */
        public Options withDirections(int d) { return new Options(eps, atol, rtol, mode, d, elementwiseLimit, seed, transposeRtol); }
        /** These options with another size limit for {@link Mode#AUTO}'s elementwise check. */
        public Options withElementwiseLimit(int n) { return new Options(eps, atol, rtol, mode, directions, n, seed, transposeRtol); }
        /** These options with another seed for the random cotangents and tangents. */
        public Options withSeed(long s) { return new Options(eps, atol, rtol, mode, directions, elementwiseLimit, s, transposeRtol); }
        /** These options with another relative tolerance for the JVP–VJP transpose identity. */
        public Options withTransposeRtol(double r) { return new Options(eps, atol, rtol, mode, directions, elementwiseLimit, seed, r); }
    }

    /**
     * What a passing check did.
     *
     * @param what        "first order, elementwise" and the like
     * @param checks      number of (numerical, analytic) pairs compared
     * @param maxAbsError max |a − n| over the pairs
     * @param maxRelError max |a − n| / max(|a|, |n|) over the pairs (0 when both are 0)
     */
    public record Report(String what, int checks, double maxAbsError, double maxRelError) {}

    // ---------------------------------------------------------------- first order

    /** Checks the gradient of a function of one float64 tensor with default options. */
    public static Report check(Function<Tensor, Tensor> f, Tensor x) {
        return check(f, x, Options.DEFAULT);
    }

    /** Checks the gradient of a function of one float64 tensor. */
    public static Report check(Function<Tensor, Tensor> f, Tensor x, Options options) {
        return check(xs -> f.apply(xs.getFirst()), List.of(x), options);
    }

    /** Checks the gradients of a function of several float64 tensors with default options. */
    public static Report check(Function<List<Tensor>, Tensor> f, List<Tensor> inputs) {
        return check(f, inputs, Options.DEFAULT);
    }

    /** Checks the gradients of f with respect to each of its float64 inputs. */
    public static Report check(Function<List<Tensor>, Tensor> f, List<Tensor> inputs, Options options) {
        return run("first order", single(f), single(f), inputs, names(inputs.size()), options);
    }

    /**
     * Checks the backward of {@code f} against central differences of another function {@code reference}:
     * for a custom op whose forward is not differentiable but whose backward stands for the derivative of a
     * known function (a straight-through estimator of {@code round} checked against the identity, a
     * surrogate gradient against a smooth approximation).
     */
    public static Report checkAgainst(Function<List<Tensor>, Tensor> f, Function<List<Tensor>, Tensor> reference,
                                      List<Tensor> inputs, Options options) {
        return run("first order, against a reference function", single(f), single(reference), inputs,
                names(inputs.size()), options);
    }

    /** {@link #checkAgainst(Function, Function, List, Options)} for one input and default options. */
    public static Report checkAgainst(Function<Tensor, Tensor> f, Function<Tensor, Tensor> reference, Tensor x) {
        return checkAgainst(xs -> f.apply(xs.getFirst()), xs -> reference.apply(xs.getFirst()), List.of(x),
                Options.DEFAULT);
    }

    // ---------------------------------------------------------------- second order

    /** Checks the second derivatives of a function of one float64 tensor with default options. */
    public static Report checkSecondOrder(Function<Tensor, Tensor> f, Tensor x) {
        return checkSecondOrder(f, x, Options.DEFAULT);
    }

    /** Checks the second derivatives of a function of one float64 tensor. */
    public static Report checkSecondOrder(Function<Tensor, Tensor> f, Tensor x, Options options) {
        return checkSecondOrder(xs -> f.apply(xs.getFirst()), List.of(x), options);
    }

    /** Checks the second derivatives of a function of several float64 tensors with default options. */
    public static Report checkSecondOrder(Function<List<Tensor>, Tensor> f, List<Tensor> inputs) {
        return checkSecondOrder(f, inputs, Options.DEFAULT);
    }

    /**
     * Checks the gradient function G(x₀, ..., xₙ₋₁, c) = (J₀ᵀc, ..., Jₙ₋₁ᵀc) of f, computed by backward with
     * {@code createGraph = true}, against central differences of G, with respect to every xᵢ and to the
     * cotangent c (a fixed random tensor of f's output shape). Failures name "input i" or "cotangent".
     */
    public static Report checkSecondOrder(Function<List<Tensor>, Tensor> f, List<Tensor> inputs, Options options) {
        int n = inputs.size();
        requireFloat64(inputs, names(n));
        Tensor y;
        try (var scope = Autograd.noGrad()) {
            y = f.apply(inputs.stream().map(Tensor::detach).toList());
        }
        Tensor c = Tensor.randn(new Generator(options.seed() ^ 0x5EC0_0D0DL), DType.FLOAT64, y.shape());
        List<Tensor> withCotangent = new ArrayList<>(inputs);
        withCotangent.add(c);
        List<String> names = new ArrayList<>(names(n));
        names.add("cotangent");
        Function<List<Tensor>, List<Tensor>> g = args -> gradientFunction(f, args);
        return run("second order", g, g, withCotangent, names, options);
    }

    /** G(x, c) = Jᵀc by backward with createGraph, so that G's outputs are differentiable in x and c. */
    private static List<Tensor> gradientFunction(Function<List<Tensor>, Tensor> f, List<Tensor> args) {
        int n = args.size() - 1;
        Tensor[] xs = new Tensor[n];
        for (int i = 0; i < n; i++) {
            Tensor a = args.get(i);
            xs[i] = a.requiresGrad() ? a : a.detach().requiresGrad(true);
        }
        try (var scope = Autograd.enableGrad()) {
            Tensor out = f.apply(List.of(xs));
            if (!out.requiresGrad()) return Arrays.stream(xs).map(x -> Tensor.zeros(DType.FLOAT64, x.shape())).toList();
            return List.of(Autograd.grad(out, xs, args.get(n), true, true));
        }
    }

    // ---------------------------------------------------------------- the check itself

    private static Function<List<Tensor>, List<Tensor>> single(Function<List<Tensor>, Tensor> f) {
        return xs -> List.of(f.apply(xs));
    }

    private static List<String> names(int n) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) names.add("input " + i);
        return names;
    }

    private static void requireFloat64(List<Tensor> inputs, List<String> names) {
        for (int i = 0; i < inputs.size(); i++) {
            Tensor t = inputs.get(i);
            if (t == null) throw new IllegalArgumentException("GradCheck: " + names.get(i) + " is null");
            if (t.dtype() != DType.FLOAT64) {
                throw new IllegalArgumentException("GradCheck: " + names.get(i) + " is " + t.dtype() + " "
                        + Arrays.toString(t.shape()) + "; gradient checks need float64 inputs (use x.to(DType.FLOAT64))");
            }
        }
    }

    /**
     * Compares VJPs of {@code analytic} with central differences of {@code numeric} (the same function
     * except in {@link #checkAgainst}). Both map the inputs to a list of float64 outputs.
     */
    private static Report run(String order, Function<List<Tensor>, List<Tensor>> analytic,
                              Function<List<Tensor>, List<Tensor>> numeric, List<Tensor> inputs, List<String> names,
                              Options o) {
        requireFloat64(inputs, names);
        int n = inputs.size();
        double[][] x = new double[n][];
        int[][] shapes = new int[n][];
        Tensor[] leaves = new Tensor[n];
        int total = 0;
        for (int i = 0; i < n; i++) {
            x[i] = inputs.get(i).toDoubleArray();
            shapes[i] = inputs.get(i).shape();
            leaves[i] = TensorGen.of(x[i], shapes[i]).requiresGrad(true);
            total += x[i].length;
        }
        List<Tensor> outs;
        try (var scope = Autograd.enableGrad()) {
            outs = analytic.apply(List.of(leaves));
        }
        int[][] outShapes = new int[outs.size()][];
        for (int k = 0; k < outs.size(); k++) {
            Tensor out = outs.get(k);
            if (out.dtype() != DType.FLOAT64) {
                throw new IllegalArgumentException("GradCheck: the function returned a " + out.dtype() + " output "
                        + Arrays.toString(out.shape()) + "; gradient checks need float64 outputs");
            }
            outShapes[k] = out.shape();
        }
        boolean elementwise = o.mode() == Mode.ELEMENTWISE || (o.mode() == Mode.AUTO && total <= o.elementwiseLimit());
        Comparison cmp = new Comparison(order + (elementwise ? ", elementwise" : ", directional"), o);
        Differences diff = new Differences(numeric, x, shapes, outShapes, o.eps());
        Generator rng = new Generator(o.seed());
        int rounds = elementwise ? 1 : o.directions();
        for (int d = 0; d < rounds; d++) {
            double[][] c = new double[outShapes.length][];
            for (int k = 0; k < c.length; k++) c[k] = normal(rng, outs.get(k).numel());
            double[][] g = vjp(outs, leaves, c, outShapes);
            for (int i = 0; i < n; i++) {
                if (elementwise) {
                    for (int j = 0; j < x[i].length; j++) {
                        double[] unit = new double[x[i].length];
                        unit[j] = 1;
                        cmp.add(diff.directional(i, unit, c), g[i][j], i, names.get(i), shapes[i],
                                Show.multiIndex(j, shapes[i]), -1);
                    }
                } else {
                    double[] t = normal(rng, x[i].length);
                    cmp.add(diff.directional(i, t, c), dot(g[i], t), i, names.get(i), shapes[i], null, d);
                }
            }
        }
        cmp.throwIfFailed(rounds);
        return cmp.report();
    }

    /** Σₖ Jᵀcₖ for each input, by backward (outputs that do not require grad contribute nothing). */
    private static double[][] vjp(List<Tensor> outs, Tensor[] leaves, double[][] c, int[][] outShapes) {
        double[][] g = new double[leaves.length][];
        for (int i = 0; i < leaves.length; i++) g[i] = new double[leaves[i].numel()];
        for (int k = 0; k < outs.size(); k++) {
            if (!outs.get(k).requiresGrad()) continue;
            Tensor[] gk = Autograd.grad(outs.get(k), leaves, TensorGen.of(c[k], outShapes[k]), true, false);
            for (int i = 0; i < leaves.length; i++) {
                double[] v = gk[i].toDoubleArray();
                for (int j = 0; j < v.length; j++) g[i][j] += v[j];
            }
        }
        return g;
    }

    /** Central differences of a function along one input. */
    private record Differences(Function<List<Tensor>, List<Tensor>> f, double[][] x, int[][] shapes, int[][] outShapes,
                               double eps) {
        /** ⟨c, (f(x + ε·t on input i) − f(x − ε·t on input i)) / 2ε⟩. */
        double directional(int i, double[] t, double[][] c) {
            double[][] plus = eval(i, t, eps), minus = eval(i, t, -eps);
            double s = 0;
            for (int k = 0; k < c.length; k++) {
                for (int j = 0; j < c[k].length; j++) s += c[k][j] * (plus[k][j] - minus[k][j]);
            }
            return s / (2 * eps);
        }

        private double[][] eval(int i, double[] t, double step) {
            List<Tensor> args = new ArrayList<>();
            for (int a = 0; a < x.length; a++) {
                double[] v = x[a];
                if (a == i) {
                    v = v.clone();
                    for (int j = 0; j < v.length; j++) v[j] += step * t[j];
                }
                args.add(TensorGen.of(v, shapes[a]));
            }
            List<Tensor> outs;
            try (var scope = Autograd.noGrad()) {
                outs = f.apply(args);
            }
            if (outs.size() != outShapes.length) {
                throw new IllegalStateException("GradCheck: the function returned " + outs.size() + " outputs, expected "
                        + outShapes.length);
            }
            double[][] values = new double[outs.size()][];
            for (int k = 0; k < values.length; k++) {
                if (!Arrays.equals(outs.get(k).shape(), outShapes[k])) {
                    throw new IllegalStateException("GradCheck: the output shape changed from "
                            + Arrays.toString(outShapes[k]) + " to " + Arrays.toString(outs.get(k).shape())
                            + " when an input was perturbed");
                }
                values[k] = outs.get(k).toDoubleArray();
            }
            return values;
        }
    }

    /** Accumulates comparisons: error statistics, number of mismatches and the worst one. */
    private static final class Comparison {
        private final String what;
        private final Options o;
        private int checks, failures;
        private double maxAbs, maxRel, worstExcess = -1;
        private GradCheckFailure.Mismatch worst;

        Comparison(String what, Options o) {
            this.what = what;
            this.o = o;
        }

        void add(double numeric, double analytic, int input, String name, int[] shape, int[] index, int direction) {
            checks++;
            double err = Math.abs(analytic - numeric);
            double scale = Math.max(Math.abs(analytic), Math.abs(numeric));
            maxAbs = Math.max(maxAbs, err);
            if (scale > 0) maxRel = Math.max(maxRel, err / scale);
            double tol = o.atol() + o.rtol() * Math.abs(numeric);
            if (err <= tol) return; // also false for NaN
            failures++;
            double excess = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err / tol;
            if (excess > worstExcess) {
                worstExcess = excess;
                worst = new GradCheckFailure.Mismatch(input, name, shape, index, direction, numeric, analytic);
            }
        }

        void throwIfFailed(int directions) {
            if (failures > 0) throw new GradCheckFailure(what, o, worst, failures, checks, directions);
        }

        Report report() {
            return new Report(what, checks, maxAbs, maxRel);
        }
    }

    private static double[] normal(Generator rng, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = rng.nextGaussian();
        return v;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
