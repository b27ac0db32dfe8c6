package dev.tapegrad.curvature;

import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An immutable vector in parameter space: one number per entry of every parameter of a {@link ParamLayout}, held
 * as one flat float64 array. The curvature tools work with these rather than with {@code Map<String, Tensor>}
 * because they do a lot of vector arithmetic (dot products, a·x + y, norms, Gram–Schmidt), which is short,
 * exact-to-float64 and deterministic on a flat array, whatever the parameters' dtypes. {@link #of} and
 * {@link #toTensors} convert from and to a map of tensors shaped like the parameters.
 *
 * <p>Arithmetic never changes a vector: {@code x.axpy(a, y)} returns x + a·y as a new vector.
 */
public final class ParamVector {
    private final ParamLayout layout;
    private final double[] values;

    private ParamVector(ParamLayout layout, double[] values) {
        this.layout = layout;
        this.values = values;
    }

    /** The vector whose entries are the values of {@code tensors} (copied; float32 values widened exactly). */
    public static ParamVector of(Map<String, Tensor> tensors) {
        ParamLayout layout = ParamLayout.of(tensors);
        return of(layout, tensors);
    }

    /**
     * The vector of {@code tensors} in the given layout: one tensor per name of the layout, each of that
     * parameter's shape (dtype may differ; values are read as float64).
     */
    public static ParamVector of(ParamLayout layout, Map<String, Tensor> tensors) {
        if (tensors.size() != layout.count()) {
            throw new IllegalArgumentException("ParamVector.of: " + tensors.size() + " tensors for a layout of "
                    + layout.count() + " parameters " + layout.names());
        }
        double[] v = new double[layout.size()];
        for (int i = 0; i < layout.count(); i++) {
            String name = layout.names().get(i);
            Tensor t = tensors.get(name);
            if (t == null) throw new IllegalArgumentException("ParamVector.of: no tensor for parameter '" + name + "'");
            if (!java.util.Arrays.equals(t.shape(), layout.shapeAt(i))) {
                throw new IllegalArgumentException("ParamVector.of: tensor '" + name + "' has shape "
                        + java.util.Arrays.toString(t.shape()) + ", the layout says " + java.util.Arrays.toString(layout.shapeAt(i)));
            }
            double[] d = t.toDoubleArray();
            System.arraycopy(d, 0, v, layout.offsetAt(i), d.length);
        }
        return new ParamVector(layout, v);
    }

    /** The vector with the given flat entries (copied), which must number {@code layout.size()}. */
    public static ParamVector of(ParamLayout layout, double[] flat) {
        if (flat.length != layout.size()) {
            throw new IllegalArgumentException("ParamVector.of: " + flat.length + " values for a layout of size " + layout.size());
        }
        return new ParamVector(layout, flat.clone());
    }

    /** The zero vector. */
    public static ParamVector zeros(ParamLayout layout) {
        return new ParamVector(layout, new double[layout.size()]);
    }

    /** The unit vector e_i (1 at flat position i, 0 elsewhere). */
    public static ParamVector unit(ParamLayout layout, int i) {
        if (i < 0 || i >= layout.size()) {
            throw new IllegalArgumentException("ParamVector.unit: index " + i + " outside [0, " + layout.size() + ")");
        }
        double[] v = new double[layout.size()];
        v[i] = 1;
        return new ParamVector(layout, v);
    }

    /** A Rademacher vector: every entry ±1 with probability ½ each, independently (drawn from {@code gen}). */
    public static ParamVector rademacher(Generator gen, ParamLayout layout) {
        double[] v = new double[layout.size()];
        for (int i = 0; i < v.length; i++) v[i] = gen.nextDouble() < 0.5 ? -1 : 1;
        return new ParamVector(layout, v);
    }

    /** A standard normal vector: every entry N(0, 1), independently (drawn from {@code gen}). */
    public static ParamVector gaussian(Generator gen, ParamLayout layout) {
        double[] v = new double[layout.size()];
        for (int i = 0; i < v.length; i++) v[i] = gen.nextGaussian();
        return new ParamVector(layout, v);
    }

    /** Wraps an array this class owns (no copy); the caller must not keep it. */
    static ParamVector wrap(ParamLayout layout, double[] owned) {
        return new ParamVector(layout, owned);
    }

    /** The layout. */
    public ParamLayout layout() {
        return layout;
    }

    /** n, the number of entries. */
    public int size() {
        return values.length;
    }

    /** Entry i of the flat vector. */
    public double get(int i) {
        return values[i];
    }

    /** A copy of the flat entries. */
    public double[] toArray() {
        return values.clone();
    }

    /** The entries as read-only access for this package (no copy). */
    double[] values() {
        return values;
    }

    /** The part of this vector that belongs to parameter {@code name}, as a tensor of its shape and dtype. */
    public Tensor get(String name) {
        int i = layout.index(name);
        return slice(i);
    }

    /** The vector as tensors shaped like the parameters (each in its parameter's dtype), by name, in layout order. */
    public Map<String, Tensor> toTensors() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < layout.count(); i++) m.put(layout.names().get(i), slice(i));
        return m;
    }

    /**
     * Writes this vector into {@code params}, in place: each parameter of the layout gets its part of the vector
     * (rounded to float32 for a float32 parameter; a vector read from float32 tensors by {@link #of} writes back
     * the same bits). The write is not recorded on the tape (it runs under {@link dev.tapegrad.Autograd#noGrad()}), so this is
     * how a caller snapshots parameters with {@link #of} and restores them exactly later.
     *
     * @throws IllegalArgumentException when {@code params} lacks a parameter of the layout or its shape differs
     */
    public void writeTo(Map<String, Tensor> params) {
        try (var scope = dev.tapegrad.Autograd.noGrad()) {
            for (int i = 0; i < layout.count(); i++) {
                String name = layout.names().get(i);
                Tensor t = params.get(name);
                if (t == null) throw new IllegalArgumentException("ParamVector.writeTo: no tensor for parameter '" + name + "'");
                if (!java.util.Arrays.equals(t.shape(), layout.shapeAt(i))) {
                    throw new IllegalArgumentException("ParamVector.writeTo: tensor '" + name + "' has shape "
                            + java.util.Arrays.toString(t.shape()) + ", the layout says " + java.util.Arrays.toString(layout.shapeAt(i)));
                }
                int from = layout.offsetAt(i), to = layout.offsetAt(i + 1);
                t.copyInPlace(Tensor.of(java.util.Arrays.copyOfRange(values, from, to), layout.shapeAt(i)));
            }
        }
    }

    private Tensor slice(int i) {
        int from = layout.offsetAt(i), to = layout.offsetAt(i + 1);
        Tensor t = Tensor.of(java.util.Arrays.copyOfRange(values, from, to), layout.shapeAt(i));
        return t.dtype() == layout.dtypeAt(i) ? t : t.to(layout.dtypeAt(i));
    }

    /** ⟨this, other⟩ = Σᵢ thisᵢ·otherᵢ. */
    public double dot(ParamVector other) {
        layout.requireSame(other.layout, "ParamVector.dot");
        double s = 0;
        double[] o = other.values;
        for (int i = 0; i < values.length; i++) s += values[i] * o[i];
        return s;
    }

    /** ‖this‖₂ = √⟨this, this⟩. */
    public double norm() {
        return Math.sqrt(dot(this));
    }

    /** this + a·x (the BLAS "axpy" with this as y). */
    public ParamVector axpy(double a, ParamVector x) {
        layout.requireSame(x.layout, "ParamVector.axpy");
        double[] r = values.clone();
        double[] xv = x.values;
        for (int i = 0; i < r.length; i++) r[i] += a * xv[i];
        return new ParamVector(layout, r);
    }

    /** this + other. */
    public ParamVector add(ParamVector other) {
        return axpy(1, other);
    }

    /** this − other. */
    public ParamVector sub(ParamVector other) {
        return axpy(-1, other);
    }

    /** a·this. */
    public ParamVector scale(double a) {
        double[] r = values.clone();
        for (int i = 0; i < r.length; i++) r[i] *= a;
        return new ParamVector(layout, r);
    }

    /** The entrywise product this ⊙ other. */
    public ParamVector mul(ParamVector other) {
        layout.requireSame(other.layout, "ParamVector.mul");
        double[] r = values.clone();
        for (int i = 0; i < r.length; i++) r[i] *= other.values[i];
        return new ParamVector(layout, r);
    }

    /** this / ‖this‖₂; throws for the zero vector. */
    public ParamVector normalize() {
        double n = norm();
        if (!(n > 0) || !Double.isFinite(n)) throw new ArithmeticException("ParamVector.normalize: the norm is " + n);
        return scale(1 / n);
    }

    @Override
    public String toString() {
        return "ParamVector" + layout + ", ‖v‖ = " + norm();
    }
}
