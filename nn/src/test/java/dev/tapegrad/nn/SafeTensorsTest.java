package dev.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import dev.tapegrad.check.Gen;
import dev.tapegrad.check.Property;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The safetensors reader and writer: layout, round trips, conversions, every validation rule, atomic saves. */
class SafeTensorsTest {
    @TempDir
    Path dir;

    // ---------------------------------------------------------------- helpers

    /** A file: 8-byte little-endian length of the header bytes, the header, the data. */
    static byte[] file(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(h.length).put(h).put(data).array();
    }

    static byte[] floatBytes(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putFloat(f);
        return b.array();
    }

    private Path put(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    /** Reading the bytes fails with an IllegalArgumentException whose message contains {@code expected}. */
    private void assertRejected(byte[] bytes, String expected) throws IOException {
        Path p = put("bad.safetensors", bytes);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.read(p));
        assertTrue(e.getMessage().contains(expected), () -> "expected '" + expected + "' in: " + e.getMessage());
        assertTrue(e.getMessage().contains(p.toString()), "the message names the file");
    }

    private void assertRejected(String header, byte[] data, String expected) throws IOException {
        assertRejected(file(header, data), expected);
    }

    private static void assertSameBits(Tensor expected, Tensor actual) {
        assertEquals(expected.dtype(), actual.dtype());
        assertArrayEquals(expected.shape(), actual.shape());
        if (expected.dtype() == DType.FLOAT32) {
            float[] a = expected.toFloatArray(), b = actual.toFloatArray();
            for (int i = 0; i < a.length; i++) assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), "element " + i);
        } else if (expected.dtype() == DType.FLOAT64) {
            double[] a = expected.toDoubleArray(), b = actual.toDoubleArray();
            for (int i = 0; i < a.length; i++) assertEquals(Double.doubleToRawLongBits(a[i]), Double.doubleToRawLongBits(b[i]), "element " + i);
        } else {
            assertArrayEquals(expected.toIntArray(), actual.toIntArray());
        }
    }

    // ---------------------------------------------------------------- the writer's bytes

    /** The byte sequences the reference implementation's own tests expect from its writer. */
    @Test
    void writerProducesTheReferenceBytes() throws IOException {
        float[] values = {0, 1, 2, 3, 4, 5};
        Path p = dir.resolve("a.safetensors");
        SafeTensors.write(p, Map.of("attn.0", Tensor.of(values, 1, 2, 3)));
        String h = "{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}"; // 64 bytes: no padding
        assertArrayEquals(file(h, floatBytes(values)), Files.readAllBytes(p));

        SafeTensors.write(p, Map.of("attn0", Tensor.of(values, 1, 1, 2, 3)));
        h = "{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}" + " ".repeat(7);
        assertArrayEquals(file(h, floatBytes(values)), Files.readAllBytes(p));

        SafeTensors.write(p, Map.of());
        assertArrayEquals(file("{}      ", new byte[0]), Files.readAllBytes(p));

        SafeTensors.write(p, Map.of(), Map.of("framework", "pt"));
        assertArrayEquals(file("{\"__metadata__\":{\"framework\":\"pt\"}}     ", new byte[0]), Files.readAllBytes(p));
    }

    @Test
    void writerSortsByAlignmentThenNameAndPadsTheHeader() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("z.int", Tensor.of(new int[] {1, 2}));
        tensors.put("b.float", Tensor.of(new float[] {1}));
        tensors.put("a.float", Tensor.of(new float[] {2}));
        tensors.put("y.double", Tensor.of(new double[] {3}));
        tensors.put("m.mask", Tensor.of(new int[] {1, 0, 1}).to(DType.BOOL));
        tensors.put("é", Tensor.of(new float[] {4})); // UTF-8 bytes sort after ASCII
        Path p = dir.resolve("order.safetensors");
        SafeTensors.write(p, tensors);
        assertEquals(List.of("y.double", "a.float", "b.float", "é", "z.int", "m.mask"), List.copyOf(SafeTensors.read(p).keySet()));
        long n = ByteBuffer.wrap(Files.readAllBytes(p), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8, "header padded to a multiple of 8");
        assertEquals(8 + n + 8 + 3 * 4 + 2 * 4 + 3, Files.size(p), "header, one double, three floats, two ints, three bools");
    }

    @Test
    void bytesInMemoryReadAsTheFileAndAreValidatedTheSameWay() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("w", Tensor.of(new float[] {1, -2, 3.5f, 4}, 2, 2));
        tensors.put("n", Tensor.of(new int[] {7, 8, 9}));
        Path p = dir.resolve("m.safetensors");
        SafeTensors.write(p, tensors, Map.of("format", "pt"));
        byte[] bytes = Files.readAllBytes(p);
        SafeTensors.Contents fromFile = SafeTensors.readContents(p);

        ByteBuffer framed = ByteBuffer.allocate(bytes.length + 10);  // the file in the middle of a larger buffer
        framed.position(3).put(bytes).position(3).limit(3 + bytes.length);
        SafeTensors.Contents fromMemory = SafeTensors.readContents(framed, "entry m");
        assertEquals(fromFile.metadata(), fromMemory.metadata());
        assertEquals(fromFile.fileDTypes(), fromMemory.fileDTypes());
        for (String name : tensors.keySet()) {
            assertArrayEquals(fromFile.tensors().get(name).shape(), fromMemory.tensors().get(name).shape());
            assertArrayEquals(fromFile.tensors().get(name).toDoubleArray(), fromMemory.tensors().get(name).toDoubleArray());
        }
        assertEquals(3, framed.position(), "the buffer is not consumed");

        byte[] cut = Arrays.copyOf(bytes, bytes.length - 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.readContents(ByteBuffer.wrap(cut), "entry m"));
        assertTrue(e.getMessage().startsWith("safetensors: entry m: "), e.getMessage());
    }

    @Test
    void writesViewsAsTheirRowMajorElements() throws IOException {
        Tensor base = Tensor.arange(0, 12, 1, DType.FLOAT64).reshape(3, 4);
        Tensor view = base.t().slice(0, 1, 3); // [2, 3], strided
        Path p = dir.resolve("view.safetensors");
        SafeTensors.write(p, Map.of("v", view));
        Tensor back = SafeTensors.read(p).get("v");
        assertArrayEquals(new int[] {2, 3}, back.shape());
        assertArrayEquals(view.toDoubleArray(), back.toDoubleArray());
    }

    @Test
    void writerEscapesNamesAndMetadataAsJson() throws IOException {
        String odd = "quote\" back\\slash\n tab\t ctl\u0001 \uD83D\uDE00 \u4e2d";
        Path p = dir.resolve("names.safetensors");
        SafeTensors.write(p, Map.of(odd, Tensor.scalar(1.5)), Map.of("k\u0002\"", "v\\\u00e9"));
        SafeTensors.Contents c = SafeTensors.readContents(p);
        assertEquals(List.of(odd), List.copyOf(c.tensors().keySet()));
        assertEquals(Map.of("k\u0002\"", "v\\\u00e9"), c.metadata());
        String header = new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
        assertTrue(header.contains("\\u0001") && header.contains("\\u0002") && header.contains("\\\""), header);
        assertTrue(header.contains("\uD83D\uDE00"), "non-ASCII written verbatim as UTF-8");
    }

    @Test
    void writerRejectsBadNamesAndLeavesNoFile() {
        Path p = dir.resolve("never.safetensors");
        Map<String, Tensor> reserved = Map.of("__metadata__", Tensor.scalar(1));
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(p, reserved));
        Map<String, Tensor> lone = Map.of("bad\uD800", Tensor.scalar(1));
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(p, lone));
        Map<String, String> nullValue = new LinkedHashMap<>();
        nullValue.put("k", null);
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(p, Map.of(), nullValue));
        assertFalse(Files.exists(p));
    }

    // ---------------------------------------------------------------- round trips

    /** write then read is the identity, bit for bit, for random names, dtypes, shapes (scalars, empty) and bits. */
    @Test
    void roundTripIsIdentity() {
        Gen<long[]> specs = Gen.zip(Gen.ints(0, 6), Gen.ints(0, Integer.MAX_VALUE), (count, seed) -> new long[] {count, seed});
        Property.forAll(specs).tries(60).seed(20250601L).check(spec -> {
            Generator g = new Generator(spec[1]);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (int i = 0; i < spec[0]; i++) tensors.put(randomName(g, i), randomTensor(g));
            Map<String, String> meta = g.nextInt(2) == 0 ? Map.of() : Map.of("step", Long.toString(spec[1]), randomName(g, 99), "\u00e9\n");
            Path p = dir.resolve("rt.safetensors");
            SafeTensors.write(p, tensors, meta);
            SafeTensors.Contents c = SafeTensors.readContents(p);
            assertEquals(tensors.keySet(), c.tensors().keySet());
            assertEquals(meta, c.metadata());
            tensors.forEach((name, t) -> assertSameBits(t, c.tensors().get(name)));
        });
    }

    static String randomName(Generator g, int i) {
        String[] parts = {"weight", "bias", "blocks", "0", "é", "\"q\"", "\\", "\u4e2d", "\uD83D\uDE00", "", "a b"};
        StringBuilder sb = new StringBuilder();
        int n = 1 + g.nextInt(3);
        for (int k = 0; k < n; k++) sb.append(k == 0 ? "" : ".").append(parts[g.nextInt(parts.length)]);
        return sb.append('#').append(i).toString();
    }

    /** A tensor of random dtype and shape (rank 0..3, sizes 0..4) with random bit patterns (NaN payloads, -0, ±∞, subnormals). */
    static Tensor randomTensor(Generator g) {
        int[] shape = new int[g.nextInt(4)];
        for (int i = 0; i < shape.length; i++) shape[i] = g.nextInt(5);
        int n = 1;
        for (int s : shape) n *= s;
        return switch (g.nextInt(4)) {
            case 0 -> {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) v[i] = Float.intBitsToFloat((int) g.nextLong());
                yield Tensor.of(v).reshape(shape);
            }
            case 1 -> {
                double[] v = new double[n];
                for (int i = 0; i < n; i++) v[i] = Double.longBitsToDouble(g.nextLong());
                yield Tensor.of(v).reshape(shape);
            }
            case 2 -> {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) v[i] = (int) g.nextLong();
                yield Tensor.of(v).reshape(shape);
            }
            default -> {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) v[i] = g.nextInt(2);
                yield Tensor.of(v).reshape(shape).to(DType.BOOL);
            }
        };
    }

    /**
     * Float32 written as BF16 reads back as the float32 of each value rounded to bfloat16, bit for bit, across
     * chunk boundaries and for views; other dtypes are unaffected; the bytes are the bfloat16 patterns.
     */
    @Test
    void float32WrittenAsBFloat16ReadsBackTheRoundedValues() throws IOException {
        Generator g = new Generator(11);
        Tensor big = Tensor.randn(g, DType.FLOAT32, 70_001); // several chunks, ragged end
        float[] special = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.MAX_VALUE,
                Float.MIN_VALUE, Float.intBitsToFloat(0x3F80_8000), Float.intBitsToFloat(0x3F81_8000), 1e-40f, -3.14159f};
        Tensor edge = Tensor.of(special);
        Tensor view = Tensor.randn(g, DType.FLOAT32, 5, 7).transpose(0, 1);
        Tensor wide = Tensor.randn(g, DType.FLOAT64, 9);
        Tensor ints = Tensor.of(new int[] {1, -2, 3});
        Map<String, Tensor> tensors = Map.of("big", big, "edge", edge, "view", view, "wide", wide, "ints", ints);
        Path p = dir.resolve("bf16.safetensors");
        SafeTensors.write(p, tensors, Map.of(), SafeTensors.WriteOptions.DEFAULT.withFloat32AsBFloat16(true));

        SafeTensors.Contents c = SafeTensors.readContents(p);
        assertEquals(Map.of("big", "BF16", "edge", "BF16", "view", "BF16", "wide", "F64", "ints", "I32"), c.fileDTypes());
        for (String name : List.of("big", "edge", "view")) assertSameBits(roundedToBFloat16(tensors.get(name)), c.tensors().get(name));
        assertSameBits(wide, c.tensors().get("wide"));
        assertSameBits(ints, c.tensors().get("ints"));

        // the stored bytes of "edge", checked against patterns worked out by hand
        byte[] file = Files.readAllBytes(p);
        long headerLength = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        String header = new String(file, 8, (int) headerLength, StandardCharsets.UTF_8);
        int at = header.indexOf("\"edge\"");
        String offsets = header.substring(header.indexOf("data_offsets", at));
        int begin = Integer.parseInt(offsets.substring(offsets.indexOf('[') + 1, offsets.indexOf(',')));
        ByteBuffer data = ByteBuffer.wrap(file, 8 + (int) headerLength + begin, 2 * special.length).order(ByteOrder.LITTLE_ENDIAN);
        int[] want = {0x0000, 0x8000, 0x7F80, 0xFF80, 0x7FC0, 0x7F80, 0x0000, 0x3F80, 0x3F82, 0x0001, 0xC049};
        for (int w : want) assertEquals(Integer.toHexString(w), Integer.toHexString(data.getShort() & 0xFFFF));
    }

    @Test
    void defaultWriteOptionsKeepFloat32() throws IOException {
        Path p = dir.resolve("f32.safetensors");
        Tensor t = Tensor.of(new float[] {1.0f + 0x1p-10f});
        SafeTensors.write(p, Map.of("t", t), Map.of(), SafeTensors.WriteOptions.DEFAULT);
        assertEquals(Map.of("t", "F32"), SafeTensors.readContents(p).fileDTypes());
        assertSameBits(t, SafeTensors.read(p).get("t"));
    }

    /** Each element as the float32 of its nearest bfloat16 (ties to even), by the rule stated on its own. */
    private static Tensor roundedToBFloat16(Tensor t) {
        float[] a = t.toFloatArray();
        for (int i = 0; i < a.length; i++) {
            int bits = Float.floatToRawIntBits(a[i]);
            a[i] = Float.isNaN(a[i]) ? Float.intBitsToFloat((bits | 0x0040_0000) & 0xFFFF_0000)
                    : Float.intBitsToFloat((bits + 0x7FFF + ((bits >>> 16) & 1)) & 0xFFFF_0000);
        }
        return Tensor.of(a).reshape(t.shape());
    }

    @Test
    void largeTensorsCrossChunkBoundaries() throws IOException {
        Generator g = new Generator(7);
        Tensor big = Tensor.randn(g, DType.FLOAT32, 70_001); // several 64 KiB chunks, ragged end
        Tensor wide = Tensor.randn(g, DType.FLOAT64, 3, 10_007);
        Path p = dir.resolve("big.safetensors");
        SafeTensors.write(p, Map.of("big", big, "wide", wide));
        Map<String, Tensor> back = SafeTensors.read(p);
        assertSameBits(big, back.get("big"));
        assertSameBits(wide, back.get("wide"));
    }

    // ---------------------------------------------------------------- conversions

    /** Every one of the 65536 half and bfloat16 bit patterns widens to the float32 of its defined value. */
    @Test
    void halfAndBfloat16WidenExactlyForEveryBitPattern() {
        for (int bits = 0; bits < 65536; bits++) {
            checkWiden(SafeTensorDType.F16, bits, 5, 10);
            checkWiden(SafeTensorDType.BF16, bits, 8, 7);
        }
    }

    /** Compares with the definition: (−1)ˢ·2^(e−bias)·(1 + m/2^mb), subnormals 2^(1−bias)·m/2^mb, e all ones ∞/NaN. */
    private static void checkWiden(SafeTensorDType d, int bits, int exponentBits, int mantissaBits) {
        int bias = (1 << (exponentBits - 1)) - 1;
        int sign = bits >>> 15, e = (bits >>> mantissaBits) & ((1 << exponentBits) - 1), m = bits & ((1 << mantissaBits) - 1);
        float got = SafeTensors.widen(d, (short) bits);
        String what = d + " bits 0x" + Integer.toHexString(bits);
        assertEquals(sign, Float.floatToRawIntBits(got) >>> 31, what + ": sign");
        if (e == (1 << exponentBits) - 1) {
            assertEquals(m != 0, Float.isNaN(got), what + ": NaN");
            if (m == 0) assertTrue(Float.isInfinite(got), what + ": infinity");
            return;
        }
        double magnitude = e == 0 ? Math.scalb((double) m, 1 - bias - mantissaBits)
                : Math.scalb((double) ((1 << mantissaBits) + m), e - bias - mantissaBits);
        float want = (float) (sign == 1 ? -magnitude : magnitude);
        assertEquals((double) want, magnitude * (sign == 1 ? -1 : 1), 0.0, what + ": representable in float32");
        assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got), what);
    }

    @Test
    void integerTypesReadAsInt32AndBoolAsBool() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(2 + 8 + 2 + 4 + 2).order(ByteOrder.LITTLE_ENDIAN);
        data.put((byte) 255).put((byte) 1); // U8
        data.putLong(-5); // I64
        data.putShort((short) 0xFFFF); // U16 65535
        data.putInt(0x7FFFFFFF); // U32 in range
        data.put((byte) 1).put((byte) 0); // BOOL
        String h = "{\"u8\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]},"
                + "\"i64\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[2,10]},"
                + "\"u16\":{\"dtype\":\"U16\",\"shape\":[1],\"data_offsets\":[10,12]},"
                + "\"u32\":{\"dtype\":\"U32\",\"shape\":[1,1],\"data_offsets\":[12,16]},"
                + "\"b\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[16,18]}}";
        Map<String, Tensor> t = SafeTensors.read(put("ints.safetensors", file(h, data.array())));
        assertArrayEquals(new int[] {255, 1}, t.get("u8").toIntArray());
        assertEquals(0, t.get("i64").dim());
        assertEquals(-5, t.get("i64").item());
        assertArrayEquals(new int[] {65535}, t.get("u16").toIntArray());
        assertArrayEquals(new int[] {Integer.MAX_VALUE}, t.get("u32").toIntArray());
        assertEquals(DType.BOOL, t.get("b").dtype());
        assertArrayEquals(new int[] {1, 0}, t.get("b").toIntArray());
    }

    @Test
    void integersOutOfInt32RangeAreRejected() throws IOException {
        ByteBuffer u32 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0x80000000);
        assertRejected("{\"x\":{\"dtype\":\"U32\",\"shape\":[1],\"data_offsets\":[0,4]}}", u32.array(), "2147483648 does not fit in int32");
        ByteBuffer u64 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(-1);
        assertRejected("{\"x\":{\"dtype\":\"U64\",\"shape\":[1],\"data_offsets\":[0,8]}}", u64.array(), "18446744073709551615 does not fit");
        ByteBuffer i64 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(Integer.MIN_VALUE - 1L);
        assertRejected("{\"x\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]}}", i64.array(), "-2147483649 does not fit");
    }

    // ---------------------------------------------------------------- validation, one rule at a time

    private static final String OK_ENTRY = "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";
    private static final byte[] OK_DATA = floatBytes(1, 2);

    @Test
    void theValidBaselineReads() throws IOException {
        Map<String, Tensor> t = SafeTensors.read(put("ok.safetensors", file("{" + OK_ENTRY + "}", OK_DATA)));
        assertArrayEquals(new float[] {1, 2}, t.get("a").toFloatArray());
        // JSON whitespace and trailing space padding are allowed; unknown fields in an entry are ignored
        String spaced = "{ \"a\" : {\"shape\": [ 2 ], \"extra\": {\"x\": [null, true, 1.5e3]},\n\t\"dtype\":\"F32\", \"data_offsets\":[0, 8]} }\r\n   ";
        assertArrayEquals(new float[] {1, 2}, SafeTensors.read(put("ok2.safetensors", file(spaced, OK_DATA))).get("a").toFloatArray());
    }

    @Test
    void rejectsBadLengthPrefixes() throws IOException {
        assertRejected(new byte[] {2, 0, 0, 0, 0, 0, 0}, "fewer than the 8-byte header length");
        assertRejected(new byte[0], "fewer than the 8-byte header length");
        byte[] f = file("{}", new byte[0]);
        ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 100_000_001L);
        assertRejected(f, "exceeds the limit of 100000000 bytes");
        ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -1L);
        assertRejected(f, "header length 18446744073709551615 exceeds the limit");
        ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 3);
        assertRejected(f, "runs past the end of the file");
        ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 99_999_999L);
        assertRejected(f, "runs past the end of the file"); // within the limit: checked against the real size, not allocated
    }

    @Test
    void rejectsHeadersThatAreNotStrictJsonObjects() throws IOException {
        assertRejected(" {}", new byte[0], "does not start with '{'");
        assertRejected("", new byte[0], "does not start with '{'");
        assertRejected("[]", new byte[0], "does not start with '{'");
        byte[] badUtf8 = file("{\"x\":1}", new byte[0]);
        badUtf8[10] = (byte) 0xFF;
        assertRejected(badUtf8, "not valid UTF-8");
        assertRejected("{" + OK_ENTRY + ",}", OK_DATA, "not valid JSON");
        assertRejected("{" + OK_ENTRY, OK_DATA, "not valid JSON");
        assertRejected("{" + OK_ENTRY + "}x", OK_DATA, "unexpected text after the JSON value");
        assertRejected("{" + OK_ENTRY + "}\u0000", OK_DATA, "not valid JSON"); // only JSON whitespace may pad
        assertRejected("{\"a\u0001\":1}", new byte[0], "control character");
        assertRejected("{\"\\ud800\":1}", new byte[0], "lone leading surrogate");
        assertRejected("{\"\\udc00\":1}", new byte[0], "lone trailing surrogate");
        assertRejected("{\"\\x\":1}", new byte[0], "invalid escape");
        assertRejected("{\"a\":01}", new byte[0], "not valid JSON");
        assertRejected("{\"a\":" + "[".repeat(10_000) + "}", new byte[0], "nesting deeper than 128");
    }

    @Test
    void rejectsDuplicateKeysAnywhere() throws IOException {
        assertRejected("{" + OK_ENTRY + "," + OK_ENTRY + "}", OK_DATA, "duplicate key \"a\"");
        assertRejected("{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", OK_DATA, "duplicate key \"dtype\"");
        assertRejected("{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}", new byte[0], "duplicate key \"k\"");
    }

    @Test
    void rejectsBadEntries() throws IOException {
        assertRejected("{\"a\":{\"dtype\":\"F31\",\"shape\":[2],\"data_offsets\":[0,8]}}", OK_DATA, "unknown dtype \"F31\"");
        assertRejected("{\"a\":{\"dtype\":\"f32\",\"shape\":[2],\"data_offsets\":[0,8]}}", OK_DATA, "unknown dtype \"f32\"");
        assertRejected("{\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}", OK_DATA, "\"dtype\" is missing");
        assertRejected("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", OK_DATA, "\"shape\" is missing");
        assertRejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", OK_DATA, "\"data_offsets\" is missing");
        assertRejected("{\"a\":[1]}", OK_DATA, "entry is not a JSON object");
        assertRejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", OK_DATA, "\"shape\"[0] = -2 is not an integer");
        assertRejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]}}", OK_DATA, "\"shape\"[0] = 2.0 is not an integer");
        assertRejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[\"2\"],\"data_offsets\":[0,8]}}", OK_DATA, "is not an integer");
        assertRejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,9]}}", OK_DATA, "must be [begin, end]");
        assertRejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,18446744073709551616]}}", OK_DATA, "is not an integer in [0, 2^63 - 1]");
        assertRejected("{\"__metadata__\":[]}", new byte[0], "__metadata__ is not a JSON object");
        assertRejected("{\"__metadata__\":{\"k\":1}}", new byte[0], "the value of \"k\" is not a string");
    }

    @Test
    void rejectsOffsetsThatDoNotTileTheBuffer() throws IOException {
        String b = "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[%d,%d]}";
        byte[] twelve = floatBytes(1, 2, 3);
        assertRejected("{" + OK_ENTRY + "," + String.format(b, 12, 16) + "}", floatBytes(1, 2, 3, 4), "offsets are not contiguous"); // hole
        assertRejected("{" + OK_ENTRY + "," + String.format(b, 4, 8) + "}", twelve, "offsets are not contiguous"); // overlap
        assertRejected("{" + String.format(b, 4, 8) + "}", OK_DATA, "offsets are not contiguous"); // not from 0
        assertRejected("{" + String.format(b, 8, 4) + "," + OK_ENTRY + "}", twelve, "offsets are not contiguous"); // end < begin
        assertRejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", OK_DATA, "spans 8 bytes but its shape and dtype need 12");
        assertRejected("{\"a\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,8]}}", OK_DATA, "need 16");
        assertRejected("{\"a\":{\"dtype\":\"F4\",\"shape\":[3],\"data_offsets\":[0,2]}}", new byte[2], "12 bits is not a whole number of bytes");
        // the order in the header does not matter, nor do empty tensors sharing an offset
        String e = "\"e%d\":{\"dtype\":\"F64\",\"shape\":[0,5],\"data_offsets\":[8,8]}";
        Map<String, Tensor> t = SafeTensors.read(put("shuffled.safetensors",
                file("{" + String.format(e, 1) + "," + String.format(b, 8, 12) + "," + OK_ENTRY + "," + String.format(e, 2) + "}", twelve)));
        assertEquals(List.of("a", "e1", "e2", "b"), List.copyOf(t.keySet()));
        assertArrayEquals(new int[] {0, 5}, t.get("e1").shape());
    }

    @Test
    void rejectsSizesThatOverflowOrDisagreeWithTheFile() throws IOException {
        assertRejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,8]}}", OK_DATA, "overflows");
        assertRejected("{\"a\":{\"dtype\":\"F64\",\"shape\":[3037000500,3037000500],\"data_offsets\":[0,8]}}", OK_DATA, "overflows");
        // a huge but consistent claim: rejected by the file size, before anything is allocated
        assertRejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[1000000000,1000],\"data_offsets\":[0,4000000000000]}}", OK_DATA,
                "the tensors cover 4000000000000 bytes of data but the file has 8");
        byte[] longer = Arrays.copyOf(OK_DATA, 9);
        assertRejected("{" + OK_ENTRY + "}", longer, "8 + N + buffer end must equal the file size");
        assertRejected("{" + OK_ENTRY + "}", Arrays.copyOf(OK_DATA, 7), "8 + N + buffer end must equal the file size");
    }

    @Test
    void rejectsValidFilesTapegradCannotHold() throws IOException {
        assertRejected("{\"a\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}", new byte[2], "does not read dtype F8_E4M3");
        assertRejected("{\"a\":{\"dtype\":\"C64\",\"shape\":[1],\"data_offsets\":[0,8]}}", OK_DATA, "does not read dtype C64");
        assertRejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[0,3000000000],\"data_offsets\":[0,0]}}", new byte[0],
                "dimension 3000000000 is larger than a tapegrad tensor allows");
        // metadata alone still reads: the dtype is valid for the format
        Path p = put("f8.safetensors", file("{\"__metadata__\":{\"k\":\"v\"},\"a\":{\"dtype\":\"F8_E5M2\",\"shape\":[2],\"data_offsets\":[0,2]}}", new byte[2]));
        assertEquals(Map.of("k", "v"), SafeTensors.readMetadata(p));
    }

    // ---------------------------------------------------------------- atomic saves

    @Test
    void aFailedSaveLeavesThePreviousFileIntactAndNoTemporaryFile() throws IOException {
        Path p = dir.resolve("model.safetensors");
        SafeTensors.write(p, Map.of("w", Tensor.of(new float[] {1, 2, 3})), Map.of("version", "1"));
        byte[] before = Files.readAllBytes(p);

        int[] calls = {0};
        SafeTensors.ElementCopier failing = (chunk, at, k) -> {
            if (calls[0]++ == 1) throw new UncheckedIOException(new IOException("simulated disk failure"));
            chunk.asFloatBuffer().put(new float[k]);
        };
        List<SafeTensors.Item> items = new ArrayList<>();
        items.add(new SafeTensors.Item("w", SafeTensorDType.F32, new long[] {3}, () -> (c, at, k) -> c.asFloatBuffer().put(new float[k])));
        items.add(new SafeTensors.Item("big", SafeTensorDType.F32, new long[] {100_000}, () -> failing)); // fails on its 2nd chunk
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> SafeTensors.writeItems(p, items, Map.of()));
        assertEquals("simulated disk failure", e.getCause().getMessage());
        assertEquals(2, calls[0], "the failure happened part-way, after some data was written");

        assertArrayEquals(before, Files.readAllBytes(p), "the old file is untouched");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(p), files.toList(), "the temporary file was removed");
        }
        assertEquals(Map.of("version", "1"), SafeTensors.readMetadata(p));
    }

    @Test
    void aSaveReplacesTheFileAndAMissingDirectoryIsAnIOException() throws IOException {
        Path p = dir.resolve("m.safetensors");
        SafeTensors.write(p, Map.of("w", Tensor.of(new float[] {1})));
        SafeTensors.write(p, Map.of("w", Tensor.of(new float[] {2})));
        assertArrayEquals(new float[] {2}, SafeTensors.read(p).get("w").toFloatArray());
        Path missing = dir.resolve("no/such/dir/m.safetensors");
        assertThrows(IOException.class, () -> SafeTensors.write(missing, Map.of()));
        assertThrows(IOException.class, () -> SafeTensors.read(dir.resolve("absent.safetensors")));
    }
}
