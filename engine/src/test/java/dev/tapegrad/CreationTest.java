package dev.tapegrad;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Factories, dtypes, printing, element access and the seeded generator. */
class CreationTest {

    @Test
    void constantFactories() {
        assertArrayEquals(new double[] {0, 0, 0, 0, 0, 0}, Tensor.zeros(2, 3).toDoubleArray());
        assertEquals(DType.FLOAT32, Tensor.zeros(2).dtype());
        assertArrayEquals(new double[] {1, 1}, Tensor.ones(DType.FLOAT64, 2).toDoubleArray());
        assertArrayEquals(new double[] {2.5, 2.5}, Tensor.full(2.5, DType.FLOAT64, 1, 2).toDoubleArray());
        assertEquals(0, Tensor.scalar(3).dim());
        assertEquals(3.0, Tensor.scalar(3).item());
        assertArrayEquals(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, Tensor.eye(3, DType.FLOAT64).toDoubleArray());
    }

    @Test
    void rangesIncludeAndExcludeTheRightEnds() {
        assertArrayEquals(new int[] {0, 1, 2, 3}, Tensor.arange(4).toIntArray());
        assertEquals(DType.INT32, Tensor.arange(4).dtype());
        assertArrayEquals(new double[] {1, 1.5, 2, 2.5}, Tensor.arange(1, 3, 0.5, DType.FLOAT64).toDoubleArray());
        assertArrayEquals(new double[] {3, 1}, Tensor.arange(3, 0, -2, DType.FLOAT64).toDoubleArray());
        double[] l = Tensor.linspace(0, 1, 11, DType.FLOAT64).toDoubleArray();
        assertEquals(0.0, l[0]);
        assertEquals(1.0, l[10]); // exact end point
        assertEquals(0.3, l[3], 1e-15);
        assertThrows(IllegalArgumentException.class, () -> Tensor.arange(0, 1, 0, DType.FLOAT64));
    }

    @Test
    void fromArraysChecksTheShapeAndCopies() {
        double[] data = {1, 2, 3, 4, 5, 6};
        Tensor t = Tensor.of(data, 2, 3);
        data[0] = 99;
        assertEquals(1.0, t.get(0, 0));
        assertEquals(6.0, t.get(-1, -1));
        assertEquals(DType.FLOAT32, Tensor.of(new float[] {1f}).dtype());
        assertEquals(DType.INT32, Tensor.of(new int[] {1}).dtype());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new double[] {1, 2, 3}, 2, 2));
        assertTrue(e.getMessage().contains("[2, 2]"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> t.get(2, 0));
        assertArrayEquals(new int[] {2, 2}, Tensor.of(new double[][] {{1, 2}, {3, 4}}).shape());
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new double[][] {{1, 2}, {3}}));
    }

    @Test
    void sameSeedSameNumbersDifferentSeedDifferentNumbers() {
        double[] a = Tensor.randn(new Generator(42), DType.FLOAT64, 100).toDoubleArray();
        double[] b = Tensor.randn(new Generator(42), DType.FLOAT64, 100).toDoubleArray();
        double[] c = Tensor.randn(new Generator(43), DType.FLOAT64, 100).toDoubleArray();
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void generatorStateRoundTripsMidStream() {
        Generator g = new Generator(5);
        g.nextGaussian(); // leaves a spare normal in the state
        long[] state = g.stateDict();
        double[] expected = {g.nextGaussian(), g.nextDouble(), g.nextInt(17)};
        Generator h = new Generator(0);
        h.loadStateDict(state);
        assertArrayEquals(expected, new double[] {h.nextGaussian(), h.nextDouble(), h.nextInt(17)});
        assertThrows(IllegalArgumentException.class, () -> h.loadStateDict(new long[] {0, 0, 0, 0, 0, 0}));
    }

    @Test
    void samplesHaveTheRightMoments() {
        int n = 200_000;
        Tensor normal = Tensor.randn(new Generator(1), DType.FLOAT64, n);
        double[] v = normal.toDoubleArray();
        double mean = Arrays.stream(v).average().orElseThrow();
        double var = Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / (n - 1);
        assertEquals(0.0, mean, 0.01);
        assertEquals(1.0, var, 0.01);
        double[] u = Tensor.uniform(new Generator(2), -2, 6, DType.FLOAT64, n).toDoubleArray();
        assertTrue(Arrays.stream(u).allMatch(x -> x >= -2 && x < 6));
        assertEquals(2.0, Arrays.stream(u).average().orElseThrow(), 0.03);
        double ones = Arrays.stream(Tensor.bernoulli(new Generator(3), 0.3, DType.FLOAT64, n).toDoubleArray()).sum();
        assertEquals(0.3, ones / n, 0.005);
        assertThrows(IllegalArgumentException.class, () -> Tensor.bernoulli(new Generator(3), 1.5, DType.FLOAT64, 2));
    }

    @Test
    void randpermIsAPermutationAndRandintStaysInRange() {
        int[] p = Tensor.randperm(new Generator(9), 50).toIntArray();
        int[] sorted = p.clone();
        Arrays.sort(sorted);
        assertArrayEquals(Tensor.arange(50).toIntArray(), sorted);
        assertFalse(Arrays.equals(p, Tensor.arange(50).toIntArray()));
        int[] r = Tensor.randint(new Generator(9), -3, 4, 1000).toIntArray();
        assertTrue(Arrays.stream(r).allMatch(x -> x >= -3 && x < 4));
        assertEquals(7, Arrays.stream(r).distinct().count());
    }

    @Test
    void conversionBetweenDtypes() {
        Tensor f = Tensor.of(new double[] {1.7, -2.2, 0});
        assertArrayEquals(new int[] {1, -2, 0}, f.to(DType.INT32).toIntArray());
        assertArrayEquals(new int[] {1, 1, 0}, f.to(DType.BOOL).toIntArray());
        assertEquals(DType.FLOAT32, f.to(DType.FLOAT32).dtype());
        assertEquals(1.7f, f.to(DType.FLOAT32).toFloatArray()[0]);
    }

    @Test
    void printingShowsValuesShapeDtypeAndOrigin() {
        String s = Tensor.of(new double[] {1, 2}).requiresGrad(true).mul(2.0).toString();
        assertTrue(s.contains("[2.000, 4.000]") && s.contains("shape=[2]") && s.contains("float64") && s.contains("gradFn=mul"), s);
        String big = Tensor.zeros(100).toString();
        assertTrue(big.contains("..."), big);
        assertTrue(Tensor.of(new int[] {1, 2}).gt(Tensor.of(new int[] {1, 1})).toString().contains("[false, true]"));
    }

    @Test
    void inPlaceUpdatesBumpTheVersionAndCheckShapes() {
        Tensor t = Tensor.zeros(DType.FLOAT64, 2, 2);
        int v0 = t.storage.version();
        t.fillInPlace(3).addInPlace(Tensor.of(new double[] {1, 2}), 2.0);
        assertArrayEquals(new double[] {5, 7, 5, 7}, t.toDoubleArray());
        assertTrue(t.storage.version() > v0);
        assertThrows(IllegalArgumentException.class, () -> t.copyInPlace(Tensor.zeros(DType.FLOAT64, 3)));
        assertThrows(IllegalStateException.class, () -> Tensor.zeros(DType.FLOAT64, 1).expand(3).fillInPlace(1));
    }

    @Test
    void emptyTensorsAreDenseAndHaveNoElements() {
        Tensor e = Tensor.zeros(DType.FLOAT64, 4, 0, 4);
        assertEquals(0, e.numel());
        assertTrue(e.isContiguous());
        assertTrue(e.isDense());
        assertEquals(0, e.doubleData().length);
        assertEquals(0, Tensor.zeros(DType.FLOAT32, 1 << 20, 1 << 20, 0).numel()); // no overflow before the zero
        assertArrayEquals(new int[] {4, 4}, e.sum(1).shape());
    }
}
