package dev.tapegrad.examples;

import dev.tapegrad.Autograd;
import dev.tapegrad.Tensor;

/**
 * {@code backward}, {@code .grad}, and what the tape recorded.
 *
 * <p>Every op on a tensor that requires grad appends a node to the tape: the op's name, its inputs and a rule
 * mapping the output's gradient to the inputs' gradients. {@link Tensor#backward()} walks the tape from the
 * end (reverse mode) and accumulates ∂loss/∂leaf into each leaf's {@link Tensor#grad()}.
 *
 * <p>Here loss = Σᵢ (xᵢ·yᵢ + sin xᵢ), so ∂loss/∂x = y + cos x and ∂loss/∂y = x. Intermediate (non-leaf)
 * tensors do not keep their gradients unless asked with {@link Tensor#retainGrad()}; for z = x·y,
 * ∂loss/∂z = 1. Inside {@link Autograd#noGrad()} nothing is recorded (inference, optimizer updates).
 */
public final class BackwardAndTape {
    private BackwardAndTape() {}

    /**
     * What backward produced.
     *
     * @param x             the leaf x
     * @param y             the leaf y
     * @param gradX         x.grad after backward (should be y + cos x)
     * @param gradY         y.grad (should be x)
     * @param gradZ         the retained gradient of z = x·y (should be ones)
     * @param tapeOps       gradFnName of z, of sin x, of their sum and of the loss
     * @param noGradRecords whether an op inside noGrad() produced a tensor that requires grad
     */
    public record Result(Tensor x, Tensor y, Tensor gradX, Tensor gradY, Tensor gradZ, String[] tapeOps,
                         boolean noGradRecords) {}

    /** Runs the example with its default sizes and prints what it computes. */
    public static void main(String[] args) {
        run(new double[] {0.0, 0.5, 1.0}, new double[] {2.0, -1.0, 3.0}, true);
    }

    /** Builds loss = Σ(x·y + sin x) from the given values, back-propagates, and reports. */
    public static Result run(double[] xs, double[] ys, boolean verbose) {
        // Leaves: tensors we want gradients for.
        Tensor x = Tensor.of(xs, xs.length).requiresGrad(true);
        Tensor y = Tensor.of(ys, ys.length).requiresGrad(true);

        // The forward pass; each line records one node on the tape.
        Tensor z = x.mul(y).retainGrad(); // keep z's gradient although z is not a leaf
        Tensor s = x.sin();
        Tensor sum = z.add(s);
        Tensor loss = sum.sum();
        String[] ops = {z.gradFnName(), s.gradFnName(), sum.gradFnName(), loss.gradFnName()};
        if (verbose) {
            System.out.println("loss = " + loss.item() + "  (x is a leaf: " + x.isLeaf() + ", gradFn of x: " + x.gradFnName() + ")");
            System.out.println("tape, in recording order: " + String.join(" -> ", ops));
        }

        loss.backward(); // reverse mode: fills x.grad, y.grad and (retained) z.grad

        if (verbose) {
            System.out.println("x.grad = " + x.grad() + "   expected y + cos x = " + y.detach().add(x.detach().cos()));
            System.out.println("y.grad = " + y.grad() + "   expected x = " + x.detach());
            System.out.println("z.grad = " + z.grad() + "   (retained; d loss / d z = 1)");
        }

        // No-grad scope: nothing is recorded, the result is a plain tensor.
        boolean recorded;
        try (var scope = Autograd.noGrad()) {
            Tensor w = x.mul(2);
            recorded = w.requiresGrad();
            if (verbose) System.out.println("inside noGrad(): x*2 requiresGrad = " + recorded + ", gradFn = " + w.gradFnName());
        }
        return new Result(x, y, x.grad(), y.grad(), z.grad(), ops, recorded);
    }
}
