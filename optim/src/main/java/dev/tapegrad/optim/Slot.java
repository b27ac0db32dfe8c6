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
 *
 * <p>The copies are made only when asked for: {@link #load} converts the gradient straight into the update,
 * {@link #grad()} and (float32) {@link #param()} convert on first use in a step, and a float32 parameter
 * that no rule read is updated in one pass, θ ← round(θ + u), which is exactly what the copy, the addition in
 * double and the rounded write-back give. Most chains (Adam, SGD) read neither, which saves about a third of
 * the memory traffic of a step.
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
    /** This step's dense gradient tensor (set by {@link #load}). */
    private Tensor denseGrad;
    /** Whether {@link #grad} and (float32) {@link #param} hold this step's values yet. */
    private boolean gradLoaded = true, paramLoaded = true;

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
        if (!paramLoaded) {
            float[] p = tensor.floatData();   // only float32 parameters are ever not loaded
            for (int i = 0; i < p.length; i++) param[i] = p[i];
            paramLoaded = true;
        }
        return param;
    }

    /** The gradient of this step (read-only by convention). */
    public double[] grad() {
        if (!gradLoaded) {
            convert(denseGrad, grad);
            gradLoaded = true;
        }
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

    /** Starts a step: the update becomes the tensor's gradient; {@link #grad} and {@link #param} load on demand. */
    void load() {
        Tensor g = tensor.grad();
        denseGrad = g.isDense() ? g : g.clone();
        convert(denseGrad, update);
        gradLoaded = false;
        paramLoaded = tensor.dtype() == dev.tapegrad.DType.FLOAT64;   // float64: param is the tensor's array
    }

    /** Copies a dense tensor's values, widened to double, into {@code to}. */
    private static void convert(Tensor from, double[] to) {
        if (from.dtype() == dev.tapegrad.DType.FLOAT64) {
            System.arraycopy(from.doubleData(), 0, to, 0, to.length);
        } else {
            float[] f = from.floatData();
            for (int i = 0; i < to.length; i++) to[i] = f[i];
        }
    }

    /** θ ← θ + u, then {@link #store}; a float32 parameter no rule read is updated in place in one pass. */
    void applyUpdate() {
        if (paramLoaded) {
            Lanes.add(param, update);
        } else {
            float[] p = tensor.floatData();
            for (int i = 0; i < p.length; i++) p[i] = (float) (p[i] + update[i]);
        }
        store();
    }

    /** Writes the parameter back (float32, if a rule loaded it: rounded) and tells the engine it changed. */
    void store() {
        if (tensor.dtype() == dev.tapegrad.DType.FLOAT32 && paramLoaded) {
            float[] p = tensor.floatData();
            for (int i = 0; i < p.length; i++) p[i] = (float) param[i];
        }
        tensor.markModified();
    }
}
