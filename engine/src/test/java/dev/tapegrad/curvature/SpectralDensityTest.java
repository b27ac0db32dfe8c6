package dev.tapegrad.curvature;

import static org.junit.jupiter.api.Assertions.*;

import dev.tapegrad.Generator;
import org.junit.jupiter.api.Test;

/** Stochastic Lanczos quadrature: exact quadrature per probe, unbiased moments, a density that integrates right. */
class SpectralDensityTest {

    @Test
    void eachProbesQuadratureIsExactForLowDegreeMoments() {
        // For a probe v (‖v‖² = n), Σ τ²θᵏ = vᵀHᵏv / n for k ≤ 2m − 1: check k = 0..3 with m = 4 steps.
        Generator gen = new Generator(41);
        Problems.Problem p = Problems.mlp(gen, 3, 5, 3, 10);
        HessianOperator h = p.operator();
        double[][] dense = Problems.denseHessian(h);
        int n = h.layout().size();
        SpectralDensity d = SpectralDensity.estimate(new Generator(7), h, 3, 4);
        Generator same = new Generator(7); // replays the probes: one Rademacher vector per probe, in order
        for (int l = 0; l < 3; l++) {
            double[] v = ParamVector.rademacher(same, h.layout()).toArray();
            double[] hv = v.clone();
            for (int k = 0; k <= 3; k++) {
                double quad = 0;
                for (int i = 0; i < n; i++) quad += v[i] * hv[i];
                double expected = quad / n, scale = Math.max(1, Math.abs(expected));
                assertEquals(expected, d.probeMoment(l, k), 1e-10 * scale, "probe " + l + ", k = " + k);
                hv = Problems.times(dense, hv);
            }
        }
    }

    @Test
    void momentsEstimateTheTraceOfPowersWithinTheirStandardErrors() {
        // 120 probes on a 38-parameter MLP Hessian: tr(Hᵏ)/n for k = 1, 2 within 3 standard errors; the standard
        // errors are small against the moments, so the check has teeth.
        Generator gen = new Generator(42);
        Problems.Problem p = Problems.mlp(gen, 3, 5, 3, 12);
        HessianOperator h = p.operator();
        double[] eig = Problems.eigenvalues(Problems.denseHessian(h));
        SpectralDensity d = SpectralDensity.estimate(new Generator(8), h, 120, 4);
        for (int k = 1; k <= 2; k++) {
            double exact = Problems.spectralMoment(eig, k), se = d.momentStandardError(k);
            assertTrue(Math.abs(d.moment(k) - exact) <= 3 * se, "k = " + k + ": " + d.moment(k) + " vs " + exact + " ± " + se);
            assertTrue(se < 0.2 * Math.abs(exact), "standard error " + se + " against " + exact);
        }
        assertEquals(1, d.moment(0), 1e-12);
        assertTrue(d.maxNode() <= eig[eig.length - 1] * (1 + 1e-12) && Problems.rel(d.maxNode(), eig[eig.length - 1]) < 0.05,
                "the top node approaches λ_max from below: " + d.maxNode() + " vs " + eig[eig.length - 1]);
    }

    @Test
    void smoothedDensityIntegratesToOneWithTheRightMoments() {
        Generator gen = new Generator(43);
        double[] spectrum = PowerIterationTest.spectrumWithOutliers(gen, 30);
        Problems.Problem p = Problems.quadratic(gen, spectrum, 4, 5);
        SpectralDensity d = SpectralDensity.estimate(new Generator(9), p.operator(), 5, 10);
        double sigma = 0.2;
        double[][] grid = d.densityOnGrid(-4, 13, 3401, sigma);
        double dt = grid[0][1] - grid[0][0], m0 = 0, m1 = 0, m2 = 0;
        for (int i = 0; i < grid[0].length; i++) {
            double w = (i == 0 || i == grid[0].length - 1 ? 0.5 : 1) * dt * grid[1][i];
            m0 += w;
            m1 += w * grid[0][i];
            m2 += w * grid[0][i] * grid[0][i];
        }
        assertEquals(1, m0, 1e-9);
        assertEquals(d.moment(1), m1, 1e-9);
        assertEquals(d.moment(2) + sigma * sigma, m2, 1e-8);
        // outliers: each of 10, 8, 6.5 carries about 1/n of the mass; the bulk [−1, 3] nearly all of it
        double bulk = 0;
        double[] nodes = d.nodes(), weights = d.weights();
        for (int i = 0; i < nodes.length; i++) if (nodes[i] < 3.5) bulk += weights[i];
        assertTrue(bulk > 0.8, "bulk mass " + bulk);
        assertTrue(Problems.rel(d.maxNode(), 10) < 1e-8, "outlier " + d.maxNode());
    }

    @Test
    void sameSeedSameDensity() {
        Problems.Problem p = Problems.quadratic(new Generator(44), new double[] {3, 1, 2, 5, -1, 0.5}, 2, 2);
        SpectralDensity a = SpectralDensity.estimate(new Generator(5), p.operator(), 3, 4);
        SpectralDensity b = SpectralDensity.estimate(new Generator(5), p.operator(), 3, 4);
        assertArrayEquals(a.nodes(), b.nodes(), 0);
        assertArrayEquals(a.weights(), b.weights(), 0);
        assertThrows(IllegalArgumentException.class, () -> a.density(0, 0));
        assertThrows(IllegalArgumentException.class, () -> SpectralDensity.estimate(new Generator(1), p.operator(), 0, 3));
        for (int probe : new int[] {-1, 3}) {
            String m = assertThrows(IllegalArgumentException.class, () -> a.probeMoment(probe, 1)).getMessage();
            assertTrue(m.contains("probeMoment") && m.contains("[0, 3)") && m.contains("got " + probe), m);
        }
    }
}
