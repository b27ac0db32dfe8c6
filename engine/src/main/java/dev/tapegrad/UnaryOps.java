package dev.tapegrad;

import dev.tapegrad.kernels.Elementwise;
import dev.tapegrad.kernels.UnaryOp;

/**
 * Elementwise functions of one tensor, each next to its derivative rule.
 *
 * <p>Each rule returns ḡ·f′(x), written with differentiable ops and reusing the output where that is
 * cheaper (exp′ = exp, tanh′ = 1 − tanh², σ′ = σ(1 − σ)), so higher derivatives come for free.
 */
final class UnaryOps {
    private UnaryOps() {}

    /** Computes op(x) elementwise (no tape). */
    static Tensor compute(String name, UnaryOp op, Tensor x) {
        Checks.requireFloating(name, x);
        Tensor out = Tensor.allocate(x.dtype(), x.shape);
        Elementwise.unary(op, x.strided(), out.data());
        return out;
    }

    /** The common shape of a unary op whose rule needs only x: record op(x) with rule g ↦ rule(g). */
    private static Tensor unary(String name, UnaryOp op, Tensor x, boolean savesInput, Rule rule) {
        Tensor out = compute(name, op, x);
        return Tape.record(name, out, x, savesInput ? new Tensor[] {x} : new Tensor[0], rule);
    }

    static Tensor neg(Tensor x) {
        return unary("neg", UnaryOp.NEG, x, false, g -> new Tensor[] {g.neg()});
    }

    /** |x|′ = sign(x) (0 at 0, a subgradient). */
    static Tensor abs(Tensor x) {
        return unary("abs", UnaryOp.ABS, x, true, g -> new Tensor[] {g.mul(x.sign())});
    }

    /** sign′ = 0 almost everywhere. */
    static Tensor sign(Tensor x) {
        return unary("sign", UnaryOp.SIGN, x, false, g -> new Tensor[] {g.mul(0.0)});
    }

    /** (eˣ)′ = eˣ: the rule reuses the output. */
    static Tensor exp(Tensor x) {
        Tensor out = compute("exp", UnaryOp.EXP, x);
        return Tape.record("exp", out, x, new Tensor[] {out}, g -> new Tensor[] {g.mul(out)});
    }

    /** (eˣ − 1)′ = eˣ, computed from x: out + 1 would round away the low digits of eˣ. */
    static Tensor expm1(Tensor x) {
        Tensor out = compute("expm1", UnaryOp.EXPM1, x);
        return Tape.record("expm1", out, x, new Tensor[] {x}, g -> new Tensor[] {g.mul(x.exp())});
    }

    /** (log x)′ = 1/x. */
    static Tensor log(Tensor x) {
        return unary("log", UnaryOp.LOG, x, true, g -> new Tensor[] {g.div(x)});
    }

    /** (log(1 + x))′ = 1/(1 + x). */
    static Tensor log1p(Tensor x) {
        return unary("log1p", UnaryOp.LOG1P, x, true, g -> new Tensor[] {g.div(x.add(1.0))});
    }

    /** (√x)′ = 1/(2√x) = 0.5/out. */
    static Tensor sqrt(Tensor x) {
        Tensor out = compute("sqrt", UnaryOp.SQRT, x);
        return Tape.record("sqrt", out, x, new Tensor[] {out}, g -> new Tensor[] {g.mul(0.5).div(out)});
    }

    /** (x^−½)′ = −½ x^−3/2 = −½ · out³. */
    static Tensor rsqrt(Tensor x) {
        Tensor out = compute("rsqrt", UnaryOp.RSQRT, x);
        return Tape.record("rsqrt", out, x, new Tensor[] {out},
                g -> new Tensor[] {g.mul(out.mul(out).mul(out)).mul(-0.5)});
    }

    /** (x²)′ = 2x. */
    static Tensor square(Tensor x) {
        return unary("square", UnaryOp.SQUARE, x, true, g -> new Tensor[] {g.mul(x).mul(2.0)});
    }

    /** (1/x)′ = −1/x² = −out². */
    static Tensor reciprocal(Tensor x) {
        Tensor out = compute("reciprocal", UnaryOp.RECIPROCAL, x);
        return Tape.record("reciprocal", out, x, new Tensor[] {out}, g -> new Tensor[] {g.mul(out.mul(out)).neg()});
    }

    static Tensor sin(Tensor x) {
        return unary("sin", UnaryOp.SIN, x, true, g -> new Tensor[] {g.mul(x.cos())});
    }

    static Tensor cos(Tensor x) {
        return unary("cos", UnaryOp.COS, x, true, g -> new Tensor[] {g.mul(x.sin()).neg()});
    }

    /** tanh′ = 1 − tanh². */
    static Tensor tanh(Tensor x) {
        Tensor out = compute("tanh", UnaryOp.TANH, x);
        return Tape.record("tanh", out, x, new Tensor[] {out},
                g -> new Tensor[] {g.mul(out.mul(out).neg().add(1.0))});
    }

    /** σ′ = σ(1 − σ). */
    static Tensor sigmoid(Tensor x) {
        Tensor out = compute("sigmoid", UnaryOp.SIGMOID, x);
        return Tape.record("sigmoid", out, x, new Tensor[] {out},
                g -> new Tensor[] {g.mul(out.mul(out.neg().add(1.0)))});
    }

    /** (log σ(x))′ = 1 − σ(x) = σ(−x). */
    static Tensor logSigmoid(Tensor x) {
        return unary("logSigmoid", UnaryOp.LOG_SIGMOID, x, true, g -> new Tensor[] {g.mul(x.neg().sigmoid())});
    }

    /** relu′ = 1 where x &gt; 0, else 0. */
    static Tensor relu(Tensor x) {
        return unary("relu", UnaryOp.RELU, x, true, g -> new Tensor[] {g.mul(x.gt(0.0).to(g.dtype()))});
    }

    /** softplus′ = σ(x). */
    static Tensor softplus(Tensor x) {
        return unary("softplus", UnaryOp.SOFTPLUS, x, true, g -> new Tensor[] {g.mul(x.sigmoid())});
    }

    /** erf′(x) = 2/√π · e^(−x²). */
    static Tensor erf(Tensor x) {
        return unary("erf", UnaryOp.ERF, x, true,
                g -> new Tensor[] {g.mul(x.square().neg().exp()).mul(2.0 / Math.sqrt(Math.PI))});
    }

    /** (xᵖ)′ = p·x^(p−1); for p = 0 the gradient is 0. */
    static Tensor pow(Tensor x, double p) {
        Checks.requireFloating("pow", x);
        if (p == 1.0) return x.clone();
        Tensor out = BinaryOps.compute("pow", dev.tapegrad.kernels.BinaryOp.POW, x, x.constant(p));
        return Tape.record("pow", out, x, new Tensor[] {x},
                g -> new Tensor[] {p == 0.0 ? g.mul(0.0) : g.mul(x.pow(p - 1.0)).mul(p)});
    }

    /** clamp′ = 1 where low ≤ x ≤ high, else 0. */
    static Tensor clamp(Tensor x, double low, double high) {
        Checks.requireFloating("clamp", x);
        if (low > high) {
            throw new IllegalArgumentException("clamp: low " + low + " is greater than high " + high);
        }
        Tensor out = Tensor.allocate(x.dtype(), x.shape);
        Elementwise.clamp(x.strided(), low, high, out.data());
        return Tape.record("clamp", out, x, new Tensor[] {x},
                g -> new Tensor[] {g.mul(x.ge(low).to(g.dtype()).mul(x.le(high).to(g.dtype())))});
    }
}
