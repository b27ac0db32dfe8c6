package dev.tapegrad.kernels;

import static dev.tapegrad.kernels.KernelTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The SIMD elementwise kernels against the scalar definitions, over random sizes, strides and broadcasts. */
class ElementwiseKernelTest {
    private static final Type[] FLOATING = {Type.FLOAT, Type.DOUBLE};

    /** Allowed error in ulps: 0 where float arithmetic is exact, a few for library and composed functions. */
    static double ulps(UnaryOp op, Type type) {
        return switch (op) {
            case NEG, ABS, SIGN, SQRT, SQUARE, RECIPROCAL, RELU -> 0;
            case EXP, EXPM1, LOG, LOG1P, SIN, COS, TANH, RSQRT -> 4;
            case SIGMOID, LOG_SIGMOID, SOFTPLUS -> 8;
            // the erf goal is 1e-7 (float) and 1e-14 (double) relative: about 2 and 45 ulps
            case ERF -> type == Type.FLOAT ? 2 : 45;
        };
    }

    static double ulps(BinaryOp op) {
        return op == BinaryOp.POW ? 4 : 0;
    }

    @Test
    void unaryOnContiguousRowsOfEverySize() {
        SplittableRandom rnd = new SplittableRandom(1);
        for (Type type : FLOATING) {
            for (UnaryOp op : UnaryOp.values()) {
                for (int n : SIZES) {
                    Strided x = row(rnd, n, type, true);
                    checkUnary(op, x, type);
                }
            }
        }
    }

    @Test
    void unaryOnRandomLayouts() {
        SplittableRandom rnd = new SplittableRandom(2);
        for (int trial = 0; trial < 150; trial++) {
            Type type = FLOATING[trial % 2];
            UnaryOp op = UnaryOp.values()[rnd.nextInt(UnaryOp.values().length)];
            checkUnary(op, layout(rnd, shape(rnd), type, true, true), type);
        }
    }

    private static void checkUnary(UnaryOp op, Strided x, Type type) {
        Object expected = newArray(type, x.size()), got = newArray(type, x.size());
        ReferenceKernels.unary(op, x, expected);
        Elementwise.unary(dtypeOf(got), op, x, got);
        assertClose(expected, got, ulps(op, type), op + " " + type + " " + describe(x));
    }

    @Test
    void binaryOnContiguousAndBroadcastRows() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (Type type : FLOATING) {
            for (BinaryOp op : BinaryOp.values()) {
                for (int n : SIZES) {
                    Strided a = row(rnd, n, type, true), b = row(rnd, n, type, true);
                    Strided scalarB = new Strided(b.data(), b.offset(), b.shape(), new int[] {0});
                    Strided scalarA = new Strided(a.data(), a.offset(), a.shape(), new int[] {0});
                    checkBinary(op, a, b, type);
                    checkBinary(op, a, scalarB, type);
                    checkBinary(op, scalarA, b, type);
                    checkBinary(op, scalarA, scalarB, type);
                }
            }
        }
    }

    @Test
    void binaryOnRandomLayouts() {
        SplittableRandom rnd = new SplittableRandom(4);
        for (int trial = 0; trial < 300; trial++) {
            Type type = FLOATING[trial % 2];
            BinaryOp op = BinaryOp.values()[rnd.nextInt(BinaryOp.values().length)];
            int[] shape = shape(rnd);
            checkBinary(op, layout(rnd, shape, type, true, true), layout(rnd, shape, type, true, true), type);
        }
    }

    private static void checkBinary(BinaryOp op, Strided a, Strided b, Type type) {
        Object expected = newArray(type, a.size()), got = newArray(type, a.size());
        ReferenceKernels.binary(op, a, b, expected);
        Elementwise.binary(dtypeOf(got), op, a, b, got);
        assertClose(expected, got, ulps(op), op + " " + type + " " + describe(a) + " / " + describe(b));
    }

    @Test
    void compareWhereClampAndCopyMatchExactly() {
        SplittableRandom rnd = new SplittableRandom(5);
        Type[] all = {Type.FLOAT, Type.DOUBLE, Type.INT};
        for (int trial = 0; trial < 400; trial++) {
            Type type = all[trial % 3];
            int[] shape = trial < 60 ? new int[] {SIZES[trial % SIZES.length]} : shape(rnd);
            boolean bcast = trial >= 20;
            Strided a = layout(rnd, shape, type, bcast, true), b = layout(rnd, shape, type, bcast, true);
            // a few equal elements so that EQ, LE and GE see ties
            if (a.size() > 0 && b.strides().length > 0) ArrayElements.set(b.data(), b.offset(), ArrayElements.get(a.data(), a.offset()));
            String where = type + " " + describe(a) + " / " + describe(b);
            for (CompareOp op : CompareOp.values()) {
                int[] expected = new int[a.size()], got = new int[a.size()];
                ReferenceKernels.compare(op, a, b, expected);
                Elementwise.compare(dtypeOf(a.data()), dtypeOf(b.data()), op, a, b, got);
                assertArrayEquals(expected, got, op + " " + where);
            }
            Strided mask = layout(rnd, shape, Type.INT, bcast, false);
            check(type, a.size(), out -> ReferenceKernels.where(mask, a, b, out), out -> Elementwise.where(dtypeOf(out), mask, a, b, out), "where " + where);
            double lo = rnd.nextDouble(-3, 0), hi = rnd.nextDouble(0, 3);
            check(type, a.size(), out -> ReferenceKernels.clamp(a, lo, hi, out), out -> Elementwise.clamp(dtypeOf(out), a, lo, hi, out), "clamp " + where);
            for (Type to : all) {
                check(to, a.size(), out -> ReferenceKernels.copy(a, out), out -> Elementwise.copy(dtypeOf(a.data()), dtypeOf(out), a, out), "copy to " + to + " " + where);
            }
        }
    }

    /** Fills two outputs of the given type, one by the reference and one by the fast kernel, and compares exactly. */
    private static void check(Type type, int n, java.util.function.Consumer<Object> reference,
                              java.util.function.Consumer<Object> fast, String what) {
        Object expected = newArray(type, n), got = newArray(type, n);
        reference.accept(expected);
        fast.accept(got);
        assertClose(expected, got, 0, what);
    }

    @Test
    void scatterIntoWritesOnlyTheStridedPositions() {
        SplittableRandom rnd = new SplittableRandom(6);
        for (int trial = 0; trial < 200; trial++) {
            Type type = new Type[] {Type.FLOAT, Type.DOUBLE, Type.INT}[trial % 3];
            Strided dst = layout(rnd, shape(rnd), type, false, false);
            Object src = newArray(type, dst.size());
            fill(rnd, src, true);
            Object expected = copyOf(dst.data());
            Object got = copyOf(dst.data());
            ReferenceKernels.scatterInto(src, new Strided(expected, dst.offset(), dst.shape(), dst.strides()));
            Elementwise.scatterInto(dtypeOf(src), dtypeOf(got), src, new Strided(got, dst.offset(), dst.shape(), dst.strides()));
            assertClose(expected, got, 0, "scatterInto " + type + " " + describe(dst));
        }
    }

    private static Object copyOf(Object array) {
        Object c = java.lang.reflect.Array.newInstance(array.getClass().getComponentType(), length(array));
        System.arraycopy(array, 0, c, 0, length(array));
        return c;
    }

    @Test
    void adjacentContiguousAxesMergeIntoOneRow() {
        Strided x = new Strided(new float[60], 0, new int[] {3, 4, 5}, new int[] {20, 5, 1});
        Rows rows = new Rows(x.shape(), x);
        assertEquals(60, rows.length);
        assertEquals(1, rows.count);
        // a transposed pair of axes cannot merge: rows of 3 with stride 4
        Strided t = new Strided(new float[12], 0, new int[] {4, 3}, new int[] {1, 4});
        Rows tr = new Rows(t.shape(), t);
        assertEquals(3, tr.length);
        assertEquals(4, tr.count);
        assertEquals(4, tr.inner[0]);
        tr.advance();
        assertEquals(1, tr.start[0]);
    }

    @Test
    void specialValuesFollowTheScalarDefinitions() {
        float[] x = {Float.NaN, -0.0f, 0.0f, -2.5f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        Strided s = new Strided(x, 0, new int[] {x.length}, new int[] {1});
        float[] sign = new float[x.length], relu = new float[x.length], sigmoid = new float[x.length];
        Elementwise.unary(dtypeOf(sign), UnaryOp.SIGN, s, sign);
        Elementwise.unary(dtypeOf(relu), UnaryOp.RELU, s, relu);
        Elementwise.unary(dtypeOf(sigmoid), UnaryOp.SIGMOID, s, sigmoid);
        assertArrayEquals(new float[] {Float.NaN, -0.0f, 0.0f, -1, 1, -1}, sign);
        assertArrayEquals(new float[] {0, 0, 0, 0, Float.POSITIVE_INFINITY, 0}, relu);
        assertArrayEquals(new float[] {Float.NaN, 0.5f, 0.5f, (float) (1 / (1 + Math.exp(2.5))), 1, 0}, sigmoid, 1e-7f);
        float[] max = new float[x.length];
        Elementwise.binary(dtypeOf(max), BinaryOp.MAXIMUM, s, new Strided(new float[] {1}, 0, new int[] {x.length}, new int[] {0}), max);
        assertArrayEquals(new float[] {Float.NaN, 1, 1, 1, Float.POSITIVE_INFINITY, 1}, max);
    }
}
