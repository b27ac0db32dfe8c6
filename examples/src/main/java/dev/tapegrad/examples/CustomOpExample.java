package dev.tapegrad.examples;

import dev.tapegrad.CustomOp;
import dev.tapegrad.Tensor;
import dev.tapegrad.check.GradCheck;
import dev.tapegrad.check.Property;
import dev.tapegrad.check.TensorGen;

/**
 * Writing an op with its own backward, and property-checking it.
 *
 * <p>The op is logcosh(x) = log(cosh x), a smooth |x| used as a robust loss. Written naively it overflows
 * (cosh 800 = ∞), so the forward uses the stable identity log cosh x = |x| + log1p(e^(−2|x|)) − log 2.
 * Rather than differentiating through |x| (fine, but it is the long way round), the backward says directly
 * d/dx log cosh x = tanh x, i.e. x̄ = ȳ·tanh x. Since that rule is made of ordinary ops, second derivatives
 * (1 − tanh² x) come for free.
 *
 * <p>How a user checks it: {@link GradCheck#check} compares the backward with central differences,
 * {@link GradCheck#checkSecondOrder} does the same for the backward's own gradient, and {@link Property}
 * repeats both over random shapes and values from {@link TensorGen}, shrinking any failure to a small case.
 * A value property (the op agrees with the naive formula where that does not overflow) is checked too.
 */
public final class CustomOpExample {
    private CustomOpExample() {}

    /** log cosh x, forward by the stable identity, backward ȳ·tanh x. */
    public static final CustomOp LOG_COSH = CustomOp.of("logcosh",
            in -> {
                Tensor ax = in[0].abs();
                return ax.add(ax.mul(-2).exp().log1p()).sub(Math.log(2));
            },
            (gradOut, in, out) -> new Tensor[] {gradOut.mul(in[0].tanh())});

    /**
     * What the checks found.
     *
     * @param tries       how many random tensors each property ran on (all passed, or run threw)
     * @param firstOrder  the report of one first-order check
     * @param secondOrder the report of one second-order check
     * @param largeInput  logcosh(800) (finite: ≈ 800 − log 2)
     */
    public record Result(int tries, GradCheck.Report firstOrder, GradCheck.Report secondOrder, double largeInput) {}

    /** Runs the example with its default sizes and prints what it computes. */
    public static void main(String[] args) {
        run(50, 1, true);
    }

    /**
     * Runs the checks on {@code tries} random float64 tensors from the seed.
     *
     * @throws dev.tapegrad.check.PropertyFailure with a shrunk counterexample if the op is wrong
     */
    public static Result run(int tries, long seed, boolean verbose) {
        // Gradients, first and second order, on random shapes (rank 0-3) and values in [-4, 4].
        Property.forAll(TensorGen.tensors(TensorGen.shapes(), TensorGen.values(-4, 4))).tries(tries).seed(seed)
                .check(x -> {
                    GradCheck.check(LOG_COSH::apply, x);
                    GradCheck.checkSecondOrder(LOG_COSH::apply, x);
                });
        // Values: agrees with the textbook formula log((eˣ + e⁻ˣ)/2) where that is safe.
        Property.forAll(TensorGen.tensors(TensorGen.shapes(), TensorGen.values(-10, 10))).tries(tries).seed(seed)
                .checkThat(x -> LOG_COSH.apply(x).allClose(x.exp().add(x.neg().exp()).div(2).log(), 1e-12, 1e-12));

        // One explicit check each, to print what a report looks like.
        Tensor x = Tensor.of(new double[] {-3, -0.5, 0, 0.5, 3}, 5);
        GradCheck.Report first = GradCheck.check(LOG_COSH::apply, x);
        GradCheck.Report second = GradCheck.checkSecondOrder(LOG_COSH::apply, x);
        double large = LOG_COSH.apply(Tensor.of(new double[] {800}, 1)).item();
        if (verbose) {
            System.out.println("logcosh passed " + tries + " random first- and second-order gradient checks and "
                    + tries + " value checks");
            System.out.println(first);
            System.out.println(second);
            System.out.println("logcosh(800) = " + large + " (the naive log(cosh 800) is " + Math.log(Math.cosh(800)) + ")");
        }
        return new Result(tries, first, second, large);
    }
}
