package dev.tapegrad.curvature;

import static org.junit.jupiter.api.Assertions.*;

import dev.tapegrad.Autograd;
import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parameter-space vectors: layout, conversion to and from tensors, arithmetic and its refusals. */
class ParamVectorTest {

    private static Map<String, Tensor> params() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("w", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        m.put("b", Tensor.of(new double[] {-1, -2}));
        return m;
    }

    @Test
    void layoutFollowsTheMapOrderAndRoundTripsTensors() {
        ParamVector v = ParamVector.of(params());
        ParamLayout l = v.layout();
        assertEquals(8, l.size());
        assertEquals(java.util.List.of("w", "b"), l.names());
        assertEquals(6, l.offset("b"));
        assertEquals(DType.FLOAT32, l.dtype("w"));
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, -1, -2}, v.toArray(), 0);
        Map<String, Tensor> back = v.toTensors();
        assertEquals(DType.FLOAT32, back.get("w").dtype());
        assertArrayEquals(new int[] {2, 3}, back.get("w").shape());
        assertArrayEquals(new double[] {-1, -2}, v.get("b").toDoubleArray(), 0);
    }

    @Test
    void arithmeticIsExactAndLeavesOperandsUnchanged() {
        ParamVector x = ParamVector.of(params());
        ParamVector y = ParamVector.unit(x.layout(), 7);
        assertEquals(-2, x.dot(y));
        assertEquals(Math.sqrt(91 + 5), x.norm(), 1e-15);
        ParamVector z = x.axpy(3, y);
        assertEquals(-2 + 3, z.get(7));
        assertEquals(-2, x.get(7)); // unchanged
        assertEquals(1, x.normalize().norm(), 1e-15);
        assertArrayEquals(new double[] {0, 0, 0, 0, 0, 0, 0, -2}, x.mul(y).toArray(), 0);
    }

    @Test
    void randomVectorsAreReproducibleAndRademacherIsPlusMinusOne() {
        ParamLayout l = ParamLayout.of(params());
        ParamVector a = ParamVector.rademacher(new Generator(5), l), b = ParamVector.rademacher(new Generator(5), l);
        assertArrayEquals(a.toArray(), b.toArray(), 0);
        for (double x : a.toArray()) assertEquals(1, Math.abs(x));
        assertEquals(l.size(), a.dot(a));
    }

    @Test
    void writeToRestoresASnapshotBitForBitInEachParametersDtype() {
        Map<String, Tensor> p = params();
        p.put("w", Tensor.of(new float[] {0.1f, (float) Math.PI, -3e-39f, 4, 5, 6}, 2, 3).requiresGrad(true));
        ParamVector snapshot = ParamVector.of(p);
        float[] w = p.get("w").toFloatArray();
        try (var scope = Autograd.noGrad()) {
            p.get("w").fillInPlace(7);
            p.get("b").fillInPlace(Double.NaN);
        }
        snapshot.writeTo(p);                                   // also for a tensor that requires grad
        assertArrayEquals(w, p.get("w").toFloatArray(), 0f);
        assertEquals(DType.FLOAT32, p.get("w").dtype());
        assertArrayEquals(new double[] {-1, -2}, p.get("b").toDoubleArray(), 0);
        // a float64 value is rounded into a float32 parameter
        ParamVector.of(snapshot.layout(), new double[] {1 + 1e-12, 0, 0, 0, 0, 0, 0.1, 0}).writeTo(p);
        assertEquals(1f, p.get("w").toFloatArray()[0]);
        assertEquals(0.1, p.get("b").toDoubleArray()[0]);
        var missing = assertThrows(IllegalArgumentException.class, () -> snapshot.writeTo(Map.of("w", p.get("w"))));
        assertTrue(missing.getMessage().contains("writeTo") && missing.getMessage().contains("'b'"), missing.getMessage());
        var shape = assertThrows(IllegalArgumentException.class,
                () -> snapshot.writeTo(Map.of("w", Tensor.zeros(3, 2), "b", Tensor.zeros(2))));
        assertTrue(shape.getMessage().contains("'w'") && shape.getMessage().contains("[3, 2]"), shape.getMessage());
    }

    @Test
    void mismatchesAreRefusedNamingWhatDiffers() {
        ParamVector x = ParamVector.of(params());
        ParamVector other = ParamVector.of(Map.of("w", Tensor.zeros(2, 3), "b", Tensor.zeros(3)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> x.dot(other));
        assertTrue(e.getMessage().contains("ParamVector.dot") && e.getMessage().contains("layouts"), e.getMessage());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> ParamVector.of(x.layout(), Map.of("w", Tensor.zeros(3, 2), "b", Tensor.zeros(2))));
        assertTrue(shape.getMessage().contains("'w'") && shape.getMessage().contains("[3, 2]"), shape.getMessage());
        IllegalArgumentException ints = assertThrows(IllegalArgumentException.class,
                () -> ParamLayout.of(Map.of("i", Tensor.of(new int[] {1, 2}))));
        assertTrue(ints.getMessage().contains("'i'") && ints.getMessage().toLowerCase(java.util.Locale.ROOT).contains("int32"), ints.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ParamLayout.of(Map.of()));
        assertThrows(ArithmeticException.class, () -> ParamVector.zeros(x.layout()).normalize());
    }
}
