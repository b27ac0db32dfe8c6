package dev.tapegrad.optim;

import dev.tapegrad.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One parameter as an update rule sees it during a step: its values, its gradient and the working update
 * as flat {@code double[]} arrays, plus its named state buffers (moments, momentum, ...).
 *
 * <p>All optimizer arithmetic is in double precision. For a float64 parameter {@link #param()} is the
 * tensor's own array; for a float32 parameter it is a double copy that the optimizer writes back (rounded)
 * after the step, so state and update math never lose precision to float32 rounding.
 */
public final class Slot {
    private final String name;
    private final Tensor tensor;
    private final int[] shape;
    private final double[] param;
    private final double[] grad;
    private final double[] update;
    private final Map<String, double[]> buffers = new LinkedHashMap<>();
    private long step;

    Slot(String name, Tensor tensor) {
        this.name = name;
        this.tensor = tensor;
        this.shape = tensor.shape();
        int n = tensor.numel();
        this.param = tensor.dtype() == dev.tapegrad.DType.FLOAT64 ? tensor.doubleData() : new double[n];
        this.grad = new double[n];
        this.update = new double[n];
    }

    /** The parameter's stable name (e.g. {@code layers.0.weight}). */
    public String name() {
        return name;
    }

    /** The parameter's shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** Number of elements. */
    public int size() {
        return param.length;
    }

    /**
     * The parameter's values (written by the optimizer after the rule has produced the update, or directly
     * by a {@link FusedRule}).
     */
    public double[] param() {
        return param;
    }

    /** The gradient of this step (read-only by convention). */
    public double[] grad() {
        return grad;
    }

    /**
     * The update being built: it starts as a copy of the gradient, each transform of a chain rewrites it,
     * and finally the optimizer adds it to the parameter (θ ← θ + u). Transforms that move the parameter
     * opposite to the gradient therefore end with a negative learning-rate scaling.
     */
    public double[] update() {
        return update;
    }

    /** How many updates this parameter has received, including the current one (1 on the first step). */
    public long step() {
        return step;
    }

    /** A state buffer of the parameter's size, created filled with {@code initial} on first use. */
    public double[] buffer(String key, double initial) {
        return buffers.computeIfAbsent(key, k -> {
            double[] b = new double[param.length];
            if (initial != 0) Arrays.fill(b, initial);
            return b;
        });
    }

    /** A zero-initialised state buffer. */
    public double[] buffer(String key) {
        return buffer(key, 0.0);
    }

    /** Whether a state buffer exists yet. */
    public boolean hasBuffer(String key) {
        return buffers.containsKey(key);
    }

    Map<String, double[]> buffers() {
        return buffers;
    }

    Tensor tensor() {
        return tensor;
    }

    void setStep(long s) {
        step = s;
    }

    /** Copies the tensor's gradient (and, for float32, its values) into the double arrays. */
    void load() {
        Tensor g = tensor.grad();
        if (tensor.dtype() == dev.tapegrad.DType.FLOAT32) {
            float[] p = tensor.floatData();
            for (int i = 0; i < p.length; i++) param[i] = p[i];
        }
        Tensor dense = g.isDense() ? g : g.clone();
        if (dense.dtype() == dev.tapegrad.DType.FLOAT64) {
            System.arraycopy(dense.doubleData(), 0, grad, 0, grad.length);
        } else {
            float[] gf = dense.floatData();
            for (int i = 0; i < gf.length; i++) grad[i] = gf[i];
        }
        System.arraycopy(grad, 0, update, 0, grad.length);
    }

    /** Writes the parameter back (float32: rounded) and tells the engine it changed. */
    void store() {
        if (tensor.dtype() == dev.tapegrad.DType.FLOAT32) {
            float[] p = tensor.floatData();
            for (int i = 0; i < p.length; i++) p[i] = (float) param[i];
        }
        tensor.markModified();
    }
}
