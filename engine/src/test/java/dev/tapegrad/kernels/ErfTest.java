package dev.tapegrad.kernels;

import static dev.tapegrad.kernels.KernelTestSupport.dtypeOf;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** erf: the scalar series/continued fraction and the vectorised Chebyshev form against known values. */
class ErfTest {
    /** Reference values of erf from tables (Abramowitz &amp; Stegun 7.1; verified with arbitrary precision). */
    private static final double[][] KNOWN = {
            {0.5, 0.5204998778130465}, {1.0, 0.8427007929497149}, {2.0, 0.9953222650189527},
            {-3.0, -0.9999779095030014}, {0.0, 0.0}};

    @Test
    void scalarErfMatchesKnownValues() {
        for (double[] kv : KNOWN) assertEquals(kv[1], ScalarMath.erf(kv[0]), 1e-15, "erf(" + kv[0] + ")");
    }

    @Test
    void vectorErfMatchesKnownValuesInBothPrecisions() {
        double[] x = new double[KNOWN.length];
        float[] xf = new float[KNOWN.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = KNOWN[i][0];
            xf[i] = (float) x[i];
        }
        double[] y = new double[x.length];
        float[] yf = new float[x.length];
        Elementwise.unary(dtypeOf(y), UnaryOp.ERF, new Strided(x, 0, new int[] {x.length}, new int[] {1}), y);
        Elementwise.unary(dtypeOf(yf), UnaryOp.ERF, new Strided(xf, 0, new int[] {x.length}, new int[] {1}), yf);
        for (int i = 0; i < x.length; i++) {
            assertEquals(KNOWN[i][1], y[i], 2e-15, "double erf(" + x[i] + ")");
            assertEquals(KNOWN[i][1], yf[i], 1.2e-7, "float erf(" + x[i] + ")");
        }
    }

    /**
     * Over a dense grid of [−7, 7] (every branch, the switch points 1 and XMAX, and the far tails), the vector
     * erf stays within 2e-7 relative (float, about 2 ulps) and 1e-14 relative (double) of the scalar erf, and is odd.
     */
    @Test
    void vectorErfIsAccurateEverywhere() {
        int half = 14000, n = 2 * half + 1;
        double[] x = new double[n];
        float[] xf = new float[n];
        for (int i = 0; i <= half; i++) {
            x[half + i] = 7.0 * i / half;
            x[half - i] = -x[half + i];
        }
        for (int i = 0; i < n; i++) xf[i] = (float) x[i];
        double[] y = new double[n];
        float[] yf = new float[n];
        Elementwise.unary(dtypeOf(y), UnaryOp.ERF, new Strided(x, 0, new int[] {n}, new int[] {1}), y);
        Elementwise.unary(dtypeOf(yf), UnaryOp.ERF, new Strided(xf, 0, new int[] {n}, new int[] {1}), yf);
        double worstD = 0, worstF = 0;
        for (int i = 0; i < n; i++) {
            double refD = ScalarMath.erf(x[i]), refF = ScalarMath.erf(xf[i]);
            if (refD != 0) worstD = Math.max(worstD, Math.abs(y[i] - refD) / Math.abs(refD));
            if (refF != 0) worstF = Math.max(worstF, Math.abs(yf[i] - refF) / Math.abs(refF));
            assertEquals(-y[i], y[n - 1 - i], 0.0, "odd at " + x[i]);
        }
        System.out.printf("erf max relative error: float %.3g, double %.3g%n", worstF, worstD);
        assertTrue(worstF < 2e-7, "float erf relative error " + worstF); // about 2 ulps
        assertTrue(worstD < 1e-14, "double erf relative error " + worstD);
    }

    @Test
    void vectorErfHandlesSpecialValues() {
        double[] x = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 1e-300, 30};
        double[] y = new double[x.length];
        Elementwise.unary(dtypeOf(y), UnaryOp.ERF, new Strided(x, 0, new int[] {x.length}, new int[] {1}), y);
        assertTrue(Double.isNaN(y[0]));
        assertEquals(1.0, y[1]);
        assertEquals(-1.0, y[2]);
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(y[3]));
        assertEquals(2 / Math.sqrt(Math.PI) * 1e-300, y[4], 1e-315);
        assertEquals(1.0, y[5]);
    }
}
