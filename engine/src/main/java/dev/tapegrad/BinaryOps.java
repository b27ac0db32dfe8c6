package dev.tapegrad;

import dev.tapegrad.kernels.ArrayElements;
import dev.tapegrad.kernels.BinaryOp;
import dev.tapegrad.kernels.CompareOp;
import dev.tapegrad.kernels.Elementwise;

/**
 * Elementwise functions of two tensors with NumPy broadcasting, each next to its derivative rule.
 *
 * <p>Broadcasting repeats an input along axes where its size is 1 (or missing); the adjoint of repeating is
 * summing, so every rule ends with {@link Tensor#sumToSize} back to the input's own shape.
 */
final class BinaryOps {
    private BinaryOps() {}

    /** Checks dtypes, broadcasts and computes op(a, b) (no tape). */
    static Tensor compute(String name, BinaryOp op, Tensor a, Tensor b) {
        Checks.requireFloating(name, a);
        Checks.requireFloating(name, b);
        Checks.requireSameDType(name, a, b);
        if (isSingle(a) && isSingle(b) && a.shape.length == b.shape.length) return single(op, a, b);
        int[] shape = Shapes.broadcast(name, a.shape, b.shape);
        Tensor out = Tensor.allocate(a.dtype(), shape);
        Elementwise.binary(op, ViewOps.expandRaw(a, shape).strided(), ViewOps.expandRaw(b, shape).strided(), out.data());
        return out;
    }

    /** Whether every axis has size 1 (a 0-dim tensor, or [1], [1, 1], ...): one element. */
    static boolean isSingle(Tensor x) {
        for (int s : x.shape) if (s != 1) return false;
        return true;
    }

    /**
     * op of two one-element tensors of one rank, without layouts or kernel dispatch: the kernels compute
     * rows shorter than a vector with the same scalar definition, {@code op.apply} rounded to the dtype.
     */
    private static Tensor single(BinaryOp op, Tensor a, Tensor b) {
        Tensor out = Tensor.allocate(a.dtype(), a.shape);
        ArrayElements.set(out.data(), 0, op.apply(ArrayElements.get(a.storage.data(), a.offset), ArrayElements.get(b.storage.data(), b.offset)));
        return out;
    }

    private static Tensor record(String name, Tensor out, Tensor a, Tensor b, Tensor[] saved, Rule rule) {
        return Tape.record(name, out, new Tensor[] {a, b}, saved, rule);
    }

    /**
     * a + v·b·c with broadcasting of all three, computed in one fused pass (one output, no intermediate
     * product). ∂ = (ḡ, v·ḡ·c, v·ḡ·b), each summed back to its input's shape.
     */
    static Tensor addcmul(Tensor a, Tensor b, Tensor c, double value) {
        String name = "addcmul";
        for (Tensor t : new Tensor[] {a, b, c}) Checks.requireFloating(name, t);
        Checks.requireSameDType(name, a, b);
        Checks.requireSameDType(name, a, c);
        int[] shape = Shapes.broadcast(name, Shapes.broadcast(name, a.shape, b.shape), c.shape);
        Tensor out = Tensor.allocate(a.dtype(), shape);
        Elementwise.addcmul(ViewOps.expandRaw(a, shape).strided(), ViewOps.expandRaw(b, shape).strided(),
                ViewOps.expandRaw(c, shape).strided(), value, out.data());
        return Tape.record(name, out, new Tensor[] {a, b, c}, new Tensor[] {b, c},
                g -> new Tensor[] {a.requiresGrad ? g.sumToSize(a.shape) : null,
                                   b.requiresGrad ? g.mul(c).mul(value).sumToSize(b.shape) : null,
                                   c.requiresGrad ? g.mul(b).mul(value).sumToSize(c.shape) : null});
    }

    /** ∂(a + b) = (ḡ, ḡ), each summed back to its input's shape. */
    static Tensor add(Tensor a, Tensor b) {
        Tensor out = compute("add", BinaryOp.ADD, a, b);
        return record("add", out, a, b, new Tensor[0], g -> new Tensor[] {g.sumToSize(a.shape), g.sumToSize(b.shape)});
    }

    static Tensor sub(Tensor a, Tensor b) {
        Tensor out = compute("sub", BinaryOp.SUB, a, b);
        return record("sub", out, a, b, new Tensor[0],
                g -> new Tensor[] {g.sumToSize(a.shape), g.neg().sumToSize(b.shape)});
    }

    /** ∂(a·b) = (ḡ·b, ḡ·a). */
    static Tensor mul(Tensor a, Tensor b) {
        Tensor out = compute("mul", BinaryOp.MUL, a, b);
        return record("mul", out, a, b, new Tensor[] {a, b},
                g -> new Tensor[] {a.requiresGrad ? g.mul(b).sumToSize(a.shape) : null,
                                   b.requiresGrad ? g.mul(a).sumToSize(b.shape) : null});
    }

    /** ∂(a/b) = (ḡ/b, −ḡ·a/b²). */
    static Tensor div(Tensor a, Tensor b) {
        Tensor out = compute("div", BinaryOp.DIV, a, b);
        // −ḡ·(a/b)/b rather than −ḡ·a/b²: b² under- or overflows long before a/b does.
        return record("div", out, a, b, new Tensor[] {a, b},
                g -> new Tensor[] {a.requiresGrad ? g.div(b).sumToSize(a.shape) : null,
                                   b.requiresGrad ? g.mul(a.div(b)).div(b).neg().sumToSize(b.shape) : null});
    }

    /**
     * ∂(aᵇ) = (ḡ·b·a^(b−1), ḡ·aᵇ·log a), with the limits PyTorch uses at a zero base: the a-gradient is 0
     * where b = 0, and the b-gradient is 0 where a = 0 and b ≥ 0. Both are computed on substituted safe
     * values (not by masking a NaN afterwards), so that second derivatives stay finite too.
     */
    static Tensor pow(Tensor a, Tensor b) {
        Tensor out = compute("pow", BinaryOp.POW, a, b);
        return record("pow", out, a, b, new Tensor[] {a, b, out}, g -> {
            Tensor gradA = null, gradB = null;
            if (a.requiresGrad) {
                Tensor bZero = b.eq(0.0);
                Tensor safeB = Tensor.where(bZero, b.constant(1.0), b); // a^(1−1) = 1 where b = 0
                gradA = g.mul(b).mul(a.pow(safeB.sub(1.0))).sumToSize(a.shape);
            }
            if (b.requiresGrad) {
                Tensor safeLog = Tensor.where(a.eq(0.0), a.constant(1.0), a).log(); // log 1 = 0 where a = 0
                gradB = g.mul(out).mul(safeLog).sumToSize(b.shape);
            }
            return new Tensor[] {gradA, gradB};
        });
    }

    static Tensor maximum(Tensor a, Tensor b) {
        return extremum("maximum", BinaryOp.MAXIMUM, a, b);
    }

    static Tensor minimum(Tensor a, Tensor b) {
        return extremum("minimum", BinaryOp.MINIMUM, a, b);
    }

    /** The gradient goes to the selected input; at ties it is split half and half. */
    private static Tensor extremum(String name, BinaryOp op, Tensor a, Tensor b) {
        Tensor out = compute(name, op, a, b);
        return record(name, out, a, b, new Tensor[] {a, b}, g -> {
            Tensor wins = (op == BinaryOp.MAXIMUM ? a.gt(b) : a.lt(b)).to(g.dtype());
            Tensor share = wins.add(a.eq(b).to(g.dtype()).mul(0.5)); // a's share of the gradient
            return new Tensor[] {g.mul(share).sumToSize(a.shape), g.mul(share.neg().add(1.0)).sumToSize(b.shape)};
        });
    }

    /** An elementwise comparison: a bool mask, not differentiable. */
    static Tensor compare(String name, Tensor a, Tensor b) {
        if (a.dtype() == DType.BOOL || b.dtype() == DType.BOOL) {
            if (!name.equals("eq") && !name.equals("ne")) {
                throw new IllegalArgumentException(name + ": cannot order bool masks");
            }
        }
        int[] shape = Shapes.broadcast(name, a.shape, b.shape);
        Tensor out = Tensor.allocate(DType.BOOL, shape);
        Elementwise.compare(CompareOp.valueOf(name.toUpperCase(java.util.Locale.ROOT)),
                ViewOps.expandRaw(a, shape).strided(), ViewOps.expandRaw(b, shape).strided(), (int[]) out.data());
        return out;
    }

    /** where(m, a, b)′ = (ḡ where m, ḡ where not m). */
    static Tensor where(Tensor mask, Tensor a, Tensor b) {
        if (mask.dtype() != DType.BOOL) {
            throw new IllegalArgumentException("where: the mask must be bool (from a comparison), got " + mask.dtype()
                    + " " + Shapes.str(mask.shape));
        }
        Checks.requireSameDType("where", a, b);
        int[] shape = Shapes.broadcast("where", Shapes.broadcast("where", mask.shape, a.shape), b.shape);
        Tensor out = Tensor.allocate(a.dtype(), shape);
        Elementwise.where(ViewOps.expandRaw(mask, shape).strided(), ViewOps.expandRaw(a, shape).strided(),
                ViewOps.expandRaw(b, shape).strided(), out.data());
        if (!a.dtype().isFloating()) return out;
        return record("where", out, a, b, new Tensor[] {mask}, g -> {
            Tensor zero = g.constant(0.0);
            return new Tensor[] {a.requiresGrad ? Tensor.where(mask, g, zero).sumToSize(a.shape) : null,
                                 b.requiresGrad ? Tensor.where(mask, zero, g).sumToSize(b.shape) : null};
        });
    }
}
