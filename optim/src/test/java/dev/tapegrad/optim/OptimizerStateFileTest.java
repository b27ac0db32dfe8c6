package dev.tapegrad.optim;

import static org.junit.jupiter.api.Assertions.*;

import dev.tapegrad.DType;
import dev.tapegrad.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The optimizer-state file: checksum and version, strict parsing (duplicates, ranges), and the check that a
 * state fits the optimizer it is loaded into, all before anything changes.
 */
class OptimizerStateFileTest {

    /** Recomputes the trailing CRC-32C, so a test can hand the parser a deliberately wrong but intact body. */
    static byte[] reseal(byte[] bytes) {
        CRC32C c = new CRC32C();
        c.update(bytes, 0, bytes.length - 4);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(bytes.length - 4, (int) c.getValue());
        return bytes;
    }

    /** Replaces every occurrence of {@code from} by {@code to} (same length) in the bytes. */
    static byte[] replace(byte[] bytes, String from, String to) {
        byte[] f = from.getBytes(StandardCharsets.UTF_8), t = to.getBytes(StandardCharsets.UTF_8);
        assertEquals(f.length, t.length);
        byte[] out = bytes.clone();
        int found = 0;
        for (int i = 0; i + f.length <= out.length; i++) {
            if (java.util.Arrays.equals(out, i, i + f.length, f, 0, f.length)) {
                System.arraycopy(t, 0, out, i, t.length);
                found++;
            }
        }
        assertTrue(found > 0, from + " not found");
        return out;
    }

    @Test
    void roundTripIsExactAndTheFileCarriesMagicVersionAndChecksum(@TempDir Path dir) {
        Optimizer opt = StateCorruption.trained(3);
        OptimizerState s = opt.stateDict();
        Path file = dir.resolve("opt.bin");
        s.save(file);
        OptimizerState back = OptimizerState.load(file);
        assertEquals("", StateCorruption.difference(s, back));
        byte[] bytes = s.toBytes();
        assertEquals("TGOPT", new String(bytes, 0, 5, StandardCharsets.US_ASCII));
        assertEquals(2, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(5));
        assertArrayEquals(bytes, reseal(bytes.clone()), "the last four bytes are the CRC-32C of the rest");
    }

    @Test
    void aFlippedBitIsACheckSumMismatchAndAnOldVersionIsNamed() {
        byte[] bytes = StateCorruption.trained(2).stateDict().toBytes();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OptimizerState.fromBytes(StateCorruption.flip(bytes, 8L * 100 + 3)));
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
        byte[] v1 = bytes.clone();
        v1[5] = 1;
        e = assertThrows(IllegalArgumentException.class, () -> OptimizerState.fromBytes(v1));
        assertTrue(e.getMessage().contains("unsupported format version 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OptimizerState.fromBytes("PK\3\4".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(e.getMessage().contains("not an optimizer state file"), e.getMessage());
    }

    @Test
    void intactButImpossibleContentIsRefusedByTheParser() {
        Optimizer opt = StateCorruption.trained(2);
        byte[] bytes = opt.stateDict().toBytes();
        // the rule name's length claims 2 GB
        byte[] hostile = bytes.clone();
        hostile[9] = hostile[10] = hostile[11] = hostile[12] = (byte) 0x7f;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OptimizerState.fromBytes(reseal(hostile)));
        assertTrue(e.getMessage().contains("impossible length"), e.getMessage());
        // two buffers of one parameter with the same name
        e = assertThrows(IllegalArgumentException.class, () -> OptimizerState.fromBytes(reseal(replace(bytes, "adam.v", "adam.m"))));
        assertTrue(e.getMessage().contains("buffer adam.m appears twice"), e.getMessage());
        // two parameters with the same name (in different groups)
        e = assertThrows(IllegalArgumentException.class,
                () -> OptimizerState.fromBytes(reseal(replace(bytes, "layer1.bias", "layer0.bias"))));
        assertTrue(e.getMessage().contains("parameter layer0.bias appears twice"), e.getMessage());
        // a step count from the far future for a parameter, beyond the optimizer's count
        ByteBuffer buf = ByteBuffer.wrap(bytes.clone()).order(ByteOrder.LITTLE_ENDIAN);
        int rule = buf.getInt(9);
        buf.putLong(13 + rule, -5);
        e = assertThrows(IllegalArgumentException.class, () -> OptimizerState.fromBytes(reseal(buf.array())));
        assertTrue(e.getMessage().contains("step count -5 is negative"), e.getMessage());
    }

    @Test
    void theRecordsRefuseImpossibleStates() {
        Map<String, double[]> one = Map.of("adam.m", new double[2]);
        assertThrows(IllegalArgumentException.class, () -> new OptimizerState.SlotState("w", new int[] {3}, 1, one));
        assertThrows(IllegalArgumentException.class, () -> new OptimizerState.SlotState("w", new int[] {-2}, 1, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> new OptimizerState.SlotState("w", new int[] {2}, -1, Map.of()));
        OptimizerState.SlotState w = new OptimizerState.SlotState("w", new int[] {2}, 4, one);
        OptimizerState.GroupState g = new OptimizerState.GroupState("default", Map.of(), List.of(w));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new OptimizerState("adam", 3, new long[0], List.of(g)));
        assertTrue(e.getMessage().contains("step 4 exceeds the optimizer's step count 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new OptimizerState("adam", 4, new long[0], List.of(g, g)));
    }

    @Test
    void aRenamedBufferIsRefusedByNameAndTheOptimizerIsUntouched() {
        Optimizer opt = StateCorruption.trained(3);
        OptimizerState good = opt.stateDict();
        OptimizerState renamed = OptimizerState.fromBytes(reseal(replace(good.toBytes(), "adam.m", "adam.q")));
        Optimizer fresh = StateCorruption.trained(1);
        OptimizerState before = fresh.stateDict();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fresh.loadStateDict(renamed));
        assertTrue(e.getMessage().contains("buffer 'adam.q' is not a state buffer of this rule"), e.getMessage());
        assertEquals("", StateCorruption.difference(before, fresh.stateDict()), "nothing changed");
        // a broken random generator state is also found before anything changes
        OptimizerState zeroRandom = new OptimizerState(good.rule(), good.count(), new long[6], good.groups());
        e = assertThrows(IllegalArgumentException.class, () -> fresh.loadStateDict(zeroRandom));
        assertTrue(e.getMessage().contains("random generator state"), e.getMessage());
        assertEquals("", StateCorruption.difference(before, fresh.stateDict()), "nothing changed");
        fresh.loadStateDict(good);
        assertEquals("", StateCorruption.difference(good, fresh.stateDict()));
    }

    @Test
    void everyNamedRuleDeclaresTheBuffersItCreates() {
        for (String name : Optimizers.names()) {
            Tensor x = Tensor.of(new double[] {-1.5, 2.0, 0.5}).requiresGrad(true);
            Transform rule = Optimizers.byName(name);
            Optimizer.Builder b = Optimizer.builder(rule).param("x", x);
            if (rule.defaults().containsKey("amsgrad")) b.set("amsgrad", 1);
            Optimizer opt = b.build();
            for (int k = 0; k < 6; k++) {
                opt.zeroGrad();
                x.square().sum().backward();
                opt.step();
            }
            OptimizerState s = opt.stateDict();   // throws if a buffer is undeclared
            Set<String> made = new TreeMap<>(s.groups().getFirst().slots().getFirst().buffers()).keySet();
            assertTrue(rule.stateKeys().containsAll(made), name + ": " + made + " vs " + rule.stateKeys());
            Optimizer again = Optimizers.create(name, rule.defaults().containsKey("amsgrad") ? Map.of("amsgrad", 1.0) : Map.of(),
                    Map.of("x", Tensor.of(new double[] {-1.5, 2.0, 0.5}).requiresGrad(true)));
            again.loadStateDict(OptimizerState.fromBytes(s.toBytes()));
        }
    }

    @Test
    void aRuleThatKeepsAnUndeclaredBufferCannotBeSaved() {
        Transform sneaky = new Transform() {
            @Override
            public String name() {
                return "sneaky";
            }

            @Override
            public void apply(List<Slot> slots, StepContext ctx) {
                for (Slot s : slots) s.buffer("sneaky.m");
            }
        };
        Tensor x = Tensor.zeros(DType.FLOAT64, 2).requiresGrad(true);
        Optimizer opt = Optimizer.builder(sneaky).param("x", x).build();
        opt.zeroGrad();
        x.sum().backward();
        opt.step();
        IllegalStateException e = assertThrows(IllegalStateException.class, opt::stateDict);
        assertTrue(e.getMessage().contains("sneaky.m"), e.getMessage());
    }

    @Test
    void twoGroupsWithOneNameAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Optimizer.builder(Optimizers.sgd())
                .group("a", n -> true, g -> {}).group("a", n -> false, g -> {}));
        assertTrue(e.getMessage().contains("group name 'a'"), e.getMessage());
    }

    @Test
    void saveLeavesNoTemporaryFileAndLoadNamesTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("s.bin");
        StateCorruption.trained(1).stateDict().save(file);
        StateCorruption.trained(2).stateDict().save(file);
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
        Files.write(file, new byte[] {1, 2, 3});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OptimizerState.load(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }
}
