package dev.tapegrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.check.GradCheck;
import dev.tapegrad.check.JvpCheck;
import dev.tapegrad.check.Property;
import dev.tapegrad.check.TensorGen;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Forward mode through {@link CustomOp}: a declared JVP gives the output's tangent (checked against central
 * differences of the function the op stands for, and against its backward by the transpose identity); an op
 * without one stops forward mode with an error naming it; the forward itself is opaque to forward mode.
 */
class CustomOpJvpTest {

    /** 1 where |x| ≤ 1, else 0: the derivative of clamp(x, −1, 1), the surrogate of the clipped sign STE. */
    private static Tensor inside(Tensor x) {
        return x.abs().le(1.0).to(x.dtype());
    }

    /** sign(x) forward; backward and JVP both the derivative of clamp(x, −1, 1). */
    private static final CustomOp CLIPPED_SIGN = CustomOp.of("sign_ste",
            in -> in[0].sign(),
            (g, in, out) -> new Tensor[] {g.mul(inside(in[0]))},
            (t, in, out) -> t[0].mul(inside(in[0])));

    @Test
    void declaredJvpGivesTheSurrogatesTangent() {
        Tensor x = Tensor.of(new double[] {-2.0, -0.5, 0.25, 3.0});
        Tensor v = Tensor.of(new double[] {1, 2, 3, 4});
        Autograd.Jvp r = Autograd.jvp(CLIPPED_SIGN::apply, x, v);
        assertArrayEquals(new double[] {-1, -1, 1, 1}, r.output().toDoubleArray());
        assertArrayEquals(new double[] {0, 2, 3, 0}, r.tangent().toDoubleArray());
    }

    @Test
    void declaredJvpMatchesTheReferenceFunctionAndTheBackward() {
        Property.forAll(TensorGen.tensors(TensorGen.shapes(0, 3, 1, 4), TensorGen.valuesAwayFrom(-2.5, 2.5, 0.01, -1, 1)))
                .tries(100).seed(31)
                .check(x -> JvpCheck.checkAgainst(CLIPPED_SIGN::apply, v -> v.clamp(-1, 1), x));
    }

    @Test
    void aJvpInconsistentWithTheBackwardIsCaught() {
        // the JVP of the unclipped STE (identity) against the clipped backward: the transpose identity fails
        CustomOp mismatched = CustomOp.of("mismatched", in -> in[0].sign(),
                (g, in, out) -> new Tensor[] {g.mul(inside(in[0]))}, (t, in, out) -> t[0]);
        Tensor x = Tensor.of(new double[] {-2, -0.5, 0.5, 2});
        assertThrows(JvpCheck.JvpCheckFailure.class, () -> JvpCheck.checkAgainst(mismatched::apply, v -> v.clamp(-1, 1), x));
        // and a JVP that is not the reference's derivative fails the central differences
        assertThrows(JvpCheck.JvpCheckFailure.class, () -> JvpCheck.checkAgainst(CLIPPED_SIGN::apply, v -> v, x));
    }

    @Test
    void anOpWithoutAJvpStopsForwardModeWithItsName() {
        CustomOp reverseOnly = CustomOp.of("reverse_only", in -> in[0].sign(), (g, in, out) -> new Tensor[] {g});
        Tensor x = Tensor.of(new double[] {0.5, -1});
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> Autograd.jvp(reverseOnly::apply, x, Tensor.ones(DType.FLOAT64, 2)));
        assertTrue(e.getMessage().contains("custom op 'reverse_only' declares no JVP rule"), e.getMessage());
        // reverse mode is unaffected
        Tensor leaf = x.detach().requiresGrad(true);
        reverseOnly.apply(leaf).sum().backward();
        assertArrayEquals(new double[] {1, 1}, leaf.grad().toDoubleArray());
        // and without tangents forward mode never asks for the rule
        try (DualLevel level = Autograd.dualLevel()) {
            assertArrayEquals(new double[] {1, -1}, reverseOnly.apply(x).toDoubleArray());
        }
    }

    @Test
    void theForwardIsOpaqueToForwardMode() {
        // the outer op's forward runs a reverse-only op on the inputs: it must not see their tangents
        CustomOp inner = CustomOp.of("inner", in -> in[0].mul(3.0), (g, in, out) -> new Tensor[] {g.mul(3.0)});
        CustomOp outer = CustomOp.of("outer", in -> inner.apply(in[0]),
                (g, in, out) -> new Tensor[] {g.mul(3.0)}, (t, in, out) -> t[0].mul(3.0));
        Tensor y = Autograd.jvp(outer::apply, Tensor.of(new double[] {1, 2}), Tensor.of(new double[] {1, -1})).tangent();
        assertArrayEquals(new double[] {3, -3}, y.toDoubleArray());
    }

    @Test
    void inputsWithoutATangentGetZeros() {
        // y = a·b: the rule sees a zero tangent for b, not null
        CustomOp product = CustomOp.of("product", in -> in[0].mul(in[1]),
                (g, in, out) -> new Tensor[] {g.mul(in[1]), g.mul(in[0])},
                (t, in, out) -> {
                    assertNotNull(t[1]);
                    return t[0].mul(in[1]).add(in[0].mul(t[1]));
                });
        Tensor b = Tensor.of(new double[] {5, 7});
        Tensor t = Autograd.jvp(a -> product.apply(a, b), Tensor.of(new double[] {1, 2}), Tensor.of(new double[] {1, 1})).tangent();
        assertArrayEquals(new double[] {5, 7}, t.toDoubleArray());
        JvpCheck.check(xs -> product.apply(xs.get(0), xs.get(1)),
                List.of(Tensor.of(new double[] {0.5, -1.5}), Tensor.of(new double[] {2, 0.25})), GradCheck.Options.DEFAULT);
    }

    @Test
    void aNullJvpIsRefused() {
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> CustomOp.of("no_rule", in -> in[0], (g, in, out) -> new Tensor[] {g}, null));
        assertTrue(e.getMessage().contains("no_rule"), e.getMessage());
    }
}
