package dev.tapegrad.curvature;

import static org.junit.jupiter.api.Assertions.*;

import dev.tapegrad.Generator;
import org.junit.jupiter.api.Test;

/** Lanczos with full reorthogonalisation against known spectra and dense Hessians. */
class LanczosTest {

    @Test
    void nStepsRecoverTheWholeSpectrumOfAQuadratic() {
        Generator gen = new Generator(31);
        double[] spectrum = PowerIterationTest.spectrumWithOutliers(gen, 40);
        Problems.Problem p = Problems.quadratic(gen, spectrum, 5, 6);
        Lanczos.Result r = Lanczos.run(new Generator(1), p.operator(), 40);
        double[] sorted = spectrum.clone();
        java.util.Arrays.sort(sorted);
        assertEquals(40, r.steps());
        assertArrayEquals(sorted, r.ritzValues(), 1e-10);
        double w = 0;
        for (double x : r.weights()) w += x;
        assertEquals(1, w, 1e-12);
    }

    @Test
    void extremeEigenvaluesConvergeFirstWithRitzVectorsAndResiduals() {
        Generator gen = new Generator(32);
        double[] spectrum = PowerIterationTest.spectrumWithOutliers(gen, 60);
        Problems.Problem p = Problems.quadratic(gen, spectrum, 5, 10);
        Lanczos.Result r = Lanczos.run(new Generator(2), p.operator(), 30, Lanczos.Options.DEFAULT.withRitzVectors(true));
        int m = r.steps();
        assertEquals(30, m);
        assertTrue(Problems.rel(r.largest(), 10) < 1e-8, "λ_max " + r.largest());
        assertTrue(Problems.rel(r.ritzValues()[m - 2], 8) < 1e-8, "λ_2 " + r.ritzValues()[m - 2]);
        assertTrue(Problems.rel(r.ritzValues()[m - 3], 6.5) < 1e-8, "λ_3 " + r.ritzValues()[m - 3]);
        for (int i = 0; i < m; i++) { // the residual of each Ritz pair is the one Lanczos predicts
            ParamVector y = r.ritzVectors().get(i);
            assertEquals(1, y.norm(), 1e-10);
            double[] ay = Problems.times(p.hessian(), y.toArray());
            double res = 0;
            for (int k = 0; k < ay.length; k++) res += Math.pow(ay[k] - r.ritzValues()[i] * y.get(k), 2);
            assertEquals(r.ritzResiduals()[i], Math.sqrt(res), 1e-8, "Ritz pair " + i);
        }
        for (int i = 0; i < m; i++)
            for (int j = 0; j < i; j++) assertEquals(0, r.ritzVectors().get(i).dot(r.ritzVectors().get(j)), 1e-10);
    }

    @Test
    void fewDistinctEigenvaluesEndTheIterationEarlyAndExactly() {
        double[] spectrum = new double[24];
        for (int i = 0; i < 24; i++) spectrum[i] = i % 3 == 0 ? 4 : i % 3 == 1 ? -1 : 0.5;
        Problems.Problem p = Problems.quadratic(new Generator(33), spectrum, 4, 4);
        Lanczos.Result r = Lanczos.run(new Generator(3), p.operator(), 20);
        assertEquals(3, r.steps());
        assertEquals(0, r.residual());
        assertArrayEquals(new double[] {-1, 0.5, 4}, r.ritzValues(), 1e-12);
    }

    @Test
    void extremeEigenvaluesOfAnMlpHessianMatchTheDenseHessian() {
        Generator gen = new Generator(34);
        Problems.Problem p = Problems.mlp(gen, 3, 6, 3, 12);
        HessianOperator h = p.operator();
        int n = h.layout().size();
        double[] eig = Problems.eigenvalues(Problems.denseHessian(h));
        Lanczos.Result full = Lanczos.run(new Generator(4), h, n);
        assertTrue(Problems.rel(full.largest(), eig[n - 1]) < 1e-8, full.largest() + " vs " + eig[n - 1]);
        assertTrue(Problems.rel(full.smallest(), eig[0]) < 1e-8, full.smallest() + " vs " + eig[0]);
        Lanczos.Result part = Lanczos.run(new Generator(4), h, 25);
        assertTrue(Problems.rel(part.largest(), eig[n - 1]) < 1e-8, part.largest() + " vs " + eig[n - 1]);
    }

    @Test
    void badArgumentsAreRefused() {
        Problems.Problem p = Problems.quadratic(new Generator(35), new double[] {1, 2, 3, 4}, 1, 2);
        assertThrows(IllegalArgumentException.class, () -> Lanczos.run(new Generator(1), p.operator(), 0));
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> Lanczos.fromStart(p.operator(),
                ParamVector.zeros(p.operator().layout()), 3, Lanczos.Options.DEFAULT));
        assertTrue(zero.getMessage().contains("norm"), zero.getMessage());
    }

    @Test
    void theResultHandsOutCopies() {
        Problems.Problem p = Problems.quadratic(new Generator(61), new double[] {3, 1, 2, 5}, 1, 2);
        Lanczos.Result r = Lanczos.run(new Generator(2), p.operator(), 3);
        double top = r.largest(), a0 = r.alpha()[0], w0 = r.weights()[0];
        r.ritzValues()[r.steps() - 1] = 1e9;
        r.alpha()[0] = 1e9;
        r.weights()[0] = 1e9;
        r.beta()[0] = 1e9;
        r.ritzResiduals()[0] = 1e9;
        assertEquals(top, r.largest());
        assertEquals(a0, r.alpha()[0]);
        assertEquals(w0, r.weights()[0]);
        assertNotEquals(1e9, r.beta()[0]);
        assertNotEquals(1e9, r.ritzResiduals()[0]);
    }
}
