package dev.tapegrad.kernels;

import static dev.tapegrad.kernels.KernelTestSupport.*;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The fused a + v·b·c kernel against its scalar definition: contiguous rows, broadcasts and strided layouts. */
class AddcmulKernelTest {
    private static final Type[] FLOATING = {Type.FLOAT, Type.DOUBLE};

    @Test
    void contiguousAndBroadcastRowsOfEverySize() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (Type type : FLOATING) {
            for (int n : SIZES) {
                Strided a = row(rnd, n, type, true), b = row(rnd, n, type, true), c = row(rnd, n, type, true);
                for (int pattern = 0; pattern < 8; pattern++) { // each operand a row or a repeated scalar
                    check(scalarIf((pattern & 1) != 0, a), scalarIf((pattern & 2) != 0, b), scalarIf((pattern & 4) != 0, c), type);
                }
            }
        }
    }

    @Test
    void randomStridedAndBroadcastLayouts() {
        SplittableRandom rnd = new SplittableRandom(12);
        for (int trial = 0; trial < 300; trial++) {
            Type type = FLOATING[trial % 2];
            int[] shape = shape(rnd);
            check(layout(rnd, shape, type, true, true), layout(rnd, shape, type, true, true),
                    layout(rnd, shape, type, true, true), type);
        }
    }

    private static Strided scalarIf(boolean scalar, Strided s) {
        return scalar ? new Strided(s.data(), s.offset(), s.shape(), new int[] {0}) : s;
    }

    /**
     * The kernel rounds once per product (one fma; value·b first when value ≠ 1), so it is compared within
     * 2 ulps of the operands' magnitude |a| + |v·b·c|; NaN and infinities must match exactly.
     */
    private static void check(Strided a, Strided b, Strided c, Type type) {
        for (double value : new double[] {1.0, -0.75}) {
            int n = a.size();
            Object expected = newArray(type, n), got = newArray(type, n), magnitude = newArray(type, n);
            ReferenceKernels.addcmul(a, b, c, value, expected);
            Elementwise.addcmul(dtypeOf(got), a, b, c, value, got);
            Strided absA = abs(a), absB = abs(b), absC = abs(c);
            ReferenceKernels.addcmul(absA, absB, absC, Math.abs(value), magnitude);
            for (int i = 0; i < n; i++) {
                double e = ArrayElements.get(expected, i), g = ArrayElements.get(got, i), m = ArrayElements.get(magnitude, i);
                boolean ok = Double.isNaN(e) || Double.isInfinite(e) || Double.isInfinite(m)
                        ? Double.compare(e, g) == 0 || (Double.isNaN(e) && Double.isNaN(g))
                        : close(g, e, 0.5, expected) || Math.abs(g - e) <= 2 * (type == Type.FLOAT ? Math.ulp((float) m) : Math.ulp(m));
                if (!ok) {
                    fail("addcmul " + type + " value " + value + " at " + i + ": expected " + e + " got " + g + " ("
                            + describe(a) + " / " + describe(b) + " / " + describe(c) + ")");
                }
            }
        }
    }

    private static Strided abs(Strided s) {
        Object data = s.data() instanceof float[] f ? f.clone() : ((double[]) s.data()).clone();
        for (int i = 0; i < length(data); i++) ArrayElements.set(data, i, Math.abs(ArrayElements.get(data, i)));
        return new Strided(data, s.offset(), s.shape(), s.strides());
    }
}
