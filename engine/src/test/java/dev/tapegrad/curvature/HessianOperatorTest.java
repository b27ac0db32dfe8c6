package dev.tapegrad.curvature;

import static org.junit.jupiter.api.Assertions.*;

import dev.tapegrad.Autograd;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Hessian-vector products over a named parameter map, against known Hessians and differences of gradients. */
class HessianOperatorTest {

    @Test
    void quadraticHessianIsRecoveredExactly() {
        Generator gen = new Generator(11);
        Problems.Problem p = Problems.quadratic(gen, new double[] {5, 3, 1, 0.5, -2, 0, 7, 2, 1, 1, 4, -1}, 2, 4);
        HessianOperator h = p.operator();
        assertEquals(12, h.layout().size());
        double[][] dense = h.toDense(100);
        for (int i = 0; i < 12; i++) assertArrayEquals(p.hessian()[i], dense[i], 1e-12);
        assertEquals(12, h.products());
        ParamVector v = ParamVector.gaussian(gen, h.layout());
        assertArrayEquals(Problems.times(p.hessian(), v.toArray()), h.apply(v).toArray(), 1e-12);
    }

    @Test
    void mlpProductsMatchCentralDifferencesOfTheGradient() {
        Generator gen = new Generator(12);
        Problems.Problem p = Problems.mlp(gen, 3, 5, 3, 8);
        HessianOperator h = p.operator();
        ParamVector v = ParamVector.gaussian(gen, h.layout()).normalize();
        ParamVector hv = h.apply(v);
        // (∇L(θ + εv) − ∇L(θ − εv)) / 2ε = H·v + O(ε²)
        double eps = 1e-5;
        ParamVector theta = ParamVector.of(p.params());
        ParamVector plus = gradientAt(p, h, theta.axpy(eps, v)), minus = gradientAt(p, h, theta.axpy(-eps, v));
        setParams(p, theta);
        ParamVector fd = plus.sub(minus).scale(1 / (2 * eps));
        assertTrue(hv.sub(fd).norm() <= 1e-7 * hv.norm(), "‖Hv − fd‖ = " + hv.sub(fd).norm() + ", ‖Hv‖ = " + hv.norm());
        assertTrue(hv.norm() > 1e-3, "a non-trivial product");
    }

    @Test
    void forwardOverReverseEqualsReverseOverReverse() {
        agree(Problems.scalarMlp(new Generator(14), 6, 1.3, -0.4));
    }

    @Test
    void forwardOverReverseEqualsReverseOverReverseOnAnMlp() {
        agree(Problems.mseMlp(new Generator(16), 3, 5, 2, 8));
    }

    private static void agree(Problems.Problem p) {
        HessianOperator forward = HessianOperator.builder(p.params(), p.loss()).mode(Autograd.Mode.FORWARD).build();
        HessianOperator reverse = HessianOperator.builder(p.params(), p.loss()).mode(Autograd.Mode.REVERSE).build();
        assertEquals(Autograd.Mode.FORWARD, forward.mode());
        assertEquals(HessianOperator.DEFAULT_MODE, HessianOperator.of(p.params(), p.loss()).mode());
        Generator gen = new Generator(15);
        for (int k = 0; k < 5; k++) {
            ParamVector v = ParamVector.gaussian(gen, forward.layout());
            ParamVector a = forward.apply(v), b = reverse.apply(v);
            assertTrue(b.norm() > 1e-3, "a non-trivial product");
            // two orders of computation round differently; a wrong rule is off by far more than 1e-11
            assertTrue(a.sub(b).norm() <= 1e-11 * b.norm(), "‖FoR − RoR‖ = " + a.sub(b).norm() + " of " + b.norm());
        }
        // and both are the Hessian: the dense matrices and their top eigenvalue agree
        double[][] hf = forward.toDense(100), hr = reverse.toDense(100);
        for (int i = 0; i < hf.length; i++) assertArrayEquals(hr[i], hf[i], 1e-11 * (1 + Math.abs(hr[i][i])));
        double top = Lanczos.run(new Generator(1), forward, hf.length).largest();
        assertTrue(Problems.rel(top, Problems.eigenvalues(Problems.denseHessian(reverse))[hf.length - 1]) < 1e-10);
        // tangents leave with the level: nothing carries one after a product
        for (Tensor t : p.params().values()) assertTrue(t.requiresGrad() && t.grad() == null);
        try (var level = Autograd.dualLevel()) {
            assertFalse(level.hasTangent(p.loss().get()));
        }
    }

    @Test
    void productsAreSymmetricAndLeaveGradientsAlone() {
        Generator gen = new Generator(13);
        Problems.Problem p = Problems.mlp(gen, 4, 6, 3, 10);
        HessianOperator h = p.operator();
        ParamVector u = ParamVector.gaussian(gen, h.layout()), v = ParamVector.gaussian(gen, h.layout());
        assertEquals(u.dot(h.apply(v)), h.apply(u).dot(v), 1e-12 * u.norm() * v.norm());
        for (Tensor t : p.params().values()) assertNull(t.grad(), "grad fields are untouched");
        // the gradient matches backward()
        ParamVector g = h.gradient();
        p.loss().get().backward();
        for (String name : p.params().keySet()) {
            assertArrayEquals(p.params().get(name).grad().toDoubleArray(), g.get(name).toDoubleArray(), 1e-14, name);
        }
    }

    @Test
    void aLossLinearInTheParametersHasAZeroHessian() {
        Map<String, Tensor> params = Map.of("w", Tensor.of(new double[] {1, 2, 3}).requiresGrad(true));
        HessianOperator h = HessianOperator.of(params, () -> params.get("w").mul(2.0).sum());
        assertArrayEquals(new double[3], h.apply(ParamVector.rademacher(new Generator(1), h.layout())).toArray(), 0);
    }

    @Test
    void badParametersAndLossesAreRefusedClearly() {
        Map<String, Tensor> frozen = new LinkedHashMap<>();
        frozen.put("w", Tensor.of(new double[] {1, 2}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HessianOperator.of(frozen, () -> frozen.get("w").sum()));
        assertTrue(e.getMessage().contains("'w'") && e.getMessage().contains("requiresGrad"), e.getMessage());

        Map<String, Tensor> params = Map.of("w", Tensor.of(new double[] {1, 2}).requiresGrad(true));
        HessianOperator vectorLoss = HessianOperator.of(params, () -> params.get("w").square());
        IllegalStateException s = assertThrows(IllegalStateException.class,
                () -> vectorLoss.apply(ParamVector.zeros(vectorLoss.layout())));
        assertTrue(s.getMessage().contains("[2]"), s.getMessage());

        HessianOperator h = HessianOperator.of(params, () -> params.get("w").square().sum());
        ParamVector wrong = ParamVector.of(Map.of("v", Tensor.zeros(2)));
        assertThrows(IllegalArgumentException.class, () -> h.apply(wrong));
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class, () -> h.toDense(1));
        assertTrue(big.getMessage().contains("n = 2"), big.getMessage());
    }

    /** ∇L at θ (the parameters are set to θ). */
    static ParamVector gradientAt(Problems.Problem p, HessianOperator h, ParamVector theta) {
        setParams(p, theta);
        return h.gradient();
    }

    static void setParams(Problems.Problem p, ParamVector theta) {
        try (var s = Autograd.noGrad()) {
            for (Map.Entry<String, Tensor> e : p.params().entrySet()) e.getValue().copyInPlace(theta.get(e.getKey()));
        }
    }
}
