package dev.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Module: PyTorch names, order, buffers, state dicts (load all-or-nothing, save/load round trips), modes, freezing, gradients. */
class ModuleTest {
    @TempDir
    Path dir;

    /** A transformer-ish block: a parameter, a buffer and a child, so names nest as blocks.0.attn.weight. */
    static final class Block extends UnaryModule {
        final Tensor scale;
        final Linear attn;

        Block(Generator g, DType dtype) {
            scale = param("scale", Tensor.uniform(g, 0.5, 1.5, dtype, 4));
            buffer("running_mean", Tensor.uniform(g, -1, 1, dtype, 4));
            attn = child("attn", Linear.builder(4, 4).bias(false).dtype(dtype).build(g));
        }

        @Override
        public Tensor forward(Tensor x) {
            return attn.forward(x).mul(scale).tanh();
        }
    }

    /** embed → blocks (a Sequential of two Blocks) → head, plus int32 and bool buffers. */
    static final class Net extends UnaryModule {
        final Tensor embed;
        final Sequential blocks;
        final Linear head;

        Net(long seed) {
            this(seed, DType.FLOAT32);
        }

        Net(long seed, DType dtype) {
            Generator g = new Generator(seed);
            embed = param("embed", Tensor.randn(g, dtype, 4));
            buffer("steps", Tensor.of(new int[] {(int) seed, -3}));
            blocks = child("blocks", new Sequential(new Block(g, dtype), new Block(g, dtype)));
            head = child("head", Linear.builder(4, 2).dtype(dtype).build(g));
            buffer("mask", Tensor.of(new int[] {1, 0, (int) (seed & 1)}).to(DType.BOOL));
        }

        @Override
        public Tensor forward(Tensor x) {
            return head.forward(blocks.forward(x.add(embed)));
        }
    }

    private static final List<String> PARAMS = List.of("embed", "blocks.0.scale", "blocks.0.attn.weight",
            "blocks.1.scale", "blocks.1.attn.weight", "head.weight", "head.bias");

    @Test
    void namesFollowPyTorchAndKeepRegistrationOrder() {
        Net net = new Net(1);
        assertEquals(PARAMS, List.copyOf(net.namedParameters().keySet()));
        assertEquals(List.copyOf(net.namedParameters().values()), net.parameters());
        assertSame(((Block) net.blocks.get(0)).attn.weight(), net.namedParameters().get("blocks.0.attn.weight"));
        assertEquals(List.of("steps", "mask", "blocks.0.running_mean", "blocks.1.running_mean"), List.copyOf(net.namedBuffers().keySet()));
        // state dict: each module's parameters, then its buffers, then its children (PyTorch's order)
        assertEquals(List.of("embed", "steps", "mask", "blocks.0.scale", "blocks.0.running_mean", "blocks.0.attn.weight",
                "blocks.1.scale", "blocks.1.running_mean", "blocks.1.attn.weight", "head.weight", "head.bias"),
                List.copyOf(net.stateDict().keySet()));
        assertEquals(List.of("blocks", "head"), List.copyOf(net.children().keySet()));
        assertEquals(4 + 2 * (4 + 16) + 8 + 2, net.parameterCount());
    }

    @Test
    void parametersRequireGradAndBuffersDoNot() {
        Net net = new Net(2);
        net.namedParameters().forEach((n, p) -> assertTrue(p.requiresGrad() && p.isLeaf(), n));
        net.namedBuffers().forEach((n, b) -> assertFalse(b.requiresGrad(), n));
        assertEquals(DType.INT32, net.stateDict().get("steps").dtype());
        assertEquals(DType.BOOL, net.stateDict().get("mask").dtype());
    }

    /** A module whose constructor registers whatever it is given. */
    static final class Registrar extends Module {
        Registrar(String... names) {
            for (String n : names) param(n, Tensor.zeros(2));
        }
    }

    @Test
    void registrationRejectsBadAndDuplicateNames() {
        assertThrows(IllegalArgumentException.class, () -> new Registrar("a.b"));
        assertThrows(IllegalArgumentException.class, () -> new Registrar(""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Registrar("w", "w"));
        assertTrue(e.getMessage().contains("'w' is already registered"), e.getMessage());
    }

    // ---------------------------------------------------------------- loadStateDict

    private static Map<String, double[]> snapshot(Module m) {
        Map<String, double[]> out = new LinkedHashMap<>();
        m.stateDict().forEach((n, t) -> out.put(n, t.toDoubleArray()));
        return out;
    }

    private static void assertSameValues(Map<String, double[]> expected, Module m) {
        Map<String, double[]> now = snapshot(m);
        assertEquals(expected.keySet(), now.keySet());
        expected.forEach((n, v) -> assertArrayEquals(v, now.get(n), n));
    }

    @Test
    void loadStateDictReportsEveryMismatchAtOnceAndChangesNothing() {
        Net net = new Net(3);
        Map<String, double[]> before = snapshot(net);
        Map<String, Tensor> values = new LinkedHashMap<>(new Net(4).stateDict());
        values.remove("head.bias");                                            // missing
        values.put("extra.weight", Tensor.zeros(2));                           // unexpected
        values.put("head.weight", Tensor.zeros(3, 4));                         // shape
        values.put("blocks.0.scale", Tensor.zeros(DType.FLOAT64, 4));          // dtype
        values.put("steps", Tensor.zeros(DType.FLOAT32, 2));                   // dtype of a buffer
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.loadStateDict(values));
        String msg = e.getMessage();
        assertTrue(msg.contains("5 problem(s)"), msg);
        assertTrue(msg.contains("missing: head.bias"), msg);
        assertTrue(msg.contains("unexpected: extra.weight"), msg);
        assertTrue(msg.contains("head.weight: shape [3, 4] in the state dict, [2, 4] in the module"), msg);
        assertTrue(msg.contains("blocks.0.scale: dtype float64 in the state dict, float32 in the module"), msg);
        assertTrue(msg.contains("steps: dtype float32 in the state dict, int32 in the module"), msg);
        assertSameValues(before, net);
    }

    @Test
    void loadStateDictCopiesInPlaceKeepingTheTensorsOptimizersHold() {
        Net net = new Net(5), other = new Net(6);
        List<Tensor> held = net.parameters();
        net.loadStateDict(other.stateDict());
        assertSameValues(snapshot(other), net);
        for (int i = 0; i < held.size(); i++) {
            assertSame(held.get(i), net.parameters().get(i));
            assertTrue(held.get(i).requiresGrad());
        }
        // the copies are independent: changing the source later does not change the module
        other.head.bias().detach().fillInPlace(42);
        assertFalse(net.head.bias().toDoubleArray()[0] == 42);
    }

    // ---------------------------------------------------------------- modes, freezing, gradients

    @Test
    void trainAndEvalPropagateToEveryDescendant() {
        Net net = new Net(7);
        List<Module> all = List.of(net, net.blocks, net.blocks.get(0), net.blocks.get(1), ((Block) net.blocks.get(0)).attn, net.head);
        all.forEach(m -> assertTrue(m.isTraining()));
        assertSame(net, net.eval());
        all.forEach(m -> assertFalse(m.isTraining(), m.getClass().getSimpleName()));
        net.train();
        all.forEach(m -> assertTrue(m.isTraining()));
        net.blocks.train(false); // a subtree only
        assertTrue(net.isTraining() && net.head.isTraining());
        assertFalse(net.blocks.get(1).isTraining() || ((Block) net.blocks.get(1)).attn.isTraining());
    }

    private static Tensor loss(Net net) {
        return net.forward(Tensor.uniform(new Generator(0), -1, 1, DType.FLOAT32, 3, 4)).square().sum();
    }

    @Test
    void freezeStopsGradientsForASubtreeAndUnfreezeRestoresThem() {
        Net net = new Net(8);
        net.blocks.freeze();
        loss(net).backward();
        for (String n : PARAMS) {
            Tensor p = net.namedParameters().get(n);
            if (n.startsWith("blocks.")) {
                assertFalse(p.requiresGrad(), n);
                assertNull(p.grad(), n);
            } else {
                assertNotNull(p.grad(), n);
            }
        }
        net.blocks.unfreeze();
        net.zeroGrad();
        loss(net).backward();
        net.namedParameters().forEach((n, p) -> assertNotNull(p.grad(), n));
    }

    @Test
    void zeroGradClearsEveryGradientAndGradientsAccumulateUntilThen() {
        Net net = new Net(9);
        loss(net).backward();
        float[] once = net.head.weight().grad().toFloatArray();
        loss(net).backward();
        float[] twice = net.head.weight().grad().toFloatArray();
        for (int i = 0; i < once.length; i++) assertEquals(2 * once[i], twice[i], 1e-5 * Math.abs(once[i]) + 1e-6);
        net.zeroGrad();
        net.parameters().forEach(p -> assertNull(p.grad()));
    }

    // ---------------------------------------------------------------- save and load

    @Test
    void saveThenLoadIntoAFreshModuleIsBitForBit() throws IOException {
        for (DType dtype : List.of(DType.FLOAT32, DType.FLOAT64)) {
            Net net = new Net(10, dtype);
            net.embed.detach().copyInPlace(Tensor.of(new double[] {Double.NaN, -0.0, Double.POSITIVE_INFINITY, 1e-310}).to(dtype));
            Path p = dir.resolve("net-" + dtype + ".safetensors");
            StateDicts.save(net, p, Map.of("step", "12"));
            Net fresh = new Net(11, dtype);
            StateDicts.load(fresh, p);
            Map<String, Tensor> a = net.stateDict(), b = fresh.stateDict();
            a.forEach((n, t) -> {
                Tensor u = b.get(n);
                assertEquals(t.dtype(), u.dtype(), n);
                if (dtype == DType.FLOAT32 && t.dtype() == DType.FLOAT32) {
                    float[] x = t.toFloatArray(), y = u.toFloatArray();
                    for (int i = 0; i < x.length; i++) assertEquals(Float.floatToRawIntBits(x[i]), Float.floatToRawIntBits(y[i]), n);
                } else {
                    double[] x = t.toDoubleArray(), y = u.toDoubleArray();
                    for (int i = 0; i < x.length; i++) assertEquals(Double.doubleToRawLongBits(x[i]), Double.doubleToRawLongBits(y[i]), n);
                }
            });
            assertEquals(Map.of("step", "12", "format", "pt"), SafeTensors.readMetadata(p));
            Tensor x = Tensor.uniform(new Generator(1), -1, 1, dtype, 2, 4);
            // same weights, same output to rounding (the two passes may run tanh and lane sums in different JIT tiers)
            assertArrayEquals(net.forward(x).toDoubleArray(), fresh.forward(x).toDoubleArray(), dtype == DType.FLOAT32 ? 1e-6 : 1e-14);
        }
    }

    @Test
    void loadingAFileOfAnotherModelReportsEverythingAndChangesNothing() throws IOException {
        Path p = dir.resolve("mlp.safetensors");
        Sequential mlp = new Sequential(new Linear(new Generator(1), 4, 4), new Linear(new Generator(2), 4, 2));
        StateDicts.save(mlp, p);
        Net net = new Net(12);
        Map<String, double[]> before = snapshot(net);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StateDicts.load(net, p));
        assertTrue(e.getMessage().startsWith("StateDicts.load(" + p + "): "), e.getMessage());
        for (String n : List.of("missing: embed", "missing: head.bias", "unexpected: 0.weight", "unexpected: 1.bias")) {
            assertTrue(e.getMessage().contains(n), n + " in " + e.getMessage());
        }
        assertSameValues(before, net);
    }

    @Test
    void float32FileIntoAFloat64ModuleIsReportedNotConverted() throws IOException {
        Path p = dir.resolve("f32.safetensors");
        StateDicts.save(new Net(13, DType.FLOAT32), p);
        Net wide = new Net(14, DType.FLOAT64);
        Map<String, double[]> before = snapshot(wide);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StateDicts.load(wide, p));
        assertTrue(e.getMessage().contains("9 problem(s)"), e.getMessage()); // 7 parameters + 2 running means; int/bool buffers match
        assertTrue(e.getMessage().contains("embed: dtype float32 in the state dict, float64 in the module"), e.getMessage());
        assertSameValues(before, wide);
    }

    @Test
    void halfPrecisionFilesWidenIntoFloatModules() throws IOException {
        Path p = dir.resolve("half.safetensors");
        // write every float tensor of a float32 net as F16 bits of its (rounded) values, the int/bool buffers as they are
        Net source = new Net(15);
        List<SafeTensors.Item> items = new ArrayList<>();
        Map<String, float[]> rounded = new LinkedHashMap<>();
        source.stateDict().forEach((n, t) -> {
            long[] shape = java.util.Arrays.stream(t.shape()).asLongStream().toArray();
            if (t.dtype() == DType.FLOAT32) {
                float[] v = t.toFloatArray();
                short[] h = new short[v.length];
                float[] r = new float[v.length];
                for (int i = 0; i < v.length; i++) {
                    h[i] = Float.floatToFloat16(v[i]);
                    r[i] = Float.float16ToFloat(h[i]);
                }
                rounded.put(n, r);
                items.add(new SafeTensors.Item(n, SafeTensorDType.F16, shape, () -> (c, at, k) -> c.asShortBuffer().put(h, at, k)));
            } else {
                int[] v = t.toIntArray();
                SafeTensorDType d = t.dtype() == DType.BOOL ? SafeTensorDType.BOOL : SafeTensorDType.I32;
                items.add(new SafeTensors.Item(n, d, shape, () -> (c, at, k) -> {
                    for (int j = 0; j < k; j++) {
                        if (d == SafeTensorDType.BOOL) c.put(j, (byte) v[at + j]);
                        else c.putInt(4 * j, v[at + j]);
                    }
                }));
            }
        });
        SafeTensors.writeItems(p, items, Map.of());
        for (DType dtype : List.of(DType.FLOAT32, DType.FLOAT64)) {
            Net target = new Net(16, dtype);
            StateDicts.load(target, p);
            rounded.forEach((n, r) -> {
                double[] got = target.stateDict().get(n).toDoubleArray();
                for (int i = 0; i < r.length; i++) assertEquals(r[i], got[i], 0.0, n);
            });
            assertArrayEquals(source.stateDict().get("steps").toIntArray(), target.stateDict().get("steps").toIntArray());
        }
        assertTrue(Files.size(p) < 8 + 1024 + 2L * source.parameterCount() + 64);
    }
}
