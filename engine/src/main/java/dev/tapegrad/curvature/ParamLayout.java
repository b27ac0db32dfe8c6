package dev.tapegrad.curvature;

import dev.tapegrad.DType;
import dev.tapegrad.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * How one flat vector of n numbers splits into named tensors: the parameters' names in the map's iteration order,
 * with each one's shape, dtype and offset. Parameter i occupies entries [offset(i), offset(i) + numel(i)) of the
 * flat vector, in the tensor's row-major order. Two layouts are equal when names, shapes and dtypes agree.
 */
public final class ParamLayout {
    private final List<String> names;
    private final int[][] shapes;
    private final DType[] dtypes;
    private final int[] offsets; // offsets[i] = start of parameter i; offsets[count] = size

    private ParamLayout(List<String> names, int[][] shapes, DType[] dtypes, int[] offsets) {
        this.names = names;
        this.shapes = shapes;
        this.dtypes = dtypes;
        this.offsets = offsets;
    }

    /**
     * The layout of a named parameter map (its iteration order, as {@code Module.namedParameters()} gives it).
     * Every tensor must be floating-point (float32 or float64); the map must not be empty.
     */
    public static ParamLayout of(Map<String, Tensor> params) {
        if (params.isEmpty()) throw new IllegalArgumentException("ParamLayout: the parameter map is empty");
        List<String> names = new ArrayList<>(params.size());
        int[][] shapes = new int[params.size()][];
        DType[] dtypes = new DType[params.size()];
        int[] offsets = new int[params.size() + 1];
        int i = 0;
        long total = 0;
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            Tensor t = e.getValue();
            if (t == null) throw new IllegalArgumentException("ParamLayout: parameter '" + e.getKey() + "' is null");
            if (t.dtype() != DType.FLOAT32 && t.dtype() != DType.FLOAT64) {
                throw new IllegalArgumentException("ParamLayout: parameter '" + e.getKey() + "' is " + t.dtype()
                        + "; curvature needs float32 or float64 parameters");
            }
            names.add(e.getKey());
            shapes[i] = t.shape();
            dtypes[i] = t.dtype();
            offsets[i] = (int) total;
            total += t.numel();
            if (total > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("ParamLayout: more than 2³¹ parameters in total");
            }
            i++;
        }
        offsets[i] = (int) total;
        return new ParamLayout(Collections.unmodifiableList(names), shapes, dtypes, offsets);
    }

    /** n: the total number of entries over all parameters. */
    public int size() {
        return offsets[names.size()];
    }

    /** The parameters' names, in order. */
    public List<String> names() {
        return names;
    }

    /** The shape of parameter {@code name}. */
    public int[] shape(String name) {
        return shapes[index(name)].clone();
    }

    /** The dtype of parameter {@code name}. */
    public DType dtype(String name) {
        return dtypes[index(name)];
    }

    /** Where parameter {@code name} starts in the flat vector. */
    public int offset(String name) {
        return offsets[index(name)];
    }

    /** The number of entries of parameter {@code name}. */
    public int numel(String name) {
        int i = index(name);
        return offsets[i + 1] - offsets[i];
    }

    /** The position of {@code name} in {@link #names()}; throws for an unknown name. */
    int index(String name) {
        int i = names.indexOf(name);
        if (i < 0) throw new IllegalArgumentException("ParamLayout: no parameter named '" + name + "' (have " + names + ")");
        return i;
    }

    int count() {
        return names.size();
    }

    int offsetAt(int i) {
        return offsets[i];
    }

    int[] shapeAt(int i) {
        return shapes[i];
    }

    DType dtypeAt(int i) {
        return dtypes[i];
    }

    /** Throws unless {@code other} is the same layout, naming {@code op} and what differs. */
    void requireSame(ParamLayout other, String op) {
        if (!equals(other)) {
            throw new IllegalArgumentException(op + ": the vectors have different layouts (" + this + " vs " + other + ")");
        }
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof ParamLayout l)) return false;
        return names.equals(l.names) && Arrays.deepEquals(shapes, l.shapes) && Arrays.equals(dtypes, l.dtypes);
    }

    @Override
    public int hashCode() {
        return names.hashCode() * 31 + Arrays.deepHashCode(shapes);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("{");
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) s.append(", ");
            s.append(names.get(i)).append(Arrays.toString(shapes[i]));
        }
        return s.append("}, n = ").append(size()).toString();
    }
}
