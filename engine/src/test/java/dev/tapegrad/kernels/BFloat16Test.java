package dev.tapegrad.kernels;

import static org.junit.jupiter.api.Assertions.*;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * bfloat16 conversions: widening is exact and inverted by narrowing for every pattern; narrowing agrees with
 * a reference that picks the nearest bfloat16 by comparing exact decimal distances (ties to the even pattern);
 * the vector loops give the scalar bits at every length.
 */
class BFloat16Test {
    /** Positive bfloat16 patterns: 0x0000 (zero) .. 0x7F7F (largest finite); 0x7F80 is +∞. */
    private static final int LARGEST_FINITE = 0x7F7F, INFINITY = 0x7F80;

    @Test
    void everyPatternRoundTripsThroughFloat32() {
        for (int b = 0; b < 65536; b++) {
            short bits = (short) b;
            float f = BFloat16.toFloat(bits);
            assertEquals(b << 16, Float.floatToRawIntBits(f), "widening 0x" + Integer.toHexString(b) + " appends 16 zero bits");
            short back = BFloat16.fromFloat(f);
            if ((b & 0x7FFF) > INFINITY) { // NaN: stays a NaN with its sign
                assertTrue(Float.isNaN(BFloat16.toFloat(back)), "NaN 0x" + Integer.toHexString(b));
                assertEquals(b >>> 15, (back & 0xFFFF) >>> 15, "sign of NaN 0x" + Integer.toHexString(b));
            } else {
                assertEquals(b, back & 0xFFFF, "round trip of 0x" + Integer.toHexString(b));
            }
        }
    }

    /** Every float32 whose low half is one of these, for all 65,536 high halves: exact, ties, and their neighbours. */
    @Test
    void narrowingMatchesTheNearestEvenReferenceOnTiesAndTheirNeighbours() {
        int[] lows = {0x0000, 0x7FFF, 0x8000, 0x8001, 0xFFFF};
        for (int high = 0; high < 65536; high++) {
            for (int low : lows) checkNarrow(Float.intBitsToFloat(high << 16 | low));
        }
    }

    @Test
    void narrowingMatchesTheReferenceOnRandomFloats() {
        SplittableRandom gen = new SplittableRandom(20261208L);
        for (int i = 0; i < 200_000; i++) checkNarrow(Float.intBitsToFloat(gen.nextInt()));
        checkNarrow(Float.MAX_VALUE); // beyond half an ulp above the largest bfloat16: +∞
        checkNarrow(-Float.MAX_VALUE);
        checkNarrow(Float.MIN_VALUE); // smallest subnormal: rounds to +0
        checkNarrow(-Float.MIN_VALUE);
    }

    @Test
    void specialValuesKeepTheirMeaning() {
        assertEquals(0x0000, BFloat16.fromFloat(0.0f) & 0xFFFF);
        assertEquals(0x8000, BFloat16.fromFloat(-0.0f) & 0xFFFF);
        assertEquals(0x7F80, BFloat16.fromFloat(Float.POSITIVE_INFINITY) & 0xFFFF);
        assertEquals(0xFF80, BFloat16.fromFloat(Float.NEGATIVE_INFINITY) & 0xFFFF);
        assertEquals(0x7F80, BFloat16.fromFloat(Float.MAX_VALUE) & 0xFFFF);
        assertEquals(0x3F80, BFloat16.fromFloat(1.0f) & 0xFFFF);
        // a NaN whose payload lies only in the dropped bits stays a (quiet) NaN, sign kept
        short nan = BFloat16.fromFloat(Float.intBitsToFloat(0xFF80_0001));
        assertEquals(0xFFC0, nan & 0xFFFF);
        assertEquals(0x7FC0, BFloat16.fromFloat(Float.NaN) & 0xFFFF);
    }

    @Test
    void vectorLoopsGiveTheScalarBitsAtEveryLengthAndOffset() {
        SplittableRandom gen = new SplittableRandom(7L);
        for (int n = 0; n <= 70; n++) {
            for (int off : new int[] {0, 3}) {
                float[] src = new float[off + n];
                for (int i = 0; i < src.length; i++) {
                    // random bits (NaNs, infinities and subnormals included), with exact ties mixed in
                    int bits = gen.nextInt();
                    src[i] = Float.intBitsToFloat(i % 3 == 0 ? (bits & 0xFFFF0000) | 0x8000 : bits);
                }
                short[] narrow = new short[n + 5];
                BFloat16.fromFloat(src, off, narrow, 5, n);
                for (int i = 0; i < n; i++) {
                    assertEquals(BFloat16.fromFloat(src[off + i]), narrow[5 + i], "narrow n=" + n + " off=" + off + " i=" + i);
                }
                float[] wide = new float[n + 2];
                BFloat16.toFloat(narrow, 5, wide, 2, n);
                for (int i = 0; i < n; i++) {
                    assertEquals(Float.floatToRawIntBits(BFloat16.toFloat(narrow[5 + i])), Float.floatToRawIntBits(wide[2 + i]),
                            "widen n=" + n + " i=" + i);
                }
            }
        }
    }

    @Test
    void arrayVersionsRefuseRangesOutsideTheArrays() {
        assertThrows(IndexOutOfBoundsException.class, () -> BFloat16.fromFloat(new float[4], 1, new short[4], 0, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> BFloat16.toFloat(new short[4], 0, new float[3], 0, 4));
    }

    /** Compares {@link BFloat16#fromFloat(float)} with {@link #nearestBFloat16}. */
    private static void checkNarrow(float x) {
        int got = BFloat16.fromFloat(x) & 0xFFFF;
        String what = "float bits 0x" + Integer.toHexString(Float.floatToRawIntBits(x));
        if (Float.isNaN(x)) {
            assertTrue(Float.isNaN(BFloat16.toFloat((short) got)), what + " stays NaN");
            assertEquals(Float.floatToRawIntBits(x) >>> 31, got >>> 15, what + " keeps its sign");
            return;
        }
        assertEquals(Integer.toHexString(nearestBFloat16(x)), Integer.toHexString(got), what);
    }

    /**
     * The reference: the sign of x, and the magnitude pattern whose value is nearest to |x| by exact decimal
     * arithmetic, the even pattern on a tie. Past the largest finite bfloat16 the next value is 2¹²⁸ (+∞'s
     * pattern, which is even), as IEEE 754 rounding treats overflow.
     */
    private static int nearestBFloat16(float x) {
        int sign = Float.floatToRawIntBits(x) >>> 31 << 15;
        double a = Math.abs((double) x);
        if (Double.isInfinite(a)) return sign | INFINITY;
        // largest pattern whose value is ≤ a, by binary search on values (patterns ascend with value)
        int lo = 0, hi = LARGEST_FINITE;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (value(mid) <= a) lo = mid; else hi = mid - 1;
        }
        if (value(lo) == a) return sign | lo;
        int up = lo + 1;
        BigDecimal v = new BigDecimal(a);
        int c = v.subtract(new BigDecimal(value(lo))).compareTo(new BigDecimal(value(up)).subtract(v));
        int pick = c < 0 ? lo : c > 0 ? up : (lo % 2 == 0 ? lo : up);
        return sign | pick;
    }

    /** The value of a non-negative pattern, with +∞'s pattern standing for 2¹²⁸. */
    private static double value(int pattern) {
        return pattern == INFINITY ? Math.scalb(1.0, 128) : Float.intBitsToFloat(pattern << 16);
    }
}
