package dev.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files written independently of this code, by {@code tools/golden/safetensors_fixtures.py} from the format's
 * specification, with bfloat16/float16 rounding and widening done by PyTorch. {@code expected.txt} lists
 * every value (as bits) that reading must produce, and files that reading must reject.
 */
class SafeTensorsFixtureTest {
    @TempDir
    Path dir;

    /** A fixture copied out of the test resources into a real file (the reader works on paths). */
    private Path fixture(String name) throws IOException {
        try (InputStream in = SafeTensorsFixtureTest.class.getResourceAsStream("/safetensors/" + name)) {
            if (in == null) throw new IllegalStateException("missing test resource safetensors/" + name);
            Path p = dir.resolve(name);
            Files.write(p, in.readAllBytes());
            return p;
        }
    }

    private List<String[]> expectedLines() throws IOException {
        try (InputStream in = SafeTensorsFixtureTest.class.getResourceAsStream("/safetensors/expected.txt")) {
            List<String[]> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) out.add(line.split(" "));
            }
            return out;
        }
    }

    @Test
    void everyExpectedValueIsReadBitForBit() throws IOException {
        int checkedTensors = 0, checkedValues = 0;
        Set<String> files = new HashSet<>();
        for (String[] f : expectedLines()) {
            if (!f[0].equals("tensor")) continue;
            String file = f[1], name = f[2], fileDType = f[3], dtype = f[4];
            SafeTensors.Contents c = SafeTensors.readContents(fixture(file));
            files.add(file);
            Tensor t = c.tensors().get(name);
            String where = file + " " + name;
            assertEquals(fileDType, c.fileDTypes().get(name), where);
            assertEquals(dtype, t.dtype().toString(), where);
            int[] shape = f[5].equals("-") ? new int[0] : Arrays.stream(f[5].split("x")).mapToInt(Integer::parseInt).toArray();
            assertArrayEquals(shape, t.shape(), where);
            String[] want = Arrays.copyOfRange(f, 6, f.length);
            assertEquals(want.length, t.numel(), where);
            for (int i = 0; i < want.length; i++) {
                String got = switch (t.dtype()) {
                    case FLOAT32 -> String.format("%08x", Float.floatToRawIntBits(t.toFloatArray()[i]));
                    case FLOAT64 -> String.format("%016x", Double.doubleToRawLongBits(t.toDoubleArray()[i]));
                    default -> Integer.toString(t.toIntArray()[i]);
                };
                assertEquals(want[i], got, () -> where + " element " + Arrays.toString(want) + " vs read");
                checkedValues++;
            }
            checkedTensors++;
        }
        assertEquals(22, checkedTensors, "tensors listed in expected.txt");
        assertEquals(149, checkedValues, "values listed in expected.txt");
        assertTrue(files.containsAll(List.of("floats.safetensors", "ints.safetensors", "by_name.safetensors")), files.toString());
    }

    @Test
    void metadataAndRejectionsAsListed() throws IOException {
        int rejects = 0;
        for (String[] f : expectedLines()) {
            if (f[0].equals("meta")) {
                assertEquals(f[3], SafeTensors.readMetadata(fixture(f[1])).get(f[2]));
            } else if (f[0].equals("reject")) {
                Path p = fixture(f[1]);
                String words = String.join(" ", Arrays.copyOfRange(f, 2, f.length));
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.read(p));
                assertTrue(e.getMessage().contains(words), () -> "expected '" + words + "' in " + e.getMessage());
                rejects++;
            }
        }
        assertEquals(2, rejects);
        assertEquals("v\"al\\ue\n", SafeTensors.readMetadata(fixture("by_name.safetensors")).get("k\u00e9y"));
    }

    /** A tiny stand-in for torch.nn.ReLU (no parameters), so the Sequential indices match PyTorch's. */
    static final class Relu extends UnaryModule {
        @Override
        public Tensor forward(Tensor x) {
            return x.relu();
        }
    }

    private static Sequential mlp(DType dtype) {
        Generator g = new Generator(1);
        return new Sequential(Linear.builder(3, 4).dtype(dtype).build(g), new Relu(), Linear.builder(4, 2).dtype(dtype).build(g));
    }

    /** PyTorch's Sequential(Linear(3, 4), ReLU(), Linear(4, 2)) state dict loads by name and computes PyTorch's output. */
    @Test
    void aPyTorchStateDictLoadsAndGivesPyTorchsOutput() throws IOException {
        Sequential m = mlp(DType.FLOAT32);
        StateDicts.load(m, fixture("torch_mlp.safetensors"));
        Map<String, Tensor> io = SafeTensors.read(fixture("torch_mlp_io.safetensors"));
        Tensor y = m.forward(io.get("x"));
        assertTrue(y.allClose(io.get("y"), 1e-6, 1e-6), () -> y + " vs PyTorch " + io.get("y"));
    }

    /** BF16 weights widen into float32 and float64 modules to the values PyTorch's widening gives. */
    @Test
    void bfloat16WeightsLoadIntoFloat32AndFloat64Modules() throws IOException {
        Path bf16 = fixture("torch_mlp_bf16.safetensors");
        Map<String, Tensor> widened = SafeTensors.read(bf16); // float32, checked bit for bit above
        for (DType dtype : List.of(DType.FLOAT32, DType.FLOAT64)) {
            Sequential m = mlp(dtype);
            StateDicts.load(m, bf16);
            m.stateDict().forEach((name, t) -> {
                assertEquals(dtype, t.dtype());
                assertArrayEquals(widened.get(name).toDoubleArray(), t.toDoubleArray(), name);
            });
        }
    }

    /** Float32 weights written as BF16 by tapegrad hold the bits PyTorch's float32 → bfloat16 rounding gives. */
    @Test
    void float32WrittenAsBFloat16MatchesPyTorchsRounding(@TempDir Path dir) throws IOException {
        Map<String, Tensor> f32 = SafeTensors.read(fixture("torch_mlp.safetensors"));
        Path ours = dir.resolve("ours_bf16.safetensors");
        SafeTensors.write(ours, f32, Map.of(), SafeTensors.WriteOptions.DEFAULT.withFloat32AsBFloat16(true));
        Map<String, Tensor> torch = SafeTensors.read(fixture("torch_mlp_bf16.safetensors"));
        Map<String, Tensor> back = SafeTensors.read(ours);
        assertEquals(torch.keySet(), back.keySet());
        torch.forEach((name, t) -> {
            float[] want = t.toFloatArray(), got = back.get(name).toFloatArray();
            assertEquals(want.length, got.length, name);
            for (int i = 0; i < want.length; i++) {
                assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), name + " element " + i);
            }
        });
    }
}
