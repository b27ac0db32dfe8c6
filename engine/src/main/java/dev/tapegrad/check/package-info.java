/**
 * Gradient checking and property-based testing, as features users get.
 *
 * <ul>
 * <li>{@link dev.tapegrad.check.GradCheck} compares analytic gradients (backward's vector-Jacobian
 *     products) with float64 central differences, elementwise or along random directions, at first and
 *     second order, and names the input, the element and both values when they disagree.</li>
 * <li>{@link dev.tapegrad.check.Gen} generates random values from a seed and shrinks failing ones
 *     (integrated shrinking through a {@link dev.tapegrad.check.Tree}); {@link dev.tapegrad.check.TensorGen}
 *     generates shapes, broadcastable shape tuples and tensors, away from kinks if asked.</li>
 * <li>{@link dev.tapegrad.check.Property} runs a check over many generated values, shrinks the first
 *     counterexample and reports it with the seed that replays it.</li>
 * </ul>
 *
 * <pre>{@code
 * Function<List<Tensor>, Tensor> f = xs -> xs.get(0).sub(xs.get(1)).tanh().mul(xs.get(0)).sum();
 * Property.forAll(TensorGen.broadcastTensors(2, TensorGen.values(-2, 2)))
 *         .check(xs -> { GradCheck.check(f, xs); GradCheck.checkSecondOrder(f, xs); });
 * }</pre>
 *
 * <p>Nothing here depends on a test framework: failures are {@link java.lang.AssertionError}s
 * ({@link dev.tapegrad.check.GradCheckFailure}, {@link dev.tapegrad.check.PropertyFailure}), which JUnit and
 * others report as test failures.
 */
package dev.tapegrad.check;
