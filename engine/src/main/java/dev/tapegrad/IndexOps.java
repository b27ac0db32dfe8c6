package dev.tapegrad;

import static dev.tapegrad.check.Samples.*;

import dev.tapegrad.kernels.ArrayElements;
import dev.tapegrad.kernels.StridedIndex;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Indexing, joining and splitting, each next to its rule.
 *
 * <p>Two primitives move values by index along an axis. For a position p of the index (p with its
 * {@code axis} coordinate replaced by a value v is written p[axis ← v]):
 * <ul>
 *   <li>gather: {@code out[p] = x[p[axis ← index[p]]]};
 *   <li>scatterAdd: {@code out = x}, then {@code out[p[axis ← index[p]]] += src[p]} for every p.
 * </ul>
 * Each is the other's adjoint, so each VJP is the other op, and gradients of any order work. Both are linear
 * in their float inputs (the index is a constant), so each JVP is the op itself applied to the tangents.
 * indexSelect and embedding are gathers whose index is a 1-D index repeated (stride 0) over the other axes.
 * concat copies its inputs into slices of the output: its VJP slices ḡ, its JVP concatenates the tangents;
 * split and chunk are slices.
 *
 * <p>Indices are int32 and must lie in [0, size); everything is checked before any work is done.
 */
final class IndexOps {
    private IndexOps() {}

    // ---------------------------------------------------------------- checks

    private static void requireIndexType(String op, Tensor index) {
        if (index.dtype() != DType.INT32) {
            throw new IllegalArgumentException(op + ": indices must be int32, got " + index.dtype() + " "
                    + Shapes.str(index.shape) + "; convert them with to(DType.INT32)");
        }
    }

    /** Fails on the first index value outside [0, size), naming the value, where it is and {@code what}. */
    private static void checkRange(String op, Tensor index, int size, String what) {
        int[] values = (int[]) index.storage.data();
        StridedIndex it = new StridedIndex(index.shape, index.strides, index.offset);
        for (int i = 0, n = index.numel(); i < n; i++) {
            int v = values[it.next()];
            if (v < 0 || v >= size) {
                throw new IndexOutOfBoundsException(op + ": index " + v + " (at position "
                        + Arrays.toString(coordinates(i, index.shape)) + " of the indices) is out of range for "
                        + what + " (valid: 0.." + (size - 1) + ")");
            }
        }
    }

    /** The coordinates of the i-th element in row-major order. */
    private static int[] coordinates(int i, int[] shape) {
        int[] c = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            c[d] = i % shape[d];
            i /= shape[d];
        }
        return c;
    }

    private static String axisOf(int axis, Tensor x) {
        return "axis " + axis + " of size " + x.shape[axis] + " (shape " + Shapes.str(x.shape) + ")";
    }

    /** index has x's rank and is no larger than x on every axis but {@code axis} (where any size is fine). */
    private static void checkIndexShape(String op, String name, Tensor x, int axis, Tensor index) {
        if (index.shape.length != x.shape.length) {
            throw new IllegalArgumentException(op + ": index of shape " + Shapes.str(index.shape)
                    + " must have the same rank as the " + name + " of shape " + Shapes.str(x.shape));
        }
        for (int d = 0; d < x.shape.length; d++) {
            if (d != axis && index.shape[d] > x.shape[d]) {
                throw new IllegalArgumentException(op + ": index of shape " + Shapes.str(index.shape)
                        + " is larger than the " + name + " of shape " + Shapes.str(x.shape) + " at axis " + d);
            }
        }
    }

    // ---------------------------------------------------------------- the two primitives

    /**
     * Walks the positions of x at p[axis ← 0] for every p of {@code shape}, in row-major order: the same
     * layout as x but with stride 0 along the axis (the index value supplies that coordinate).
     */
    private static StridedIndex alongIndex(Tensor x, int axis, int[] shape) {
        int[] strides = x.strides.clone();
        strides[axis] = 0;
        return new StridedIndex(shape, strides, x.offset);
    }

    /**
     * gather without checks, recorded as {@code def} (gather, indexSelect or embedding). VJP: ḡ scatter-added
     * into zeros of x's shape; JVP: ẋ gathered at the same index.
     */
    private static Tensor gatherCore(OpDef def, Tensor x, int axis, Tensor index) {
        Tensor out = Tensor.allocate(x.dtype(), index.shape);
        Object src = x.storage.data(), dst = out.data();
        int[] values = (int[]) index.storage.data();
        StridedIndex at = alongIndex(x, axis, index.shape);
        StridedIndex idx = new StridedIndex(index.shape, index.strides, index.offset);
        int step = x.strides[axis];
        for (int i = 0, n = out.numel(); i < n; i++) {
            ArrayElements.set(dst, i, ArrayElements.get(src, at.next() + values[idx.next()] * step));
        }
        int[] xShape = x.shape;
        return def.record(out, x, new Tensor[] {index},
                g -> scatterCore(Tensor.zeros(g.dtype(), xShape), axis, index, g),
                t -> gatherCore(def, t, axis, index));
    }

    /**
     * scatterAdd without checks, for src of the index's shape. VJP: (ḡ, ḡ gathered at the index); JVP: ẋ with
     * ṡrc scatter-added at the index (ẋ alone when src has no tangent, zeros when x has none).
     */
    private static Tensor scatterCore(Tensor x, int axis, Tensor index, Tensor src) {
        Tensor out = ViewOps.contiguousRaw(x);
        Object from = src.storage.data(), dst = out.data();
        int[] values = (int[]) index.storage.data();
        StridedIndex at = alongIndex(out, axis, index.shape);
        StridedIndex idx = new StridedIndex(index.shape, index.strides, index.offset);
        StridedIndex s = new StridedIndex(src.shape, src.strides, src.offset);
        int step = out.strides[axis];
        for (int i = 0, n = index.numel(); i < n; i++) {
            int p = at.next() + values[idx.next()] * step;
            ArrayElements.set(dst, p, ArrayElements.get(dst, p) + ArrayElements.get(from, s.next()));
        }
        return SCATTER_ADD.record(out, new Tensor[] {x, src}, new Tensor[] {index},
                g -> new Tensor[] {g, src.requiresGrad ? gatherCore(GATHER, g, axis, index) : null},
                t -> t[1] == null ? t[0]
                        : scatterCore(t[0] != null ? t[0] : Tensor.zeros(out.dtype(), out.shape), axis, index, t[1]));
    }

    // ---------------------------------------------------------------- gather family

    static final OpDef GATHER = OpDef.of("gather", "out[p] = x[p[axis ← index[p]]] for an int32 index; VJP ḡ"
                    + " scatter-added into zeros, JVP ẋ gathered alike")
            .example(one(1, ANY), xs -> {
                Tensor x = xs.get(0);
                int[] s = x.shape();
                return x.gather(-1, indices(s[s.length - 1], with(s, s.length - 1, s[s.length - 1] + 1)));
            });

    static Tensor gather(Tensor x, int axis, Tensor index) {
        int a = Shapes.axis("gather", axis, x.shape.length);
        requireIndexType("gather", index);
        checkIndexShape("gather", "input", x, a, index);
        checkRange("gather", index, x.shape[a], axisOf(a, x));
        return gatherCore(GATHER, x, a, index);
    }

    /** A 1-D index viewed (no copy) as x's shape with {@code axis} resized: repeated over the other axes. */
    private static Tensor broadcastIndex(Tensor index, int[] xShape, int axis) {
        int[] shape = xShape.clone();
        shape[axis] = index.shape[0];
        int[] strides = new int[shape.length];
        strides[axis] = index.strides[0];
        return index.view(shape, strides, index.offset);
    }

    static final OpDef INDEX_SELECT = OpDef.of("indexSelect", "the slices of x at a 1-D int32 index along one axis (a"
                    + " gather); VJP ḡ scatter-added into zeros, JVP ẋ selected alike")
            .example(one(1, ANY), xs -> xs.get(0).indexSelect(0, indices(xs.get(0).size(0), 5)));

    static Tensor indexSelect(Tensor x, int axis, Tensor index) {
        int a = Shapes.axis("indexSelect", axis, x.shape.length);
        requireIndexType("indexSelect", index);
        if (index.shape.length != 1) {
            throw new IllegalArgumentException("indexSelect: index must be 1-D, got shape " + Shapes.str(index.shape));
        }
        checkRange("indexSelect", index, x.shape[a], axisOf(a, x));
        return gatherCore(INDEX_SELECT, x, a, broadcastIndex(index, x.shape, a));
    }

    static final OpDef EMBEDDING = OpDef.of("embedding", "rows of a [vocab, dim] weight at int32 indices (a gather,"
                    + " then a reshape); VJP ḡ added into the rows, JVP the rows of ẇ alike")
            .example(shaped(s -> List.of(new int[] {s.get(0), s.get(1)}), 2, ANY),
                    xs -> Tensor.embedding(xs.get(0), indices(xs.get(0).size(0), 2, 3)));

    static Tensor embedding(Tensor weight, Tensor indices) {
        if (weight.shape.length != 2) {
            throw new IllegalArgumentException("embedding: weight must be a [vocab, dim] matrix, got shape "
                    + Shapes.str(weight.shape));
        }
        requireIndexType("embedding", indices);
        checkRange("embedding", indices, weight.shape[0], "a vocabulary of " + weight.shape[0]
                + " rows (weight shape " + Shapes.str(weight.shape) + ")");
        int[] shape = Arrays.copyOf(indices.shape, indices.shape.length + 1);
        shape[indices.shape.length] = weight.shape[1];
        Tensor flat = indices.reshape(-1);
        return gatherCore(EMBEDDING, weight, 0, broadcastIndex(flat, weight.shape, 0)).reshape(shape);
    }

    static final OpDef SCATTER_ADD = OpDef.of("scatterAdd", "x, then out[p[axis ← index[p]]] += src[p]; VJP (ḡ, ḡ"
                    + " gathered), JVP ẋ with ṡrc scatter-added alike")
            .example(shaped(s -> List.of(new int[] {s.get(0), s.get(1)}, new int[] {s.get(2), s.get(1)}), 3, ANY),
                    xs -> xs.get(0).scatterAdd(0, indices(xs.get(0).size(0), xs.get(1).shape()), xs.get(1)));

    static Tensor scatterAdd(Tensor x, int axis, Tensor index, Tensor src) {
        int a = Shapes.axis("scatterAdd", axis, x.shape.length);
        requireIndexType("scatterAdd", index);
        Checks.requireSameDType("scatterAdd", x, src);
        checkIndexShape("scatterAdd", "input", x, a, index);
        if (src.shape.length != index.shape.length) {
            throw new IllegalArgumentException("scatterAdd: src of shape " + Shapes.str(src.shape)
                    + " must have the same rank as the index of shape " + Shapes.str(index.shape));
        }
        for (int d = 0; d < src.shape.length; d++) {
            if (index.shape[d] > src.shape[d]) {
                throw new IllegalArgumentException("scatterAdd: index of shape " + Shapes.str(index.shape)
                        + " is larger than src of shape " + Shapes.str(src.shape) + " at axis " + d);
            }
        }
        checkRange("scatterAdd", index, x.shape[a], axisOf(a, x));
        // Only src's leading block of the index's shape is read (PyTorch): take it as a differentiable view.
        Tensor block = src;
        for (int d = 0; d < src.shape.length; d++) {
            if (src.shape[d] != index.shape[d]) block = block.slice(d, 0, index.shape[d]);
        }
        return scatterCore(x, a, index, block);
    }

    static Tensor oneHot(Tensor x, int classes) {
        requireIndexType("oneHot", x);
        if (classes <= 0) throw new IllegalArgumentException("oneHot: classes must be positive, got " + classes);
        checkRange("oneHot", x, classes, classes + " classes");
        int[] shape = Arrays.copyOf(x.shape, x.shape.length + 1);
        shape[x.shape.length] = classes;
        Tensor out = Tensor.allocate(DType.FLOAT32, shape);
        float[] dst = (float[]) out.data();
        int[] labels = (int[]) x.storage.data();
        StridedIndex it = new StridedIndex(x.shape, x.strides, x.offset);
        for (int i = 0, n = x.numel(); i < n; i++) dst[i * classes + labels[it.next()]] = 1f;
        return out;
    }

    // ---------------------------------------------------------------- joining

    static final OpDef CONCAT = OpDef.of("concat", "tensors joined along an existing axis; VJP each input's slice of ḡ,"
                    + " JVP the tangents joined alike (zeros for inputs without one)")
            .example(shaped(s -> List.of(new int[] {s.get(0), s.get(1)}, new int[] {s.get(2), s.get(1)}), 3, ANY),
                    xs -> Tensor.concat(0, xs.get(0), xs.get(1)));

    static Tensor concat(int axis, Tensor... tensors) {
        return join(CONCAT, axis, tensors);
    }

    /**
     * Copies the tensors one after another along an existing axis, recorded as {@code def} (concat or stack,
     * whose name the error messages use). VJP: each input's slice of ḡ; JVP: the inputs' tangents joined the
     * same way, with zeros for an input without one.
     */
    private static Tensor join(OpDef def, int axis, Tensor[] tensors) {
        String op = def.name();
        if (tensors.length == 0) throw new IllegalArgumentException(op + ": needs at least one tensor");
        Tensor first = tensors[0];
        int a = Shapes.axis(op, axis, first.shape.length);
        int[] offsets = new int[tensors.length + 1];
        for (int i = 0; i < tensors.length; i++) {
            Tensor t = tensors[i];
            if (t.dtype() != first.dtype()) {
                throw new IllegalArgumentException(op + ": tensor " + i + " is " + t.dtype() + " but tensor 0 is "
                        + first.dtype() + "; convert with to(DType)");
            }
            boolean same = t.shape.length == first.shape.length;
            for (int d = 0; same && d < t.shape.length; d++) same = d == a || t.shape[d] == first.shape[d];
            if (!same) {
                throw new IllegalArgumentException(op + ": tensor " + i + " has shape " + Shapes.str(t.shape)
                        + " but tensor 0 has shape " + Shapes.str(first.shape) + "; shapes must match except along axis "
                        + a);
            }
            long end = (long) offsets[i] + t.shape[a];
            if (end > Integer.MAX_VALUE) throw new IllegalArgumentException(op + ": result too large along axis " + a);
            offsets[i + 1] = (int) end;
        }
        int[] shape = first.shape.clone();
        shape[a] = offsets[tensors.length];
        Tensor out = Tensor.allocate(first.dtype(), shape);
        for (int i = 0; i < tensors.length; i++) {
            Tensor t = tensors[i];
            ViewOps.copyInto(t, out.view(t.shape, out.strides, offsets[i] * out.strides[a]));
        }
        Tensor[] inputs = tensors.clone();
        return def.record(out, inputs, new Tensor[0], g -> {
            Tensor[] grads = new Tensor[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                if (inputs[i].requiresGrad) grads[i] = g.slice(a, offsets[i], offsets[i + 1]);
            }
            return grads;
        }, t -> {
            Tensor[] parts = new Tensor[inputs.length];
            for (int i = 0; i < inputs.length; i++) parts[i] = t[i] != null ? t[i] : Tensor.zeros(out.dtype(), inputs[i].shape);
            return join(def, a, parts);
        });
    }

    static final OpDef STACK = OpDef.of("stack", "equal-shaped tensors joined along a new axis (each unsqueezed, then"
                    + " concatenated); VJP each input's slice of ḡ, JVP the tangents stacked alike")
            .example(shaped(s -> List.of(new int[] {s.get(0), s.get(1)}, new int[] {s.get(0), s.get(1)}), 2, ANY),
                    xs -> Tensor.stack(-1, xs.get(0), xs.get(1)));

    static Tensor stack(int axis, Tensor... tensors) {
        if (tensors.length == 0) throw new IllegalArgumentException("stack: needs at least one tensor");
        int a = Shapes.axis("stack", axis, tensors[0].shape.length + 1);
        Tensor[] parts = new Tensor[tensors.length];
        for (int i = 0; i < tensors.length; i++) {
            if (!Arrays.equals(tensors[i].shape, tensors[0].shape)) {
                throw new IllegalArgumentException("stack: tensor " + i + " has shape " + Shapes.str(tensors[i].shape)
                        + " but tensor 0 has shape " + Shapes.str(tensors[0].shape) + "; stack needs equal shapes");
            }
            parts[i] = tensors[i].unsqueeze(a);
        }
        return join(STACK, a, parts);
    }

    // ---------------------------------------------------------------- splitting

    static final OpDef SPLIT = OpDef.composite("split", "consecutive slices along one axis, of one size or of given"
                    + " sizes (chunk: a given number of equal pieces); derivatives those of slice")
            .example(one(1, ANY), xs -> weightedConcat(xs.get(0).split(2, 0)))
            .example("sizes", shaped(s -> List.of(new int[] {s.get(0) + 2, s.get(1)}), 2, ANY),
                    xs -> weightedConcat(xs.get(0).split(new int[] {1, xs.get(0).size(0) - 1}, 0)))
            .exampleOf("chunk", "", one(1, ANY), xs -> weightedConcat(xs.get(0).chunk(3, -1)));

    static List<Tensor> split(Tensor x, int size, int axis) {
        int a = Shapes.axis("split", axis, x.shape.length);
        if (size <= 0) throw new IllegalArgumentException("split: size must be positive, got " + size);
        return pieces(x, a, equalSizes(x.shape[a], size));
    }

    /** Sizes of consecutive pieces of at most {@code size} covering n (one empty piece when n = 0). */
    private static int[] equalSizes(int n, int size) {
        int count = Math.max(1, (int) ((n + (long) size - 1) / size));
        int[] sizes = new int[count];
        Arrays.fill(sizes, size);
        sizes[count - 1] = n - (count - 1) * size;
        return sizes;
    }

    static List<Tensor> split(Tensor x, int[] sizes, int axis) {
        int a = Shapes.axis("split", axis, x.shape.length);
        long total = 0;
        for (int s : sizes) {
            if (s < 0) throw new IllegalArgumentException("split: negative size in " + Arrays.toString(sizes));
            total += s;
        }
        if (total != x.shape[a]) {
            throw new IllegalArgumentException("split: sizes " + Arrays.toString(sizes) + " add up to " + total
                    + ", but axis " + axis + " of shape " + Shapes.str(x.shape) + " has size " + x.shape[a]);
        }
        return pieces(x, a, sizes);
    }

    static List<Tensor> chunk(Tensor x, int chunks, int axis) {
        int a = Shapes.axis("chunk", axis, x.shape.length);
        if (chunks <= 0) throw new IllegalArgumentException("chunk: chunks must be positive, got " + chunks);
        int n = x.shape[a];
        // PyTorch: pieces of ceil(n / chunks), so there may be fewer than `chunks`; an empty axis gives
        // `chunks` empty pieces.
        if (n == 0) return pieces(x, a, new int[chunks]);
        return pieces(x, a, equalSizes(n, (int) ((n + (long) chunks - 1) / chunks)));
    }

    /** Consecutive slices (views) of the given sizes along an axis. */
    private static List<Tensor> pieces(Tensor x, int axis, int[] sizes) {
        List<Tensor> out = new ArrayList<>(sizes.length);
        int start = 0;
        for (int s : sizes) {
            out.add(x.slice(axis, start, start + s));
            start += s;
        }
        return List.copyOf(out);
    }
}
