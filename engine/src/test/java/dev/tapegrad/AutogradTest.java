package dev.tapegrad;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The tape itself: accumulation, scopes, higher order, custom ops, and the failures it must report. */
class AutogradTest {

    private static Tensor leaf(double... values) {
        return Tensor.of(values).requiresGrad(true);
    }

    @Test
    void gradientsAccumulateAcrossUsesAndAcrossBackwardCalls() {
        Tensor x = leaf(1, 2, 3);
        // x is used twice: d/dx (x·x + 3x) = 2x + 3
        x.mul(x).add(x.mul(3.0)).sum().backward();
        assertArrayEquals(new double[] {5, 7, 9}, x.grad().toDoubleArray(), 1e-12);
        x.mul(2.0).sum().backward(); // accumulates, never assigns
        assertArrayEquals(new double[] {7, 9, 11}, x.grad().toDoubleArray(), 1e-12);
        x.zeroGrad();
        assertNull(x.grad());
    }

    @Test
    void explicitCotangentGivesVectorJacobianProduct() {
        Tensor x = leaf(1, 2, 3);
        Tensor y = x.mul(x); // J = diag(2x)
        y.backward(Tensor.of(new double[] {1, 10, 100}));
        assertArrayEquals(new double[] {2, 40, 600}, x.grad().toDoubleArray(), 1e-12);
    }

    @Test
    void backwardFromNonScalarWithoutCotangentFails() {
        Tensor y = leaf(1, 2).mul(2.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, y::backward);
        assertTrue(e.getMessage().contains("[2]"), e.getMessage());
        assertTrue(e.getMessage().contains("cotangent"), e.getMessage());
    }

    @Test
    void cotangentOfWrongShapeFails() {
        Tensor y = leaf(1, 2).mul(2.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> y.backward(Tensor.of(new double[] {1, 2, 3})));
        assertTrue(e.getMessage().contains("[3]") && e.getMessage().contains("[2]"), e.getMessage());
    }

    @Test
    void secondBackwardAfterReleaseFailsClearly() {
        Tensor x = leaf(1, 2);
        Tensor loss = x.exp().sum();
        loss.backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("second time"), e.getMessage());
        assertTrue(e.getMessage().contains("retainGraph"), e.getMessage());
    }

    @Test
    void retainGraphAllowsASecondBackward() {
        Tensor x = leaf(1, 2);
        Tensor loss = x.exp().sum();
        loss.backward(null, true, false);
        loss.backward();
        assertArrayEquals(new double[] {2 * Math.exp(1), 2 * Math.exp(2)}, x.grad().toDoubleArray(), 1e-12);
    }

    @Test
    void savedTensorModifiedInPlaceIsDetected() {
        Tensor x = leaf(1, 2);
        Tensor y = x.exp(); // saves its output
        Tensor loss = y.sum();
        try (var s = Autograd.noGrad()) {
            y.mulInPlace(2.0);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("'exp'"), e.getMessage());
        assertTrue(e.getMessage().contains("modified in place"), e.getMessage());
    }

    @Test
    void inPlaceOnUnsavedTensorIsAllowed() {
        Tensor x = leaf(1, 2);
        Tensor y = x.add(1.0); // add saves nothing
        Tensor loss = y.sum();
        try (var s = Autograd.noGrad()) {
            y.mulInPlace(2.0);
        }
        loss.backward();
        assertArrayEquals(new double[] {1, 1}, x.grad().toDoubleArray());
    }

    @Test
    void inPlaceOnLeafRequiringGradWhileRecordingFails() {
        Tensor x = leaf(1, 2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> x.mulInPlace(2.0));
        assertTrue(e.getMessage().contains("noGrad"), e.getMessage());
        try (var s = Autograd.noGrad()) {
            x.mulInPlace(2.0); // an optimizer step
        }
        assertArrayEquals(new double[] {2, 4}, x.toDoubleArray());
    }

    @Test
    void noGradRecordsNothingAndEnableGradReopensRecording() {
        Tensor x = leaf(1, 2);
        try (var outer = Autograd.noGrad()) {
            Tensor y = x.mul(2.0);
            assertFalse(y.requiresGrad());
            assertTrue(y.isLeaf());
            try (var inner = Autograd.enableGrad()) {
                assertTrue(x.mul(2.0).requiresGrad());
            }
            assertFalse(Autograd.isRecording());
        }
        assertTrue(Autograd.isRecording());
    }

    @Test
    void detachStopsTheGradient() {
        Tensor x = leaf(3);
        // d/dx [x · stop(x)] = stop(x) = 3, not 2x = 6
        x.mul(x.detach()).sum().backward();
        assertEquals(3.0, x.grad().item(), 1e-12);
    }

    @Test
    void functionalGradLeavesGradFieldsAlone() {
        Tensor w = leaf(1, 2);
        Tensor b = leaf(0.5);
        Tensor loss = w.mul(w).sum().add(b.mul(3.0).sum());
        Tensor[] g = Autograd.grad(loss, new Tensor[] {w, b});
        assertArrayEquals(new double[] {2, 4}, g[0].toDoubleArray(), 1e-12);
        assertEquals(3.0, g[1].item(), 1e-12);
        assertNull(w.grad());
        assertNull(b.grad());
    }

    @Test
    void functionalGradOfAFunction() {
        Tensor g = Autograd.grad(x -> x.sin().sum(), Tensor.of(new double[] {0.0, 1.0}));
        assertArrayEquals(new double[] {1.0, Math.cos(1.0)}, g.toDoubleArray(), 1e-12);
        List<Tensor> gs = Autograd.grad(args -> args.get(0).mul(args.get(1)).sum(),
                List.of(Tensor.of(new double[] {2}), Tensor.of(new double[] {5})), false);
        assertEquals(5.0, gs.get(0).item(), 1e-12);
        assertEquals(2.0, gs.get(1).item(), 1e-12);
    }

    @Test
    void unusedInputGetsZeroGradientAndNonRequiringInputIsRefused() {
        Tensor x = leaf(1, 2);
        Tensor unused = leaf(7);
        Tensor[] g = Autograd.grad(x.sum(), new Tensor[] {x, unused});
        assertEquals(0.0, g[1].item());
        Tensor plain = Tensor.of(new double[] {1});
        assertThrows(IllegalArgumentException.class, () -> Autograd.grad(x.sum(), new Tensor[] {plain}));
    }

    @Test
    void gradientOfIntermediateTensor() {
        Tensor x = leaf(1, 2);
        Tensor h = x.mul(3.0);
        Tensor loss = h.mul(h).sum();
        Tensor gh = Autograd.grad(loss, new Tensor[] {h})[0];
        assertArrayEquals(new double[] {6, 12}, gh.toDoubleArray(), 1e-12);
    }

    /** f(x, y) = x²y + sin(x)·y³ has the Hessian [[2y − sin(x)y³, 2x + 3cos(x)y²], [2x + 3cos(x)y², 6 sin(x) y]]. */
    @Test
    void hessianOfSmallFunctionMatchesClosedForm() {
        double x0 = 0.7, y0 = -1.3;
        Tensor p = leaf(x0, y0);
        Tensor x = p.slice(0, 0, 1), y = p.slice(0, 1, 2);
        Tensor f = x.square().mul(y).add(x.sin().mul(y.pow(3.0))).sum();
        Tensor g = Autograd.grad(f, new Tensor[] {p}, null, true, true)[0];
        double[][] h = new double[2][];
        for (int i = 0; i < 2; i++) {
            h[i] = Autograd.grad(g.select(0, i), new Tensor[] {p}, null, true, false)[0].toDoubleArray();
        }
        double hxx = 2 * y0 - Math.sin(x0) * y0 * y0 * y0;
        double hxy = 2 * x0 + 3 * Math.cos(x0) * y0 * y0;
        double hyy = 6 * Math.sin(x0) * y0;
        assertArrayEquals(new double[] {hxx, hxy}, h[0], 1e-12);
        assertArrayEquals(new double[] {hxy, hyy}, h[1], 1e-12);
    }

    @Test
    void hessianVectorProductMatchesClosedForm() {
        // f(x) = Σ xᵢ³ → H = diag(6x); H·v = 6 x ⊙ v
        Tensor x = Tensor.of(new double[] {1, -2, 0.5});
        Tensor v = Tensor.of(new double[] {0.3, 1, -4});
        Tensor hv = Autograd.hvp(t -> t.pow(3.0).sum(), x, v);
        assertArrayEquals(new double[] {1.8, -12, -12}, hv.toDoubleArray(), 1e-12);
    }

    @Test
    void thirdDerivative() {
        // d³/dx³ of e^(2x) = 8 e^(2x)
        Tensor x = leaf(0.3);
        Tensor y = x.mul(2.0).exp().sum();
        Tensor d1 = Autograd.grad(y, new Tensor[] {x}, null, true, true)[0];
        Tensor d2 = Autograd.grad(d1.sum(), new Tensor[] {x}, null, true, true)[0];
        Tensor d3 = Autograd.grad(d2.sum(), new Tensor[] {x})[0];
        assertEquals(8 * Math.exp(0.6), d3.item(), 1e-10);
    }

    @Test
    void straightThroughEstimatorUsesItsDeclaredBackward() {
        // Forward: sign(x). Backward: pass the gradient where |x| ≤ 1 (the clipped straight-through estimator).
        CustomOp ste = CustomOp.of("sign_ste", in -> in[0].sign(),
                (g, in, out) -> new Tensor[] {g.mul(in[0].abs().le(1.0).to(g.dtype()))});
        Tensor x = leaf(-2.0, -0.5, 0.25, 3.0);
        Tensor y = ste.apply(x);
        assertArrayEquals(new double[] {-1, -1, 1, 1}, y.toDoubleArray());
        assertEquals("sign_ste", y.gradFnName());
        y.mul(Tensor.of(new double[] {1, 2, 3, 4})).sum().backward();
        assertArrayEquals(new double[] {0, 2, 3, 0}, x.grad().toDoubleArray());
    }

    @Test
    void customOpBackwardReturningWrongShapeIsReported() {
        CustomOp bad = CustomOp.of("bad", in -> in[0].mul(2.0), (g, in, out) -> new Tensor[] {g.sum()});
        Tensor x = leaf(1, 2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> bad.apply(x).sum().backward());
        assertTrue(e.getMessage().contains("'bad'") && e.getMessage().contains("[2]"), e.getMessage());
    }

    @Test
    void hooksSeeAndReplaceGradients() {
        Tensor x = leaf(1, 2);
        Tensor h = x.mul(2.0);
        AtomicInteger calls = new AtomicInteger();
        h.registerHook(g -> {
            calls.incrementAndGet();
            return g.mul(10.0);
        });
        h.retainGrad();
        h.sum().backward();
        assertEquals(1, calls.get());
        assertArrayEquals(new double[] {10, 10}, h.grad().toDoubleArray());
        assertArrayEquals(new double[] {20, 20}, x.grad().toDoubleArray());
    }

    @Test
    void anomalyModeNamesTheOpThatProducedNaNInForward() {
        Tensor x = leaf(-1.0, 2.0);
        try (var a = Autograd.detectAnomaly()) {
            AnomalyException e = assertThrows(AnomalyException.class, () -> x.log());
            assertTrue(e.getMessage().contains("'log'"), e.getMessage());
            assertTrue(e.getMessage().contains("[2]"), e.getMessage());
            assertTrue(e.getMessage().contains("AutogradTest"), "call site missing: " + e.getMessage());
        }
        assertDoesNotThrow(() -> x.log()); // off again outside the scope: NaN is returned, as asked
    }

    @Test
    void anomalyModeNamesTheOpWhoseBackwardProducedNaN() {
        // sqrt at 0 is finite forward (0) but its derivative 1/(2√x) is infinite.
        Tensor x = leaf(0.0, 4.0);
        try (var a = Autograd.detectAnomaly()) {
            Tensor loss = x.sqrt().sum();
            AnomalyException e = assertThrows(AnomalyException.class, loss::backward);
            assertTrue(e.getMessage().contains("backward of 'sqrt'"), e.getMessage());
            assertTrue(e.getMessage().contains("AutogradTest"), "call site missing: " + e.getMessage());
        }
    }

    @Test
    void anomalyModeLetsDeliberateInfinitiesFlowThrough() {
        // A −∞ mask before a softmax is not an anomaly: no op *produces* a non-finite value from finite inputs.
        Tensor logits = leaf(1.0, 2.0, 3.0);
        Tensor mask = Tensor.of(new double[] {0, 1, 0}).gt(0.5);
        try (var a = Autograd.detectAnomaly()) {
            Tensor p = logits.maskedFill(mask, Double.NEGATIVE_INFINITY).softmax(0);
            assertEquals(0.0, p.get(1));
            p.mul(Tensor.of(new double[] {1, 2, 3})).sum().backward();
            assertTrue(logits.grad().isAllFinite());
            // ...but ∞ − ∞ = NaN is produced by the subtraction, and is reported.
            Tensor inf = Tensor.of(new double[] {Double.POSITIVE_INFINITY});
            AnomalyException e = assertThrows(AnomalyException.class, () -> inf.sub(inf));
            assertTrue(e.getMessage().contains("'sub' produced NaN"), e.getMessage());
        }
    }

    @Test
    void backwardOnTensorThatDoesNotRequireGradFails() {
        Tensor y = Tensor.of(new double[] {1}).exp();
        assertThrows(IllegalStateException.class, y::backward);
    }

    @Test
    void onlyFloatLeavesCanRequireGradAndOnlyLeavesChangeTheFlag() {
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new int[] {1}).requiresGrad(true));
        Tensor y = leaf(1).mul(2.0);
        assertThrows(IllegalStateException.class, () -> y.requiresGrad(false));
    }

    @Test
    void mixedDtypesAreRefusedWithBothShapes() {
        Tensor a = Tensor.zeros(DType.FLOAT32, 2, 3);
        Tensor b = Tensor.zeros(DType.FLOAT64, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.add(b));
        assertTrue(e.getMessage().contains("add") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("[3]"),
                e.getMessage());
    }

    @Test
    void incompatibleShapesAreRefusedWithBothShapes() {
        Tensor a = Tensor.zeros(2, 3);
        Tensor b = Tensor.zeros(4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.mul(b));
        assertTrue(e.getMessage().startsWith("mul:") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4]"),
                e.getMessage());
    }

    @Test
    void float32GradientsStayFloat32() {
        Tensor x = Tensor.of(new float[] {1f, 2f}).requiresGrad(true);
        x.mul(x).sum().backward();
        assertEquals(DType.FLOAT32, x.grad().dtype());
        assertArrayEquals(new float[] {2f, 4f}, x.grad().toFloatArray());
    }

    // ---- regressions found in review

    @Test
    void graphBuiltOnAnotherThreadIsDifferentiatedCorrectly() throws Exception {
        Tensor x = leaf(1, 2);
        Tensor[] h = new Tensor[1];
        Thread worker = new Thread(() -> {
            Tensor t = x;
            for (int i = 0; i < 50; i++) t = t.add(0.0);
            h[0] = t.mul(2.0);
        });
        worker.start();
        worker.join();
        h[0].mul(3.0).sum().backward();
        assertArrayEquals(new double[] {6, 6}, x.grad().toDoubleArray(), 1e-12);
    }

    @Test
    void functionalGradStopsAtTheWantedTensors() {
        Tensor x = leaf(1, 2);
        Tensor w = leaf(3, 4);
        Tensor h = x.mul(w);
        h.sum().backward(null, false, false); // releases the 'mul' that made h
        try (var s = Autograd.noGrad()) {
            w.mulInPlace(2.0); // and invalidates its saved values
        }
        // Neither matters for ∂(3h)/∂h: nothing below h needs to run.
        assertArrayEquals(new double[] {3, 3}, Autograd.grad(h.mul(3.0).sum(), new Tensor[] {h})[0].toDoubleArray());
    }

    @Test
    void hookReturningWrongShapeIsReported() {
        Tensor x = leaf(1, 2, 3);
        x.registerHook(g -> Tensor.scalar(7, DType.FLOAT64));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> x.mul(2.0).sum().backward());
        assertTrue(e.getMessage().contains("hook") && e.getMessage().contains("[3]"), e.getMessage());
    }

    @Test
    void powWithZeroBaseHasPyTorchsLimits() {
        Tensor a = leaf(0, 0, 2);
        Tensor b = leaf(0, 2, 3);
        a.pow(b).sum().backward();
        assertArrayEquals(new double[] {0, 0, 12}, a.grad().toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {0, 0, 8 * Math.log(2)}, b.grad().toDoubleArray(), 1e-12);
    }

    @Test
    void functionalFormsReturnZerosForFunctionsThatIgnoreTheirInput() {
        Tensor x = Tensor.of(new double[] {1, 2});
        assertArrayEquals(new double[] {0, 0}, Autograd.hvp(t -> t.mul(3.0).sum(), x, x).toDoubleArray());
        assertArrayEquals(new double[] {0, 0}, Autograd.grad(t -> Tensor.scalar(1, DType.FLOAT64), x).toDoubleArray());
    }

    @Test
    void functionalGradTouchesNoGradField() {
        Tensor x = leaf(1, 2);
        Tensor h = x.mul(2.0).retainGrad();
        Autograd.grad(h.sum(), new Tensor[] {x});
        assertNull(h.grad());
        assertNull(x.grad());
    }

    @Test
    void gradientsNeverAliasEachOtherOrTheCotangent() {
        Tensor a = leaf(1, 2), b = leaf(3, 4);
        Tensor c = Tensor.of(new double[] {1, 1});
        Tensor[] g = Autograd.grad(a.add(b), new Tensor[] {a, b}, c, false, false);
        assertNotSame(g[0], g[1]);
        assertNotSame(c, g[0]);
        Tensor x = leaf(1, 2);
        x.sum().backward(null, false, true);
        try (var s = Autograd.noGrad()) {
            x.grad().mulInPlace(0.5); // a gradient is a plain tensor one may scale in place (clipping)
        }
        assertArrayEquals(new double[] {0.5, 0.5}, x.grad().toDoubleArray());
    }

    @Test
    void functionalGradWithCreateGraphWorksInsideNoGrad() {
        try (var s = Autograd.noGrad()) {
            List<Tensor> g = Autograd.grad(a -> a.get(0).square().sum(), List.of(Tensor.of(new double[] {3})), true);
            assertEquals(6.0, g.get(0).item(), 1e-12);
        }
    }

    @Test
    void nonFloatOutputsAndCapturedTensorsAreNeverRecorded() {
        Tensor param = leaf(5);
        CustomOp leaky = CustomOp.of("leaky", in -> param, (g, in, out) -> new Tensor[] {g});
        Tensor out = leaky.apply(leaf(1));
        assertTrue(param.isLeaf(), "the op must not adopt a tensor it merely returned");
        assertNotSame(param, out);
        CustomOp toInt = CustomOp.of("toInt", in -> in[0].to(DType.INT32), (g, in, o) -> new Tensor[] {null});
        assertFalse(toInt.apply(leaf(1.5)).requiresGrad());
    }

    @Test
    void maskedFillKeepsTheTensorsDtypeAndPowOfOneIsACopy() {
        Tensor ints = Tensor.of(new int[] {1, 2, 3});
        assertArrayEquals(new int[] {1, 0, 3}, ints.maskedFill(ints.eq(2.0), 0).toIntArray());
        Tensor x = Tensor.of(new double[] {1, 2});
        Tensor y = x.pow(1.0);
        y.mulInPlace(10);
        assertArrayEquals(new double[] {1, 2}, x.toDoubleArray());
        assertThrows(IllegalArgumentException.class, () -> ints.pow(1.0));
    }
}
