package dev.tapegrad;

import static dev.tapegrad.check.Samples.*;

import dev.tapegrad.check.GradCheck;
import dev.tapegrad.kernels.ArrayElements;
import dev.tapegrad.kernels.Elementwise;
import dev.tapegrad.kernels.Strided;
import dev.tapegrad.kernels.StridedIndex;
import java.util.Arrays;
import java.util.List;

/**
 * Movement ops: new shapes and strides over the same storage (views), and the copies that are needed when
 * no view can express the result, each declared with its two derivative rules.
 *
 * <p>Every op here is linear in its input, y = M·x for a fixed movement M of the elements, so its JVP is the
 * same movement applied to the tangent, ẏ = M·ẋ, and its VJP is the inverse movement (the adjoint Mᵀ) applied
 * to ḡ: reshape back, permute by the inverse permutation, sum over expanded axes, scatter a slice's gradient
 * into zeros. A tangent may have any layout (it is often itself an expanded view with stride 0, see
 * {@link ForwardMode}), so a rule that must reinterpret the tangent's layout uses {@link #reshape}, which
 * copies when no view can; the other movements are views of any layout.
 */
final class ViewOps {
    private ViewOps() {}

    /** Broadcasts a tensor to a larger shape with stride 0 on repeated axes (no tape, no checks of intent). */
    static Tensor expandRaw(Tensor x, int[] shape) {
        if (Arrays.equals(x.shape, shape)) return x;
        int[] strides = new int[shape.length];
        int lead = shape.length - x.shape.length;
        if (lead < 0) {
            throw new IllegalArgumentException("expand: cannot expand " + Shapes.str(x.shape) + " to fewer axes "
                    + Shapes.str(shape));
        }
        for (int i = 0; i < shape.length; i++) {
            if (i < lead) continue;
            int size = x.shape[i - lead];
            if (size == shape[i]) strides[i] = x.strides[i - lead];
            else if (size == 1) strides[i] = 0;
            else {
                throw new IllegalArgumentException("expand: cannot expand " + Shapes.str(x.shape) + " to "
                        + Shapes.str(shape) + " (axis " + i + ": " + size + " is neither " + shape[i] + " nor 1)");
            }
        }
        return x.view(shape.clone(), strides, x.offset);
    }

    static final OpDef EXPAND = OpDef.of("expand", "x repeated along new or size-1 axes (a view, stride 0); VJP Σ ḡ over"
                    + " the repeated axes, JVP ẋ expanded alike")
            .example(one(ANY), xs -> {
                int[] s = xs.get(0).shape();
                int[] target = new int[s.length + 1];
                target[0] = 2;
                for (int i = 0; i < s.length; i++) target[i + 1] = s[i] == 1 ? 3 : s[i];
                return xs.get(0).expand(target);
            });

    /**
     * x broadcast to {@code requested} (a view, stride 0 on repeated axes); a size of −1 keeps x's size on
     * that axis. VJP: ḡ summed back over the repeated axes; JVP: ẋ expanded to the same shape.
     */
    static Tensor expand(Tensor x, int[] requested) {
        int[] shape = requested.clone();
        int lead = shape.length - x.shape.length;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == -1 && i >= lead) shape[i] = x.shape[i - lead];
            else if (shape[i] < 0) {
                throw new IllegalArgumentException("expand: invalid size " + shape[i] + " at axis " + i + " in "
                        + Shapes.str(requested) + " for a tensor of shape " + Shapes.str(x.shape));
            }
        }
        Tensor out = expandRaw(x, shape).detach();
        return EXPAND.record(out, x, new Tensor[0], g -> g.sumToSize(x.shape), t -> t.expand(shape));
    }

    /** Resolves a −1 in a requested shape and checks the element count. */
    private static int[] inferShape(String op, Tensor x, int[] requested) {
        int[] shape = requested.clone();
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == -1) {
                if (unknown >= 0) throw new IllegalArgumentException(op + ": only one size may be -1 in " + Shapes.str(requested));
                unknown = i;
            } else if (shape[i] < 0) {
                throw new IllegalArgumentException(op + ": negative size in " + Shapes.str(requested));
            } else {
                known *= shape[i];
            }
        }
        int n = x.numel();
        if (unknown >= 0) {
            if (known == 0 || n % known != 0) {
                throw new IllegalArgumentException(op + ": cannot reshape " + Shapes.str(x.shape) + " (" + n
                        + " elements) to " + Shapes.str(requested));
            }
            shape[unknown] = (int) (n / known);
        } else if (known != n) {
            throw new IllegalArgumentException(op + ": cannot reshape " + Shapes.str(x.shape) + " (" + n
                    + " elements) to " + Shapes.str(requested) + " (" + known + " elements)");
        }
        return shape;
    }

    /**
     * Strides that let the existing layout be read as the new shape, or {@code null} when impossible
     * (the view must merge or split only axes that are laid out contiguously with respect to each other).
     */
    private static int[] viewStrides(Tensor x, int[] shape) {
        // Drop size-1 axes of the source: they do not constrain the layout.
        int[] oldShape = Arrays.stream(range(x.shape.length)).filter(i -> x.shape[i] != 1).map(i -> x.shape[i]).toArray();
        int[] oldStrides = Arrays.stream(range(x.shape.length)).filter(i -> x.shape[i] != 1).map(i -> x.strides[i]).toArray();
        int[] strides = new int[shape.length];
        int oi = 0, ni = 0;
        while (ni < shape.length) {
            if (shape[ni] == 1) {
                strides[ni] = ni + 1 < shape.length ? 0 : 1;
                ni++;
                continue;
            }
            if (oi >= oldShape.length) return null;
            // Group old axes [oi, oj) and new axes [ni, nj) with equal products.
            long oldProd = oldShape[oi], newProd = shape[ni];
            int oj = oi + 1, nj = ni + 1;
            while (oldProd != newProd) {
                if (oldProd < newProd) {
                    if (oj >= oldShape.length) return null;
                    oldProd *= oldShape[oj++];
                } else {
                    if (nj >= shape.length) return null;
                    newProd *= shape[nj++];
                }
            }
            for (int k = oi; k < oj - 1; k++) {
                if (oldStrides[k] != oldStrides[k + 1] * oldShape[k + 1]) return null; // not mergeable
            }
            int stride = oldStrides[oj - 1];
            for (int k = nj - 1; k >= ni; k--) {
                strides[k] = stride;
                stride *= shape[k];
            }
            oi = oj;
            ni = nj;
        }
        return oi == oldShape.length ? strides : null;
    }

    private static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) r[i] = i;
        return r;
    }

    static final OpDef RESHAPE = OpDef.of("reshape", "the same elements in row-major order with a new shape (a view when"
                    + " the layout allows, else a copy); VJP ḡ reshaped back, JVP ẋ reshaped alike")
            .example(one(ANY), xs -> xs.get(0).reshape(-1))
            .example("of-transposed", one(2, ANY), xs -> xs.get(0).transpose(0, -1).reshape(-1, 1));

    /**
     * The same elements in row-major order with a new shape: a view when {@link #viewStrides} allows, else a
     * copy. VJP: ḡ reshaped to x's shape; JVP: ẋ reshaped to the new shape.
     */
    static Tensor reshape(Tensor x, int[] requested) {
        int[] shape = inferShape("reshape", x, requested);
        int[] strides = x.numel() == 0 ? Shapes.contiguousStrides(shape) : viewStrides(x, shape);
        Tensor out = strides != null ? x.view(shape, strides, x.offset) : contiguousRaw(x).view(shape, Shapes.contiguousStrides(shape), 0);
        return RESHAPE.record(out, x, new Tensor[0], g -> g.reshape(x.shape), t -> t.reshape(shape));
    }

    static final OpDef VIEW = OpDef.of("view", "reshape that must not copy (fails when the layout cannot be read in the"
                    + " new shape); VJP ḡ reshaped back, JVP ẋ reshaped alike")
            .example(one(ANY), xs -> xs.get(0).view(-1).view(xs.get(0).shape()));

    /**
     * Like {@link #reshape} but always a view; fails when the layout cannot be read in the new shape. The rules
     * reshape rather than view: ḡ and ẋ may have layouts (an expanded tangent, say) that no view can reread.
     */
    static Tensor view(Tensor x, int[] requested) {
        int[] shape = inferShape("view", x, requested);
        int[] strides = x.numel() == 0 ? Shapes.contiguousStrides(shape) : viewStrides(x, shape);
        if (strides == null) {
            throw new IllegalArgumentException("view: a tensor of shape " + Shapes.str(x.shape) + " and strides "
                    + Arrays.toString(x.strides) + " cannot be viewed as " + Shapes.str(shape)
                    + " without copying; use reshape() or contiguous() first");
        }
        Tensor out = x.view(shape, strides, x.offset);
        return VIEW.record(out, x, new Tensor[0], g -> g.reshape(x.shape), t -> t.reshape(shape));
    }

    static final OpDef FLATTEN = OpDef.composite("flatten", "axes start..end merged into one (a reshape); derivatives"
                    + " those of reshape")
            .example(one(ANY), xs -> xs.get(0).flatten())
            .example("range", one(2, ANY), xs -> xs.get(0).flatten(0, 1));

    /** Axes start..end (inclusive) merged into one of their product's size; a scalar becomes {@code [1]}. */
    static Tensor flatten(Tensor x, int startAxis, int endAxis) {
        if (x.shape.length == 0) return reshape(x, new int[] {1});
        int s = Shapes.axis("flatten", startAxis, x.shape.length);
        int e = Shapes.axis("flatten", endAxis, x.shape.length);
        if (s > e) throw new IllegalArgumentException("flatten: start axis " + startAxis + " is after end axis " + endAxis);
        int[] shape = new int[x.shape.length - (e - s)];
        int k = 0;
        for (int i = 0; i < s; i++) shape[k++] = x.shape[i];
        int merged = 1;
        for (int i = s; i <= e; i++) merged *= x.shape[i];
        shape[k++] = merged;
        for (int i = e + 1; i < x.shape.length; i++) shape[k++] = x.shape[i];
        return reshape(x, shape);
    }

    static final OpDef PERMUTE = OpDef.of("permute", "axes reordered, out axis i = x axis order[i] (a view); VJP ḡ"
                    + " permuted by the inverse order, JVP ẋ permuted alike")
            .example(one(ANY), xs -> {
                int[] order = new int[xs.get(0).dim()];
                for (int i = 0; i < order.length; i++) order[i] = order.length - 1 - i;
                return xs.get(0).permute(order);
            });

    /** out axis i = x axis order[i] (a view). VJP: ḡ permuted by the inverse order; JVP: ẋ permuted by order. */
    static Tensor permute(Tensor x, int[] order) {
        int rank = x.shape.length;
        if (order.length != rank) {
            throw new IllegalArgumentException("permute: order " + Arrays.toString(order) + " has " + order.length
                    + " axes for a tensor of shape " + Shapes.str(x.shape));
        }
        int[] axes = new int[rank];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            axes[i] = Shapes.axis("permute", order[i], rank);
            if (seen[axes[i]]) throw new IllegalArgumentException("permute: axis " + order[i] + " repeated in " + Arrays.toString(order));
            seen[axes[i]] = true;
        }
        int[] shape = new int[rank], strides = new int[rank], inverse = new int[rank];
        for (int i = 0; i < rank; i++) {
            shape[i] = x.shape[axes[i]];
            strides[i] = x.strides[axes[i]];
            inverse[axes[i]] = i;
        }
        Tensor out = x.view(shape, strides, x.offset);
        return PERMUTE.record(out, x, new Tensor[0], g -> g.permute(inverse), t -> t.permute(axes));
    }

    static final OpDef TRANSPOSE = OpDef.composite("transpose", "two axes swapped (a permute); t() is the matrix"
                    + " transpose (identity below rank 2); derivatives those of permute")
            .example(one(1, ANY), xs -> xs.get(0).transpose(0, -1))
            .exampleOf("t", "", shaped(s -> List.of(new int[] {s.get(0), s.get(1)}), 2, ANY), xs -> xs.get(0).t());

    /** x with axes axis0 and axis1 swapped (a view): the permute that exchanges them. */
    static Tensor transpose(Tensor x, int axis0, int axis1) {
        int rank = x.shape.length;
        int a = Shapes.axis("transpose", axis0, rank), b = Shapes.axis("transpose", axis1, rank);
        int[] order = range(rank);
        order[a] = b;
        order[b] = a;
        return permute(x, order);
    }

    /** The matrix transpose of a rank-2 tensor; a rank-0 or rank-1 tensor is returned as is (an identity node). */
    static Tensor t(Tensor x) {
        if (x.shape.length > 2) {
            throw new IllegalArgumentException("t: expects a tensor of rank <= 2, got " + Shapes.str(x.shape)
                    + "; use transpose(a, b) for higher ranks");
        }
        return x.shape.length < 2 ? x.identity() : transpose(x, 0, 1);
    }

    static final OpDef SLICE = OpDef.of("slice", "x[start:end:step] along one axis (a view); VJP ḡ written into zeros"
                    + " at the sliced positions (unslice), JVP ẋ sliced alike")
            .example(one(1, ANY), xs -> xs.get(0).slice(0, 0, xs.get(0).size(0), 2))
            .example("negative-bounds", one(1, ANY), xs -> xs.get(0).slice(-1, -3, -1));

    /**
     * x[start:end:step] along one axis (a view), with Python's bounds: negative counts from the end, then
     * clamped to [0, n]. VJP: {@link #unslice} of ḡ; JVP: ẋ sliced alike.
     */
    static Tensor slice(Tensor x, int axis, int start, int end, int step) {
        int a = Shapes.axis("slice", axis, x.shape.length);
        if (step <= 0) throw new IllegalArgumentException("slice: step must be positive, got " + step);
        int n = x.shape[a];
        int s = clampIndex(start, n), e = clampIndex(end, n);
        int count = e > s ? (e - s + step - 1) / step : 0;
        int[] shape = x.shape.clone();
        int[] strides = x.strides.clone();
        shape[a] = count;
        strides[a] = x.strides[a] * step;
        Tensor out = x.view(shape, strides, x.offset + (count > 0 ? s * x.strides[a] : 0));
        int[] inShape = x.shape;
        return SLICE.record(out, x, new Tensor[0], g -> unslice(g, inShape, a, s, step), t -> t.slice(a, s, e, step));
    }

    /** Python-style bound: negative counts from the end, then clamped to [0, n]. */
    private static int clampIndex(int i, int n) {
        int k = i < 0 ? i + n : i;
        return Math.max(0, Math.min(n, k));
    }

    static final OpDef UNSLICE = OpDef.of("unslice", "the adjoint of slice: zeros with g written at positions start,"
                    + " start + step, ... along one axis; VJP ḡ sliced, JVP ġ unsliced alike")
            // Not a Tensor method: checked under slice, as the rule of its backward.
            .exampleOf("slice", "adjoint", one(1, ANY), xs -> {
                Tensor g = xs.get(0);
                return unslice(g, with(g.shape(), 0, 2 * g.size(0) + 1), 0, 1, 2);
            });

    /**
     * The adjoint of slice: zeros of {@code shape} with {@code g} written at positions start, start+step, ...
     * along the axis. VJP: the slice again; JVP: the tangent unsliced alike.
     */
    static Tensor unslice(Tensor g, int[] shape, int axis, int start, int step) {
        Tensor out = Tensor.allocate(g.dtype(), shape);
        int count = g.shape[axis];
        if (count > 0) {
            int[] strides = out.strides.clone();
            strides[axis] *= step;
            copyInto(g, out.view(g.shape.clone(), strides, start * out.strides[axis]));
        }
        // For an empty slice the end must not be start − step + 1, which could be negative (= from the end).
        int end = count == 0 ? start : start + (count - 1) * step + 1;
        return UNSLICE.record(out, g, new Tensor[0], gg -> gg.slice(axis, start, end, step),
                t -> unslice(t, shape, axis, start, step));
    }

    static final OpDef SELECT = OpDef.composite("select", "x[..., index, ...] along one axis, which is removed (a slice"
                    + " of one, then squeeze); derivatives those of its parts")
            .example(one(1, ANY), xs -> xs.get(0).select(0, -1));

    /** x[..., index, ...] along one axis, which is removed (a view); negative index counts from the end. */
    static Tensor select(Tensor x, int axis, int index) {
        int a = Shapes.axis("select", axis, x.shape.length);
        int n = x.shape[a];
        int i = index < 0 ? index + n : index;
        if (i < 0 || i >= n) {
            throw new IndexOutOfBoundsException("select: index " + index + " is out of range for axis " + axis
                    + " of size " + n + " (shape " + Shapes.str(x.shape) + ")");
        }
        return slice(x, a, i, i + 1, 1).squeeze(a);
    }

    static final OpDef SQUEEZE = OpDef.of("squeeze", "x without its size-1 axes, or without one of them (a view); VJP ḡ"
                    + " with the axes restored, JVP ẋ squeezed alike")
            .example(one(ANY), xs -> xs.get(0).squeeze())
            .example("axis", one(ANY), xs -> xs.get(0).unsqueeze(0).squeeze(0));

    /** x without its size-1 axes (a view). VJP: ḡ reshaped to x's shape; JVP: ẋ squeezed alike. */
    static Tensor squeeze(Tensor x) {
        int[] shape = Arrays.stream(x.shape).filter(s -> s != 1).toArray();
        int[] strides = Arrays.stream(range(x.shape.length)).filter(i -> x.shape[i] != 1).map(i -> x.strides[i]).toArray();
        Tensor out = x.view(shape, strides, x.offset);
        return SQUEEZE.record(out, x, new Tensor[0], g -> g.reshape(x.shape), Tensor::squeeze);
    }

    /** x without one size-1 axis (a view). VJP: ḡ unsqueezed at that axis; JVP: ẋ squeezed alike. */
    static Tensor squeeze(Tensor x, int axis) {
        int a = Shapes.axis("squeeze", axis, x.shape.length);
        if (x.shape[a] != 1) {
            throw new IllegalArgumentException("squeeze: axis " + axis + " has size " + x.shape[a] + ", not 1 (shape "
                    + Shapes.str(x.shape) + ")");
        }
        int[] shape = new int[x.shape.length - 1], strides = new int[x.shape.length - 1];
        for (int i = 0, k = 0; i < x.shape.length; i++) {
            if (i == a) continue;
            shape[k] = x.shape[i];
            strides[k++] = x.strides[i];
        }
        Tensor out = x.view(shape, strides, x.offset);
        return SQUEEZE.record(out, x, new Tensor[0], g -> g.unsqueeze(a), t -> t.squeeze(a));
    }

    static final OpDef UNSQUEEZE = OpDef.of("unsqueeze", "x with a new size-1 axis (a view); VJP ḡ squeezed, JVP ẋ"
                    + " unsqueezed alike")
            .example(one(ANY), xs -> xs.get(0).unsqueeze(xs.get(0).dim()));

    /** x with a new size-1 axis at position {@code axis} of the result (a view). VJP: ḡ squeezed; JVP: ẋ unsqueezed. */
    static Tensor unsqueeze(Tensor x, int axis) {
        int a = Shapes.axis("unsqueeze", axis, x.shape.length + 1);
        int[] shape = new int[x.shape.length + 1], strides = new int[x.shape.length + 1];
        for (int i = 0, k = 0; i < shape.length; i++) {
            if (i == a) {
                shape[i] = 1;
                strides[i] = a < x.shape.length ? x.strides[a] * x.shape[a] : 1;
            } else {
                shape[i] = x.shape[k];
                strides[i] = x.strides[k++];
            }
        }
        Tensor out = x.view(shape, strides, x.offset);
        return UNSQUEEZE.record(out, x, new Tensor[0], g -> g.squeeze(a), t -> t.unsqueeze(a));
    }

    /**
     * dst[i] = src[i] for every index i of their common shape, whatever both layouts (no tape, no version
     * bump; for filling freshly allocated outputs, which must not overlap src).
     */
    static void copyInto(Tensor src, Tensor dst) {
        StridedIndex from = new StridedIndex(src.shape, src.strides, src.offset);
        StridedIndex to = new StridedIndex(dst.shape, dst.strides, dst.offset);
        Object in = src.storage.data(), out = dst.storage.data();
        for (int i = 0, n = dst.numel(); i < n; i++) ArrayElements.set(out, to.next(), ArrayElements.get(in, from.next()));
    }

    /** A contiguous copy of x's elements with its own storage (no tape). */
    static Tensor contiguousRaw(Tensor x) {
        Tensor out = Tensor.allocate(x.dtype(), x.shape);
        Elementwise.copy(x.dtype(), x.dtype(), x.strided(), out.data());
        return out;
    }

    /** x itself when its layout is row-major without gaps, else {@link #copy}. */
    static Tensor contiguous(Tensor x) {
        if (x.isContiguous()) return x;
        return copy(x);
    }

    static final OpDef COPY = OpDef.of("copy", "a contiguous copy with its own storage (clone; contiguous when the layout"
                    + " is not); VJP ḡ, JVP a copy of ẋ")
            .exampleOf("contiguous", "", one(2, ANY), xs -> xs.get(0).transpose(0, 1).contiguous())
            .exampleOf("clone", "", one(ANY), xs -> xs.get(0).clone());

    /**
     * A contiguous copy with its own storage. VJP: ḡ passed through; JVP: a copy of ẋ, so that the output's
     * tangent, like the output, shares no storage with the input's.
     */
    static Tensor copy(Tensor x) {
        Tensor out = contiguousRaw(x);
        return COPY.record(out, x, new Tensor[0], g -> g, ViewOps::copy);
    }

    static final OpDef IDENTITY = OpDef.of("identity", "x itself as a new tape node (t() below rank 2); VJP ḡ, JVP ẋ")
            .exampleOf("t", "rank-below-2", shaped(s -> List.of(new int[] {s.get(0)}), 1, ANY), xs -> xs.get(0).t());

    /** A new tape node viewing x's values. VJP: ḡ passed through; JVP: ẋ as a new node too. */
    static Tensor identity(Tensor x) {
        Tensor out = x.detach();
        return IDENTITY.record(out, x, new Tensor[0], g -> g, ViewOps::identity);
    }

    static final OpDef TO = OpDef.of("to", "conversion to another dtype; between floating dtypes VJP ḡ converted back,"
                    + " JVP ẋ converted alike (other conversions carry no derivative)")
            // float64 → float32 → float64 rounds to float32 (2⁻²⁴ relative): coarse steps and tolerances, and the
            // transpose identity holds to that rounding, as JVP and VJP round different vectors
            .example("", one(ANY), xs -> xs.get(0).to(DType.FLOAT32).to(DType.FLOAT64),
                    GradCheck.Options.DEFAULT.withEps(1e-2).withAtol(1e-3).withTransposeRtol(1e-6));

    /**
     * Conversion between dtypes. Between floating dtypes, VJP: ḡ converted back to x's dtype; JVP: ẋ converted
     * to the new one. To or from int32 or bool nothing is recorded (indices and masks carry no derivative).
     */
    static Tensor to(Tensor x, DType dtype) {
        if (x.dtype() == dtype) return x;
        if (dtype == DType.BOOL) return BinaryOps.compare("ne", x, Creation.full(0.0, x.dtype()));
        Tensor out = Tensor.allocate(dtype, x.shape);
        Strided xs = x.strided();
        if (!xs.isContiguous() || !convertSlice(xs.data(), xs.offset(), out.data(), out.numel())) {
            Elementwise.copy(x.dtype(), dtype, xs, out.data());
        }
        if (!x.dtype().isFloating() || !dtype.isFloating()) return out;
        DType from = x.dtype();
        return TO.record(out, x, new Tensor[0], g -> g.to(from), t -> t.to(dtype));
    }

    /**
     * dst[i] = src[off + i] for i &lt; n, converted as a cast from the source type (the values of the generic
     * element-by-element copy, without its per-element type dispatch); false, doing nothing, for a pair of
     * array types it does not handle.
     */
    private static boolean convertSlice(Object src, int off, Object dst, int n) {
        switch (src) {
            case int[] s when dst instanceof float[] d -> { for (int i = 0; i < n; i++) d[i] = s[off + i]; }
            case int[] s when dst instanceof double[] d -> { for (int i = 0; i < n; i++) d[i] = s[off + i]; }
            case int[] s when dst instanceof int[] d -> System.arraycopy(s, off, d, 0, n);
            case float[] s when dst instanceof double[] d -> { for (int i = 0; i < n; i++) d[i] = s[off + i]; }
            case float[] s when dst instanceof int[] d -> { for (int i = 0; i < n; i++) d[i] = (int) s[off + i]; }
            case double[] s when dst instanceof float[] d -> { for (int i = 0; i < n; i++) d[i] = (float) s[off + i]; }
            case double[] s when dst instanceof int[] d -> { for (int i = 0; i < n; i++) d[i] = (int) s[off + i]; }
            default -> { return false; }
        }
        return true;
    }
}
