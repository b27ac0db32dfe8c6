package dev.tapegrad.optim;

import dev.tapegrad.Generator;
import java.util.Map;

/**
 * What an update rule may read during one step of one parameter group besides the parameters: the step
 * count, the group's resolved hyper-parameters, the group's named scalar state (counters and estimates
 * that belong to the whole group, like D-Adaptation's d), and the optimizer's random generator.
 *
 * @param gen     the optimizer's generator (saved and restored too)
 * @param count   optimizer steps taken before this one (0 on the first step); schedules are evaluated here
 * @param hyper   the group's hyper-parameters for this step
 * @param scalars the group's scalar state, saved and restored with the optimizer; keys are namespaced by
 *                the transform that owns them
 */
public record StepContext(Generator gen, long count, HyperParams hyper, Map<String, Double> scalars) {

    /** A scalar state value, or {@code initial} when it was never set. */
    public double scalar(String key, double initial) {
        return scalars.getOrDefault(key, initial);
    }

    /** Sets a scalar state value. */
    public void setScalar(String key, double value) {
        scalars.put(key, value);
    }
}
