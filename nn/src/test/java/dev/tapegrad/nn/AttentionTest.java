package dev.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.Autograd;
import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import dev.tapegrad.check.Gen;
import dev.tapegrad.check.GradCheck;
import dev.tapegrad.check.Property;
import dev.tapegrad.check.TensorGen;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Gradient checks (float64, property-based) and behaviour of {@link Attention} and {@link MultiHeadAttention}. */
class AttentionTest {

    // ------------------------------------------------------------------------------------ gradient checks

    /** Inputs of one SDPA call; mask may be null. */
    record Sdpa(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal) {}

    /**
     * q [B, Tq, d], k [B, Tk, d], v [B, Tk, dv] with no mask, causal, or a random bool mask that may block
     * whole rows (whose outputs and gradients must then be zero, which central differences confirm).
     */
    static Gen<Sdpa> sdpaInputs() {
        Gen<Double> values = TensorGen.values(-2, 2);
        Gen<List<Integer>> dims = Gen.sequence(List.of(Gen.ints(1, 2), Gen.ints(1, 4), Gen.ints(1, 4), Gen.ints(1, 3),
                Gen.ints(1, 3), Gen.ints(0, 2)));
        return dims.flatMap(s -> {
            int b = s.get(0), tq = s.get(1), tk = s.get(2), d = s.get(3), dv = s.get(4), mode = s.get(5);
            return Gen.sequence(List.of(TensorGen.tensor(new int[] {b, tq, d}, values), TensorGen.tensor(new int[] {b, tk, d}, values),
                    TensorGen.tensor(new int[] {b, tk, dv}, values), TensorGen.tensor(new int[] {tq, tk}, values)))
                    .map(t -> new Sdpa(t.get(0), t.get(1), t.get(2), mode == 2 ? t.get(3).gt(-0.5) : null, mode == 1));
        });
    }

    @Test
    void sdpaGradientsWithRespectToQKV() {
        Property.forAll(sdpaInputs()).tries(40).seed(11).check(in -> GradCheck.check(
                xs -> Attention.scaledDotProduct(xs.get(0), xs.get(1), xs.get(2), in.mask(), in.causal()),
                List.of(in.q(), in.k(), in.v())));
    }

    @Test
    void sdpaSecondDerivatives() {
        // The masked softmax is built from differentiable ops, so Hessian-vector products work too.
        Tensor mask = Tensor.of(new int[] {1, 1, 0, 1, 0, 1}, 3, 2).ne(0.0);
        GradCheck.checkSecondOrder(xs -> Attention.scaledDotProduct(xs.get(0), xs.get(1), xs.get(2), mask, true),
                List.of(randn(1, 1, 3, 2), randn(2, 1, 2, 2), randn(3, 1, 2, 2)));
    }

    /** Inputs of selfAttention: x and the weights (gate weight last, null when ungated). */
    record SelfAttn(int heads, boolean causal, List<Tensor> inputs) {}

    static Gen<SelfAttn> selfAttentionInputs() {
        Gen<Double> values = TensorGen.values(-1, 1);
        Gen<List<Integer>> dims = Gen.sequence(List.of(Gen.ints(1, 2), Gen.ints(1, 4), Gen.ints(1, 2), Gen.ints(1, 2),
                Gen.ints(0, 1), Gen.ints(0, 1)));
        return dims.flatMap(s -> {
            int b = s.get(0), t = s.get(1), heads = s.get(2), c = heads * s.get(3);
            boolean gated = s.get(4) == 1, causal = s.get(5) == 1;
            List<Gen<Tensor>> gens = new ArrayList<>(List.of(TensorGen.tensor(new int[] {b, t, c}, values),
                    TensorGen.tensor(new int[] {3 * c, c}, values), TensorGen.tensor(new int[] {3 * c}, values),
                    TensorGen.tensor(new int[] {c, c}, values), TensorGen.tensor(new int[] {c}, values)));
            if (gated) gens.add(TensorGen.tensor(new int[] {c, c}, values));
            return Gen.sequence(gens).map(xs -> new SelfAttn(heads, causal, xs));
        });
    }

    @Test
    void multiHeadGradientsIncludingGateParameters() {
        Property.forAll(selfAttentionInputs()).tries(25).seed(12).check(in -> GradCheck.check(
                xs -> Attention.selfAttention(xs.get(0), in.heads(), xs.get(1), xs.get(2), xs.get(3), xs.get(4),
                        xs.size() > 5 ? xs.get(5) : null, null, in.causal()),
                in.inputs()));
    }

    // ------------------------------------------------------------------------------------ masks

    private static Tensor randn(long seed, int... shape) {
        return Tensor.randn(new Generator(seed), DType.FLOAT64, shape);
    }

    @Test
    void causalMaskIsLowerTriangular() {
        assertArrayEquals(new int[] {1, 0, 0, 1, 1, 0}, Attention.causalMask(2, 3).toIntArray());
        assertArrayEquals(new int[] {1, 0, 1, 1, 1, 1}, Attention.causalMask(3, 2).toIntArray());
    }

    @Test
    void causalAttentionIgnoresTheFuture() {
        Tensor q = randn(1, 2, 3, 6, 4), k = randn(2, 2, 3, 6, 4), v = randn(3, 2, 3, 6, 4);
        Tensor out = Attention.scaledDotProduct(q, k, v, null, true);
        // Change everything at positions 4 and 5: outputs at 0..3 must not move by a single bit.
        Tensor future = Tensor.arange(6).ge(4.0).reshape(6, 1);
        Tensor q2 = q.maskedFill(future, 7.0), k2 = k.maskedFill(future, -3.0), v2 = v.maskedFill(future, 5.0);
        Tensor out2 = Attention.scaledDotProduct(q2, k2, v2, null, true);
        assertArrayEquals(out.slice(2, 0, 4).contiguous().toDoubleArray(), out2.slice(2, 0, 4).contiguous().toDoubleArray());
        assertFalse(out.slice(2, 4, 6).allClose(out2.slice(2, 4, 6), 1e-6, 1e-6));
        // Weights above the diagonal are exactly zero, rows sum to one.
        Tensor w = Attention.weights(q, k, null, true);
        assertEquals(0.0, w.mul(Attention.causalMask(6, 6).eq(0.0).to(DType.FLOAT64)).abs().sum().item());
        assertTrue(w.sum(-1).allClose(Tensor.ones(DType.FLOAT64, 2, 3, 6), 1e-14, 1e-14));
    }

    @Test
    void paddingMaskHidesPaddedKeysForEveryHeadAndQuery() {
        Tensor valid = Tensor.of(new int[] {1, 1, 1, 1, 1, 1, 1, 0, 0}, 3, 3).slice(0, 1, 3); // rows {1,1,1}, {1,0,0}
        Tensor mask = Attention.paddingMask(valid);
        assertArrayEquals(new int[] {2, 1, 1, 3}, mask.shape());
        Tensor q = randn(1, 2, 2, 4, 3), k = randn(2, 2, 2, 3, 3), v = randn(3, 2, 2, 3, 3);
        Tensor out = Attention.scaledDotProduct(q, k, v, mask, false);
        // Batch 1 sees only key 0: every query of every head returns v[1, h, 0].
        for (int h = 0; h < 2; h++) {
            Tensor expected = v.select(0, 1).select(0, h).select(0, 0).expand(4, 3);
            assertTrue(out.select(0, 1).select(0, h).allClose(expected, 0, 1e-15));
        }
        // Padded keys and values can change freely.
        Tensor padded = Tensor.of(new int[] {0, 0, 0, 0, 1, 1}, 2, 1, 3, 1).ne(0.0);
        Tensor out2 = Attention.scaledDotProduct(q, k.maskedFill(padded, 9.0), v.maskedFill(padded, -9.0), mask, false);
        // to rounding: the second pass may run its exp and lane sums in another JIT tier (last-bit differences)
        assertArrayEquals(out.toDoubleArray(), out2.toDoubleArray(), 1e-14);
        // A bool mask and the equivalent additive float mask agree.
        Tensor additive = Tensor.zeros(DType.FLOAT64, 2, 1, 1, 3).maskedFill(mask.eq(0.0), Double.NEGATIVE_INFINITY);
        assertTrue(out.allClose(Attention.scaledDotProduct(q, k, v, additive, false), 0, 1e-15));
    }

    @Test
    void fullyMaskedRowsGiveZeroOutputsAndZeroGradientsNotNaN() {
        // Left padding under a causal mask: queries 0 and 1 of batch 0 may attend to no key.
        Tensor mask = Attention.paddingMask(Tensor.of(new int[] {0, 0, 1, 1}, 1, 4));
        Tensor q = randn(4, 1, 1, 4, 3).requiresGrad(true), k = randn(5, 1, 1, 4, 3).requiresGrad(true);
        Tensor v = randn(6, 1, 1, 4, 2).requiresGrad(true);
        Tensor out = Attention.scaledDotProduct(q, k, v, mask, true);
        assertTrue(out.isAllFinite());
        assertArrayEquals(new double[4], out.slice(2, 0, 2).contiguous().toDoubleArray());
        // The live rows equal attention over the unpadded tail alone.
        Tensor tail = Attention.scaledDotProduct(q.slice(2, 2, 4), k.slice(2, 2, 4), v.slice(2, 2, 4), null, true);
        assertTrue(out.slice(2, 2, 4).allClose(tail, 0, 1e-15));
        out.sum().backward();
        assertTrue(q.grad().isAllFinite() && k.grad().isAllFinite() && v.grad().isAllFinite());
        assertArrayEquals(new double[6], q.grad().slice(2, 0, 2).contiguous().toDoubleArray());
        // A fully masked row as a plain bool mask, without causality.
        Tensor none = Tensor.zeros(DType.FLOAT64, 4, 4).eq(1.0);
        assertEquals(0.0, Attention.weights(q.detach(), k.detach(), none, false).abs().sum().item());
    }

    // ------------------------------------------------------------------------------------ multi-head module

    @Test
    void parameterNamesAndShapesFollowPyTorch() {
        var plain = new MultiHeadAttention(new Generator(0), 8, 2);
        assertEquals(List.of("qkv.weight", "qkv.bias", "proj.weight", "proj.bias"), List.copyOf(plain.namedParameters().keySet()));
        var gated = MultiHeadAttention.builder(8, 2).gated(true).dtype(DType.FLOAT64).build(new Generator(0));
        assertEquals(List.of("qkv.weight", "qkv.bias", "proj.weight", "proj.bias", "gate.weight"),
                List.copyOf(gated.namedParameters().keySet()));
        assertArrayEquals(new int[] {24, 8}, gated.namedParameters().get("qkv.weight").shape());
        assertArrayEquals(new int[] {8, 8}, gated.namedParameters().get("gate.weight").shape());
        assertTrue(gated.isGated());
        assertEquals(DType.FLOAT64, gated.namedParameters().get("gate.weight").dtype());
    }

    @Test
    void zeroGateWeightsHalveTheHeadOutputs() {
        // σ(x·0) = 1/2, so the gated layer is proj(Y/2) + b when W_g = 0.
        var gated = MultiHeadAttention.builder(6, 3).gated(true).dtype(DType.FLOAT64).build(new Generator(3));
        var plain = MultiHeadAttention.builder(6, 3).dtype(DType.FLOAT64).build(new Generator(4));
        var state = new java.util.LinkedHashMap<>(gated.stateDict());
        state.remove("gate.weight");
        plain.loadStateDict(state);
        try (var scope = Autograd.noGrad()) {
            gated.namedParameters().get("gate.weight").fillInPlace(0.0);
        }
        Tensor x = randn(5, 2, 4, 6);
        Tensor b = plain.namedParameters().get("proj.bias");
        Tensor halved = plain.forward(x).sub(b).mul(0.5).add(b);
        assertTrue(gated.forward(x).allClose(halved, 1e-13, 1e-14));
        // A non-zero gate changes the output, differently per channel of each head.
        try (var scope = Autograd.noGrad()) {
            gated.namedParameters().get("gate.weight").copyInPlace(randn(6, 6, 6));
        }
        assertFalse(gated.forward(x).allClose(halved, 1e-6, 1e-6));
    }

    @Test
    void causalModuleIgnoresLaterPositions() {
        var m = MultiHeadAttention.builder(8, 4).gated(true).dtype(DType.FLOAT64).build(new Generator(7));
        Tensor x = randn(8, 1, 5, 8);
        Tensor changed = x.maskedFill(Tensor.arange(5).eq(4.0).reshape(5, 1), 3.0);
        Tensor a = m.forward(x, null, true), b = m.forward(changed, null, true);
        assertArrayEquals(a.slice(1, 0, 4).contiguous().toDoubleArray(), b.slice(1, 0, 4).contiguous().toDoubleArray());
        assertFalse(a.slice(1, 4, 5).allClose(b.slice(1, 4, 5), 1e-6, 1e-6));
        // Without causality, position 0 does see position 4.
        assertFalse(m.forward(x).slice(1, 0, 1).allClose(m.forward(changed).slice(1, 0, 1), 1e-6, 1e-6));
    }

    // ------------------------------------------------------------------------------------ bad input

    private static void refused(String fragment, Runnable r) {
        var e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(fragment), () -> "message '" + e.getMessage() + "' lacks '" + fragment + "'");
    }

    @Test
    void badShapesAreRefusedWithTheShapes() {
        Tensor q = randn(1, 2, 3, 4);
        refused("[2, 3, 4] and keys of shape [2, 5, 3]", () -> Attention.scaledDotProduct(q, randn(2, 2, 5, 3), randn(3, 2, 5, 2), null, false));
        refused("values of shape [2, 4, 2]", () -> Attention.scaledDotProduct(q, randn(2, 2, 5, 4), randn(3, 2, 4, 2), null, false));
        refused("mask of shape [2, 5]", () -> Attention.scaledDotProduct(q, q, q, Tensor.ones(DType.FLOAT64, 2, 5).eq(1.0), false));
        refused("mask must be bool or float64", () -> Attention.scaledDotProduct(q, q, q, Tensor.ones(DType.INT32, 3, 3), false));
        refused("paddingMask", () -> Attention.paddingMask(Tensor.ones(DType.FLOAT64, 2, 3)));
        refused("not divisible into 3 heads", () -> new MultiHeadAttention(new Generator(0), 8, 3));
        var m = new MultiHeadAttention(new Generator(0), 8, 2);
        refused("MultiHeadAttention: input of shape [2, 3, 4]", () -> m.forward(Tensor.zeros(2, 3, 4)));
        refused("qkv weight has shape [24, 8], expected [12, 4]", () -> Attention.selfAttention(Tensor.zeros(2, 4), 2,
                Tensor.zeros(24, 8), null, Tensor.zeros(4, 4), null, null, null, false));
    }
}
