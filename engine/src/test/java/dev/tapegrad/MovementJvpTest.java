package dev.tapegrad;

import static org.junit.jupiter.api.Assertions.*;

import dev.tapegrad.check.GradCheck;
import dev.tapegrad.check.JvpCheck;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Forward mode through the view, index and join ops, in the cases the op table's random checks do not reach:
 * tangents laid out differently from their tensors (an expanded tangent, stride 0, under a contiguous value),
 * and inputs that carry no tangent next to inputs that do.
 */
class MovementJvpTest {

    private static void assertValues(double[] expected, Tensor t) {
        assertArrayEquals(expected, t.toDoubleArray(), 0.0);
    }

    /**
     * z = x + zeros([2, 3]) for x of shape [1, 3]: z is contiguous, but its tangent is ẋ expanded (stride 0 on
     * axis 0), a layout no view can reshape to [6]. Every movement of z must move the tangent's values alike.
     */
    @Test
    void movementsOfAnExpandedTangentFollowItsValues() {
        Tensor x = Tensor.of(new double[] {1, 2, 3}, 1, 3);
        try (DualLevel level = Autograd.dualLevel()) {
            level.setTangent(x, Tensor.of(new double[] {10, 20, 30}, 1, 3));
            Tensor z = x.add(Tensor.zeros(DType.FLOAT64, 2, 3));
            assertEquals(0, level.tangent(z).strides[0], "precondition: the tangent is an expanded view");
            assertTrue(z.isContiguous(), "precondition: the value is contiguous");

            assertValues(new double[] {10, 20, 30, 10, 20, 30}, level.tangent(z.view(6)));
            assertValues(new double[] {10, 20, 30, 10, 20, 30}, level.tangent(z.view(3, 2)));
            assertValues(new double[] {10, 20, 30, 10, 20, 30}, level.tangent(z.reshape(-1)));
            assertValues(new double[] {10, 20, 30, 10, 20, 30}, level.tangent(z.flatten()));
            assertValues(new double[] {10, 10, 20, 20, 30, 30}, level.tangent(z.t().reshape(6)));
            assertValues(new double[] {20, 30, 20, 30}, level.tangent(z.slice(1, 1, 3)));
            assertValues(new double[] {10, 20, 30}, level.tangent(z.select(0, 1)));
            assertValues(new double[] {10, 20, 30, 10, 20, 30}, level.tangent(z.unsqueeze(1).squeeze()));
            assertValues(new double[] {10, 20, 30, 10, 20, 30, 10, 20, 30, 10, 20, 30},
                    level.tangent(z.unsqueeze(0).expand(2, 2, 3)));
            assertValues(new double[] {10, 20, 30, 10, 20, 30}, level.tangent(z.permute(1, 0).contiguous().t()));

            Tensor copied = level.tangent(z.clone());
            assertTrue(copied.isContiguous(), "a clone's tangent is a contiguous copy, like the clone");
            assertValues(new double[] {10, 20, 30, 10, 20, 30}, copied);
            Tensor narrowed = level.tangent(z.to(DType.FLOAT32));
            assertEquals(DType.FLOAT32, narrowed.dtype(), "the tangent converts with the value");
            assertValues(new double[] {10, 20, 30, 10, 20, 30}, narrowed);

            assertValues(new double[] {30, 10, 20}, level.tangent(z.gather(1, Tensor.of(new int[] {2, 0, 1}, 1, 3))));
            assertValues(new double[] {30, 10, 30, 10}, level.tangent(z.indexSelect(1, Tensor.of(new int[] {2, 0}, 2))));
            assertValues(new double[] {10, 20, 30, 10, 20, 30, 10, 20, 30},
                    level.tangent(Tensor.concat(0, z, z.slice(0, 0, 1))));
            assertValues(new double[] {10, 20, 30, 10, 20, 30, 10, 20, 30, 10, 20, 30},
                    level.tangent(Tensor.stack(0, z, z)));
        }
    }

    @Test
    void embeddingRowsOfAnExpandedWeightTangent() {
        Tensor w = Tensor.of(new double[] {1, 2}, 1, 2);
        try (DualLevel level = Autograd.dualLevel()) {
            level.setTangent(w, Tensor.of(new double[] {5, 7}, 1, 2));
            Tensor weight = w.add(Tensor.zeros(DType.FLOAT64, 3, 2)); // tangent [3, 2] with stride 0 on the rows
            Tensor rows = Tensor.embedding(weight, Tensor.of(new int[] {2, 0}, 2));
            assertValues(new double[] {5, 7, 5, 7}, level.tangent(rows));
        }
    }

    @Test
    void joinsAndScattersTreatAMissingTangentAsZero() {
        Tensor a = Tensor.of(new double[] {1, 2, 3}, 3);
        Tensor b = Tensor.of(new double[] {4, 5, 6}, 3);
        try (DualLevel level = Autograd.dualLevel()) {
            level.setTangent(b, Tensor.of(new double[] {0.5, -1, 2}, 3));
            assertValues(new double[] {0, 0, 0, 0.5, -1, 2}, level.tangent(Tensor.concat(0, a, b)));
            assertValues(new double[] {0, 0, 0, 0.5, -1, 2}, level.tangent(Tensor.stack(0, a, b)));
            assertValues(new double[] {0, 0.5, 0, -1, 0, 2}, level.tangent(Tensor.stack(1, a, b)));

            Tensor index = Tensor.of(new int[] {1, 1, 0}, 3);
            // src carries the tangent: ẏ = 0 + ṡrc scatter-added at the index
            assertValues(new double[] {2, -0.5, 0}, level.tangent(a.scatterAdd(0, index, b)));
            // only x carries it: ẏ = ẋ
            assertValues(new double[] {0.5, -1, 2}, level.tangent(b.scatterAdd(0, index, a)));
        }
    }

    @Test
    void conversionsToIndicesOrMasksCarryNoTangent() {
        Tensor x = Tensor.of(new double[] {1.5, -2}, 2);
        try (DualLevel level = Autograd.dualLevel()) {
            level.setTangent(x, Tensor.of(new double[] {1, 1}, 2));
            assertFalse(level.hasTangent(x.to(DType.INT32)));
            assertFalse(level.hasTangent(x.to(DType.BOOL)));
            assertTrue(level.hasTangent(x.to(DType.FLOAT32)));
        }
    }

    /**
     * A float32 round trip rounds ẋ in the JVP and ḡ in the VJP, different vectors, so ⟨u, J·v⟩ = ⟨Jᵀ·u, v⟩ holds
     * only to float32 rounding: the default float64 tolerance must reject it (or the check could not tell), and
     * the op table's tolerance for {@code to} must accept it.
     */
    @Test
    void theFloat32RoundTripMeetsTheTransposeIdentityToFloat32Rounding() {
        Function<List<Tensor>, Tensor> roundTrip = xs -> xs.get(0).to(DType.FLOAT32).to(DType.FLOAT64);
        List<Tensor> x = List.of(Tensor.randn(new Generator(3), DType.FLOAT64, 4, 5));
        GradCheck.Options coarse = GradCheck.Options.DEFAULT.withEps(1e-2).withAtol(1e-3);
        assertThrows(JvpCheck.JvpCheckFailure.class, () -> JvpCheck.check(roundTrip, x, coarse));
        JvpCheck.check(roundTrip, x, coarse.withTransposeRtol(1e-6));
    }
}
