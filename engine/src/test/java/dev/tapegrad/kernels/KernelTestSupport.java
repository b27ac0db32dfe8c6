package dev.tapegrad.kernels;

import static org.junit.jupiter.api.Assertions.fail;

import dev.tapegrad.DType;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Random arrays, shapes and strided layouts for comparing fast kernels with {@link ReferenceKernels}. */
final class KernelTestSupport {
    private KernelTestSupport() {}

    /** Lengths around the vector width (16 floats, 8 doubles) and beyond. */
    static final int[] SIZES = {0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 63, 64, 65, 100, 1000, 1023};

    enum Type { FLOAT, DOUBLE, INT }

    static Object newArray(Type type, int n) {
        return switch (type) {
            case FLOAT -> new float[n];
            case DOUBLE -> new double[n];
            case INT -> new int[n];
        };
    }

    /** The dtype whose storage an array is (float[] float32, double[] float64, int[] int32), for the kernels' typed entry points. */
    static DType dtypeOf(Object array) {
        return switch (array) {
            case float[] f -> DType.FLOAT32;
            case double[] d -> DType.FLOAT64;
            case int[] i -> DType.INT32;
            default -> throw new IllegalArgumentException("not a kernel array: " + array.getClass());
        };
    }

    static int length(Object array) {
        return java.lang.reflect.Array.getLength(array);
    }

    /** Mostly moderate values, some of widely varying magnitude, a few NaN, ±∞ and ±0 when {@code specials}. */
    static double value(SplittableRandom rnd, boolean specials) {
        int pick = rnd.nextInt(100);
        if (specials && pick < 4) {
            double[] s = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0, 1.0, -1.0};
            return s[rnd.nextInt(s.length)];
        }
        if (pick < 50) return rnd.nextDouble(-4, 4);
        double magnitude = Math.exp(rnd.nextDouble(-12, 12));
        return rnd.nextBoolean() ? magnitude : -magnitude;
    }

    static void fill(SplittableRandom rnd, Object array, boolean specials) {
        for (int i = 0; i < length(array); i++) {
            double v = array instanceof int[] ? rnd.nextInt(-3, 4) : value(rnd, specials);
            ArrayElements.set(array, i, v);
        }
    }

    /** A random shape of rank 0–4 with at most about 3000 elements; sizes include 0, 1 and tails. */
    static int[] shape(SplittableRandom rnd) {
        int rank = rnd.nextInt(5);
        int[] shape = new int[rank];
        int budget = 3000;
        for (int i = 0; i < rank; i++) {
            int[] choices = {1, 1, 2, 3, 5, 8, 16, 17, 33, 70};
            shape[i] = rnd.nextInt(40) == 0 ? 0 : choices[rnd.nextInt(choices.length)];
            if (shape[i] > 0) budget /= shape[i];
            if (budget < 1) shape[i] = 1;
        }
        return shape;
    }

    /**
     * A strided layout of {@code shape} over a fresh random array: axes laid out in a random memory order
     * (transposes), sometimes padded (slices), sometimes stride 0 ({@code broadcast}), at a random offset.
     */
    static Strided layout(SplittableRandom rnd, int[] shape, Type type, boolean broadcast, boolean specials) {
        int rank = shape.length;
        Integer[] order = new Integer[rank];
        for (int i = 0; i < rank; i++) order[i] = i;
        if (rnd.nextInt(3) == 0) {
            for (int i = rank - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                Integer t = order[i]; order[i] = order[j]; order[j] = t;
            }
        }
        int[] strides = new int[rank];
        int step = 1, extent = 1;
        for (int q = rank - 1; q >= 0; q--) { // order[rank-1] is innermost in memory
            int axis = order[q];
            strides[axis] = step;
            int padded = shape[axis] + (rnd.nextInt(4) == 0 ? rnd.nextInt(1, 4) : 0);
            step *= Math.max(padded, 1);
        }
        for (int axis = 0; axis < rank; axis++) {
            if (broadcast && rnd.nextInt(4) == 0) strides[axis] = 0;
        }
        int offset = rnd.nextInt(4);
        for (int axis = 0; axis < rank; axis++) extent += Math.max(shape[axis] - 1, 0) * strides[axis];
        Object data = newArray(type, offset + extent + rnd.nextInt(3));
        fill(rnd, data, specials);
        return new Strided(data, offset, shape, strides);
    }

    /** A contiguous 1-D layout of n elements at a random offset. */
    static Strided row(SplittableRandom rnd, int n, Type type, boolean specials) {
        int offset = rnd.nextInt(3);
        Object data = newArray(type, offset + n);
        fill(rnd, data, specials);
        return new Strided(data, offset, new int[] {n}, new int[] {1});
    }

    /** Whether got is within {@code ulps} units in the last place of ref, in the precision of {@code array}. */
    static boolean close(double got, double ref, double ulps, Object array) {
        if (Double.isNaN(ref) || Double.isNaN(got)) return Double.isNaN(ref) && Double.isNaN(got);
        if (Double.isInfinite(ref) || Double.isInfinite(got)) return got == ref;
        if (ulps == 0) return Double.compare(got, ref) == 0; // exact, including the sign of zero
        double ulp = array instanceof float[] ? Math.ulp((float) ref) : Math.ulp(ref);
        double tiny = array instanceof float[] ? Float.MIN_NORMAL : Double.MIN_NORMAL;
        return Math.abs(got - ref) <= ulps * (ulp + tiny);
    }

    /** Fails unless every element of got is {@link #close} to expected, naming the first bad index. */
    static void assertClose(Object expected, Object got, double ulps, String what) {
        int n = length(expected);
        if (length(got) != n) fail(what + ": length " + length(got) + " != " + n);
        for (int i = 0; i < n; i++) {
            double e = ArrayElements.get(expected, i), g = ArrayElements.get(got, i);
            if (!close(g, e, ulps, expected)) {
                fail(what + ": at " + i + " expected " + e + " but got " + g + " (tolerance " + ulps + " ulp)");
            }
        }
    }

    static String describe(Strided s) {
        return Arrays.toString(s.shape()) + " strides " + Arrays.toString(s.strides()) + " offset " + s.offset();
    }
}
