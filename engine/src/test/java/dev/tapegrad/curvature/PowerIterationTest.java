package dev.tapegrad.curvature;

import static org.junit.jupiter.api.Assertions.*;

import dev.tapegrad.Generator;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Power iteration with deflation against known spectra and dense Hessians. */
class PowerIterationTest {

    /** 10, 8, 6.5 above a bulk of 27 values in [−1, 3]. */
    static double[] spectrumWithOutliers(Generator gen, int n) {
        double[] s = new double[n];
        s[0] = 10;
        s[1] = 8;
        s[2] = 6.5;
        for (int i = 3; i < n; i++) s[i] = -1 + 4 * gen.nextDouble();
        return s;
    }

    @Test
    void topThreeOfAQuadraticWithKnownSpectrum() {
        Generator gen = new Generator(21);
        Problems.Problem p = Problems.quadratic(gen, spectrumWithOutliers(gen, 30), 4, 5);
        List<Eigenpair> top = PowerIteration.top(new Generator(1), p.operator(), 3);
        double[] expected = {10, 8, 6.5};
        for (int i = 0; i < 3; i++) {
            Eigenpair e = top.get(i);
            assertTrue(e.converged(), "pair " + i + " converged");
            assertTrue(Problems.rel(e.value(), expected[i]) < 1e-8, "λ" + i + " = " + e.value());
            // the vector is an eigenvector of A itself: ‖A·u − λu‖ small
            double[] au = Problems.times(p.hessian(), e.vector().toArray());
            double r = 0;
            for (int k = 0; k < au.length; k++) r += Math.pow(au[k] - e.value() * e.vector().get(k), 2);
            assertTrue(Math.sqrt(r) < 1e-5 * expected[i], "residual " + Math.sqrt(r));
            assertEquals(1, e.vector().norm(), 1e-12);
        }
        assertEquals(0, top.get(0).vector().dot(top.get(1).vector()), 1e-6);
    }

    @Test
    void topEigenvaluesOfAnMlpHessianMatchTheDenseHessian() {
        Generator gen = new Generator(22);
        Problems.Problem p = Problems.mlp(gen, 3, 5, 3, 12);
        HessianOperator h = p.operator();
        double[] eig = Problems.eigenvalues(Problems.denseHessian(h));
        double[] byMagnitude = Arrays.stream(eig).boxed().sorted((a, b) -> Double.compare(Math.abs(b), Math.abs(a)))
                .mapToDouble(Double::doubleValue).toArray();
        List<Eigenpair> top = PowerIteration.top(new Generator(2), h, 2,
                PowerIteration.Options.DEFAULT.withMaxIterations(20_000).withTolerance(1e-7));
        for (int i = 0; i < 2; i++) {
            assertTrue(top.get(i).converged(), "pair " + i + " after " + top.get(i).iterations());
            assertTrue(Problems.rel(top.get(i).value(), byMagnitude[i]) < 1e-8,
                    "λ" + i + ": " + top.get(i).value() + " vs dense " + byMagnitude[i]);
        }
    }

    @Test
    void sameSeedSameBitsAndUnconvergedRunsSayso() {
        Generator gen = new Generator(23);
        Problems.Problem p = Problems.quadratic(gen, spectrumWithOutliers(gen, 30), 4, 5);
        Eigenpair a = PowerIteration.top(new Generator(9), p.operator(), 1).get(0);
        Eigenpair b = PowerIteration.top(new Generator(9), p.operator(), 1).get(0);
        assertEquals(a.value(), b.value(), 0);
        assertArrayEquals(a.vector().toArray(), b.vector().toArray(), 0);
        Eigenpair few = PowerIteration.top(new Generator(9), p.operator(), 1,
                PowerIteration.Options.DEFAULT.withMaxIterations(3)).get(0);
        assertFalse(few.converged());
        assertEquals(3, few.iterations());
        assertThrows(IllegalArgumentException.class, () -> PowerIteration.top(new Generator(1), p.operator(), 0));
        assertThrows(IllegalArgumentException.class, () -> PowerIteration.Options.DEFAULT.withTolerance(0));
    }

    @Test
    void anUnconvergedPairIsConsistent() {
        // 10 and 9.5 on top: five iterations are far from converged; the returned value and residual must still
        // be the Rayleigh quotient and residual of the returned vector
        Generator gen = new Generator(23);
        double[] spectrum = spectrumWithOutliers(gen, 20);
        spectrum[1] = 9.5;
        Problems.Problem p = Problems.quadratic(gen, spectrum, 4, 5);
        Eigenpair e = PowerIteration.top(new Generator(5), p.operator(), 1,
                PowerIteration.Options.DEFAULT.withMaxIterations(5)).get(0);
        assertFalse(e.converged());
        assertEquals(5, e.iterations());
        double[] u = e.vector().toArray();
        double[] au = Problems.times(p.hessian(), u);
        double rayleigh = 0;
        for (int k = 0; k < u.length; k++) rayleigh += u[k] * au[k];
        double r = 0;
        for (int k = 0; k < u.length; k++) r += Math.pow(au[k] - e.value() * u[k], 2);
        assertEquals(rayleigh, e.value(), 1e-12 * Math.abs(rayleigh), "value = uᵀAu");
        assertEquals(Math.sqrt(r), e.residual(), 1e-10, "residual = ‖Au − λu‖");
        assertEquals(1, e.vector().norm(), 1e-12);
    }
}
