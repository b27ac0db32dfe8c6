package dev.tapegrad.kernels;

/**
 * Constants of the vectorised exp, expm1, tanh and log in {@code FloatKernels} / {@code DoubleKernels}, one
 * set per element type ({@code FLOAT_} and {@code DOUBLE_} names, so the generated double kernels pick
 * theirs). Polynomials are truncated Taylor series, computed here from their definitions; each is long
 * enough that its truncation error stays well below half an ulp on the reduced range.
 *
 * <ul>
 *   <li>exp: x = k·ln2 + r with |r| ≤ ln2/2 and k an integer, so eˣ = 2ᵏ·eʳ and eʳ − 1 = r·q(r) with
 *       q(r) = Σₙ rⁿ/(n+1)! (EXP_Q). ln2 is split into a high part with trailing zero bits and a low
 *       remainder (Cody and Waite) so that r keeps full precision.</li>
 *   <li>log: x = 2ᵉ·m with m ∈ [√½, √2), s = (m − 1)/(m + 1), log m = 2·atanh s = s·Σₙ 2 s²ⁿ/(2n+1)
 *       (LOG_P).</li>
 * </ul>
 */
final class MathTables {
    private MathTables() {}

    /** q(r) = Σ rⁿ/(n+1)!, n = 0..7 for float (error r⁸/9! ≈ 6e-10 at |r| = ln2/2), 0..13 for double. */
    static final double[] FLOAT_EXP_Q = inverseFactorials(8);
    static final double[] DOUBLE_EXP_Q = inverseFactorials(14);

    /** ln2 = LN2_HI + LN2_LO; LN2_HI has enough trailing zeros that k·LN2_HI is exact for |k| &lt; 2¹¹. */
    static final double FLOAT_LN2_HI = 0.693145751953125; // 0x1.62e4p-1: 12 significant bits
    static final double FLOAT_LN2_LO = Math.log(2) - FLOAT_LN2_HI;
    static final double DOUBLE_LN2_HI = 0x1.62e42fee00000p-1; // 32 significant bits
    static final double DOUBLE_LN2_LO = 0x1.a39ef35793c76p-33;

    /** 1.5·2^(mantissa bits): adding it rounds a value of magnitude below 2^(mantissa−1) to an integer. */
    static final double FLOAT_ROUNDER = 0x1.8p23;
    static final double DOUBLE_ROUNDER = 0x1.8p52;

    /** Mantissa bits and exponent bias of the type. */
    static final int FLOAT_MANTISSA = 23, FLOAT_BIAS = 127;
    static final int DOUBLE_MANTISSA = 52, DOUBLE_BIAS = 1023;

    /**
     * eˣ is computed on x clamped to [EXP_MIN, EXP_MAX] (beyond, it is 0 or ∞ in the type) and scaled in two
     * steps, 2^(k ∓ SPLIT) then 2^(±SPLIT), so that subnormal results and results just below the overflow
     * threshold (where k is one past the largest exponent) come out right.
     */
    static final double FLOAT_EXP_MIN = -104, FLOAT_EXP_MAX = 89;
    static final double DOUBLE_EXP_MIN = -746, DOUBLE_EXP_MAX = 710;
    static final int FLOAT_SPLIT = 64, DOUBLE_SPLIT = 512;

    /** e^(−2|x|) is below half an ulp of 1 past these |x|, where tanh |x| = 1 in the type. */
    static final double FLOAT_TANH_SATURATE = 10, DOUBLE_TANH_SATURATE = 20;

    /** Smallest positive normal value of the type, and 2^(mantissa+1) to scale subnormals up by. */
    static final double FLOAT_MIN_NORMAL = Float.MIN_NORMAL, DOUBLE_MIN_NORMAL = Double.MIN_NORMAL;
    static final double FLOAT_SUBNORMAL_SCALE = 0x1p24, DOUBLE_SUBNORMAL_SCALE = 0x1p53;
    static final int FLOAT_SUBNORMAL_BITS = 24, DOUBLE_SUBNORMAL_BITS = 53;

    /** log m = s·Σ 2s²ⁿ/(2n+1), |s| ≤ 0.172: n = 0..5 for float (error ≈ 1e-11), 0..11 for double. */
    static final double[] FLOAT_LOG_P = oddAtanh(6);
    static final double[] DOUBLE_LOG_P = oddAtanh(12);

    /** 1/(n+1)! for n = 0..terms−1. */
    private static double[] inverseFactorials(int terms) {
        double[] c = new double[terms];
        double f = 1;
        for (int n = 0; n < terms; n++) {
            f *= n + 1;
            c[n] = 1 / f;
        }
        return c;
    }

    /** 2/(2n+1) for n = 0..terms−1. */
    private static double[] oddAtanh(int terms) {
        double[] c = new double[terms];
        for (int n = 0; n < terms; n++) c[n] = 2.0 / (2 * n + 1);
        return c;
    }
}
