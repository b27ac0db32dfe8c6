package dev.tapegrad.examples;

import dev.tapegrad.Autograd;
import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;

/**
 * Higher-order gradients: a Hessian-vector product H·v without forming H.
 *
 * <p>Because every backward rule is written with ordinary tensor ops, the backward pass itself can be recorded
 * ({@code createGraph = true}) and differentiated again. For a scalar f, H·v = ∇ₓ⟨∇f(x), v⟩: one gradient with
 * the graph kept, a dot product with v, one more gradient. It costs about two gradients for any size of x.
 *
 * <p>The function here is f(x) = ¼·Σᵢ xᵢ⁴ + ½·(a·x)², whose gradient is x³ + (a·x)·a and whose Hessian is
 * H = diag(3x²) + a·aᵀ, so the closed form is H·v = 3x²⊙v + (a·v)·a.
 */
public final class HessianVectorProduct {
    private HessianVectorProduct() {}

    /**
     * The three ways of getting H·v.
     *
     * @param byHvp        {@link Autograd#hvp}
     * @param byGradOfGrad two calls of {@link Autograd#grad(Tensor, Tensor[], Tensor, boolean, boolean)}, by hand
     * @param closedForm   3x²⊙v + (a·v)·a
     */
    public record Result(Tensor byHvp, Tensor byGradOfGrad, Tensor closedForm) {}

    /** Runs the example with its default sizes and prints what it computes. */
    public static void main(String[] args) {
        run(5, 7, true);
    }

    /** H·v for random x, a, v of size n (float64) from the seed. */
    public static Result run(int n, long seed, boolean verbose) {
        Generator gen = new Generator(seed);
        Tensor x = Tensor.randn(gen, DType.FLOAT64, n);
        Tensor a = Tensor.randn(gen, DType.FLOAT64, n);
        Tensor v = Tensor.randn(gen, DType.FLOAT64, n);

        // 1. The library call.
        Tensor byHvp = Autograd.hvp(p -> f(p, a), x, v);

        // 2. The same thing by hand: grad with createGraph, dot with v, grad again.
        Tensor leaf = x.detach().requiresGrad(true);
        Tensor g = Autograd.grad(f(leaf, a), new Tensor[] {leaf}, null, true, true)[0]; // ∇f, itself on the tape
        Tensor gv = g.mul(v).sum();                                                      // ⟨∇f, v⟩
        Tensor byHand = Autograd.grad(gv, new Tensor[] {leaf})[0];                       // ∇⟨∇f, v⟩ = H·v

        // 3. The closed form.
        Tensor closed = x.square().mul(3).mul(v).add(a.mul(a.mul(v).sum()));

        if (verbose) {
            System.out.println("f(x) = 1/4 sum x^4 + 1/2 (a.x)^2,  H = diag(3x^2) + a a^T");
            System.out.println("Autograd.hvp   " + byHvp);
            System.out.println("grad of grad   " + byHand);
            System.out.println("closed form    " + closed);
            System.out.println("max |hvp - closed| = " + byHvp.sub(closed).abs().max().item());
        }
        return new Result(byHvp, byHand, closed);
    }

    /** f(x) = ¼·Σ x⁴ + ½·(a·x)². */
    static Tensor f(Tensor x, Tensor a) {
        return x.pow(4).sum().div(4).add(a.mul(x).sum().square().div(2));
    }
}
