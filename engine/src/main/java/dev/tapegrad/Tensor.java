package dev.tapegrad;

import dev.tapegrad.kernels.ArrayElements;
import dev.tapegrad.kernels.Elementwise;
import dev.tapegrad.kernels.Strided;
import dev.tapegrad.kernels.VectorModule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * An n-dimensional array of numbers that remembers how it was computed, so that gradients can flow back
 * through it.
 *
 * <p>A tensor is a view of a flat {@link Storage}: element {@code (i0, ..., ik)} lives at
 * {@code offset + Σ iⱼ·strides[j]}. Reshape, transpose, permute, slice, expand and squeeze return views
 * that share storage; {@link #contiguous()} copies only when needed. Ops follow NumPy broadcasting and
 * return new tensors; the few in-place methods (named {@code ...InPlace}) bump the storage's version.
 *
 * <p>When recording is on and an input {@linkplain #requiresGrad() requires grad}, each op appends a node
 * to the tape; {@link #backward()} then fills {@link #grad()} of every leaf the result depends on:
 * <pre>{@code
 * Tensor w = Tensor.randn(new Generator(0), DType.FLOAT64, 3).requiresGrad(true);
 * Tensor loss = w.mul(w).sum();   // Σ w²
 * loss.backward();
 * w.grad();                       // 2·w
 * }</pre>
 *
 * <p><b>Threads.</b> What may be shared between threads:
 * <ul>
 *   <li>tensors that no thread modifies: any number of threads may read them and use them as op inputs;</li>
 *   <li>leaves that require grad, such as a model's parameters, used by several threads that each run their
 *       own forward and {@link #backward()}: each leaf's gradient accumulation (read, add, write, and the
 *       return of a replaced pooled gradient) happens under the leaf's monitor, so concurrent backward
 *       passes add up and none is lost, as in PyTorch. From no gradient, two contributions give the same
 *       bits in either order (float addition commutes); three or more, or contributions added to an existing
 *       gradient, may differ in the last bits with the order in which the threads arrive.</li>
 * </ul>
 * What belongs to one thread: the tape's recording state ({@link Autograd#noGrad()},
 * {@link Autograd#enableGrad()}), anomaly mode ({@link Autograd#detectAnomaly()}) and {@link MemoryScope}s
 * (their pool of free arrays is shared and synchronised) are per thread, like PyTorch's grad mode; a thread
 * does not see another's scopes. A graph, the tensors one forward pass produced, is differentiated by one
 * backward at a time: two threads must not call {@code backward} on the same graph at once.
 *
 * <p>What is not thread-safe: in-place methods ({@code ...InPlace}, {@link #markModified()}) on a tensor
 * other threads read; {@link #setGrad}, {@link #zeroGrad()} or an optimizer step while a backward into
 * the same leaf is running (safe for memory, but the result depends on the interleaving);
 * {@link #requiresGrad(boolean)}, {@link #retainGrad()} and {@link #registerHook} on a shared tensor while
 * it is in use; and a {@link Generator}, which has no lock: give each thread its own. The kernels' own worker
 * threads ({@link Parallelism}, {@code -Dtapegrad.threads}) are shared by all threads: a large op runs on
 * the pool when it is free, otherwise on its calling thread, with the same bits either way.
 */
public final class Tensor {
    static {
        // Every op goes through this class: without the Vector API (class path, no --add-modules) stop here
        // with a message that names the flag, not later inside a kernel.
        VectorModule.require();
    }

    final Storage storage;
    final int[] shape;
    final int[] strides;
    final int offset;

    boolean requiresGrad;
    Tensor grad;
    /** The tape node that produced this tensor; {@code null} for a leaf. */
    Node gradFn;
    boolean retainsGrad;
    List<UnaryOperator<Tensor>> hooks;
    /** Forward mode: this tensor's tangent, valid only while the {@link DualLevel} numbered {@link #tangentLevel} is open. */
    private Tensor tangent;
    private long tangentLevel;

    private static final int[] NO_AXES = {};

    Tensor(Storage storage, int[] shape, int[] strides, int offset) {
        this.storage = storage;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
    }

    /**
     * A fresh contiguous tensor of this shape, zero-filled; inside a {@link MemoryScope} its (float or double)
     * array comes from the pool and belongs to the scope.
     */
    static Tensor allocate(DType dtype, int[] shape) {
        // 0-dim: an empty shape cannot be modified, so every scalar shares one for its shape and strides
        if (shape.length == 0) return new Tensor(Storage.allocate(dtype, 1), NO_AXES, NO_AXES, 0);
        Shapes.checkNonNegative("allocate", shape);
        int[] s = shape.clone();
        return new Tensor(Storage.allocate(dtype, Shapes.numel(s)), s, Shapes.contiguousStrides(s), 0);
    }

    /** The tangent this tensor carries at the given forward level, or {@code null}. */
    Tensor tangentAt(long level) {
        return level != 0 && tangentLevel == level ? tangent : null;
    }

    /** The number of the level whose tangent this tensor holds (0 for none; the level may be closed). */
    long tangentLevel() {
        return tangentLevel;
    }

    /** Attaches a tangent for one forward level ({@code null} removes it). */
    void setTangent(Tensor t, long level) {
        tangent = t;
        tangentLevel = t == null ? 0 : level;
    }

    /** A view of this tensor's storage with another layout (no tape). */
    Tensor view(int[] newShape, int[] newStrides, int newOffset) {
        return new Tensor(storage, newShape, newStrides, newOffset);
    }

    /** This tensor's layout, for kernels. */
    Strided strided() {
        return new Strided(storage.data(), offset, shape, strides);
    }

    /** The backing array of a contiguous tensor with offset 0 (kernels write outputs here). */
    Object data() {
        return storage.data();
    }

    // ---------------------------------------------------------------- creation

    /** Zeros of the given shape, float32. */
    public static Tensor zeros(int... shape) {
        return zeros(DType.FLOAT32, shape);
    }

    /** Zeros of the given dtype and shape. */
    public static Tensor zeros(DType dtype, int... shape) {
        return Creation.full(0.0, dtype, shape);
    }

    /** Ones of the given shape, float32. */
    public static Tensor ones(int... shape) {
        return ones(DType.FLOAT32, shape);
    }

    /** Ones of the given dtype and shape. */
    public static Tensor ones(DType dtype, int... shape) {
        return Creation.full(1.0, dtype, shape);
    }

    /** A tensor filled with one value. */
    public static Tensor full(double value, DType dtype, int... shape) {
        return Creation.full(value, dtype, shape);
    }

    /** A zero-dimensional float32 tensor holding one value. */
    public static Tensor scalar(double value) {
        return scalar(value, DType.FLOAT32);
    }

    /** A zero-dimensional tensor holding one value. */
    public static Tensor scalar(double value, DType dtype) {
        return Creation.full(value, dtype);
    }

    /** 0, 1, ..., end-1 as int32. */
    public static Tensor arange(int end) {
        return Creation.arange(0, end, 1, DType.INT32);
    }

    /** start, start+step, ... (excluding end), like NumPy's arange. */
    public static Tensor arange(double start, double end, double step, DType dtype) {
        return Creation.arange(start, end, step, dtype);
    }

    /** {@code steps} evenly spaced values from start to end inclusive. */
    public static Tensor linspace(double start, double end, int steps, DType dtype) {
        return Creation.linspace(start, end, steps, dtype);
    }

    /** The n×n identity matrix. */
    public static Tensor eye(int n, DType dtype) {
        return Creation.eye(n, dtype);
    }

    /** A float64 tensor with these values (copied); shape defaults to {@code [values.length]}. */
    public static Tensor of(double[] values, int... shape) {
        return Creation.fromArray(values.clone(), DType.FLOAT64, values.length, shape);
    }

    /** A float32 tensor with these values (copied); shape defaults to {@code [values.length]}. */
    public static Tensor of(float[] values, int... shape) {
        return Creation.fromArray(values.clone(), DType.FLOAT32, values.length, shape);
    }

    /** An int32 tensor with these values (copied); shape defaults to {@code [values.length]}. */
    public static Tensor of(int[] values, int... shape) {
        return Creation.fromArray(values.clone(), DType.INT32, values.length, shape);
    }

    /** A float64 matrix from rows of equal length. */
    public static Tensor of(double[][] rows) {
        return Creation.fromRows(rows);
    }

    /** Standard normal samples, float32. */
    public static Tensor randn(Generator gen, int... shape) {
        return randn(gen, DType.FLOAT32, shape);
    }

    /** Standard normal samples. */
    public static Tensor randn(Generator gen, DType dtype, int... shape) {
        return Creation.random(gen, dtype, shape, Generator::nextGaussian);
    }

    /** Uniform samples in [0, 1), float32. */
    public static Tensor rand(Generator gen, int... shape) {
        return uniform(gen, 0.0, 1.0, DType.FLOAT32, shape);
    }

    /** Uniform samples in [low, high). */
    public static Tensor uniform(Generator gen, double low, double high, DType dtype, int... shape) {
        if (!(low < high) || !Double.isFinite(high - low)) {
            throw new IllegalArgumentException("uniform: need finite low < high, got " + low + ", " + high);
        }
        // Rounding to float32 could turn a value just below high into high itself: step back one float.
        double top = dtype == DType.FLOAT32 ? Math.nextDown((float) high) : high;
        return Creation.random(gen, dtype, shape, g -> Math.min(low + (high - low) * g.nextDouble(), top));
    }

    /** 1 with probability p, else 0. */
    public static Tensor bernoulli(Generator gen, double p, DType dtype, int... shape) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("bernoulli: p must be in [0, 1], got " + p);
        return Creation.random(gen, dtype, shape, g -> g.nextDouble() < p ? 1.0 : 0.0);
    }

    /** Uniform integers in [low, high), int32. */
    public static Tensor randint(Generator gen, int low, int high, int... shape) {
        long span = (long) high - low;
        if (span <= 0 || span > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("randint: need low < high with high - low < 2^31, got " + low + ", " + high);
        }
        return Creation.random(gen, DType.INT32, shape, g -> low + g.nextInt((int) span));
    }

    /** A uniformly random permutation of 0..n-1 (Fisher–Yates), int32. */
    public static Tensor randperm(Generator gen, int n) {
        return Creation.randperm(gen, n);
    }

    // ---------------------------------------------------------------- inspection

    /** The element type. */
    public DType dtype() {
        return storage.dtype;
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** The size along one axis (negative axes count from the end). */
    public int size(int axis) {
        return shape[Shapes.axis("size", axis, shape.length)];
    }

    /** Number of axes. */
    public int dim() {
        return shape.length;
    }

    /** Number of elements. */
    public int numel() {
        return Shapes.numel(shape);
    }

    /** A copy of the strides (in elements). */
    public int[] strides() {
        return strides.clone();
    }

    /** Whether the elements are stored row-major without gaps. */
    public boolean isContiguous() {
        return strided().isContiguous();
    }

    /** The value of a single-element tensor. */
    public double item() {
        if (numel() != 1) {
            throw new IllegalStateException("item: tensor of shape " + Shapes.str(shape) + " has " + numel()
                    + " elements, not 1");
        }
        return ArrayElements.get(storage.data(), offset);
    }

    /** The element at an index (one coordinate per axis, negative counts from the end). */
    public double get(int... index) {
        return ArrayElements.get(storage.data(), position("get", index));
    }

    int position(String op, int[] index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException(op + ": index " + Arrays.toString(index) + " has " + index.length
                    + " coordinates for a tensor of shape " + Shapes.str(shape));
        }
        int p = offset;
        for (int i = 0; i < index.length; i++) {
            int k = index[i] < 0 ? index[i] + shape[i] : index[i];
            if (k < 0 || k >= shape[i]) {
                throw new IndexOutOfBoundsException(op + ": index " + Arrays.toString(index) + " is out of bounds for shape "
                        + Shapes.str(shape));
            }
            p += k * strides[i];
        }
        return p;
    }

    /** All elements in row-major order, as doubles. */
    public double[] toDoubleArray() {
        double[] out = new double[numel()];
        Elementwise.copy(dtype(), DType.FLOAT64, strided(), out);
        return out;
    }

    /** All elements in row-major order, as floats. */
    public float[] toFloatArray() {
        float[] out = new float[numel()];
        Elementwise.copy(dtype(), DType.FLOAT32, strided(), out);
        return out;
    }

    /** All elements in row-major order, as ints (floats truncated toward zero). */
    public int[] toIntArray() {
        int[] out = new int[numel()];
        Elementwise.copy(dtype(), DType.INT32, strided(), out);
        return out;
    }

    /** Whether no element is NaN or infinite. */
    public boolean isAllFinite() {
        if (!dtype().isFloating()) return true;
        for (double v : toDoubleArray()) if (!Double.isFinite(v)) return false;
        return true;
    }

    /** Whether shapes match and |a − b| ≤ atol + rtol·|b| elementwise (NaNs never match). */
    public boolean allClose(Tensor other, double rtol, double atol) {
        if (!Arrays.equals(shape, other.shape)) return false;
        double[] a = toDoubleArray(), b = other.toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            if (!(Math.abs(a[i] - b[i]) <= atol + rtol * Math.abs(b[i]))) return false;
        }
        return true;
    }

    @Override
    public String toString() {
        return Printer.format(this);
    }

    // ---------------------------------------------------------------- autograd

    /** Whether gradients flow to (leaf) or through (result of a recorded op) this tensor. */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /**
     * Marks a leaf as a variable to differentiate with respect to (returns this, for chaining). Only
     * floating-point leaves can require grad.
     */
    public Tensor requiresGrad(boolean flag) {
        if (gradFn != null) {
            throw new IllegalStateException("requiresGrad: only leaves can change this flag; this tensor was made by '"
                    + gradFn.op + "' (use detach() to get a leaf)");
        }
        if (flag && !dtype().isFloating()) {
            throw new IllegalArgumentException("requiresGrad: only float32/float64 tensors can require grad, not "
                    + dtype());
        }
        requiresGrad = flag;
        return this;
    }

    /** The gradient accumulated by {@link #backward()}; {@code null} until then. */
    public synchronized Tensor grad() {
        return grad;
    }

    /** Sets (or clears, with {@code null}) the accumulated gradient. */
    public synchronized void setGrad(Tensor g) {
        if (g != null && (!Arrays.equals(g.shape, shape) || g.dtype() != dtype())) {
            throw new IllegalArgumentException("setGrad: gradient " + Shapes.str(g.shape) + " " + g.dtype()
                    + " does not match tensor " + Shapes.str(shape) + " " + dtype());
        }
        // A gradient set by hand may have other holders: it no longer returns to the pool by zeroGrad().
        if (g != null && g.storage.owner == Storage.GRADIENT) g.storage.owner = null;
        grad = g;
    }

    /**
     * Clears the accumulated gradient (gradients accumulate across backward calls until cleared). A gradient
     * that backward allocated inside a {@link MemoryScope} goes back to the pool here, so a reference to it
     * kept elsewhere is released.
     */
    public synchronized void zeroGrad() {
        if (grad != null && grad.storage.owner == Storage.GRADIENT) {
            grad.storage.release("when zeroGrad() cleared the gradient that used it");
        }
        grad = null;
    }

    /** Whether this tensor was not produced by a recorded op. */
    public boolean isLeaf() {
        return gradFn == null;
    }

    /** The name of the op that produced this tensor on the tape, or {@code null} for a leaf. */
    public String gradFnName() {
        return gradFn == null ? null : gradFn.op;
    }

    /** Asks backward to keep this non-leaf tensor's gradient in {@link #grad()}. Returns this. */
    public Tensor retainGrad() {
        if (gradFn != null) retainsGrad = true;
        return this;
    }

    /**
     * Registers a function applied to this tensor's gradient during backward before it flows further
     * (it may return a replacement, or {@code null} to keep the gradient).
     */
    public Tensor registerHook(UnaryOperator<Tensor> hook) {
        if (!requiresGrad) throw new IllegalStateException("registerHook: tensor does not require grad");
        if (hooks == null) hooks = new ArrayList<>();
        hooks.add(hook);
        return this;
    }

    /** Back-propagates from this single-element tensor: accumulates d(this)/d(leaf) into every leaf's grad. */
    public void backward() {
        Backprop.run(this, null, null, false, false);
    }

    /** Back-propagates the cotangent c (of this tensor's shape): leaf.grad += cᵀ·∂this/∂leaf. */
    public void backward(Tensor cotangent) {
        Backprop.run(this, cotangent, null, false, false);
    }

    /**
     * Back-propagates with options.
     *
     * @param cotangent   {@code null} for a single-element tensor
     * @param retainGraph keep saved values so that backward can run again through the same graph
     * @param createGraph record the backward pass, so leaf gradients are differentiable (higher order)
     */
    public void backward(Tensor cotangent, boolean retainGraph, boolean createGraph) {
        Backprop.run(this, cotangent, null, retainGraph || createGraph, createGraph);
    }

    /**
     * The same values as a new leaf that shares storage but is cut from the tape (stop-gradient); it carries no
     * forward-mode tangent either.
     */
    public Tensor detach() {
        return new Tensor(storage, shape, strides, offset);
    }

    // ---------------------------------------------------------------- elementwise, one input

    /** −x; derivative −1. */
    public Tensor neg() { return UnaryOps.neg(this); }
    /** |x|; derivative sign(x) (0 at 0). */
    public Tensor abs() { return UnaryOps.abs(this); }
    /** −1, 0 or 1 (gradient zero). */
    public Tensor sign() { return UnaryOps.sign(this); }
    /** eˣ; derivative eˣ (the rule reuses the output). */
    public Tensor exp() { return UnaryOps.exp(this); }
    /** eˣ − 1, accurate near 0. */
    public Tensor expm1() { return UnaryOps.expm1(this); }
    /** Natural logarithm; derivative 1/x. */
    public Tensor log() { return UnaryOps.log(this); }
    /** log(1 + x), accurate near 0. */
    public Tensor log1p() { return UnaryOps.log1p(this); }
    /** √x; derivative 1/(2√x). */
    public Tensor sqrt() { return UnaryOps.sqrt(this); }
    /** 1/√x. */
    public Tensor rsqrt() { return UnaryOps.rsqrt(this); }
    /** x²; derivative 2x. */
    public Tensor square() { return UnaryOps.square(this); }
    /** 1/x. */
    public Tensor reciprocal() { return UnaryOps.reciprocal(this); }
    /** sin x; derivative cos x. */
    public Tensor sin() { return UnaryOps.sin(this); }
    /** cos x; derivative −sin x. */
    public Tensor cos() { return UnaryOps.cos(this); }
    /** tanh x; derivative 1 − tanh² x. */
    public Tensor tanh() { return UnaryOps.tanh(this); }
    /** σ(x) = 1/(1 + e^−x). */
    public Tensor sigmoid() { return UnaryOps.sigmoid(this); }
    /** log σ(x) = −softplus(−x), stable for large |x|. */
    public Tensor logSigmoid() { return UnaryOps.logSigmoid(this); }
    /** max(x, 0). */
    public Tensor relu() { return UnaryOps.relu(this); }
    /** log(1 + eˣ), stable for large |x|. */
    public Tensor softplus() { return UnaryOps.softplus(this); }
    /** The error function. */
    public Tensor erf() { return UnaryOps.erf(this); }
    /** xᵖ for a constant exponent. */
    public Tensor pow(double exponent) { return UnaryOps.pow(this, exponent); }
    /** min(max(x, low), high). */
    public Tensor clamp(double low, double high) { return UnaryOps.clamp(this, low, high); }
    /** max(x, low). */
    public Tensor clampMin(double low) { return UnaryOps.clamp(this, low, Double.POSITIVE_INFINITY); }
    /** min(x, high). */
    public Tensor clampMax(double high) { return UnaryOps.clamp(this, Double.NEGATIVE_INFINITY, high); }

    // ---------------------------------------------------------------- elementwise, two inputs (broadcasting)

    /** x + y with broadcasting; each gradient is summed back to its operand's shape. */
    public Tensor add(Tensor other) { return BinaryOps.add(this, other); }
    /** x + c for a constant c. */
    public Tensor add(double other) { return BinaryOps.add(this, constant(other)); }
    /** x − y with broadcasting. */
    public Tensor sub(Tensor other) { return BinaryOps.sub(this, other); }
    /** x − c for a constant c. */
    public Tensor sub(double other) { return BinaryOps.sub(this, constant(other)); }
    /** x·y elementwise with broadcasting; gradients (ḡ·y, ḡ·x). */
    public Tensor mul(Tensor other) { return BinaryOps.mul(this, other); }
    /** c·x for a constant c. */
    public Tensor mul(double other) { return BinaryOps.mul(this, constant(other)); }
    /** x + y·z elementwise with broadcasting of all three, in one pass (PyTorch's {@code addcmul}). */
    public Tensor addcmul(Tensor y, Tensor z) { return BinaryOps.addcmul(this, y, z, 1.0); }
    /** x + v·y·z elementwise with broadcasting, in one pass; gradients (ḡ, v·ḡ·z, v·ḡ·y). */
    public Tensor addcmul(Tensor y, Tensor z, double value) { return BinaryOps.addcmul(this, y, z, value); }
    /** x/y elementwise with broadcasting; gradients (ḡ/y, −ḡ·x/y²). */
    public Tensor div(Tensor other) { return BinaryOps.div(this, other); }
    /** x/c for a constant c. */
    public Tensor div(double other) { return BinaryOps.div(this, constant(other)); }
    /** xʸ elementwise (x &gt; 0 where y is differentiated). */
    public Tensor pow(Tensor exponent) { return BinaryOps.pow(this, exponent); }
    /** Elementwise maximum; at ties the gradient is split evenly. */
    public Tensor maximum(Tensor other) { return BinaryOps.maximum(this, other); }
    /** Elementwise minimum; at ties the gradient is split evenly. */
    public Tensor minimum(Tensor other) { return BinaryOps.minimum(this, other); }

    /** A zero-dimensional tensor of this tensor's dtype holding a Java number. */
    Tensor constant(double value) {
        return Creation.full(value, dtype().isFloating() ? dtype() : DType.FLOAT64);
    }

    // ---------------------------------------------------------------- comparisons and selection

    /** Elementwise x == y as a bool mask. */
    public Tensor eq(Tensor other) { return BinaryOps.compare("eq", this, other); }
    /** Elementwise x == c as a bool mask. */
    public Tensor eq(double other) { return BinaryOps.compare("eq", this, constant(other)); }
    /** Elementwise x ≠ y as a bool mask (broadcasting). */
    public Tensor ne(Tensor other) { return BinaryOps.compare("ne", this, other); }
    /** Elementwise x ≠ c as a bool mask. */
    public Tensor ne(double other) { return BinaryOps.compare("ne", this, constant(other)); }
    /** Elementwise x &lt; y as a bool mask (broadcasting). */
    public Tensor lt(Tensor other) { return BinaryOps.compare("lt", this, other); }
    /** Elementwise x &lt; c as a bool mask. */
    public Tensor lt(double other) { return BinaryOps.compare("lt", this, constant(other)); }
    /** Elementwise x ≤ y as a bool mask (broadcasting). */
    public Tensor le(Tensor other) { return BinaryOps.compare("le", this, other); }
    /** Elementwise x ≤ c as a bool mask. */
    public Tensor le(double other) { return BinaryOps.compare("le", this, constant(other)); }
    /** Elementwise x &gt; y as a bool mask (broadcasting). */
    public Tensor gt(Tensor other) { return BinaryOps.compare("gt", this, other); }
    /** Elementwise x &gt; c as a bool mask. */
    public Tensor gt(double other) { return BinaryOps.compare("gt", this, constant(other)); }
    /** Elementwise x ≥ y as a bool mask (broadcasting). */
    public Tensor ge(Tensor other) { return BinaryOps.compare("ge", this, other); }
    /** Elementwise x ≥ c as a bool mask. */
    public Tensor ge(double other) { return BinaryOps.compare("ge", this, constant(other)); }

    /** Elementwise mask ? a : b, broadcasting all three; {@code mask} is bool. */
    public static Tensor where(Tensor mask, Tensor a, Tensor b) { return BinaryOps.where(mask, a, b); }

    /** This tensor with {@code value} wherever the bool mask is true. */
    public Tensor maskedFill(Tensor mask, double value) {
        return BinaryOps.where(mask, Creation.full(value, dtype()), this);
    }

    // ---------------------------------------------------------------- reductions

    /** Sum of all elements (a scalar). */
    public Tensor sum() { return ReduceOps.sum(this, new int[0], false); }
    /** Sum over the given axes, which are removed. */
    public Tensor sum(int... axes) { return ReduceOps.sum(this, axes, false); }
    /** Sum over the given axes; with keepDim they stay with size 1. */
    public Tensor sum(int[] axes, boolean keepDim) { return ReduceOps.sum(this, axes, keepDim); }
    /** Mean of all elements (a scalar). */
    public Tensor mean() { return ReduceOps.mean(this, new int[0], false); }
    /** Mean Σx/N over the given axes, which are removed. */
    public Tensor mean(int... axes) { return ReduceOps.mean(this, axes, false); }
    /** Mean over the given axes; with keepDim they stay with size 1. */
    public Tensor mean(int[] axes, boolean keepDim) { return ReduceOps.mean(this, axes, keepDim); }
    /** Product of all elements; its gradient ∏_{j≠i} x_j is exact when x contains zeros. */
    public Tensor prod() { return ReduceOps.prod(this, new int[0], false); }
    /** Product over the given axes, which are removed. */
    public Tensor prod(int... axes) { return ReduceOps.prod(this, axes, false); }
    /** Product over the given axes; with keepDim they stay with size 1. */
    public Tensor prod(int[] axes, boolean keepDim) { return ReduceOps.prod(this, axes, keepDim); }
    /** Largest element; the gradient is shared evenly among ties. */
    public Tensor max() { return ReduceOps.max(this, new int[0], false); }
    /** Largest element over the given axes, which are removed; ties share the gradient. */
    public Tensor max(int... axes) { return ReduceOps.max(this, axes, false); }
    /** Largest element over the given axes; with keepDim they stay with size 1. */
    public Tensor max(int[] axes, boolean keepDim) { return ReduceOps.max(this, axes, keepDim); }
    /** Smallest element; the gradient is shared evenly among ties. */
    public Tensor min() { return ReduceOps.min(this, new int[0], false); }
    /** Smallest element over the given axes, which are removed. */
    public Tensor min(int... axes) { return ReduceOps.min(this, axes, false); }
    /** Smallest element over the given axes; with keepDim they stay with size 1. */
    public Tensor min(int[] axes, boolean keepDim) { return ReduceOps.min(this, axes, keepDim); }
    /** Index of the first largest element along an axis (int32). */
    public Tensor argmax(int axis, boolean keepDim) { return ReduceOps.argReduce(this, axis, keepDim, true); }
    /** Index of the first largest element of the flattened tensor (int32 scalar). */
    public Tensor argmax() { return ReduceOps.argReduce(this.reshape(-1), 0, false, true); }
    /** Index of the first smallest element along an axis (int32). */
    public Tensor argmin(int axis, boolean keepDim) { return ReduceOps.argReduce(this, axis, keepDim, false); }
    /** Index of the first smallest element of the flattened tensor (int32 scalar). */
    public Tensor argmin() { return ReduceOps.argReduce(this.reshape(-1), 0, false, false); }
    /** Variance with Bessel's correction (divides by N − 1) over all elements. */
    public Tensor var() { return ReduceOps.var(this, new int[0], 1, false); }
    /**
     * Variance Σ(x − mean)²/max(0, N − correction) over the given axes (as in PyTorch: +∞, or NaN for
     * equal entries, when N ≤ correction).
     */
    public Tensor var(int[] axes, int correction, boolean keepDim) { return ReduceOps.var(this, axes, correction, keepDim); }
    /** Standard deviation √var with Bessel's correction over all elements. */
    public Tensor std() { return ReduceOps.std(this, new int[0], 1, false); }
    /** √var over the given axes; at zero variance the gradient is 0 (a subgradient), not NaN. */
    public Tensor std(int[] axes, int correction, boolean keepDim) { return ReduceOps.std(this, axes, correction, keepDim); }
    /** log Σ exp(x) over the given axes, computed stably (shifted by the maximum). */
    public Tensor logsumexp(int... axes) { return ReduceOps.logsumexp(this, axes, false); }
    /** log Σ exp(x) over the given axes (all −∞ gives −∞); with keepDim they stay with size 1. */
    public Tensor logsumexp(int[] axes, boolean keepDim) { return ReduceOps.logsumexp(this, axes, keepDim); }
    /** The p-norm (Σ|x|ᵖ)^(1/p) of all elements; p may be infinite. */
    public Tensor norm(double p) { return ReduceOps.norm(this, p, new int[0], false); }
    /** The p-norm over the given axes (p &gt; 0 or ±∞); at the zero vector the gradient is 0. */
    public Tensor norm(double p, int[] axes, boolean keepDim) { return ReduceOps.norm(this, p, axes, keepDim); }
    /** Running sum along an axis. */
    public Tensor cumsum(int axis) { return ReduceOps.cumsum(this, axis, false); }
    /** Sums broadcast axes away so the result has the given shape (the adjoint of {@link #expand}). */
    public Tensor sumToSize(int... shape) { return ReduceOps.sumToSize(this, shape); }

    // ---------------------------------------------------------------- softmax family

    /** exp(x)/Σexp(x) along an axis, computed stably (a row of all −∞ gives NaN, as in PyTorch). */
    public Tensor softmax(int axis) { return SoftmaxOps.softmax(this, axis); }
    /** x − logsumexp(x) along an axis. */
    public Tensor logSoftmax(int axis) { return SoftmaxOps.logSoftmax(this, axis); }

    // ---------------------------------------------------------------- views and shape

    /** The same elements with a new shape (one size may be −1); a view when the layout allows, else a copy. */
    public Tensor reshape(int... newShape) { return ViewOps.reshape(this, newShape); }
    /** Like {@link #reshape} but never copies: fails if the layout does not allow a view. */
    public Tensor view(int... newShape) { return ViewOps.view(this, newShape); }
    /** All axes flattened into one. */
    public Tensor flatten() { return ViewOps.flatten(this, 0, -1); }
    /** Axes start..end (inclusive) flattened into one. */
    public Tensor flatten(int startAxis, int endAxis) { return ViewOps.flatten(this, startAxis, endAxis); }
    /** Swaps two axes (a view). */
    public Tensor transpose(int axis0, int axis1) { return ViewOps.transpose(this, axis0, axis1); }
    /** The transpose of a matrix (rank 2), or this tensor for rank ≤ 1. */
    public Tensor t() { return ViewOps.t(this); }
    /** Reorders the axes (a view): result axis i is this tensor's axis {@code order[i]}. */
    public Tensor permute(int... order) { return ViewOps.permute(this, order); }
    /** Elements start, start+step, ... below end along an axis (a view); negative bounds count from the end. */
    public Tensor slice(int axis, int start, int end, int step) { return ViewOps.slice(this, axis, start, end, step); }
    /** Elements start..end−1 along an axis (a view); negative bounds count from the end. */
    public Tensor slice(int axis, int start, int end) { return ViewOps.slice(this, axis, start, end, 1); }
    /** The slice at one index along an axis, with that axis removed (a view). */
    public Tensor select(int axis, int index) { return ViewOps.select(this, axis, index); }
    /** Repeats size-1 axes (and prepends axes) to the given shape without copying (stride 0). */
    public Tensor expand(int... newShape) { return ViewOps.expand(this, newShape); }
    /** Removes all size-1 axes. */
    public Tensor squeeze() { return ViewOps.squeeze(this); }
    /** Removes one size-1 axis. */
    public Tensor squeeze(int axis) { return ViewOps.squeeze(this, axis); }
    /** Inserts a size-1 axis at the given position. */
    public Tensor unsqueeze(int axis) { return ViewOps.unsqueeze(this, axis); }
    /** This tensor if contiguous, else a contiguous copy. */
    public Tensor contiguous() { return ViewOps.contiguous(this); }
    /** A contiguous copy with its own storage (differentiable). */
    @Override
    public Tensor clone() { return ViewOps.copy(this); }
    /** Conversion to another dtype (differentiable between float types). */
    public Tensor to(DType dtype) { return ViewOps.to(this, dtype); }
    /** A differentiable identity (a new tape node viewing the same values). */
    Tensor identity() { return ViewOps.identity(this); }

    // ---------------------------------------------------------------- indexing, joining, splitting

    /** out[..., i, ...] = this[..., index[..., i, ...], ...] along an axis (index is int32, same rank). */
    public Tensor gather(int axis, Tensor index) { return IndexOps.gather(this, axis, index); }
    /** The slices at the given indices (1-D int32) along an axis. */
    public Tensor indexSelect(int axis, Tensor index) { return IndexOps.indexSelect(this, axis, index); }
    /** A copy of this tensor with src added at positions given by index along an axis (the adjoint of gather). */
    public Tensor scatterAdd(int axis, Tensor index, Tensor src) { return IndexOps.scatterAdd(this, axis, index, src); }
    /** Rows of {@code weight} ([vocab, dim]) for each int32 index: shape = indices.shape + [dim]. */
    public static Tensor embedding(Tensor weight, Tensor indices) { return IndexOps.embedding(weight, indices); }
    /** One-hot float32 encoding of this int32 tensor: shape + [classes]. */
    public Tensor oneHot(int classes) { return IndexOps.oneHot(this, classes); }
    /** Joins tensors along an existing axis. */
    public static Tensor concat(int axis, Tensor... tensors) { return IndexOps.concat(axis, tensors); }
    /** Joins tensors of equal shape along a new axis. */
    public static Tensor stack(int axis, Tensor... tensors) { return IndexOps.stack(axis, tensors); }
    /** Pieces of at most {@code size} along an axis (views). */
    public List<Tensor> split(int size, int axis) { return IndexOps.split(this, size, axis); }
    /** Pieces of the given sizes along an axis (views). */
    public List<Tensor> split(int[] sizes, int axis) { return IndexOps.split(this, sizes, axis); }
    /** {@code chunks} pieces of (nearly) equal size along an axis. */
    public List<Tensor> chunk(int chunks, int axis) { return IndexOps.chunk(this, chunks, axis); }

    // ---------------------------------------------------------------- linear algebra

    /**
     * Matrix product with NumPy semantics: 1-D operands are promoted to a row (left) or a column (right)
     * and the added axis removed; leading (batch) axes broadcast.
     */
    public Tensor matmul(Tensor other) { return LinalgOps.matmul(this, other); }

    // ---------------------------------------------------------------- normalisation (fused kernels)

    /**
     * Layer normalisation over the last axis (size n): y = (x − μ)/√(σ² + ε)·w + b per row, with μ and σ²
     * the row's mean and biased variance; one fused kernel forward and one backward.
     *
     * @param weight w of shape [n], or {@code null} (w = 1)
     * @param bias   b of shape [n], or {@code null} (b = 0)
     * @param eps    ε ≥ 0 (PyTorch's default is 1e-5)
     */
    public Tensor layerNorm(Tensor weight, Tensor bias, double eps) { return NormOps.layerNorm(this, weight, bias, eps); }

    /**
     * RMS normalisation over the last axis (size n): y = x/√(mean(x²) + ε)·w per row; one fused kernel
     * forward and one backward.
     *
     * @param weight w of shape [n], or {@code null} (w = 1)
     * @param eps    ε ≥ 0
     */
    public Tensor rmsNorm(Tensor weight, double eps) { return NormOps.rmsNorm(this, weight, eps); }

    // ---------------------------------------------------------------- fused ops (one kernel pass each way)

    /**
     * Per-row cross-entropy of these logits (classes along the last axis) with int32 class indices of this
     * shape without its last axis: ℓ = log Σⱼ e^(zⱼ) − z_t = −log softmax(z)_t, like PyTorch's
     * {@code F.cross_entropy(..., reduction='none')}; labels −100 are ignored (ℓ = 0, no gradient).
     */
    public Tensor crossEntropy(Tensor target) { return SoftmaxOps.crossEntropy(this, target, -1, -100, 0.0); }

    /**
     * Per-row cross-entropy along {@code axis} with int32 class indices t (this shape without the axis) and
     * label smoothing ε ∈ [0, 1]: ℓ = (1 − ε)·(−log p_t) + (ε/n)·Σⱼ (−log pⱼ) with p = softmax(z) along the
     * axis; rows whose label is {@code ignoreIndex} give ℓ = 0 and no gradient. The gradient is
     * ḡ·(p − (1 − ε)·onehot(t) − ε/n), computed in one pass without a one-hot tensor.
     */
    public Tensor crossEntropy(Tensor target, int axis, int ignoreIndex, double labelSmoothing) {
        return SoftmaxOps.crossEntropy(this, target, axis, ignoreIndex, labelSmoothing);
    }

    /**
     * The affine map y = x·Wᵀ + b over the last axis (PyTorch's {@code F.linear}): x {@code [*, in]}, weight
     * {@code [out, in]}, bias {@code [out]} or {@code null}; y {@code [*, out]}. One GEMM accumulating onto
     * the broadcast bias; gradients x̄ = ḡ·W, W̄ = ḡᵀ·x, b̄ = Σ ḡ over the leading axes.
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) { return LinearOps.linear(x, weight, bias); }

    // ---------------------------------------------------------------- direct access for fused kernels

    /**
     * The backing array of a dense float32 tensor (contiguous, offset 0, covering its whole storage), for
     * fused in-place kernels such as optimizer updates. Writes through it are invisible to the tape: call
     * {@link #markModified()} afterwards, under {@link Autograd#noGrad()} for tensors that require grad.
     *
     * @throws IllegalStateException if the tensor is not float32 or not dense
     */
    public float[] floatData() {
        return (float[]) denseData(DType.FLOAT32);
    }

    /** The backing array of a dense float64 tensor; see {@link #floatData()}. */
    public double[] doubleData() {
        return (double[]) denseData(DType.FLOAT64);
    }

    /** Whether this tensor is contiguous from offset 0 and covers its whole storage (see {@link #floatData()}). */
    public boolean isDense() {
        return offset == 0 && isContiguous() && numel() == storage.length();
    }

    private Object denseData(DType expected) {
        if (dtype() != expected) {
            throw new IllegalStateException("direct access: tensor is " + dtype() + ", not " + expected);
        }
        if (!isDense()) {
            throw new IllegalStateException("direct access: tensor of shape " + Shapes.str(shape)
                    + " is a view (offset " + offset + ", strides " + Arrays.toString(strides)
                    + "); use contiguous() or clone() for a dense copy");
        }
        return storage.data();
    }

    /**
     * Records that this tensor's elements were changed in place through {@link #floatData()} or
     * {@link #doubleData()}: bumps the storage version, so a value saved by the tape and then overwritten is
     * detected at backward time. Refused (like every in-place write) for a tensor that requires grad while
     * recording.
     */
    public void markModified() {
        InPlace.markModified(this);
    }

    // ---------------------------------------------------------------- in place (not recorded)

    /** Copies src (broadcast to this shape, converted to this dtype) into this tensor's elements. */
    public Tensor copyInPlace(Tensor src) { return InPlace.copy(this, src); }
    /** Sets every element to value. */
    public Tensor fillInPlace(double value) { return InPlace.fill(this, value); }
    /** this += other (broadcast). */
    public Tensor addInPlace(Tensor other) { return InPlace.add(this, other, 1.0); }
    /** this += alpha·other (broadcast). */
    public Tensor addInPlace(Tensor other, double alpha) { return InPlace.add(this, other, alpha); }
    /** this *= factor. */
    public Tensor mulInPlace(double factor) { return InPlace.scale(this, factor); }
}
