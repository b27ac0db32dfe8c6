package dev.tapegrad.check;

import static org.junit.jupiter.api.Assertions.*;

import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TensorGenTest {

    @Test
    void shapesRespectRanksAndSizesAndIncludeSizeOneAxes() {
        Generator rng = new Generator(1);
        int ones = 0, larger = 0;
        boolean[] ranks = new boolean[5];
        for (int i = 0; i < 300; i++) {
            int[] s = TensorGen.shapes(1, 4, 1, 5).sample(rng);
            assertTrue(s.length >= 1 && s.length <= 4, Arrays.toString(s));
            ranks[s.length] = true;
            for (int d : s) {
                assertTrue(d >= 1 && d <= 5, Arrays.toString(s));
                if (d == 1) ones++;
                else larger++;
            }
        }
        assertTrue(ranks[1] && ranks[2] && ranks[3] && ranks[4]);
        assertTrue(ones > (ones + larger) / 4, "size-1 axes should be common: " + ones + " of " + (ones + larger));
        assertTrue(larger > 0);
    }

    @Test
    void rankTwoBugShrinksToShapeOneByOneWithZeros() {
        PropertyFailure f = assertThrows(PropertyFailure.class,
                () -> Property.forAll(TensorGen.tensors(TensorGen.shapes(0, 4, 1, 5))).seed(3).checkThat(t -> t.dim() < 2));
        Tensor t = (Tensor) f.shrunk();
        assertArrayEquals(new int[] {1, 1}, t.shape());
        assertEquals(0.0, t.item());
        assertTrue(f.getMessage().contains("float64 [1, 1] [[0.0]]"), f.getMessage());
    }

    @Test
    void tensorValuesShrinkTowardSimpleNumbers() {
        // fails when some element exceeds 1.5 in magnitude: the minimal case is one element of magnitude 2
        // (a whole number) or 1.5 (a short decimal), in a rank-0 or single-element tensor
        PropertyFailure f = assertThrows(PropertyFailure.class, () -> Property.forAll(TensorGen.tensors(TensorGen.shapes()))
                .seed(5).checkThat(t -> Arrays.stream(t.toDoubleArray()).allMatch(v -> Math.abs(v) <= 1.5)));
        Tensor t = (Tensor) f.shrunk();
        assertEquals(1, t.numel(), t.toString());
        assertTrue(t.dim() <= 1);
        double v = Math.abs(t.toDoubleArray()[0]);
        assertTrue(v == 2.0 || Math.abs(v - 1.5) < 1e-5, "shrunk to " + v);
    }

    @Test
    void broadcastShapesReallyBroadcast() {
        Generator rng = new Generator(2);
        int differing = 0, rankDiffering = 0;
        for (int count = 2; count <= 3; count++) {
            for (int i = 0; i < 200; i++) {
                List<int[]> shapes = TensorGen.broadcastShapes(count).sample(rng);
                assertEquals(count, shapes.size());
                int rank = shapes.stream().mapToInt(s -> s.length).max().orElseThrow();
                int[] expected = new int[rank];
                Arrays.fill(expected, 1);
                for (int[] s : shapes) {
                    for (int a = 0; a < s.length; a++) {
                        int e = rank - s.length + a;
                        if (s[a] != 1) {
                            assertTrue(expected[e] == 1 || expected[e] == s[a], "incompatible: " + Show.value(shapes));
                            expected[e] = s[a];
                        }
                    }
                }
                Tensor sum = Tensor.zeros(DType.FLOAT64, shapes.get(0));
                for (int[] s : shapes.subList(1, count)) sum = sum.add(Tensor.ones(DType.FLOAT64, s));
                assertArrayEquals(expected, sum.shape(), Show.value(shapes));
                if (!Arrays.equals(shapes.get(0), shapes.get(1))) differing++;
                if (shapes.get(0).length != shapes.get(1).length) rankDiffering++;
            }
        }
        assertTrue(differing > 100, "most pairs should actually broadcast, got " + differing);
        assertTrue(rankDiffering > 30, "ranks should differ often, got " + rankDiffering);
    }

    @Test
    void broadcastTensorsShrinkToEqualSimpleShapes() {
        PropertyFailure f = assertThrows(PropertyFailure.class, () -> Property
                .forAll(TensorGen.broadcastTensors(2, TensorGen.values(-1, 1))).seed(9)
                .checkThat(ts -> ts.get(0).add(ts.get(1)).dim() < 1));
        @SuppressWarnings("unchecked")
        List<Tensor> ts = (List<Tensor>) f.shrunk();
        assertArrayEquals(new int[] {1}, ts.get(0).add(ts.get(1)).shape());
        for (Tensor t : ts) assertTrue(t.numel() == 1 && t.item() == 0.0, t.toString());
    }

    @Test
    void valuesAwayFromKinksStayAwayWhileShrinking() {
        Gen<Tensor> gen = TensorGen.tensors(TensorGen.shapes(), TensorGen.valuesAwayFrom(-3, 3, 0.1, 0.0, 1.0));
        List<double[]> seen = new ArrayList<>();
        PropertyFailure f = assertThrows(PropertyFailure.class, () -> Property.forAll(gen).seed(4).check(t -> {
            double[] v = t.toDoubleArray();
            seen.add(v);
            for (double x : v) assertTrue(Math.abs(x) < 2, "element " + x);
        }));
        assertTrue(f.shrinkSteps() > 0);
        for (double[] v : seen) {
            for (double x : v) {
                assertTrue(Math.abs(x) > 0.1 && Math.abs(x - 1) > 0.1 && x >= -3 && x <= 3, "kink constraint violated: " + x);
            }
        }
        // the failing element shrinks to the whole number 2; the others stay just outside the kink at 0
        double[] shrunk = ((Tensor) f.shrunk()).toDoubleArray();
        assertEquals(2.0, Arrays.stream(shrunk).map(Math::abs).max().orElseThrow(), f.getMessage());
        for (double x : shrunk) assertTrue(Math.abs(x) == 2.0 || Math.abs(x) < 0.11, f.getMessage());

        Generator rng = new Generator(6);
        for (int i = 0; i < 200; i++) {
            assertTrue(TensorGen.valuesAwayFrom(0, 3, 0.1, 0).sample(rng) > 0.1); // the domain of log and sqrt
        }
    }

    @Test
    void tensorsAreFloat64WithValuesInRangeAndReproducible() {
        Gen<Tensor> gen = TensorGen.tensors(TensorGen.shapes(0, 3, 0, 3), TensorGen.values(-0.5, 0.25));
        Generator a = new Generator(12), b = new Generator(12);
        boolean sawScalar = false, sawEmpty = false;
        for (int i = 0; i < 200; i++) {
            Tensor x = gen.sample(a), y = gen.sample(b);
            assertEquals(DType.FLOAT64, x.dtype());
            assertArrayEquals(x.shape(), y.shape());
            assertArrayEquals(x.toDoubleArray(), y.toDoubleArray());
            for (double v : x.toDoubleArray()) assertTrue(v >= -0.5 && v <= 0.25);
            sawScalar |= x.dim() == 0;
            sawEmpty |= x.numel() == 0;
        }
        assertTrue(sawScalar && sawEmpty, "rank 0 and (with minSize 0) empty tensors are generated");
    }
}
