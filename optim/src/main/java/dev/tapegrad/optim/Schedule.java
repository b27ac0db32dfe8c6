package dev.tapegrad.optim;

/**
 * A hyper-parameter as a pure function of the optimizer's step count: {@code at(k)} is the value used by
 * the (k+1)-th step, k = 0, 1, 2, ... (the number of steps already taken). Being a pure function, a
 * schedule has no state to save: resuming at step k gives exactly the value an uninterrupted run would.
 *
 * <p>Any hyper-parameter can be scheduled (learning rate, weight decay, β₁, ...). Factories for the usual
 * shapes are in {@link Schedules}.
 */
@FunctionalInterface
public interface Schedule {

    /** The value at step count {@code step} (≥ 0). */
    double at(long step);

    /** A schedule that is always {@code value}. */
    static Schedule constant(double value) {
        return step -> value;
    }
}
