package dev.tapegrad.nn;

import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import dev.tapegrad.check.Gen;
import dev.tapegrad.check.GradCheck;
import dev.tapegrad.check.Property;
import dev.tapegrad.check.TensorGen;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Property-based gradient checks of {@link Layers} in float64, with the parameters as checked inputs:
 * random shapes (including size-1 axes and extra leading axes) and random values.
 */
class LayersGradTest {
    private static final Gen<Double> VALUES = TensorGen.values(-2, 2);
    private static final GradCheck.Options SECOND = GradCheck.Options.DEFAULT.withMode(GradCheck.Mode.DIRECTIONAL).withDirections(3);

    /** float64 tensors with the given shapes and values in [-2, 2]. */
    private static Gen<List<Tensor>> tensors(Gen<List<int[]>> shapes) {
        return shapes.flatMap(ss -> Gen.sequence(ss.stream().map(s -> TensorGen.tensor(s, VALUES)).toList()));
    }

    /** Leading (batch) axes: rank 0 to 2, sizes 1 to 3. */
    private static Gen<int[]> lead() {
        return TensorGen.shapes(0, 2, 1, 3);
    }

    private static int[] append(int[] a, int... b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void linear() {
        Gen<List<Tensor>> args = tensors(Gen.zip(lead(), Gen.sequence(List.of(Gen.ints(1, 4), Gen.ints(1, 4))),
                (l, io) -> List.of(append(l, io.get(0)), new int[] {io.get(1), io.get(0)}, new int[] {io.get(1)})));
        Property.forAll(args).tries(15).seed(1).check(xs -> {
            GradCheck.check(ts -> Layers.linear(ts.get(0), ts.get(1), ts.get(2)), xs);
            GradCheck.check(ts -> Layers.linear(ts.get(0), ts.get(1), null), xs.subList(0, 2));
        });
    }

    @Test
    void bilinear() {
        Gen<List<Tensor>> args = tensors(Gen.zip(lead(), Gen.sequence(List.of(Gen.ints(1, 3), Gen.ints(1, 3), Gen.ints(1, 3))),
                (l, s) -> List.of(append(l, s.get(0)), append(l, s.get(1)), new int[] {s.get(2), s.get(0), s.get(1)},
                        new int[] {s.get(2)})));
        Property.forAll(args).tries(15).seed(2).check(xs ->
                GradCheck.check(ts -> Layers.bilinear(ts.get(0), ts.get(1), ts.get(2), ts.get(3)), xs));
    }

    /** (x, w, b) for a norm over the last k ∈ {1, 2} axes of x, and the normalized shape. */
    private record NormArgs(List<Tensor> xs, int[] normalized) {}

    private static Gen<NormArgs> normArgs() {
        Gen<int[]> shape = TensorGen.shapes(1, 3, 1, 4);
        return shape.flatMap(s -> Gen.ints(1, Math.min(2, s.length)).flatMap(k -> {
            int[] ns = Arrays.copyOfRange(s, s.length - k, s.length);
            return tensors(Gen.constant(List.of(s, ns, ns))).map(xs -> new NormArgs(xs, ns));
        }));
    }

    @Test
    void layerNormFirstAndSecondOrder() {
        Property.forAll(normArgs()).tries(12).seed(3).check(a -> {
            GradCheck.check(ts -> Layers.layerNorm(ts.get(0), a.normalized(), ts.get(1), ts.get(2)), a.xs());
            GradCheck.check(ts -> Layers.layerNorm(ts.get(0), a.normalized(), null, null, 0.1), a.xs().subList(0, 1));
        });
        Property.forAll(normArgs()).tries(4).seed(4).check(a ->
                GradCheck.checkSecondOrder(ts -> Layers.layerNorm(ts.get(0), a.normalized(), ts.get(1), ts.get(2)), a.xs(), SECOND));
    }

    @Test
    void rmsNormFirstAndSecondOrder() {
        Property.forAll(normArgs()).tries(12).seed(5).check(a ->
                GradCheck.check(ts -> Layers.rmsNorm(ts.get(0), a.normalized(), ts.get(1), 1e-5), a.xs().subList(0, 2)));
        Property.forAll(normArgs()).tries(4).seed(6).check(a ->
                GradCheck.checkSecondOrder(ts -> Layers.rmsNorm(ts.get(0), a.normalized(), ts.get(1), 1e-5), a.xs().subList(0, 2), SECOND));
    }

    /** Shapes [N, C] or [N, C, L] with N·L ≥ 2, and (x, w, b, running mean, running var). */
    private static Gen<List<Tensor>> batchNormArgs() {
        Gen<int[]> shape = Gen.zip(Gen.sequence(List.of(Gen.ints(2, 4), Gen.ints(1, 3))), Gen.ints(0, 3),
                (nc, l) -> l == 0 ? new int[] {nc.get(0), nc.get(1)} : new int[] {nc.get(0), nc.get(1), l});
        return shape.flatMap(s -> {
            int[] c = {s[1]};
            Gen<List<Tensor>> xwbm = tensors(Gen.constant(List.of(s, c, c, c)));
            return Gen.zip(xwbm, TensorGen.tensor(c, TensorGen.values(0.2, 2)), (l, v) -> {
                List<Tensor> all = new ArrayList<>(l);
                all.add(v);
                return all;
            });
        });
    }

    @Test
    void batchNormTrainingAndEval() {
        Property.forAll(batchNormArgs()).tries(12).seed(7).check(xs -> {
            // Training: batch statistics (the running statistics are updated on the side, not differentiated).
            Tensor rm = Tensor.zeros(DType.FLOAT64, xs.get(1).shape()), rv = Tensor.ones(DType.FLOAT64, xs.get(1).shape());
            GradCheck.check(ts -> Layers.batchNorm(ts.get(0), rm, rv, ts.get(1), ts.get(2), true, 0.1, 1e-5), xs.subList(0, 3));
            // Evaluation: every argument, running statistics included, is differentiable.
            GradCheck.check(ts -> Layers.batchNorm(ts.get(0), ts.get(3), ts.get(4), ts.get(1), ts.get(2), false, 0.1, 1e-5), xs);
        });
    }

    @Test
    void embeddingAndDropout() {
        Gen<List<Tensor>> weights = tensors(Gen.zip(Gen.ints(1, 5), Gen.ints(1, 3), (n, d) -> List.of(new int[] {n, d})));
        Property.forAll(weights).tries(10).seed(8).check(ws -> {
            Tensor w = ws.get(0);
            Tensor idx = Tensor.randint(new Generator(w.numel()), 0, w.size(0), 2, 3);
            GradCheck.check(ts -> Layers.embedding(ts.get(0), idx), ws);
            // A fresh generator with a fixed seed per call: the same mask every evaluation.
            GradCheck.check(ts -> Layers.dropout(new Generator(11), ts.get(0), 0.4, true), ws);
        });
    }
}
