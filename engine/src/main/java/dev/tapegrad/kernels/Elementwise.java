package dev.tapegrad.kernels;

/**
 * Elementwise kernels over strided inputs writing a fresh contiguous output.
 *
 * <p>Inputs have already been broadcast to the output shape (stride 0 on broadcast axes). Outputs are
 * contiguous arrays of {@code size} elements starting at index 0, of the same element type as the inputs
 * (an {@code int[]} for comparisons).
 */
public final class Elementwise {
    private Elementwise() {}

    /** out[i] = op(x[i]). */
    public static void unary(UnaryOp op, Strided x, Object out) {
        int n = x.size();
        StridedIndex it = new StridedIndex(x.shape(), x.strides(), x.offset());
        for (int i = 0; i < n; i++) {
            Arrays1.set(out, i, op.apply(Arrays1.get(x.data(), it.next())));
        }
    }

    /** out[i] = op(a[i], b[i]). */
    public static void binary(BinaryOp op, Strided a, Strided b, Object out) {
        int n = a.size();
        StridedIndex ia = new StridedIndex(a.shape(), a.strides(), a.offset());
        StridedIndex ib = new StridedIndex(b.shape(), b.strides(), b.offset());
        for (int i = 0; i < n; i++) {
            Arrays1.set(out, i, op.apply(Arrays1.get(a.data(), ia.next()), Arrays1.get(b.data(), ib.next())));
        }
    }

    /** out[i] = op(a[i], b[i]) ? 1 : 0. */
    public static void compare(CompareOp op, Strided a, Strided b, int[] out) {
        int n = a.size();
        StridedIndex ia = new StridedIndex(a.shape(), a.strides(), a.offset());
        StridedIndex ib = new StridedIndex(b.shape(), b.strides(), b.offset());
        for (int i = 0; i < n; i++) {
            out[i] = op.test(Arrays1.get(a.data(), ia.next()), Arrays1.get(b.data(), ib.next())) ? 1 : 0;
        }
    }

    /** out[i] = mask[i] != 0 ? a[i] : b[i]. */
    public static void where(Strided mask, Strided a, Strided b, Object out) {
        int n = a.size();
        int[] m = (int[]) mask.data();
        StridedIndex im = new StridedIndex(mask.shape(), mask.strides(), mask.offset());
        StridedIndex ia = new StridedIndex(a.shape(), a.strides(), a.offset());
        StridedIndex ib = new StridedIndex(b.shape(), b.strides(), b.offset());
        for (int i = 0; i < n; i++) {
            int ai = ia.next(), bi = ib.next();
            boolean pick = m[im.next()] != 0;
            Arrays1.set(out, i, pick ? Arrays1.get(a.data(), ai) : Arrays1.get(b.data(), bi));
        }
    }

    /** out[i] = clamp(x[i], lo, hi) (NaN stays NaN). */
    public static void clamp(Strided x, double lo, double hi, Object out) {
        int n = x.size();
        StridedIndex it = new StridedIndex(x.shape(), x.strides(), x.offset());
        for (int i = 0; i < n; i++) {
            double v = Arrays1.get(x.data(), it.next());
            Arrays1.set(out, i, v < lo ? lo : v > hi ? hi : v);
        }
    }

    /**
     * Copies a strided layout into a contiguous array, converting the element type when {@code out} is of
     * another type (float to int truncates toward zero).
     */
    public static void copy(Strided x, Object out) {
        int n = x.size();
        StridedIndex it = new StridedIndex(x.shape(), x.strides(), x.offset());
        for (int i = 0; i < n; i++) {
            Arrays1.set(out, i, Arrays1.get(x.data(), it.next()));
        }
    }

    /** Writes the values of a contiguous array into a strided layout (the inverse of {@link #copy}). */
    public static void scatterInto(Object src, Strided dst) {
        int n = dst.size();
        StridedIndex it = new StridedIndex(dst.shape(), dst.strides(), dst.offset());
        for (int i = 0; i < n; i++) {
            Arrays1.set(dst.data(), it.next(), Arrays1.get(src, i));
        }
    }
}
