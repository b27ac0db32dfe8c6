package dev.tapegrad;

import dev.tapegrad.kernels.ArrayElements;
import java.util.Arrays;
import java.util.function.ToDoubleFunction;

/** Factories behind {@link Tensor}'s static creation methods. */
final class Creation {
    private Creation() {}

    static Tensor full(double value, DType dtype, int... shape) {
        Tensor t = Tensor.allocate(dtype, shape);
        if (dtype == DType.BOOL) value = value != 0 ? 1 : 0; // masks hold only 0 and 1
        if (Double.doubleToRawLongBits(value) != 0L) { // −0.0 must be written too
            switch (t.data()) {
                case float[] f -> Arrays.fill(f, (float) value);
                case double[] d -> Arrays.fill(d, value);
                case int[] n -> Arrays.fill(n, (int) value);
                default -> throw new IllegalStateException();
            }
        }
        return t;
    }

    static Tensor arange(double start, double end, double step, DType dtype) {
        if (step == 0 || !Double.isFinite(step) || !Double.isFinite(start) || !Double.isFinite(end)) {
            throw new IllegalArgumentException("arange: need finite start, end and a non-zero step, got "
                    + start + ", " + end + ", " + step);
        }
        if (dtype == DType.BOOL) throw new IllegalArgumentException("arange: bool is not a numeric dtype");
        double count = Math.max(0, Math.ceil((end - start) / step));
        if (count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("arange: " + start + ".." + end + " by " + step + " has " + (long) count
                    + " elements, more than a tensor can hold");
        }
        int n = (int) count;
        Tensor t = Tensor.allocate(dtype, new int[] {n});
        for (int i = 0; i < n; i++) ArrayElements.set(t.data(), i, start + i * step);
        return t;
    }

    static Tensor linspace(double start, double end, int steps, DType dtype) {
        if (steps < 0) throw new IllegalArgumentException("linspace: steps must be >= 0, got " + steps);
        Tensor t = Tensor.allocate(dtype, new int[] {steps});
        for (int i = 0; i < steps; i++) {
            // Fill from both ends so that the last value is exactly `end`.
            double v = i < steps / 2 ? start + (end - start) * i / (steps - 1)
                    : end - (end - start) * (steps - 1 - i) / (steps - 1);
            ArrayElements.set(t.data(), i, steps == 1 ? start : v);
        }
        return t;
    }

    static Tensor eye(int n, DType dtype) {
        Tensor t = Tensor.allocate(dtype, new int[] {n, n});
        for (int i = 0; i < n; i++) ArrayElements.set(t.data(), i * n + i, 1.0);
        return t;
    }

    static Tensor fromArray(Object data, DType dtype, int length, int[] shape) {
        int[] s = shape.length == 0 ? new int[] {length} : shape.clone();
        Shapes.checkNonNegative("of", s);
        if (Shapes.numel(s) != length) {
            throw new IllegalArgumentException("of: " + length + " values do not fill shape " + Shapes.str(s)
                    + " (" + Shapes.numel(s) + " elements)");
        }
        return new Tensor(new Storage(dtype, data), s, Shapes.contiguousStrides(s), 0);
    }

    static Tensor fromRows(double[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        double[] flat = new double[rows.length * cols];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != cols) {
                throw new IllegalArgumentException("of: row " + r + " has " + rows[r].length + " values, row 0 has " + cols);
            }
            System.arraycopy(rows[r], 0, flat, r * cols, cols);
        }
        return fromArray(flat, DType.FLOAT64, flat.length, new int[] {rows.length, cols});
    }

    static Tensor random(Generator gen, DType dtype, int[] shape, ToDoubleFunction<Generator> sample) {
        if (dtype == DType.BOOL) throw new IllegalArgumentException("random tensors of dtype bool are not supported; compare a random tensor instead");
        Tensor t = Tensor.allocate(dtype, shape);
        int n = t.numel();
        for (int i = 0; i < n; i++) ArrayElements.set(t.data(), i, sample.applyAsDouble(gen));
        return t;
    }

    static Tensor randperm(Generator gen, int n) {
        if (n < 0) throw new IllegalArgumentException("randperm: n must be >= 0, got " + n);
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = gen.nextInt(i + 1);
            int tmp = p[i];
            p[i] = p[j];
            p[j] = tmp;
        }
        return fromArray(p, DType.INT32, n, new int[] {n});
    }
}
