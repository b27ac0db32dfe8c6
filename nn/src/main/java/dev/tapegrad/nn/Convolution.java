package dev.tapegrad.nn;

import dev.tapegrad.DType;
import dev.tapegrad.Tensor;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.function.Supplier;

/**
 * Convolution and pooling over one or two spatial axes, as functions (like {@code torch.nn.functional}).
 * Inputs are {@code [N, C, L]} / {@code [N, C, H, W]} (or unbatched {@code [C, L]} / {@code [C, H, W]}).
 *
 * <p><b>Windows.</b> Along each spatial axis with input size n, kernel k, stride s, padding p and dilation
 * d, the window of output position j covers the input positions j·s + i·d − p for i = 0..k−1 (positions
 * outside 0..n−1 read the padding value), and there are
 * <pre>  out = ⌊(n + 2p − d·(k − 1) − 1) / s⌋ + 1</pre>
 * output positions (PyTorch's floor mode); a kernel that does not fit in the padded input is an error.
 *
 * <p><b>How it is computed (im2col).</b> All windows are gathered at once into a patch matrix
 * {@code cols[n, c, i, j]} = x̃[n, c, window j, kernel offset i] (Chellapilla, Puri and Simard, "High
 * Performance Convolutional Neural Networks for Document Processing", 2006): the spatial axes of x are
 * flattened, one padding slot is appended with {@code concat}, and a single {@code indexSelect} reads the
 * patches through an int index built once per geometry and cached (at most 64 MiB of indices, least recently
 * used dropped first). Convolution is then one batched
 * {@code matmul}, max pooling an arg-max {@code gather}, average pooling a {@code mean}. Every step is a
 * differentiable engine op, so gradients (the transposed convolution and col2im scatter) and gradients of
 * gradients come from the ops' own rules.
 */
public final class Convolution {
    private Convolution() {}

    // ---------------------------------------------------------------- public functions

    /**
     * 1-D convolution (cross-correlation, as in deep-learning libraries; LeCun et al., "Backpropagation
     * Applied to Handwritten Zip Code Recognition", 1989):
     * <pre>  y[n, o, j] = b[o] + Σ_{c ∈ group(o)} Σ_i w[o, c − g(o)·C/G, i] · x̃[n, c, j·s + i·d − p]</pre>
     * with x of shape {@code [N, C, L]} (or {@code [C, L]}), weight {@code [O, C/G, k]}, bias {@code [O]} or
     * {@code null}, G = {@code groups} (channels and outputs split into G independent groups, Krizhevsky et al.
     * 2012; output o belongs to group g(o) = ⌊o·G/O⌋) and dilation d (Yu and Koltun, "Multi-Scale Context
     * Aggregation by Dilated Convolutions", 2016). x̃ is x padded with zeros.
     */
    public static Tensor conv1d(Tensor x, Tensor weight, Tensor bias, int stride, int padding, int dilation, int groups) {
        return convolve("conv1d", x, weight, bias, new int[] {stride}, new int[] {padding}, new int[] {dilation}, groups);
    }

    /** {@link #conv1d(Tensor, Tensor, Tensor, int, int, int, int)} with stride 1, no padding, dilation 1, one group. */
    public static Tensor conv1d(Tensor x, Tensor weight, Tensor bias) {
        return conv1d(x, weight, bias, 1, 0, 1, 1);
    }

    /**
     * 2-D convolution (cross-correlation):
     * <pre>
     *   y[n, o, u, v] = b[o] + Σ_{c ∈ group(o)} Σ_{i, j} w[o, c − g(o)·C/G, i, j]
     *                                                  · x̃[n, c, u·s₀ + i·d₀ − p₀, v·s₁ + j·d₁ − p₁]</pre>
     * with x of shape {@code [N, C, H, W]} (or {@code [C, H, W]}), weight {@code [O, C/G, kH, kW]} (PyTorch's
     * layout), bias {@code [O]} or {@code null}; stride, padding and dilation give (height, width) values.
     * See {@link #conv1d(Tensor, Tensor, Tensor, int, int, int, int)} for groups, dilation and the padding.
     */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation,
                                int groups) {
        return convolve("conv2d", x, weight, bias, stride, padding, dilation, groups);
    }

    /** {@link #conv2d(Tensor, Tensor, Tensor, int[], int[], int[], int)} with the same value along both axes. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int stride, int padding, int dilation, int groups) {
        return conv2d(x, weight, bias, pair(stride), pair(padding), pair(dilation), groups);
    }

    /** {@link #conv2d(Tensor, Tensor, Tensor, int[], int[], int[], int)} with stride 1, no padding, dilation 1, one group. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias) {
        return conv2d(x, weight, bias, 1, 0, 1, 1);
    }

    /**
     * 1-D max pooling: y[n, c, j] = max_i x̃[n, c, j·s + i − p], x̃ padded with −∞. The gradient of each
     * output goes to one input, the first maximum of its window in scan order (PyTorch's choice; a NaN counts
     * as the maximum). Padding must be at most half the kernel, as in PyTorch, so every window holds an input.
     */
    public static Tensor maxPool1d(Tensor x, int kernel, int stride, int padding) {
        return pool("maxPool1d", x, new int[] {kernel}, new int[] {stride}, new int[] {padding}, true);
    }

    /** {@link #maxPool1d(Tensor, int, int, int)} with stride = kernel and no padding. */
    public static Tensor maxPool1d(Tensor x, int kernel) {
        return maxPool1d(x, kernel, kernel, 0);
    }

    /**
     * 2-D max pooling: y[n, c, u, v] = max_{i, j} x̃[n, c, u·s₀ + i − p₀, v·s₁ + j − p₁], x̃ padded with −∞;
     * kernel, stride and padding give (height, width). Gradient and padding rules as in
     * {@link #maxPool1d(Tensor, int, int, int)} (scan order is row-major over the window).
     */
    public static Tensor maxPool2d(Tensor x, int[] kernel, int[] stride, int[] padding) {
        return pool("maxPool2d", x, kernel, stride, padding, true);
    }

    /** {@link #maxPool2d(Tensor, int[], int[], int[])} with a square kernel, stride = kernel and no padding. */
    public static Tensor maxPool2d(Tensor x, int kernel) {
        return maxPool2d(x, pair(kernel), pair(kernel), pair(0));
    }

    /**
     * 1-D average pooling: y[n, c, j] = (1/k) Σ_i x̃[n, c, j·s + i − p], x̃ padded with zeros that count in
     * the average (PyTorch's default {@code count_include_pad = true}). Padding must be at most half the kernel.
     */
    public static Tensor avgPool1d(Tensor x, int kernel, int stride, int padding) {
        return pool("avgPool1d", x, new int[] {kernel}, new int[] {stride}, new int[] {padding}, false);
    }

    /** {@link #avgPool1d(Tensor, int, int, int)} with stride = kernel and no padding. */
    public static Tensor avgPool1d(Tensor x, int kernel) {
        return avgPool1d(x, kernel, kernel, 0);
    }

    /**
     * 2-D average pooling: y[n, c, u, v] = (1/(k₀k₁)) Σ_{i, j} x̃[n, c, u·s₀ + i − p₀, v·s₁ + j − p₁], zeros
     * of the padding included in the count; kernel, stride and padding give (height, width).
     */
    public static Tensor avgPool2d(Tensor x, int[] kernel, int[] stride, int[] padding) {
        return pool("avgPool2d", x, kernel, stride, padding, false);
    }

    /** {@link #avgPool2d(Tensor, int[], int[], int[])} with a square kernel, stride = kernel and no padding. */
    public static Tensor avgPool2d(Tensor x, int kernel) {
        return avgPool2d(x, pair(kernel), pair(kernel), pair(0));
    }

    // ---------------------------------------------------------------- shared by the functions and the modules

    static int[] pair(int v) {
        return new int[] {v, v};
    }

    /**
     * The convolution behind conv1d/conv2d and the modules; {@code name} (function or layer) starts every
     * error message. The number of spatial axes is the length of {@code stride}.
     */
    static Tensor convolve(String name, Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding,
                           int[] dilation, int groups) {
        int d = stride.length;
        requireFloating(name, "input", x);
        if (weight.dtype() != x.dtype() || (bias != null && bias.dtype() != x.dtype())) {
            throw new IllegalArgumentException(name + ": input is " + x.dtype() + " but weight is " + weight.dtype()
                    + (bias == null ? "" : " and bias is " + bias.dtype()) + "; they must share one dtype");
        }
        if (weight.dim() != d + 2) {
            throw new IllegalArgumentException(name + ": weight of shape " + str(weight.shape()) + " must have rank "
                    + (d + 2) + " [out, in/groups" + ", k".repeat(d) + "]");
        }
        int[] kernel = Arrays.copyOfRange(weight.shape(), 2, d + 2);
        Window window = Window.of(name, kernel, stride, padding, dilation);
        boolean batched = requireRank(name, x, d);
        Tensor xb = batched ? x : x.unsqueeze(0);
        int n = xb.size(0), c = xb.size(1), o = weight.size(0);
        if (groups < 1 || c % groups != 0 || o % groups != 0) {
            throw new IllegalArgumentException(name + ": groups " + groups + " must be positive and divide both the "
                    + c + " input channels (input " + str(x.shape()) + ") and the " + o + " output channels (weight "
                    + str(weight.shape()) + ")");
        }
        if (weight.size(1) * groups != c) {
            throw new IllegalArgumentException(name + ": input of shape " + str(x.shape()) + " has " + c
                    + " channels but weight of shape " + str(weight.shape()) + " with groups " + groups + " expects "
                    + weight.size(1) * groups);
        }
        if (bias != null && (bias.dim() != 1 || bias.size(0) != o)) {
            throw new IllegalArgumentException(name + ": bias of shape " + str(bias.shape()) + " must be [" + o
                    + "] for weight of shape " + str(weight.shape()));
        }
        Patches p = patches(name, xb, window, 0.0);
        int perGroup = c / groups * p.k();
        Tensor cols = p.cols().reshape(n, groups, perGroup, p.l());                  // [N, G, C/G·K, L]
        Tensor y = weight.reshape(groups, o / groups, perGroup).matmul(cols);         // [N, G, O/G, L]
        y = y.reshape(n, o, p.l());
        if (bias != null) y = y.add(bias.reshape(o, 1));
        y = y.reshape(withLeading(n, o, p.out()));
        return batched ? y : y.squeeze(0);
    }

    /** Max ({@code max}) or average pooling; {@code name} starts every error message. */
    static Tensor pool(String name, Tensor x, int[] kernel, int[] stride, int[] padding, boolean max) {
        int d = kernel.length;
        requireFloating(name, "input", x);
        Window window = poolWindow(name, kernel, stride, padding);
        boolean batched = requireRank(name, x, d);
        Tensor xb = batched ? x : x.unsqueeze(0);
        int n = xb.size(0), c = xb.size(1);
        Patches p = patches(name, xb, window, max ? Double.NEGATIVE_INFINITY : 0.0);   // [N, C, K, L]
        Tensor y = max ? p.cols().gather(2, p.cols().argmax(2, true)) : p.cols().mean(new int[] {2}, true);
        y = y.reshape(withLeading(n, c, p.out()));
        return batched ? y : y.squeeze(0);
    }

    /**
     * Checks that a layer's sizes and window are valid (positive channels and kernel, groups dividing the
     * channels, stride and dilation at least 1, padding at least 0) before it allocates parameters.
     */
    static void checkLayer(String name, int in, int out, int[] kernel, int[] stride, int[] padding, int[] dilation,
                           int groups) {
        if (in <= 0 || out <= 0 || groups <= 0 || in % groups != 0 || out % groups != 0) {
            throw new IllegalArgumentException(name + ": need positive channels divisible by groups, got in " + in
                    + ", out " + out + ", groups " + groups);
        }
        Window.of(name, kernel, stride, padding, dilation);
    }

    /** The window of a pooling layer: a valid geometry whose padding is at most half the kernel (PyTorch's rule). */
    static Window poolWindow(String name, int[] kernel, int[] stride, int[] padding) {
        Window window = Window.of(name, kernel, stride, padding, ones(kernel.length));
        for (int a = 0; a < kernel.length; a++) {
            if (padding[a] > kernel[a] / 2) {
                throw new IllegalArgumentException(name + ": padding " + str(padding) + " must be at most half the kernel "
                        + str(kernel));
            }
        }
        return window;
    }

    /**
     * The bound of PyTorch's default initialisation of a convolution's weight and bias, U(−b, b) with
     * b = 1/√fan_in and fan_in = (in/groups)·Πk: Kaiming uniform with a = √5 reduces to this bound.
     */
    static double initBound(int in, int groups, int[] kernel) {
        return 1.0 / Math.sqrt((double) in / groups * product(kernel));
    }

    // ---------------------------------------------------------------- im2col

    /**
     * A window geometry along every spatial axis (all arrays have one entry per axis).
     */
    record Window(int[] kernel, int[] stride, int[] padding, int[] dilation) {
        static Window of(String name, int[] kernel, int[] stride, int[] padding, int[] dilation) {
            int d = kernel.length;
            if (stride.length != d || padding.length != d || dilation.length != d) {
                throw new IllegalArgumentException(name + ": kernel " + str(kernel) + ", stride " + str(stride)
                        + ", padding " + str(padding) + " and dilation " + str(dilation) + " need " + d + " value(s) each");
            }
            for (int a = 0; a < d; a++) {
                if (kernel[a] < 1 || stride[a] < 1 || dilation[a] < 1 || padding[a] < 0) {
                    throw new IllegalArgumentException(name + ": need kernel, stride and dilation >= 1 and padding >= 0, got"
                            + " kernel " + str(kernel) + ", stride " + str(stride) + ", padding " + str(padding)
                            + ", dilation " + str(dilation));
                }
            }
            return new Window(kernel.clone(), stride.clone(), padding.clone(), dilation.clone());
        }

        /** Output sizes for spatial input sizes {@code in}; fails when a kernel does not fit the padded input. */
        int[] outputSize(String name, int[] in, int[] inputShape) {
            int[] out = new int[in.length];
            for (int a = 0; a < in.length; a++) {
                int span = dilation[a] * (kernel[a] - 1) + 1, padded = in[a] + 2 * padding[a];
                if (span > padded) {
                    throw new IllegalArgumentException(name + ": kernel " + str(kernel) + " (dilation " + str(dilation)
                            + ") spans " + span + " positions along spatial axis " + a + ", more than the padded input "
                            + padded + " (input " + str(inputShape) + ", padding " + str(padding) + ")");
                }
                out[a] = (padded - span) / stride[a] + 1;
            }
            return out;
        }

        boolean pads() {
            return Arrays.stream(padding).anyMatch(p -> p > 0);
        }

        String key(int[] in) {
            return str(in) + str(kernel) + str(stride) + str(padding) + str(dilation);
        }
    }

    /** Patches {@code cols [N, C, K, L]} (K kernel offsets, L output positions) and the output's spatial sizes. */
    private record Patches(Tensor cols, int k, int l, int[] out) {}

    /** Index tensors by geometry (at most 2²⁴ ints, 64 MiB, in all; see {@link IndexCache}). */
    private static final IndexCache INDEX_CACHE = new IndexCache(1 << 24);

    /**
     * A cache of int index tensors by key, bounded by the total number of ints it holds: when an insertion
     * goes over the budget, the least recently used entries are dropped, and an index larger than the whole
     * budget is built but not kept. Safe for concurrent use (one lock; indices are built outside it, so two
     * threads may build the same one, and the first stored wins). The cached tensors are only ever read.
     */
    static final class IndexCache {
        private final long maxInts;
        private final LinkedHashMap<String, Tensor> entries = new LinkedHashMap<>(16, 0.75f, true);
        private long ints;

        IndexCache(long maxInts) {
            this.maxInts = maxInts;
        }

        /** The cached index for {@code key}, or a new one {@code build} makes (an int32 vector). */
        Tensor get(String key, Supplier<int[]> build) {
            synchronized (this) {
                Tensor hit = entries.get(key);
                if (hit != null) return hit;
            }
            int[] values = build.get();
            Tensor index = Tensor.of(values, values.length);
            if (values.length > maxInts) return index;
            synchronized (this) {
                Tensor raced = entries.putIfAbsent(key, index);
                if (raced != null) return raced;
                ints += values.length;
                for (Iterator<Tensor> it = entries.values().iterator(); ints > maxInts; ) {
                    ints -= it.next().numel(); // the eldest first; the new entry alone fits, so it stays
                    it.remove();
                }
                return index;
            }
        }

        /** Total ints held. */
        synchronized long ints() {
            return ints;
        }

        /** Number of entries. */
        synchronized int size() {
            return entries.size();
        }
    }

    /**
     * Gathers every window of xb {@code [N, C, spatial...]} into {@code [N, C, K, L]}, reading
     * {@code padValue} outside the input.
     */
    private static Patches patches(String name, Tensor xb, Window w, double padValue) {
        int d = w.kernel().length, n = xb.size(0), c = xb.size(1);
        int[] in = Arrays.copyOfRange(xb.shape(), 2, 2 + d);
        int[] out = w.outputSize(name, in, xb.shape());
        int size = product(in), k = product(w.kernel()), l = product(out);
        Tensor flat = xb.reshape(n, c, size);
        if (w.pads()) flat = Tensor.concat(2, flat, Tensor.full(padValue, xb.dtype(), 1, 1, 1).expand(n, c, 1));
        Tensor index = INDEX_CACHE.get(w.key(in), () -> patchIndex(in, out, w));
        return new Patches(flat.indexSelect(2, index).reshape(n, c, k, l), k, l, out);
    }

    /**
     * index[i·L + j] = the flat (row-major) input position that kernel offset i reads for output position j,
     * or {@code product(in)} (the appended padding slot) when that position lies in the padding.
     */
    private static int[] patchIndex(int[] in, int[] out, Window w) {
        int d = in.length, k = product(w.kernel()), l = product(out), padSlot = product(in);
        int[] index = new int[k * l], offset = new int[d], pos = new int[d];
        for (int i = 0; i < k; i++) {
            unravel(i, w.kernel(), offset);
            for (int j = 0; j < l; j++) {
                unravel(j, out, pos);
                int flat = 0;
                boolean inside = true;
                for (int a = 0; a < d; a++) {
                    int at = pos[a] * w.stride()[a] + offset[a] * w.dilation()[a] - w.padding()[a];
                    inside &= at >= 0 && at < in[a];
                    flat = flat * in[a] + at;
                }
                index[i * l + j] = inside ? flat : padSlot;
            }
        }
        return index;
    }

    /** Row-major coordinates of {@code i} in {@code shape}, written into {@code into}. */
    private static void unravel(int i, int[] shape, int[] into) {
        for (int a = shape.length - 1; a >= 0; a--) {
            into[a] = i % shape[a];
            i /= shape[a];
        }
    }

    // ---------------------------------------------------------------- small helpers

    /** True for a batched input (rank d + 2), false for an unbatched one (rank d + 1); anything else fails. */
    private static boolean requireRank(String name, Tensor x, int d) {
        if (x.dim() != d + 1 && x.dim() != d + 2) {
            String axes = d == 1 ? "L" : "H, W";
            throw new IllegalArgumentException(name + ": input of shape " + str(x.shape()) + " must be [N, C, " + axes
                    + "] or [C, " + axes + "]");
        }
        return x.dim() == d + 2;
    }

    private static void requireFloating(String name, String what, Tensor t) {
        if (t.dtype() != DType.FLOAT32 && t.dtype() != DType.FLOAT64) {
            throw new IllegalArgumentException(name + ": " + what + " must be float32 or float64, got " + t.dtype() + " "
                    + str(t.shape()));
        }
    }

    private static int[] withLeading(int n, int c, int[] rest) {
        int[] shape = new int[rest.length + 2];
        shape[0] = n;
        shape[1] = c;
        System.arraycopy(rest, 0, shape, 2, rest.length);
        return shape;
    }

    private static int[] ones(int d) {
        int[] a = new int[d];
        Arrays.fill(a, 1);
        return a;
    }

    private static int product(int[] a) {
        int p = 1;
        for (int v : a) p = Math.multiplyExact(p, v);
        return p;
    }

    static String str(int[] a) {
        return Arrays.toString(a);
    }
}
