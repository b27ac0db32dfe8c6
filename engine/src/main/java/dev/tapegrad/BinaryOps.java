package dev.tapegrad;

import static dev.tapegrad.check.Samples.*;

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
        Elementwise.binary(a.dtype(), op, ViewOps.expandRaw(a, shape).strided(), ViewOps.expandRaw(b, shape).strided(), out.data());
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

    private static Tensor record(OpDef def, Tensor out, Tensor a, Tensor b, Tensor[] saved, Rule vjp, JvpRule jvp) {
        return def.record(out, new Tensor[] {a, b}, saved, vjp, jvp);
    }

    static final OpDef ADDCMUL = OpDef.of("addcmul", "a + v·b·c in one fused pass; ∂ = (1, v·c, v·b)")
            .example(broadcasting(ANY, ANY, ANY), xs -> xs.get(0).addcmul(xs.get(1), xs.get(2)))
            .example("value", broadcasting(ANY, ANY, ANY), xs -> xs.get(0).addcmul(xs.get(1), xs.get(2), -0.75));

    /**
     * a + v·b·c with broadcasting of all three, computed in one fused pass (one output, no intermediate
     * product). VJP (ḡ, v·ḡ·c, v·ḡ·b), each summed back to its input's shape; JVP ȧ + v·(ḃ·c + b·ċ).
     */
    static Tensor addcmul(Tensor a, Tensor b, Tensor c, double value) {
        String name = "addcmul";
        for (Tensor t : new Tensor[] {a, b, c}) Checks.requireFloating(name, t);
        Checks.requireSameDType(name, a, b);
        Checks.requireSameDType(name, a, c);
        int[] shape = Shapes.broadcast(name, Shapes.broadcast(name, a.shape, b.shape), c.shape);
        Tensor out = Tensor.allocate(a.dtype(), shape);
        Elementwise.addcmul(a.dtype(), ViewOps.expandRaw(a, shape).strided(), ViewOps.expandRaw(b, shape).strided(),
                ViewOps.expandRaw(c, shape).strided(), value, out.data());
        return ADDCMUL.record(out, new Tensor[] {a, b, c}, new Tensor[] {b, c},
                g -> new Tensor[] {a.requiresGrad ? g.sumToSize(a.shape) : null,
                                   b.requiresGrad ? g.mul(c).mul(value).sumToSize(b.shape) : null,
                                   c.requiresGrad ? g.mul(b).mul(value).sumToSize(c.shape) : null},
                t -> {
                    Tensor product = JvpRule.sum(t[1] == null ? null : t[1].mul(c), t[2] == null ? null : b.mul(t[2]));
                    return JvpRule.sum(t[0], product == null ? null : product.mul(value));
                });
    }

    static final OpDef ADD = OpDef.of("add", "a + b; ∂ = (1, 1)")
            .example(broadcasting(ANY, ANY), xs -> xs.get(0).add(xs.get(1)))
            .example("scalar", one(ANY), xs -> xs.get(0).add(1.5));

    /** VJP (ḡ, ḡ), each summed back to its input's shape; JVP ȧ + ḃ. */
    static Tensor add(Tensor a, Tensor b) {
        Tensor out = compute("add", BinaryOp.ADD, a, b);
        return record(ADD, out, a, b, new Tensor[0], g -> new Tensor[] {g.sumToSize(a.shape), g.sumToSize(b.shape)},
                t -> JvpRule.sum(t[0], t[1]));
    }

    static final OpDef SUB = OpDef.of("sub", "a − b; ∂ = (1, −1)")
            .example(broadcasting(ANY, ANY), xs -> xs.get(0).sub(xs.get(1)))
            .example("scalar", one(ANY), xs -> xs.get(0).sub(1.5));

    static Tensor sub(Tensor a, Tensor b) {
        Tensor out = compute("sub", BinaryOp.SUB, a, b);
        return record(SUB, out, a, b, new Tensor[0], g -> new Tensor[] {g.sumToSize(a.shape), g.neg().sumToSize(b.shape)},
                t -> JvpRule.sum(t[0], t[1] == null ? null : t[1].neg()));
    }

    static final OpDef MUL = OpDef.of("mul", "a·b; ∂ = (b, a)")
            .example(broadcasting(ANY, ANY), xs -> xs.get(0).mul(xs.get(1)))
            .example("scalar", one(ANY), xs -> xs.get(0).mul(-2.5));

    /** VJP (ḡ·b, ḡ·a); JVP ȧ·b + a·ḃ. */
    static Tensor mul(Tensor a, Tensor b) {
        Tensor out = compute("mul", BinaryOp.MUL, a, b);
        return record(MUL, out, a, b, new Tensor[] {a, b},
                g -> new Tensor[] {a.requiresGrad ? g.mul(b).sumToSize(a.shape) : null,
                                   b.requiresGrad ? g.mul(a).sumToSize(b.shape) : null},
                t -> JvpRule.sum(t[0] == null ? null : t[0].mul(b), t[1] == null ? null : a.mul(t[1])));
    }

    static final OpDef DIV = OpDef.of("div", "a/b; ∂ = (1/b, −(a/b)/b)")
            .example(broadcasting(ANY, NONZERO), xs -> xs.get(0).div(xs.get(1)))
            .example("scalar", one(ANY), xs -> xs.get(0).div(-2.5));

    /** VJP (ḡ/b, −ḡ·a/b²); JVP (ȧ − y·ḃ)/b. */
    static Tensor div(Tensor a, Tensor b) {
        Tensor out = compute("div", BinaryOp.DIV, a, b);
        // −ḡ·(a/b)/b rather than −ḡ·a/b²: b² under- or overflows long before a/b does.
        return record(DIV, out, a, b, new Tensor[] {a, b, out},
                g -> new Tensor[] {a.requiresGrad ? g.div(b).sumToSize(a.shape) : null,
                                   b.requiresGrad ? g.mul(a.div(b)).div(b).neg().sumToSize(b.shape) : null},
                t -> JvpRule.sum(t[0] == null ? null : t[0].div(b), t[1] == null ? null : t[1].mul(out).div(b).neg()));
    }

    static final OpDef POW = OpDef.of("pow", "aᵇ; ∂ = (b·a^(b−1), aᵇ·ln a), 0 where b = 0 (first) and where a = 0 ≤ b (second)")
            .example(broadcasting(POSITIVE, ANY), xs -> xs.get(0).pow(xs.get(1)));

    /**
     * ∂(aᵇ) = (b·a^(b−1), aᵇ·log a), with the limits PyTorch uses at a zero base: the a-derivative is 0
     * where b = 0, and the b-derivative is 0 where a = 0 and b ≥ 0. Both are computed on substituted safe
     * values (not by masking a NaN afterwards), so that second derivatives stay finite too.
     */
    static Tensor pow(Tensor a, Tensor b) {
        Tensor out = compute("pow", BinaryOp.POW, a, b);
        java.util.function.Supplier<Tensor> dA = () -> { // b·a^(b−1), with a^(1−1) = 1 where b = 0
            Tensor safeB = Tensor.where(b.eq(0.0), b.constant(1.0), b);
            return b.mul(a.pow(safeB.sub(1.0)));
        };
        java.util.function.Supplier<Tensor> dB = () -> out.mul(Tensor.where(a.eq(0.0), a.constant(1.0), a).log()); // log 1 = 0 where a = 0
        return record(POW, out, a, b, new Tensor[] {a, b, out},
                g -> new Tensor[] {a.requiresGrad ? g.mul(dA.get()).sumToSize(a.shape) : null,
                                   b.requiresGrad ? g.mul(dB.get()).sumToSize(b.shape) : null},
                t -> JvpRule.sum(t[0] == null ? null : t[0].mul(dA.get()), t[1] == null ? null : t[1].mul(dB.get())));
    }

    static final OpDef MAXIMUM = OpDef.of("maximum", "max(a, b) elementwise; the derivative follows the larger input, split ½–½ at ties")
            .example(broadcasting(ANY, ANY), xs -> xs.get(0).maximum(xs.get(1)));

    static Tensor maximum(Tensor a, Tensor b) {
        return extremum(MAXIMUM, BinaryOp.MAXIMUM, a, b);
    }

    static final OpDef MINIMUM = OpDef.of("minimum", "min(a, b) elementwise; the derivative follows the smaller input, split ½–½ at ties")
            .example(broadcasting(ANY, ANY), xs -> xs.get(0).minimum(xs.get(1)));

    static Tensor minimum(Tensor a, Tensor b) {
        return extremum(MINIMUM, BinaryOp.MINIMUM, a, b);
    }

    /** The derivative goes to the selected input (share s for a, 1 − s for b); at ties it is split half and half. */
    private static Tensor extremum(OpDef def, BinaryOp op, Tensor a, Tensor b) {
        Tensor out = compute(def.name(), op, a, b);
        java.util.function.Function<DType, Tensor> share = dtype -> { // a's share
            Tensor wins = (op == BinaryOp.MAXIMUM ? a.gt(b) : a.lt(b)).to(dtype);
            return wins.add(a.eq(b).to(dtype).mul(0.5));
        };
        return record(def, out, a, b, new Tensor[] {a, b}, g -> {
            Tensor s = share.apply(g.dtype());
            return new Tensor[] {g.mul(s).sumToSize(a.shape), g.mul(s.neg().add(1.0)).sumToSize(b.shape)};
        }, t -> {
            Tensor s = share.apply(out.dtype());
            return JvpRule.sum(t[0] == null ? null : t[0].mul(s), t[1] == null ? null : t[1].mul(s.neg().add(1.0)));
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
        Elementwise.compare(a.dtype(), b.dtype(), CompareOp.valueOf(name.toUpperCase(java.util.Locale.ROOT)),
                ViewOps.expandRaw(a, shape).strided(), ViewOps.expandRaw(b, shape).strided(), (int[]) out.data());
        return out;
    }

    static final OpDef WHERE = OpDef.of("where", "m ? a : b elementwise for a bool mask m; ∂ = (m, ¬m)")
            .example(broadcasting(ANY, ANY), xs -> Tensor.where(mask(xs.get(0).shape()), xs.get(0), xs.get(1)))
            .exampleOf("maskedFill", "", one(ANY), xs -> xs.get(0).maskedFill(mask(xs.get(0).shape()), 0.25));

    /** VJP (ḡ where m, ḡ where not m); JVP where(m, ȧ, ḃ). */
    static Tensor where(Tensor mask, Tensor a, Tensor b) {
        if (mask.dtype() != DType.BOOL) {
            throw new IllegalArgumentException("where: the mask must be bool (from a comparison), got " + mask.dtype()
                    + " " + Shapes.str(mask.shape));
        }
        Checks.requireSameDType("where", a, b);
        int[] shape = Shapes.broadcast("where", Shapes.broadcast("where", mask.shape, a.shape), b.shape);
        Tensor out = Tensor.allocate(a.dtype(), shape);
        Elementwise.where(a.dtype(), ViewOps.expandRaw(mask, shape).strided(), ViewOps.expandRaw(a, shape).strided(),
                ViewOps.expandRaw(b, shape).strided(), out.data());
        if (!a.dtype().isFloating()) return out;
        return record(WHERE, out, a, b, new Tensor[] {mask}, g -> {
            Tensor zero = g.constant(0.0);
            return new Tensor[] {a.requiresGrad ? Tensor.where(mask, g, zero).sumToSize(a.shape) : null,
                                 b.requiresGrad ? Tensor.where(mask, zero, g).sumToSize(b.shape) : null};
        }, t -> {
            Tensor zero = out.constant(0.0);
            return Tensor.where(mask, t[0] == null ? zero : t[0], t[1] == null ? zero : t[1]);
        });
    }
}
