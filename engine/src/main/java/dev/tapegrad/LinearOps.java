package dev.tapegrad;

import static dev.tapegrad.check.Samples.*;

import dev.tapegrad.kernels.Gemm;
import java.util.List;

/**
 * The affine map y = x·Wᵀ + b (PyTorch's {@code F.linear}) as one op: the output starts as the bias
 * broadcast over the rows and the GEMM accumulates x·Wᵀ onto it, so the bias costs no extra pass over y.
 *
 * <p>Rules, with the leading axes of x and ḡ flattened into rows: the VJP is x̄ = ḡ·W, W̄ = ḡᵀ·x,
 * b̄ = Σ_rows ḡ; the JVP is ẏ = ẋ·Wᵀ + x·Ẇᵀ + ḃ, itself two linear maps. All are ordinary differentiable ops,
 * so higher derivatives work.
 */
final class LinearOps {
    private LinearOps() {}

    static final OpDef LINEAR = OpDef.of("linear", "x·Wᵀ + b over the last axis of x [*, in], W [out, in], b [out] or none;"
                    + " VJP (ḡ·W, ḡᵀ·x, Σ_rows ḡ), JVP ẋ·Wᵀ + x·Ẇᵀ + ḃ")
            .example(shaped(s -> List.of(new int[] {s.get(0), s.get(1)}, new int[] {s.get(2), s.get(1)}, new int[] {s.get(2)}), 3, ANY),
                    xs -> Tensor.linear(xs.get(0), xs.get(1), xs.get(2)))
            .example("batched-no-bias", shaped(s -> List.of(new int[] {2, s.get(0), s.get(1)}, new int[] {s.get(2), s.get(1)}), 3, ANY),
                    xs -> Tensor.linear(xs.get(0), xs.get(1), null))
            .example("vector-transposed-weight", shaped(s -> List.of(new int[] {s.get(0)}, new int[] {s.get(0), s.get(1)}, new int[] {s.get(1)}), 2, ANY),
                    xs -> Tensor.linear(xs.get(0), xs.get(1).t(), xs.get(2)));

    static Tensor linear(Tensor x, Tensor w, Tensor b) {
        checkArguments(x, w, b);
        int in = w.shape[1], outF = w.shape[0];
        int rows = 1;
        for (int a = 0; a < x.shape.length - 1; a++) rows *= x.shape[a];
        // x as a [rows, in] matrix: a 2-D tensor is read through its strides; higher ranks need a row-major layout
        Tensor xm = x.shape.length <= 2 || x.isContiguous() ? x : ViewOps.contiguousRaw(x);
        int xRow = x.shape.length == 2 ? xm.strides[0] : in;
        int xCol = x.shape.length <= 2 ? xm.strides[xm.shape.length - 1] : 1;
        int[] shape = x.shape.clone();
        shape[shape.length - 1] = outF;
        Tensor y = Tensor.allocate(x.dtype(), shape);
        if (b != null) {
            Tensor bc = b.isContiguous() ? b : ViewOps.contiguousRaw(b);
            for (int r = 0; r < rows; r++) System.arraycopy(bc.storage.data(), bc.offset, y.data(), r * outF, outF);
        }
        Gemm.gemm(y.dtype(), rows, outF, in, xm.storage.data(), xm.offset, xRow, xCol,
                w.storage.data(), w.offset, w.strides[1], w.strides[0], y.data(), 0, outF, b != null);
        Tensor[] inputs = b == null ? new Tensor[] {x, w} : new Tensor[] {x, w, b};
        return LINEAR.record(y, inputs, new Tensor[] {x, w}, g -> {
            Tensor g2 = g.reshape(-1, outF);
            Tensor[] grads = new Tensor[inputs.length];
            if (x.requiresGrad) grads[0] = g.matmul(w);
            if (w.requiresGrad) grads[1] = g2.t().matmul(x.reshape(-1, in));
            if (b != null && b.requiresGrad) grads[2] = g2.sum(0);
            return grads;
        }, t -> {
            Tensor db = b == null ? null : t[2];
            Tensor fromParams = t[1] == null ? db : linear(x, t[1], db); // x·Ẇᵀ + ḃ in one fused product
            return JvpRule.sum(t[0] == null ? null : linear(t[0], w, null), fromParams); // + ẋ·Wᵀ
        });
    }

    /**
     * The one check of linear's arguments (nn's {@code Layers.linear} and {@code Linear} rely on it): x
     * {@code [*, in]}, W {@code [out, in]}, b {@code [out]} or null, all of one floating dtype. Each message
     * names the argument, the shapes and what was expected.
     */
    private static void checkArguments(Tensor x, Tensor w, Tensor b) {
        String name = "linear";
        Checks.requireFloating(name, x);
        Checks.requireFloating(name, w);
        if (w.shape.length != 2) {
            throw new IllegalArgumentException(name + ": weight must be [out, in], got shape " + Shapes.str(w.shape)
                    + " (input " + Shapes.str(x.shape) + ")");
        }
        if (x.shape.length == 0 || x.shape[x.shape.length - 1] != w.shape[1]) {
            throw new IllegalArgumentException(name + ": input of shape " + Shapes.str(x.shape) + " does not end with"
                    + " the input size " + w.shape[1] + " of the weight " + Shapes.str(w.shape) + " ([out, in])");
        }
        Checks.requireSameDType(name, x, w);
        if (b != null) {
            if (b.shape.length != 1 || b.shape[0] != w.shape[0]) {
                throw new IllegalArgumentException(name + ": bias must have shape [" + w.shape[0] + "] for weight "
                        + Shapes.str(w.shape) + ", got " + Shapes.str(b.shape));
            }
            Checks.requireSameDType(name, b, w);
        }
    }
}
