package dev.tapegrad.optim;

import static org.junit.jupiter.api.Assertions.*;

import dev.tapegrad.DType;
import dev.tapegrad.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The optimizer machinery: groups, schedules, validation, state save/restore. */
class OptimizerCoreTest {

    /** Rosenbrock (1 − x₀)² + 100(x₁ − x₀²)². */
    static Tensor rosenbrock(Tensor x) {
        Tensor x0 = x.select(0, 0), x1 = x.select(0, 1);
        return x0.neg().add(1.0).square().add(x1.sub(x0.square()).square().mul(100.0));
    }

    static Tensor start() {
        return Tensor.of(new double[] {-1.5, 2.0}).requiresGrad(true);
    }

    static void run(Optimizer opt, Tensor x, int steps) {
        for (int i = 0; i < steps; i++) {
            opt.zeroGrad();
            rosenbrock(x).backward();
            opt.step();
        }
    }

    @Test
    void firstStepsMatchTorchReferenceValues() {
        // Reference values (torch 2.13, float64).
        Tensor x = start();
        run(Optimizer.builder(Optimizers.sgd()).param("x", x).set("lr", 1e-3).set("momentum", 0.9).build(), x, 2);
        assertArrayEquals(new double[] {-1.33045455, 2.046805}, x.toDoubleArray(), 1e-12);
        Tensor y = start();
        run(Optimizer.builder(Optimizers.adam()).param("x", y).set("lr", 1e-2).build(), y, 3);
        assertArrayEquals(new double[] {-1.4703270820088348, 2.0296717846564474}, y.toDoubleArray(), 1e-13);
        Tensor z = start();
        run(Optimizer.builder(Optimizers.adamW()).param("x", z).set("lr", 1e-2).set("weightDecay", 0.1).build(), z, 3);
        assertArrayEquals(new double[] {-1.4658970782393774, 2.023613261155373}, z.toDoubleArray(), 1e-13);
    }

    @Test
    void resumedRunContinuesBitForBit(@TempDir Path dir) {
        Tensor a = start();
        Optimizer full = Optimizer.builder(Optimizers.adam()).param("x", a).set("lr", 1e-2).set("amsgrad", 1)
                .schedule("lr", k -> 1e-2 / (1 + k)).build();
        run(full, a, 7);
        Path file = dir.resolve("opt.bin");
        full.stateDict().save(file);
        double[] paramsAt7 = a.toDoubleArray();
        run(full, a, 8);

        Tensor b = Tensor.of(paramsAt7).requiresGrad(true);
        Optimizer resumed = Optimizer.builder(Optimizers.adam()).param("x", b).set("lr", 1e-2).set("amsgrad", 1)
                .schedule("lr", k -> 1e-2 / (1 + k)).build();
        resumed.loadStateDict(OptimizerState.load(file));
        assertEquals(7, resumed.stepCount());
        run(resumed, b, 8);
        double[] want = a.toDoubleArray(), got = b.toDoubleArray();
        for (int i = 0; i < want.length; i++) {
            assertEquals(Double.doubleToRawLongBits(want[i]), Double.doubleToRawLongBits(got[i]), "element " + i);
        }
    }

    @Test
    void stateFromAnotherOptimizerOrShapeIsRefusedWithEveryMismatch() {
        Tensor x = start();
        Optimizer sgd = Optimizer.builder(Optimizers.sgd()).param("x", x).set("momentum", 0.9).build();
        run(sgd, x, 1);
        Optimizer adam = Optimizer.builder(Optimizers.adam()).param("w", Tensor.zeros(DType.FLOAT64, 3)).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> adam.loadStateDict(sgd.stateDict()));
        assertTrue(e.getMessage().contains("rule") && e.getMessage().contains("parameters"), e.getMessage());
    }

    @Test
    void truncatedOrHostileStateFilesAreRejected(@TempDir Path dir) throws Exception {
        Tensor x = start();
        Optimizer opt = Optimizer.builder(Optimizers.adam()).param("x", x).build();
        run(opt, x, 2);
        byte[] bytes = opt.stateDict().toBytes();
        for (int cut = 0; cut < bytes.length; cut += 7) {
            byte[] part = java.util.Arrays.copyOf(bytes, cut);
            assertThrows(IllegalArgumentException.class, () -> OptimizerState.fromBytes(part), "cut at " + cut);
        }
        byte[] hostile = bytes.clone();
        hostile[9] = (byte) 0x7f; // the rule name's length byte → 2 GB claimed
        hostile[10] = hostile[11] = hostile[12] = (byte) 0x7f;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OptimizerState.fromBytes(OptimizerStateFileTest.reseal(hostile)));
        assertTrue(e.getMessage().contains("impossible length"), e.getMessage());
        Path file = dir.resolve("s.bin");
        opt.stateDict().save(file);
        assertArrayEquals(bytes, Files.readAllBytes(file));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
    }

    @Test
    void badHyperParametersAreRefusedClearly() {
        Map<String, Tensor> p = Map.of("x", start());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Optimizer.builder(Optimizers.adam()).params(p).set("beta1", 1.2).build());
        assertTrue(e.getMessage().contains("beta1") && e.getMessage().contains("1.2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Optimizer.builder(Optimizers.adam()).params(p).set("lr", -1).build());
        assertTrue(e.getMessage().contains("lr"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Optimizer.builder(Optimizers.adam()).params(p).set("betta1", 0.9).build());
        assertTrue(e.getMessage().contains("unknown hyper-parameter 'betta1'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Optimizer.builder(Optimizers.sgd()).params(p).set("nesterov", 1).build());
        assertTrue(e.getMessage().contains("Nesterov"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Optimizers.byName("adamm"));
    }

    @Test
    void groupsGetTheirOwnHyperParametersAndNoDecayWorks() {
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("layer.weight", Tensor.ones(DType.FLOAT64, 2).requiresGrad(true));
        params.put("layer.bias", Tensor.ones(DType.FLOAT64, 2).requiresGrad(true));
        Optimizer opt = Optimizer.builder(Optimizers.adamW()).params(params).set("lr", 0.1).set("weightDecay", 0.5)
                .noDecay(n -> n.endsWith(".bias")).build();
        assertEquals(java.util.List.of("default", "no_decay"), opt.groupNames());
        for (Tensor t : params.values()) t.setGrad(Tensor.zeros(DType.FLOAT64, 2)); // zero gradient: only decay moves θ
        opt.step();
        assertArrayEquals(new double[] {0.95, 0.95}, params.get("layer.weight").toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {1, 1}, params.get("layer.bias").toDoubleArray());
    }

    @Test
    void zeroLearningRateChangesNothingAndParamsWithoutGradientsAreSkipped() {
        for (String name : Optimizers.names()) {
            Tensor x = start();
            Tensor unused = Tensor.ones(DType.FLOAT64, 3).requiresGrad(true);
            Optimizer opt = Optimizer.builder(Optimizers.byName(name)).param("x", x).param("unused", unused).set("lr", 0).build();
            run(opt, x, 5);
            assertArrayEquals(new double[] {-1.5, 2.0}, x.toDoubleArray(), name);
            assertArrayEquals(new double[] {1, 1, 1}, unused.toDoubleArray(), name);
        }
    }

    @Test
    void float32ParametersAreUpdatedInPlaceAndStayFloat32() {
        Tensor w = Tensor.of(new float[] {1f, -2f}).requiresGrad(true);
        Optimizer opt = Optimizer.builder(Optimizers.sgd()).param("w", w).set("lr", 0.5).build();
        w.mul(w).sum().backward(); // g = 2w
        opt.step();
        assertArrayEquals(new float[] {0f, 0f}, w.toFloatArray());
        assertEquals(DType.FLOAT32, w.dtype());
    }
}
