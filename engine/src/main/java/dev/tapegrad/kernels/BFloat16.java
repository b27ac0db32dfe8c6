package dev.tapegrad.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import java.util.Objects;

/**
 * Conversions between float32 and bfloat16 ("brain floating point"), the 16-bit format that keeps
 * float32's range and gives up precision, for storing tensors in half the memory while computing in float32.
 *
 * <p><b>Bit layout.</b> A bfloat16 is the top half of a float32:
 * <pre>
 *   float32:  s eeeeeeee fffffff ffffffffffffffff   (1 sign, 8 exponent, 23 fraction bits)
 *   bfloat16: s eeeeeeee fffffff                    (1 sign, 8 exponent,  7 fraction bits)
 * </pre>
 * so a bfloat16 with bits {@code b} has the value of the float32 with bits {@code b << 16}: widening
 * ({@link #toFloat}) is exact, and every bfloat16 (subnormals, ±0, ±∞, NaN) is a float32.
 *
 * <p><b>Rounding.</b> Narrowing ({@link #fromFloat}) rounds to the nearest bfloat16, ties to the one whose
 * last fraction bit is 0 (IEEE 754 round-to-nearest-even). On the bits x of a float32 that is not NaN:
 * <pre>
 *   b = (x + 0x7FFF + ((x &gt;&gt;&gt; 16) &amp; 1)) &gt;&gt;&gt; 16
 * </pre>
 * The low 16 bits are the part to drop: below 0x8000 the sum does not carry into the kept bits (round
 * down), above 0x8000 it does (round up), and at exactly 0x8000 it carries only when the kept last bit is 1
 * (ties to even). A carry out of the fraction increments the exponent, which is the correct next value,
 * and a carry out of the largest finite exponent gives ±∞, as IEEE rounding does for values at or beyond
 * half an ulp above the largest bfloat16 (≈ 3.3961·10³⁸). The sign bit never changes, so ±0 and ±∞ map to
 * themselves. A NaN keeps its sign and top 7 fraction bits and gets the quiet bit (fraction bit 6, 0x0040)
 * set, so it stays a NaN even when its payload lay entirely in the dropped bits.
 *
 * <p>The array versions run with the Vector API; their scalar tails call the single-value methods, so every
 * element gets the same bits whichever path computes it.
 */
public final class BFloat16 {
    private BFloat16() {}

    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final int L = FLOATS.length();
    private static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, FLOATS.vectorShape());
    /** Shorts with as many lanes as {@link #FLOATS}, in half the bits. */
    private static final VectorSpecies<Short> SHORTS = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));

    /** Bits of a float32 whose magnitude is above this are NaN. */
    private static final int INFINITY_BITS = 0x7F80_0000;
    /** The quiet bit of a bfloat16 NaN (the top fraction bit). */
    private static final int QUIET_BIT = 0x0040;

    /** The bfloat16 nearest to {@code x} (ties to even), as its 16 bits; see the class comment. */
    public static short fromFloat(float x) {
        int bits = Float.floatToRawIntBits(x);
        if ((bits & 0x7FFF_FFFF) > INFINITY_BITS) return (short) ((bits >>> 16) | QUIET_BIT); // NaN
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    /** The float32 whose value is the bfloat16 with these bits (exact). */
    public static float toFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** {@code dst[dstOff + i] = fromFloat(src[srcOff + i])} for i in [0, n). */
    public static void fromFloat(float[] src, int srcOff, short[] dst, int dstOff, int n) {
        Objects.checkFromIndexSize(srcOff, n, src.length);
        Objects.checkFromIndexSize(dstOff, n, dst.length);
        int i = 0;
        for (int end = FLOATS.loopBound(n); i < end; i += L) {
            IntVector x = FloatVector.fromArray(FLOATS, src, srcOff + i).reinterpretAsInts();
            IntVector high = x.lanewise(VectorOperators.LSHR, 16);
            IntVector rounded = x.add(0x7FFF).add(high.and(1)).lanewise(VectorOperators.LSHR, 16);
            VectorMask<Integer> nan = x.and(0x7FFF_FFFF).compare(VectorOperators.GT, INFINITY_BITS);
            IntVector b = rounded.blend(high.or(QUIET_BIT), nan);
            ((ShortVector) b.convertShape(VectorOperators.I2S, SHORTS, 0)).intoArray(dst, dstOff + i);
        }
        for (; i < n; i++) dst[dstOff + i] = fromFloat(src[srcOff + i]);
    }

    /** {@code dst[dstOff + i] = toFloat(src[srcOff + i])} for i in [0, n). */
    public static void toFloat(short[] src, int srcOff, float[] dst, int dstOff, int n) {
        Objects.checkFromIndexSize(srcOff, n, src.length);
        Objects.checkFromIndexSize(dstOff, n, dst.length);
        int i = 0;
        for (int end = FLOATS.loopBound(n); i < end; i += L) {
            IntVector x = (IntVector) ShortVector.fromArray(SHORTS, src, srcOff + i).convertShape(VectorOperators.S2I, INTS, 0);
            x.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(dst, dstOff + i);
        }
        for (; i < n; i++) dst[dstOff + i] = toFloat(src[srcOff + i]);
    }
}
