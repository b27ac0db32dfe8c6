package dev.tapegrad;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.Function;

/**
 * A minimal central-difference check for tests written before the property harness existed: compares
 * the analytic gradient of sum(f(x) * c) for a fixed cotangent c with (F(x + h·eᵢ) − F(x − h·eᵢ)) / 2h.
 * Prefer {@code dev.tapegrad.check.GradCheck} in new tests.
 */
final class NumericGrad {
    private NumericGrad() {}

    /** Checks every coordinate of x (float64) for f, with cotangent drawn from a fixed seed. */
    static void check(Function<Tensor, Tensor> f, Tensor x, double tol) {
        Tensor leaf = x.detach().to(DType.FLOAT64).contiguous().requiresGrad(true);
        Tensor out = f.apply(leaf);
        Tensor c = Tensor.randn(new Generator(7), DType.FLOAT64, out.shape());
        out.mul(c).sum().backward();
        double[] analytic = leaf.grad().toDoubleArray();
        double[] base = leaf.toDoubleArray();
        double h = 1e-6;
        for (int i = 0; i < base.length; i++) {
            double[] plus = base.clone(), minus = base.clone();
            plus[i] += h;
            minus[i] -= h;
            double fp, fm;
            try (var s = Autograd.noGrad()) {
                fp = f.apply(Tensor.of(plus, leaf.shape())).mul(c).sum().item();
                fm = f.apply(Tensor.of(minus, leaf.shape())).mul(c).sum().item();
            }
            double numeric = (fp - fm) / (2 * h);
            assertEquals(numeric, analytic[i], tol * (1 + Math.abs(numeric)), "coordinate " + i);
        }
    }
}
