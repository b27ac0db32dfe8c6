package dev.tapegrad.check;

import dev.tapegrad.DType;
import dev.tapegrad.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * Building blocks for op-table examples: value ranges, random input shapes (with broadcasting and size-1
 * axes), and non-differentiable arguments (axes, indices, masks) derived deterministically from the inputs'
 * shapes, so every random case exercises them too.
 */
public final class Samples {
    private Samples() {}

    /** Values in [−2, 2]. */
    public static final Gen<Double> ANY = TensorGen.values(-2, 2);
    /** Values in [0.2, 2.5]: logarithms, roots, bases of powers. */
    public static final Gen<Double> POSITIVE = TensorGen.values(0.2, 2.5);
    /** Values in [−2, 2] at least 0.2 away from 0: divisors and functions with a kink at 0. */
    public static final Gen<Double> NONZERO = TensorGen.valuesAwayFrom(-2, 2, 0.2, 0.0);

    /** Values in [low, high]. */
    public static Gen<Double> range(double low, double high) {
        return TensorGen.values(low, high);
    }

    /** Values in [low, high] at least {@code delta} away from each kink. */
    public static Gen<Double> awayFrom(double low, double high, double delta, double... kinks) {
        return TensorGen.valuesAwayFrom(low, high, delta, kinks);
    }

    /** Shapes of rank minRank..3 with sizes 1..4. */
    public static Gen<int[]> shapes(int minRank) {
        return TensorGen.shapes(minRank, 3, 1, 4);
    }

    /** One tensor of any rank 0..3 with values from {@code values}. */
    public static Gen<List<Tensor>> one(Gen<Double> values) {
        return one(0, values);
    }

    /** One tensor of random shape (rank ≥ minRank) with values from {@code values}. */
    public static Gen<List<Tensor>> one(int minRank, Gen<Double> values) {
        return TensorGen.tensors(shapes(minRank), values).map(List::of);
    }

    /** Tensors whose shapes broadcast together, the i-th with values from {@code values[i]}. */
    @SafeVarargs
    public static Gen<List<Tensor>> broadcasting(Gen<Double>... values) {
        return TensorGen.broadcastShapes(values.length).flatMap(shapes -> {
            List<Gen<Tensor>> gens = new ArrayList<>();
            for (int i = 0; i < values.length; i++) gens.add(TensorGen.tensor(shapes.get(i), values[i]));
            return Gen.sequence(gens);
        });
    }

    /** Tensors of shapes derived from one random draw of {@code sizeCount} sizes in 1..4. */
    public static Gen<List<Tensor>> shaped(Function<List<Integer>, List<int[]>> shapesFromSizes, int sizeCount, Gen<Double> values) {
        return Gen.sequence(Collections.nCopies(sizeCount, Gen.ints(1, 4))).flatMap(sizes -> {
            List<Gen<Tensor>> gens = new ArrayList<>();
            for (int[] s : shapesFromSizes.apply(sizes)) gens.add(TensorGen.tensor(s, values));
            return Gen.sequence(gens);
        });
    }

    /**
     * Inputs of a norm over the last axis: x of shape lead + [n] (lead of rank ≤ 2 with size-1 axes, n in
     * 1..32), then {@code params} vectors [n]: a weight near 1, then a bias.
     */
    public static Gen<List<Tensor>> normInputs(int params) {
        return Gen.zip(TensorGen.shapes(0, 2, 1, 3), Gen.ints(1, 32), (lead, n) -> {
            int[] s = Arrays.copyOf(lead, lead.length + 1);
            s[lead.length] = n;
            return s;
        }).flatMap(s -> {
            int n = s[s.length - 1];
            List<Gen<Tensor>> gens = new ArrayList<>();
            gens.add(TensorGen.tensor(s, ANY));
            for (int i = 0; i < params; i++) gens.add(TensorGen.tensor(new int[] {n}, i == 0 ? POSITIVE : ANY));
            return Gen.sequence(gens);
        });
    }

    /** Axes to reduce for a tensor: the first and the last (one axis for rank 1, none for rank 0). */
    public static int[] someAxes(Tensor x) {
        return x.dim() == 0 ? new int[0] : x.dim() == 1 ? new int[] {0} : new int[] {0, -1};
    }

    /** Deterministic valid int32 indices 0..size-1 of a given shape (mixed, with repeats). */
    public static Tensor indices(int size, int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) idx[i] = (i * 7 + 3) % size;
        return Tensor.of(idx, shape);
    }

    /** A fixed boolean mask of the given shape (true at every third element, from the second). */
    public static Tensor mask(int[] shape) {
        int n = 1;
        for (int s : shape) n *= s;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = (i % 3 == 1) ? 1 : 0;
        Tensor m = shape.length == 0 ? Tensor.scalar(1, DType.FLOAT64) : Tensor.of(v, shape);
        return m.gt(0.5);
    }

    /** A copy of {@code shape} with {@code axis} set to {@code size}. */
    public static int[] with(int[] shape, int axis, int size) {
        int[] s = shape.clone();
        s[axis] = size;
        return s;
    }

    /** Joins pieces with different weights, so a check sees whether each piece's gradient reaches its source. */
    public static Tensor weightedConcat(List<Tensor> pieces) {
        Tensor[] scaled = new Tensor[pieces.size()];
        for (int i = 0; i < scaled.length; i++) scaled[i] = pieces.get(i).mul(i + 1.0).reshape(-1);
        return Tensor.concat(0, scaled);
    }
}
