package dev.tapegrad;

/**
 * Thrown in anomaly mode ({@link Autograd#detectAnomaly()}) by the first op whose forward output or
 * backward gradient contains NaN or ±Inf. The message names the op, its input shapes and the line of user
 * code that called it.
 */
public final class AnomalyException extends ArithmeticException {
    private static final long serialVersionUID = 1L;

    AnomalyException(String message) {
        super(message);
    }
}
