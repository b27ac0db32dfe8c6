package dev.tapegrad.optim;

import static org.junit.jupiter.api.Assertions.*;

import dev.tapegrad.DType;
import dev.tapegrad.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The optimizers from the papers (AdaBound/AMSBound, AdamP/SGDP, AdaBelief, SPAM, D-Adaptation,
 * AdaGrad-Norm) against golden values recorded from running the
 * reference implementations in float64, plus hand-derived edge cases.
 */
class PaperOptimizersTest {

    // ---- problems

    /** Rosenbrock (1 − x₀)² + 100(x₁ − x₀²)² from (−1.5, 2). */
    static Tensor rosen(Tensor x) {
        return OptimizerCoreTest.rosenbrock(x);
    }

    /** ½(x₀² + 100x₁²) from (1, 1). */
    static Tensor quad(Tensor x) {
        return x.square().mul(Tensor.of(new double[] {1, 100})).sum().mul(0.5);
    }

    static final Tensor TARGET = Tensor.of(new double[][] {{0.6, 0.8, 0}, {0, 0.6, -0.8}});

    static Tensor w0() {
        return Tensor.of(new double[][] {{1, -0.5, 0.25}, {0.3, 2, -1}}).requiresGrad(true);
    }

    /** ½‖W − T‖². */
    static Tensor matq(Tensor w) {
        return w.sub(TARGET).square().sum().mul(0.5);
    }

    /** Σ_r ‖W_r/‖W_r‖ − T_r‖²: invariant to scaling each row. */
    static Tensor rowInvariant(Tensor w) {
        return w.div(w.norm(2, new int[] {1}, true)).sub(TARGET).square().sum();
    }

    /** ‖W/‖W‖_F − T/‖T‖_F‖²: invariant to scaling the whole matrix. */
    static Tensor layerInvariant(Tensor w) {
        return w.div(w.norm(2)).sub(TARGET.div(TARGET.norm(2))).square().sum();
    }

    static Tensor rosenStart() {
        return Tensor.of(new double[] {-1.5, 2.0}).requiresGrad(true);
    }

    static Tensor quadStart() {
        return Tensor.of(new double[] {1.0, 1.0}).requiresGrad(true);
    }

    static Optimizer make(String name, Tensor x, Object... hyper) {
        Optimizer.Builder b = Optimizer.builder(Optimizers.byName(name)).param("x", x);
        for (int i = 0; i < hyper.length; i += 2) b.set((String) hyper[i], ((Number) hyper[i + 1]).doubleValue());
        return b.build();
    }

    static void step(Optimizer opt, Tensor x, UnaryOperator<Tensor> loss) {
        opt.zeroGrad();
        loss.apply(x).backward();
        opt.step();
    }

    /**
     * Runs {@code steps} steps and checks the parameters after steps 1, 2, 3 (to 1e-12) and after the last one
     * (to 1e-9), as recorded from the reference implementations.
     */
    static void golden(String name, Tensor x, UnaryOperator<Tensor> loss, Object[] hyper, int steps,
            double[] s1, double[] s2, double[] s3, double[] last) {
        Optimizer opt = make(name, x, hyper);
        double[][] want = {s1, s2, s3};
        for (int k = 1; k <= steps; k++) {
            step(opt, x, loss);
            if (k <= 3) assertArrayEquals(want[k - 1], x.toDoubleArray(), 1e-12, name + " after step " + k);
        }
        assertArrayEquals(last, x.toDoubleArray(), 1e-9, name + " after step " + steps);
    }

    static Object[] h(Object... kv) {
        return kv;
    }

    // ---- reference runs

    @Test
    void adaBoundAndAmsBoundMatchTheReference() {
        golden("adabound", rosenStart(), PaperOptimizersTest::rosen, h("lr", 1e-2), 100,
                new double[] {-1.490000000020402, 2.0099999999367544},
                new double[] {-1.4800827626135258, 2.019917564072651},
                new double[] {-1.4696510749692813, 2.029671784511235},
                new double[] {-1.1361287521945518, 1.296396580731365});
        golden("amsbound", rosenStart(), PaperOptimizersTest::rosen, h("lr", 1e-2), 100,
                new double[] {-1.490000000020402, 2.0099999999367544},
                new double[] {-1.4800827626135258, 2.019917564072651},
                new double[] {-1.4696510749692813, 2.029671784511235},
                new double[] {-1.1361277507277223, 1.296394423182316});
    }

    @Test
    void adaBeliefMatchesTheReferenceInThreeConfigurations() {
        golden("adabelief", rosenStart(), PaperOptimizersTest::rosen, h("lr", 1e-2), 100,
                new double[] {0.04999999999999995, 2.5},
                new double[] {1.0571052631578943, 0.10789473684210536},
                new double[] {0.11691784508623727, -0.6564397276936765},
                new double[] {-0.31347119192293643, -0.1830289778848445});
        golden("adabelief", rosenStart(), PaperOptimizersTest::rosen, h("lr", 1e-2, "rectify", 0), 100,
                new double[] {-1.488888888888889, 2.011111111111111},
                new double[] {-1.4773410915338574, 2.022659300958054},
                new double[] {-1.4655463997373142, 2.0344496917911004},
                new double[] {-1.4001687511159902, 1.9655958401179245});
        golden("adabelief", rosenStart(), PaperOptimizersTest::rosen, h("lr", 1e-2, "rectify", 0, "weightDecay", 0.1), 100,
                new double[] {-1.4873888888888889, 2.0091111111111113},
                new double[] {-1.4743665588646724, 2.0186378883805154},
                new double[] {-1.4611443075452604, 2.028363502599219},
                new double[] {-1.3104673996246845, 1.7245330630269056});
    }

    @Test
    void dAdaptationMatchesTheReference() {
        golden("dadaptsgd", quadStart(), PaperOptimizersTest::quad, h("lr", 1), 50,
                new double[] {0.9999999900005, 0.9999990000499962},
                new double[] {0.999999980001, 0.9999980001009924},
                new double[] {0.9999999700015002, 0.9999970001529884},
                new double[] {0.8099912967315761, 0.0});
        golden("dadaptsgd", quadStart(), PaperOptimizersTest::quad, h("lr", 1, "momentum", 0.9), 50,
                new double[] {0.99999999900005, 0.9999999000049996},
                new double[] {0.999999997100145, 0.9999997100145088},
                new double[] {0.9999999943902804, 0.9999994390280958},
                new double[] {0.6243250309024874, 0.16554554679520517});
        golden("dadaptadam", quadStart(), PaperOptimizersTest::quad, h("lr", 1), 50,
                new double[] {0.9999968377233398, 0.9999968377223498},
                new double[] {0.9999925881329526, 0.9999925881310217},
                new double[] {0.9999605755334838, 0.9999605755257638},
                new double[] {-0.04223701107751259, -0.04223670241157087});
        golden("dadaptadam", rosenStart(), PaperOptimizersTest::rosen, h("lr", 1), 100,
                new double[] {-1.4999968377223463, 2.00000316227764},
                new double[] {-1.49999258813632, 2.0000074118637032},
                new double[] {-1.4999605778321394, 2.0000394221829003},
                new double[] {-0.07827466665273926, 0.004710119975621382});
    }

    @Test
    void adamPProjectsPerChannelThenPerLayerAndIsAdamOtherwise() {
        golden("adamp", w0(), PaperOptimizersTest::rowInvariant, h("lr", 1e-2, "weightDecay", 1e-2), 20,
                new double[] {1.008085237786705, -0.4890426190227143, 0.23952131098232637, 0.29076320912951015, 1.9950880550905976, -1.012544026964709},
                new double[] {1.0159282661843445, -0.47799904155165596, 0.2290053834921864, 0.28149609946532933, 1.9900593904688337, -1.0250632470329544},
                new double[] {1.0235264443748051, -0.4668764491137263, 0.2184565232518979, 0.27220560185100656, 1.9849142846663967, -1.0375535997728091},
                new double[] {1.1140018987514198, -0.2725086539881161, 0.04567079846574646, 0.11926128839177062, 1.880867907268379, -1.2415101028531992});
        golden("adamw", w0(), PaperOptimizersTest::rowInvariant, h("lr", 1e-2, "weightDecay", 1e-2), 20,
                new double[] {1.009899999872029, -0.4899500000653764, 0.23997500150365741, 0.28997000095696357, 1.9898000006069536, -1.009899999722887},
                new double[] {1.0197906486128219, -0.47990050490005326, 0.22994610557806847, 0.27994837008817375, 1.979599243524965, -1.0197953884435285},
                new double[] {1.0296659525822103, -0.46985136974430436, 0.21991201968420865, 0.2699405601135345, 1.9693967354390634, -1.02968362194732},
                new double[] {1.188414681522014, -0.2995488450123022, 0.05545520476152366, 0.10936784823044722, 1.7955255383560458, -1.1938625118960682});
        golden("adamp", w0(), PaperOptimizersTest::layerInvariant, h("lr", 1e-2, "weightDecay", 1e-2), 20,
                new double[] {1.0116299830227582, -0.4908149920444201, 0.24040749801294997, 0.2904889968518484, 1.9932599694923334, -1.0116299833285796},
                new double[] {1.023182516947001, -0.4815727127751856, 0.23078748264626678, 0.2809439853464434, 1.9863265788633993, -1.0231864068539023},
                new double[] {1.0346519703064667, -0.47227613792631196, 0.22114897642870823, 0.27137231819307117, 1.979200299597508, -1.0346664902180256},
                new double[] {1.2107900443520214, -0.30866534071353613, 0.06633350816237644, 0.1136379860703186, 1.8315743865396303, -1.215704306786275});
        golden("adamp", w0(), PaperOptimizersTest::matq, h("lr", 1e-2), 20,
                new double[] {0.99000000025, -0.49000000007692307, 0.2400000004, 0.2900000003333333, 1.9900000000714286, -0.9900000004999999},
                new double[] {0.9800073999856407, -0.4800020874718036, 0.23001271960469416, 0.2800102713794283, 1.9800019328739393, -0.9800166495718142},
                new double[] {0.9700273851544419, -0.470007670389615, 0.2200473945455301, 0.270038153308521, 1.9700071008271074, -0.9700623406593789},
                new double[] {0.8080370852356348, -0.3019949958416568, 0.06562784427850143, 0.11193605432650662, 1.8018403833026708, -0.8222452517940061});
    }

    @Test
    void sgdPMatchesTheReference() {
        golden("sgdp", w0(), PaperOptimizersTest::rowInvariant, h("lr", 0.1, "momentum", 0.9, "weightDecay", 1e-4), 20,
                new double[] {1.0781327873606983, -0.3470346502726758, 0.24334705001185547, 0.28954728195258306, 1.9835042778785728, -1.03607635965708},
                new double[] {1.1794593456584115, -0.0478905056448392, 0.22097767725309836, 0.26987699603185983, 1.951534250380027, -1.1027290225519255},
                new double[] {1.2056223271313573, 0.36126354265502286, 0.16994084911638008, 0.24226556482733114, 1.9042630603558326, -1.1930976092114927},
                new double[] {1.3137224172397903, 0.8850445889014135, 0.11817072282976918, -0.09427090758334244, 1.11309131350032, -2.007849015685662});
    }

    /** SPAM's fixed gradient sequence: g_t = [0.1, −0.2, 0.3, 0.05]·(1 + 0.1t), except a spike g₈ = [50, −0.2, 0.3, 0.05]. */
    static double[] spamGradient(int t) {
        if (t == 8) return new double[] {50, -0.2, 0.3, 0.05};
        double f = 1 + 0.1 * t;
        return new double[] {0.1 * f, -0.2 * f, 0.3 * f, 0.05 * f};
    }

    static Optimizer spamOptimizer(Tensor x, double threshold) {
        return make("spam", x, "lr", 1e-2, "warmupSteps", 3, "threshold", threshold, "deltaT", 5, "gradAccuSteps", 2, "eps", 1e-6);
    }

    static void spamStep(Optimizer opt, Tensor x, int t) {
        x.setGrad(Tensor.of(spamGradient(t)));
        opt.step();
    }

    @Test
    void spamMatchesTheReferenceWithAndWithoutSpikeClipping() {
        Map<Integer, double[]> clipped = new LinkedHashMap<>();
        clipped.put(1, new double[] {0.49000287397166414, -0.49000143719235456, 0.990000958174139, 1.9900057462918603});
        clipped.put(2, new double[] {0.48137209916092005, -0.4813694791528565, 0.981368605652958, 1.981377336965742});
        clipped.put(4, new double[] {0.46485978755722146, -0.46485505774445124, 0.9648534808564352, 1.9648692433537385});
        clipped.put(5, new double[] {0.4648052501297236, -0.46480051456880966, 0.9647989357644764, 1.9648147174188941});
        clipped.put(8, new double[] {0.4522980136580358, -0.45229243861206936, 0.9522905799543175, 1.9523091595789732});
        clipped.put(9, new double[] {0.44431159844804624, -0.44430552356642644, 0.9443034982828865, 1.94432374385263});
        clipped.put(12, new double[] {0.4397175323885692, -0.4397112146967722, 0.9397091084707857, 1.9397301633362887});
        Map<Integer, double[]> plain = new LinkedHashMap<>();
        plain.put(1, new double[] {0.49000287397166414, -0.49000143719235456, 0.990000958174139, 1.9900057462918603});
        plain.put(2, new double[] {0.4799916132684715, -0.4799892039819711, 0.9799884007527035, 1.9799964300363908});
        plain.put(4, new double[] {0.45989588550156735, -0.45989208019180816, 0.95989081157798, 1.959903493729238});
        plain.put(5, new double[] {0.4598413480740695, -0.4598375370161666, 0.9598362664860212, 1.9598489677943938});
        plain.put(8, new double[] {0.44974175206311634, -0.44645886387776734, 0.9464573429079495, 1.9464725481878833});
        plain.put(9, new double[] {0.44528778551943876, -0.43763637214432194, 0.9376347185231385, 1.9376512501372507});
        plain.put(12, new double[] {0.44041913513098874, -0.43276749732943204, 0.9327657688947704, 1.9327830485387136});
        for (var run : Map.of(100.0, clipped, 0.0, plain).entrySet()) {
            Tensor x = Tensor.of(new double[] {0.5, -0.5, 1, 2}).requiresGrad(true);
            Optimizer opt = spamOptimizer(x, run.getKey());
            for (int t = 1; t <= 12; t++) {
                spamStep(opt, x, t);
                double[] want = run.getValue().get(t);
                if (want != null) assertArrayEquals(want, x.toDoubleArray(), t <= 3 ? 1e-12 : 1e-9, "threshold " + run.getKey() + " step " + t);
            }
        }
    }

    @Test
    void adagradNormMatchesTheHandCheck() {
        Tensor x = quadStart();
        Optimizer opt = make("adagradnorm", x, "lr", 1, "b0", 1);
        step(opt, x, PaperOptimizersTest::quad);
        assertArrayEquals(new double[] {0.990000999850025, 9.998500249963627e-05}, x.toDoubleArray(), 1e-15);
        assertEquals(100.00999950005, Math.sqrt(opt.stateDict().groups().get(0).scalars().get("adagradnorm.b2")), 1e-11);
        step(opt, x, PaperOptimizersTest::quad);
        assertArrayEquals(new double[] {0.9801024647233317, 1.4895445694511908e-08}, x.toDoubleArray(), 1e-15);
    }
}
