package dev.tapegrad.check;

import dev.tapegrad.Tensor;
import java.util.List;
import java.util.function.Function;

/**
 * One entry of the {@link OpTable}: how to exercise one differentiable op (or one overload of it) in a
 * gradient check.
 *
 * @param name        the {@link Tensor} method it exercises, optionally followed by {@code /variant}
 *                    (e.g. {@code sum/axes-keepdim})
 * @param inputs      random float64 inputs, with sizes, broadcasting and values the op is defined on (kept
 *                    away from kinks)
 * @param function    the op applied to the inputs (non-differentiable arguments, like indices or axes,
 *                    are derived from the inputs' shapes inside it)
 * @param options     tolerances for {@link GradCheck}
 * @param secondOrder whether the op's backward is itself checked ({@link GradCheck#checkSecondOrder})
 */
public record OpInfo(String name, Gen<List<Tensor>> inputs, Function<List<Tensor>, Tensor> function,
                     GradCheck.Options options, boolean secondOrder) {

    /** The Tensor method this entry covers (the name without its variant). */
    public String method() {
        int slash = name.indexOf('/');
        return slash < 0 ? name : name.substring(0, slash);
    }

    /** The same entry with other tolerances. */
    public OpInfo withOptions(GradCheck.Options o) {
        return new OpInfo(name, inputs, function, o, secondOrder);
    }

    /** The same entry without the second-order check. */
    public OpInfo firstOrderOnly() {
        return new OpInfo(name, inputs, function, options, false);
    }

    /** Runs the first-order (and, if declared, second-order) check on one draw of inputs. */
    public void check(List<Tensor> values) {
        GradCheck.check(function, values, options);
        if (secondOrder) GradCheck.checkSecondOrder(function, values, options);
    }

    @Override
    public String toString() {
        return name;
    }
}
