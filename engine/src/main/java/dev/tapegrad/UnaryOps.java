package dev.tapegrad;

import static dev.tapegrad.check.Samples.*;

import dev.tapegrad.kernels.BinaryOp;
import dev.tapegrad.kernels.Elementwise;
import dev.tapegrad.kernels.UnaryOp;

/**
 * Elementwise functions of one tensor, y = f(x), each declared with its derivative.
 *
 * <p>The Jacobian of an elementwise function is diagonal, diag(f′(x)), so it equals its transpose and both
 * derivative rules are one product: the VJP is ḡ ⊙ f′(x) and the JVP is ẋ ⊙ f′(x). Each op therefore gives one
 * {@link Slope} v ↦ v ⊙ f′(x), written with differentiable ops and reusing the output where that is cheaper
 * (exp′ = exp, tanh′ = 1 − tanh², σ′ = σ(1 − σ)), so higher derivatives come for free.
 */
final class UnaryOps {
    private UnaryOps() {}

    /** v ⊙ f′(x), from v, x and the output y = f(x): both derivative rules of an elementwise function. */
    @FunctionalInterface
    interface Slope {
        Tensor times(Tensor v, Tensor x, Tensor y);
    }

    /** Which values the slope reads (saved for backward and checked there for in-place changes). */
    enum Reads { NOTHING, INPUT, OUTPUT }

    /** Computes op(x) elementwise (no tape). */
    static Tensor compute(String name, UnaryOp op, Tensor x) {
        Checks.requireFloating(name, x);
        Tensor out = Tensor.allocate(x.dtype(), x.shape);
        Elementwise.unary(x.dtype(), op, x.strided(), out.data());
        return out;
    }

    /** y = kernel(x), recorded with VJP ḡ ⊙ f′ and JVP ẋ ⊙ f′. */
    private static Tensor elementwise(OpDef def, UnaryOp kernel, Tensor x, Reads reads, Slope slope) {
        return record(def, x, compute(def.name(), kernel, x), reads, slope);
    }

    /** Records y = f(x) with the one slope that is both its VJP ḡ ⊙ f′ and its JVP ẋ ⊙ f′. */
    private static Tensor record(OpDef def, Tensor x, Tensor y, Reads reads, Slope slope) {
        Tensor[] saved = switch (reads) {
            case NOTHING -> new Tensor[0];
            case INPUT -> new Tensor[] {x};
            case OUTPUT -> new Tensor[] {y};
        };
        return def.record(y, x, saved, g -> slope.times(g, x, y), t -> slope.times(t, x, y));
    }

    static final OpDef NEG = OpDef.of("neg", "−x; slope −1")
            .example(one(ANY), xs -> xs.get(0).neg());

    static Tensor neg(Tensor x) {
        return elementwise(NEG, UnaryOp.NEG, x, Reads.NOTHING, (v, x1, y) -> v.neg());
    }

    static final OpDef ABS = OpDef.of("abs", "|x|; slope sign(x) (0 at 0, a subgradient)")
            .example(one(NONZERO), xs -> xs.get(0).abs());

    static Tensor abs(Tensor x) {
        return elementwise(ABS, UnaryOp.ABS, x, Reads.INPUT, (v, x1, y) -> v.mul(x1.sign()));
    }

    static final OpDef SIGN = OpDef.of("sign", "sign(x) ∈ {−1, 0, 1}; slope 0 almost everywhere")
            // sign alone has gradient 0 everywhere: add x to see the gradient flow through the sum
            .example(one(NONZERO), xs -> xs.get(0).sign().add(xs.get(0)));

    static Tensor sign(Tensor x) {
        return elementwise(SIGN, UnaryOp.SIGN, x, Reads.NOTHING, (v, x1, y) -> v.mul(0.0));
    }

    static final OpDef EXP = OpDef.of("exp", "eˣ; slope eˣ (the output, reused)")
            .example(one(ANY), xs -> xs.get(0).exp());

    static Tensor exp(Tensor x) {
        return elementwise(EXP, UnaryOp.EXP, x, Reads.OUTPUT, (v, x1, y) -> v.mul(y));
    }

    static final OpDef EXPM1 = OpDef.of("expm1", "eˣ − 1, accurate near 0; slope eˣ (from x: y + 1 would round away its low digits)")
            .example(one(ANY), xs -> xs.get(0).expm1());

    static Tensor expm1(Tensor x) {
        return elementwise(EXPM1, UnaryOp.EXPM1, x, Reads.INPUT, (v, x1, y) -> v.mul(x1.exp()));
    }

    static final OpDef LOG = OpDef.of("log", "ln x; slope 1/x")
            .example(one(POSITIVE), xs -> xs.get(0).log());

    static Tensor log(Tensor x) {
        return elementwise(LOG, UnaryOp.LOG, x, Reads.INPUT, (v, x1, y) -> v.div(x1));
    }

    static final OpDef LOG1P = OpDef.of("log1p", "ln(1 + x), accurate near 0; slope 1/(1 + x)")
            .example(one(range(-0.8, 2)), xs -> xs.get(0).log1p());

    static Tensor log1p(Tensor x) {
        return elementwise(LOG1P, UnaryOp.LOG1P, x, Reads.INPUT, (v, x1, y) -> v.div(x1.add(1.0)));
    }

    static final OpDef SQRT = OpDef.of("sqrt", "√x; slope 1/(2√x) = 0.5/y")
            .example(one(POSITIVE), xs -> xs.get(0).sqrt());

    static Tensor sqrt(Tensor x) {
        return elementwise(SQRT, UnaryOp.SQRT, x, Reads.OUTPUT, (v, x1, y) -> v.mul(0.5).div(y));
    }

    static final OpDef RSQRT = OpDef.of("rsqrt", "1/√x; slope −½x^(−3/2) = −½y³")
            .example(one(POSITIVE), xs -> xs.get(0).rsqrt());

    static Tensor rsqrt(Tensor x) {
        return elementwise(RSQRT, UnaryOp.RSQRT, x, Reads.OUTPUT, (v, x1, y) -> v.mul(y.mul(y).mul(y)).mul(-0.5));
    }

    static final OpDef SQUARE = OpDef.of("square", "x²; slope 2x")
            .example(one(ANY), xs -> xs.get(0).square());

    static Tensor square(Tensor x) {
        return elementwise(SQUARE, UnaryOp.SQUARE, x, Reads.INPUT, (v, x1, y) -> v.mul(x1).mul(2.0));
    }

    static final OpDef RECIPROCAL = OpDef.of("reciprocal", "1/x; slope −1/x² = −y²")
            .example(one(NONZERO), xs -> xs.get(0).reciprocal());

    static Tensor reciprocal(Tensor x) {
        return elementwise(RECIPROCAL, UnaryOp.RECIPROCAL, x, Reads.OUTPUT, (v, x1, y) -> v.mul(y.mul(y)).neg());
    }

    static final OpDef SIN = OpDef.of("sin", "sin x; slope cos x")
            .example(one(range(-4, 4)), xs -> xs.get(0).sin());

    static Tensor sin(Tensor x) {
        return elementwise(SIN, UnaryOp.SIN, x, Reads.INPUT, (v, x1, y) -> v.mul(x1.cos()));
    }

    static final OpDef COS = OpDef.of("cos", "cos x; slope −sin x")
            .example(one(range(-4, 4)), xs -> xs.get(0).cos());

    static Tensor cos(Tensor x) {
        return elementwise(COS, UnaryOp.COS, x, Reads.INPUT, (v, x1, y) -> v.mul(x1.sin()).neg());
    }

    static final OpDef TANH = OpDef.of("tanh", "tanh x; slope 1 − tanh² x = 1 − y²")
            .example(one(range(-3, 3)), xs -> xs.get(0).tanh());

    static Tensor tanh(Tensor x) {
        return elementwise(TANH, UnaryOp.TANH, x, Reads.OUTPUT, (v, x1, y) -> v.mul(y.mul(y).neg().add(1.0)));
    }

    static final OpDef SIGMOID = OpDef.of("sigmoid", "σ(x) = 1/(1 + e⁻ˣ); slope σ(1 − σ) = y(1 − y)")
            .example(one(range(-5, 5)), xs -> xs.get(0).sigmoid());

    static Tensor sigmoid(Tensor x) {
        return elementwise(SIGMOID, UnaryOp.SIGMOID, x, Reads.OUTPUT, (v, x1, y) -> v.mul(y.mul(y.neg().add(1.0))));
    }

    static final OpDef LOG_SIGMOID = OpDef.of("logSigmoid", "ln σ(x) = −softplus(−x); slope 1 − σ(x) = σ(−x)")
            .example(one(range(-5, 5)), xs -> xs.get(0).logSigmoid());

    static Tensor logSigmoid(Tensor x) {
        return elementwise(LOG_SIGMOID, UnaryOp.LOG_SIGMOID, x, Reads.INPUT, (v, x1, y) -> v.mul(x1.neg().sigmoid()));
    }

    static final OpDef RELU = OpDef.of("relu", "max(x, 0); slope 1 where x > 0, else 0")
            .example(one(NONZERO), xs -> xs.get(0).relu());

    static Tensor relu(Tensor x) {
        return elementwise(RELU, UnaryOp.RELU, x, Reads.INPUT, (v, x1, y) -> v.mul(x1.gt(0.0).to(v.dtype())));
    }

    static final OpDef SOFTPLUS = OpDef.of("softplus", "ln(1 + eˣ); slope σ(x)")
            .example(one(range(-5, 5)), xs -> xs.get(0).softplus());

    static Tensor softplus(Tensor x) {
        return elementwise(SOFTPLUS, UnaryOp.SOFTPLUS, x, Reads.INPUT, (v, x1, y) -> v.mul(x1.sigmoid()));
    }

    static final OpDef ERF = OpDef.of("erf", "erf x = 2/√π ∫₀ˣ e^(−t²) dt; slope 2/√π · e^(−x²)")
            .example(one(range(-2.5, 2.5)), xs -> xs.get(0).erf());

    static Tensor erf(Tensor x) {
        return elementwise(ERF, UnaryOp.ERF, x, Reads.INPUT,
                (v, x1, y) -> v.mul(x1.square().neg().exp()).mul(2.0 / Math.sqrt(Math.PI)));
    }

    static final OpDef POW_SCALAR = OpDef.of("pow", "xᵖ for a constant p; slope p·x^(p−1) (0 for p = 0)")
            .example("scalar", one(POSITIVE), xs -> xs.get(0).pow(2.5))
            .example("negative-exponent", one(POSITIVE), xs -> xs.get(0).pow(-1.5))
            .example("integer-exponent-negative-base", one(ANY), xs -> xs.get(0).pow(3.0));

    static Tensor pow(Tensor x, double p) {
        Checks.requireFloating("pow", x);
        if (p == 1.0) return x.clone();
        Tensor y = BinaryOps.compute("pow", BinaryOp.POW, x, x.constant(p));
        return record(POW_SCALAR, x, y, Reads.INPUT, (v, x1, y1) -> p == 0.0 ? v.mul(0.0) : v.mul(x1.pow(p - 1.0)).mul(p));
    }

    static final OpDef CLAMP = OpDef.of("clamp", "min(max(x, low), high); slope 1 where low ≤ x ≤ high, else 0")
            .example(one(awayFrom(-2, 2, 0.1, -1, 1)), xs -> xs.get(0).clamp(-1, 1))
            .exampleOf("clampMin", "", one(awayFrom(-2, 2, 0.1, 0.5)), xs -> xs.get(0).clampMin(0.5))
            .exampleOf("clampMax", "", one(awayFrom(-2, 2, 0.1, 0.5)), xs -> xs.get(0).clampMax(0.5));

    static Tensor clamp(Tensor x, double low, double high) {
        Checks.requireFloating("clamp", x);
        if (low > high) {
            throw new IllegalArgumentException("clamp: low " + low + " is greater than high " + high);
        }
        Tensor y = Tensor.allocate(x.dtype(), x.shape);
        Elementwise.clamp(x.dtype(), x.strided(), low, high, y.data());
        return record(CLAMP, x, y, Reads.INPUT, (v, x1, y1) -> v.mul(x1.ge(low).to(v.dtype()).mul(x1.le(high).to(v.dtype()))));
    }
}
