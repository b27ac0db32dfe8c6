package dev.tapegrad.kernels;

/**
 * Elementwise functions of one argument, each with its scalar definition ({@link #apply(double)}), the
 * reference every SIMD kernel is tested against.
 */
public enum UnaryOp {
    NEG, ABS, SIGN, EXP, EXPM1, LOG, LOG1P, SQRT, RSQRT, SQUARE, RECIPROCAL, SIN, COS, TANH,
    SIGMOID, LOG_SIGMOID, RELU, SOFTPLUS, ERF;

    /** The scalar definition, computed in double precision. */
    public double apply(double x) {
        return switch (this) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case SIGN -> Math.signum(x);
            case EXP -> Math.exp(x);
            case EXPM1 -> Math.expm1(x);
            case LOG -> Math.log(x);
            case LOG1P -> Math.log1p(x);
            case SQRT -> Math.sqrt(x);
            case RSQRT -> 1.0 / Math.sqrt(x);
            case SQUARE -> x * x;
            case RECIPROCAL -> 1.0 / x;
            case SIN -> Math.sin(x);
            case COS -> Math.cos(x);
            case TANH -> Math.tanh(x);
            // 1/(1+e^-x) for x >= 0 and e^x/(1+e^x) below: neither form overflows.
            case SIGMOID -> x >= 0 ? 1.0 / (1.0 + Math.exp(-x)) : Math.exp(x) / (1.0 + Math.exp(x));
            // log σ(x) = -softplus(-x) = min(x, 0) - log1p(e^-|x|)
            case LOG_SIGMOID -> Math.min(x, 0.0) - Math.log1p(Math.exp(-Math.abs(x)));
            case RELU -> x > 0 ? x : 0.0;
            // softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^-|x|)
            case SOFTPLUS -> Math.max(x, 0.0) + Math.log1p(Math.exp(-Math.abs(x)));
            case ERF -> ScalarMath.erf(x);
        };
    }
}
