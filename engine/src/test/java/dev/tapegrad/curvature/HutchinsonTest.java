package dev.tapegrad.curvature;

import static org.junit.jupiter.api.Assertions.*;

import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Hutchinson's trace and diagonal estimators: exact where the variance is zero, within their errors elsewhere. */
class HutchinsonTest {

    @Test
    void aDiagonalHessianIsEstimatedExactlyWithZeroError() {
        // L = Σ cᵢ·wᵢ² / 2 has H = diag(c): every Rademacher probe gives zᵢ(Hz)ᵢ = cᵢ
        Tensor c = Tensor.of(new double[] {1, -2, 3, 0.5, 7});
        Map<String, Tensor> params = Map.of("w", Tensor.of(new double[] {1, 2, 3, 4, 5}).requiresGrad(true));
        HessianOperator h = HessianOperator.of(params, () -> params.get("w").square().mul(c).sum().mul(0.5));
        Hutchinson.DiagonalEstimate d = Hutchinson.diagonal(new Generator(1), h, 4);
        assertArrayEquals(c.toDoubleArray(), d.estimate().toArray(), 1e-14);
        assertArrayEquals(new double[5], d.standardError().toArray(), 1e-14);
        Hutchinson.TraceEstimate t = Hutchinson.trace(new Generator(1), h, 4);
        assertEquals(9.5, t.estimate(), 1e-13);
        assertEquals(0, t.standardError(), 1e-13);
    }

    @Test
    void traceOfAnMlpHessianIsWithinItsStandardError() {
        Generator gen = new Generator(51);
        Problems.Problem p = Problems.mlp(gen, 3, 5, 3, 12);
        HessianOperator h = p.operator();
        double[][] dense = Problems.denseHessian(h);
        int n = dense.length;
        double trace = 0, offDiagonal = 0;
        for (int i = 0; i < n; i++) {
            trace += dense[i][i];
            for (int j = 0; j < n; j++) if (i != j) offDiagonal += dense[i][j] * dense[i][j];
        }
        int probes = 400;
        Hutchinson.TraceEstimate t = Hutchinson.trace(new Generator(6), h, probes);
        assertEquals(probes, t.probes());
        assertTrue(Math.abs(t.estimate() - trace) <= 3 * t.standardError(), t.estimate() + " vs " + trace + " ± " + t.standardError());
        // the reported error agrees with the theory: Var(zᵀHz) = 2·Σ_{i≠j} H_ij²
        double theory = Math.sqrt(2 * offDiagonal / probes);
        assertEquals(1, t.standardError() / theory, 0.25, "standard error " + t.standardError() + " vs theory " + theory);
        assertTrue(theory < 0.2 * Math.abs(trace), "the check is sharp: the error is small against the trace");
    }

    @Test
    void diagonalOfAnMlpHessianIsWithinItsStandardErrors() {
        Generator gen = new Generator(52);
        Problems.Problem p = Problems.mlp(gen, 3, 5, 3, 12);
        HessianOperator h = p.operator();
        double[][] dense = Problems.denseHessian(h);
        int n = dense.length;
        Hutchinson.DiagonalEstimate d = Hutchinson.diagonal(new Generator(7), h, 300);
        double sumZ2 = 0;
        int within3 = 0, nonzeroVariance = 0;
        for (int i = 0; i < n; i++) {
            double se = d.standardError().get(i), err = d.estimate().get(i) - dense[i][i];
            if (se == 0) { // a row with no off-diagonal entries is estimated exactly
                assertEquals(dense[i][i], d.estimate().get(i), 1e-12);
                continue;
            }
            nonzeroVariance++;
            double z = err / se;
            sumZ2 += z * z;
            if (Math.abs(z) <= 3) within3++;
            assertTrue(Math.abs(z) <= 4.5, "entry " + i + ": " + d.estimate().get(i) + " vs " + dense[i][i] + " ± " + se);
        }
        // standardised errors behave like N(0, 1): mean square near 1, almost all within 3
        assertEquals(1, sumZ2 / nonzeroVariance, 0.5, "mean squared z-score");
        assertTrue(within3 >= nonzeroVariance - 1, within3 + " of " + nonzeroVariance + " within 3 standard errors");
    }

    @Test
    void probesMustBePositive() {
        Problems.Problem p = Problems.quadratic(new Generator(53), new double[] {1, 2, 3}, 1, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Hutchinson.trace(new Generator(1), p.operator(), 0));
        assertTrue(e.getMessage().contains("probes"), e.getMessage());
        assertTrue(Double.isNaN(Hutchinson.trace(new Generator(1), p.operator(), 1).standardError()));
    }
}
