package dev.tapegrad.check;

import dev.tapegrad.DType;
import dev.tapegrad.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Generators of shapes and float64 tensors for property tests of tensor functions.
 *
 * <p>Shapes deliberately contain size-1 axes (about a third of the axes), which is where broadcasting and
 * reduction bugs hide. Everything shrinks toward simple cases: fewer axes, size-1 axes, and values 0, whole
 * numbers and small magnitudes, always within the stated constraints (range, distance from kinks).
 *
 * <pre>{@code
 * Gen<Tensor> xs = TensorGen.tensors(TensorGen.shapes(), TensorGen.valuesAwayFrom(-3, 3, 0.1, 0.0)); // for abs, relu
 * Gen<List<Tensor>> ab = TensorGen.broadcastTensors(2, TensorGen.values(-2, 2));                     // for add, mul
 * }</pre>
 */
public final class TensorGen {
    private TensorGen() {}

    /** Shapes of rank 0 to 3 with axis sizes 1 to 4. */
    public static Gen<int[]> shapes() {
        return shapes(0, 3, 1, 4);
    }

    /**
     * Shapes with rank in [minRank, maxRank] and axis sizes in [minSize, maxSize]; when the size range
     * contains 1, each axis is 1 with probability at least 1/3. Shrinks by removing axes, then toward
     * size 1 (or minSize).
     */
    public static Gen<int[]> shapes(int minRank, int maxRank, int minSize, int maxSize) {
        if (minSize < 0 || minSize > maxSize) {
            throw new IllegalArgumentException("TensorGen.shapes: need 0 <= minSize <= maxSize, got " + minSize + ", " + maxSize);
        }
        Gen<Integer> sizes = Gen.ints(minSize, maxSize);
        Gen<Integer> axis = minSize <= 1 && 1 <= maxSize ? Gen.oneOf(Gen.constant(1), sizes, sizes) : sizes;
        return Gen.listOf(axis, minRank, maxRank).map(TensorGen::toArray);
    }

    /** {@code count} mutually broadcastable shapes of rank ≤ 3 and sizes ≤ 4 (see {@link #broadcastShapes(int, int, int)}). */
    public static Gen<List<int[]>> broadcastShapes(int count) {
        return broadcastShapes(count, 3, 4);
    }

    /**
     * {@code count} shapes that broadcast together (NumPy rules): a full shape is drawn, and each operand
     * keeps a suffix of its axes with some axes replaced by 1. The broadcast result is contained in the
     * full shape. Shrinks the full shape first, then toward operands equal to the full shape.
     */
    public static Gen<List<int[]>> broadcastShapes(int count, int maxRank, int maxSize) {
        if (count < 1) throw new IllegalArgumentException("TensorGen.broadcastShapes: need count >= 1, got " + count);
        return shapes(0, maxRank, 1, maxSize).flatMap(full -> Gen.sequence(Collections.nCopies(count, operand(full))));
    }

    /** One operand for a full shape: drop some leading axes, set some others to 1. */
    private static Gen<int[]> operand(int[] full) {
        int rank = full.length;
        Gen<List<Boolean>> ones = Gen.sequence(Collections.nCopies(rank, Gen.elements(false, false, true)));
        return Gen.zip(Gen.ints(0, rank), ones, (drop, one) -> {
            int[] s = new int[rank - drop];
            for (int a = drop; a < rank; a++) s[a - drop] = one.get(a) ? 1 : full[a];
            return s;
        });
    }

    /** Doubles uniform in [low, high], shrinking toward 0 (or the bound nearest to it), whole numbers and short decimals. */
    public static Gen<Double> values(double low, double high) {
        return Gen.doubles(low, high);
    }

    /**
     * Doubles in [low, high] at distance more than {@code delta} from every kink, e.g.
     * {@code valuesAwayFrom(-3, 3, 0.1, 0)} for abs and relu, {@code valuesAwayFrom(0, 3, 0.1, 0)} (so x &gt; 0.1)
     * for log and sqrt. Central differences across a kink are meaningless; this keeps them away, also while
     * shrinking.
     */
    public static Gen<Double> valuesAwayFrom(double low, double high, double delta, double... kinks) {
        double[] ks = kinks.clone();
        return Gen.doubles(low, high).filter(x -> {
            for (double k : ks) if (Math.abs(x - k) <= delta) return false;
            return true;
        });
    }

    /** float64 tensors with shapes from {@code shapes} and values in [-2, 2]. */
    public static Gen<Tensor> tensors(Gen<int[]> shapes) {
        return tensors(shapes, values(-2, 2));
    }

    /**
     * float64 tensors with shapes from {@code shapes} and independent elements from {@code values}. Shrinks
     * the shape first (values are then redrawn from the same seed, so the leading elements stay the same),
     * then each element. A failure caused by one late element may therefore keep a larger shape.
     */
    public static Gen<Tensor> tensors(Gen<int[]> shapes, Gen<Double> values) {
        return shapes.flatMap(shape -> tensor(shape, values));
    }

    /** float64 tensors of one fixed shape with independent elements from {@code values}; shrinks values only. */
    public static Gen<Tensor> tensor(int[] shape, Gen<Double> values) {
        int[] s = shape.clone();
        int n = 1;
        for (int d : s) n *= d;
        return Gen.sequence(Collections.nCopies(n, values)).map(v -> of(v, s));
    }

    /** {@code count} float64 tensors whose shapes broadcast together (see {@link #broadcastShapes(int)}). */
    public static Gen<List<Tensor>> broadcastTensors(int count, Gen<Double> values) {
        return broadcastShapes(count).flatMap(shapes -> {
            List<Gen<Tensor>> gens = new ArrayList<>();
            for (int[] s : shapes) gens.add(tensor(s, values));
            return Gen.sequence(gens);
        });
    }

    /** A float64 tensor of any rank (including 0) from row-major values. */
    static Tensor of(List<Double> values, int[] shape) {
        double[] v = new double[values.size()];
        for (int i = 0; i < v.length; i++) v[i] = values.get(i);
        return of(v, shape);
    }

    static Tensor of(double[] values, int[] shape) {
        // Tensor.of treats an empty shape as "one axis of length values.length"; rank 0 needs scalar().
        return shape.length == 0 ? Tensor.scalar(values[0], DType.FLOAT64) : Tensor.of(values, shape);
    }

    private static int[] toArray(List<Integer> list) {
        int[] a = new int[list.size()];
        for (int i = 0; i < a.length; i++) a[i] = list.get(i);
        return a;
    }
}
