package dev.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tapegrad.Autograd;
import dev.tapegrad.DType;
import dev.tapegrad.Tensor;
import org.junit.jupiter.api.Test;

/**
 * {@link Losses#klDiv} with zero target probabilities (0, or −∞ as a log target) follows x·log x = 0: those
 * elements add 0 to the value and the gradient, even under anomaly mode and with a −∞ input there, and the
 * other elements give the plain formula p·(log p − log q).
 */
class KlDivZeroTargetTest {
    static final double NEG_INF = Double.NEGATIVE_INFINITY;

    @Test
    void zeroTargetProbabilitiesContributeNothing() {
        double[] logQ = {-0.5, -1.5, -2.0, NEG_INF};
        double[] p = {0.5, 0.25, 0.0, 0.0};
        double[] logP = {Math.log(0.5), Math.log(0.25), NEG_INF, NEG_INF};
        // expected: Σ over p > 0 of p·(log p − log q); d/d(log q) = −p; d/d(log p) = p·(log p − log q) + p (log target)
        double value = 0.5 * (Math.log(0.5) + 0.5) + 0.25 * (Math.log(0.25) + 1.5);
        double[] gradInput = {-0.5, -0.25, 0, 0};
        double[] gradLogTarget = {0.5 * (Math.log(0.5) + 0.5) + 0.5, 0.25 * (Math.log(0.25) + 1.5) + 0.25, 0, 0};
        for (DType dtype : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            double tol = dtype == DType.FLOAT64 ? 1e-15 : 1e-6;
            for (boolean logTarget : new boolean[] {true, false}) {
                try (var anomaly = Autograd.detectAnomaly()) {
                    Tensor x = Tensor.of(logQ).to(dtype).requiresGrad(true);
                    Tensor t = Tensor.of(logTarget ? logP : p).to(dtype).requiresGrad(true);
                    Tensor loss = Losses.klDiv(x, t, logTarget, Reduction.SUM);
                    String what = dtype + " logTarget=" + logTarget;
                    assertEquals(value, loss.item(), tol, what);
                    Tensor[] g = Autograd.grad(loss, new Tensor[] {x, t});
                    double[] gx = g[0].toDoubleArray(), gt = g[1].toDoubleArray();
                    for (int i = 0; i < 4; i++) {
                        assertEquals(gradInput[i], gx[i], tol, what + " d/dinput " + i);
                        if (logTarget) assertEquals(gradLogTarget[i], gt[i], tol, what + " d/dtarget " + i);
                        else if (i >= 2) assertEquals(0.0, gt[i], what + " d/dtarget " + i);
                    }
                }
            }
        }
    }
}
