package dev.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The largest legal headers load in a small heap. Each kind of "largest" header is written to a file and read
 * by a child JVM with a fixed maximum heap ({@link #main} is the child): one tensor with a shape of tens of
 * millions of dimensions, millions of tiny tensors, a metadata map of millions of entries, and an unknown field
 * holding an object of millions of keys. The default run uses 10 MB headers in a 160 MB heap; the probe
 * ({@code -Pprobes}) uses headers of exactly the 100 MB limit in a 1 GB heap and bisects the smallest heap
 * that still works.
 */
class SafeTensorsLargeHeaderTest {

    /** The kinds of large header. */
    enum Kind {
        /** one F32 tensor whose shape is [1, 1, ..., 1]: legal, validated, and refused by name when read (its rank) */
        LONG_SHAPE,
        /** empty F32 tensors [0] with distinct short names */
        MANY_TENSORS,
        /** one small tensor and a metadata map of short distinct keys with empty values */
        BIG_METADATA,
        /** one small tensor whose entry has an unknown field holding an object of short distinct keys */
        BIG_UNKNOWN_OBJECT
    }

    /**
     * Writes a safetensors file of the given kind whose header is exactly {@code headerBytes} long (padded with
     * spaces); the data buffer is 4 bytes (or empty).
     */
    static void write(Path file, Kind kind, int headerBytes) throws IOException {
        ByteArrayOutputStream h = new ByteArrayOutputStream(headerBytes);
        int budget = headerBytes - 200;   // room for the closing text
        boolean data = kind != Kind.MANY_TENSORS;
        switch (kind) {
            case LONG_SHAPE -> {
                ascii(h, "{\"a\":{\"dtype\":\"F32\",\"shape\":[1");
                while (h.size() + 2 < budget) ascii(h, ",1");
                ascii(h, "],\"data_offsets\":[0,4]}}");
            }
            case MANY_TENSORS -> {
                ascii(h, "{");
                for (long i = 0; h.size() < budget; i++) {
                    ascii(h, (i == 0 ? "\"" : ",\"") + Long.toString(i, 36) + "\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}");
                }
                ascii(h, "}");
            }
            case BIG_METADATA -> {
                ascii(h, "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"__metadata__\":{");
                for (long i = 0; h.size() < budget; i++) ascii(h, (i == 0 ? "\"" : ",\"") + Long.toString(i, 36) + "\":\"\"");
                ascii(h, "}}");
            }
            case BIG_UNKNOWN_OBJECT -> {
                ascii(h, "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"extra\":{");
                for (long i = 0; h.size() < budget; i++) ascii(h, (i == 0 ? "\"" : ",\"") + Long.toString(i, 36) + "\":0");
                ascii(h, "}}}");
            }
        }
        while (h.size() < headerBytes) h.write(' ');
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerBytes).array());
            h.writeTo(out);
            if (data) out.write(new byte[4]);
        }
    }

    private static void ascii(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * The child: reads the file with {@link SafeTensors#readContents} and prints one line, {@code loaded ...} or
     * {@code refused: MESSAGE} (then also whether the header alone, {@link SafeTensors#readMetadata}, is valid),
     * exiting 0 either way; it runs with {@code -XX:+ExitOnOutOfMemoryError}, so running out of heap exits with
     * code 3.
     */
    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        try {
            SafeTensors.Contents c = SafeTensors.readContents(file);
            System.out.println("loaded " + c.tensors().size() + " tensors, " + c.metadata().size() + " metadata entries");
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            String header;
            try {
                header = "the header alone is valid (" + SafeTensors.readMetadata(file).size() + " metadata entries)";
            } catch (IllegalArgumentException again) {
                header = "the header is invalid";
            }
            System.out.println("refused: " + (m.length() > 300 ? m.substring(0, 300) + "..." : m) + "; " + header);
        }
    }

    /** What a child run did. */
    record Run(int exitCode, String output) {
        boolean ok() {
            return exitCode == 0 && (output.startsWith("loaded") || output.startsWith("refused"));
        }
    }

    static Run runChild(Path file, String xmx) throws IOException, InterruptedException {
        List<String> cmd = ChildJvm.command(SafeTensorsLargeHeaderTest.class, List.of("-Xmx" + xmx, "-XX:+ExitOnOutOfMemoryError"),
                file.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return new Run(-1, "timed out");
        }
        String text = new String(out, StandardCharsets.UTF_8).lines().filter(l -> !l.startsWith("WARNING")).reduce((a, b) -> b).orElse("");
        return new Run(p.exitValue(), text);
    }

    /** The smallest heap, in MB, between {@code lo} (fails or untested) and {@code hi} (works), to within 8 MB. */
    static int minimumHeapMb(Path file, int lo, int hi) throws IOException, InterruptedException {
        while (hi - lo > 8) {
            int mid = (lo + hi) / 2;
            if (runChild(file, mid + "m").ok()) hi = mid;
            else lo = mid;
        }
        return hi;
    }

    private static void check(Path dir, int headerBytes, String xmx, boolean bisect) throws Exception {
        for (Kind kind : Kind.values()) {
            Path file = dir.resolve(kind + ".safetensors");
            write(file, kind, headerBytes);
            Run r = runChild(file, xmx);
            String line = kind + ": header " + headerBytes + " bytes, -Xmx" + xmx + ": exit " + r.exitCode() + ", " + r.output();
            if (bisect && r.ok()) line += "; smallest heap that works ≈ " + minimumHeapMb(file, 16, Integer.parseInt(xmx.replace("m", ""))) + " MB";
            System.out.println(line);
            assertTrue(r.ok(), line);
            if (kind == Kind.LONG_SHAPE) {
                assertTrue(r.output().contains("is more than tapegrad reads") && r.output().contains("the header alone is valid"), line);
            } else {
                assertTrue(r.output().startsWith("loaded"), line);
            }
            Files.delete(file);
        }
    }

    @Test
    void tenMegabyteHeadersLoadInA160MegabyteHeap(@TempDir Path dir) throws Exception {
        check(dir, 10_000_000, "160m", false);
    }

    @Test
    @Tag("probe")
    void headersAtTheLimitLoadInOneGigabyteAndTheSmallestHeapIsMeasured(@TempDir Path dir) throws Exception {
        check(dir, (int) SafeTensorHeader.MAX_HEADER_BYTES, "1024m", true);
    }

    @Test
    void theLargestTensorsAreRefusedByNameBeforeAllocating(@TempDir Path dir) throws IOException {
        // a legal header whose tensor has 2^31 - 1 one-byte elements, and a (sparse) file that really has them
        String[] headers = {
            "{\"big\":{\"dtype\":\"BOOL\",\"shape\":[2147483647],\"data_offsets\":[0,2147483647]}}",
            "{\"big\":{\"dtype\":\"U8\",\"shape\":[65536,32768],\"data_offsets\":[0,2147483648]}}",
        };
        for (String header : headers) {
            Path p = dir.resolve("big.safetensors");
            byte[] h = header.getBytes(StandardCharsets.US_ASCII);
            long dataBytes = Long.parseLong(header.replaceAll(".*\\[0,(\\d+)\\].*", "$1"));
            try (var f = new java.io.RandomAccessFile(p.toFile(), "rw")) {
                f.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
                f.write(h);
                f.setLength(8 + h.length + dataBytes);
            }
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> SafeTensors.read(p));
            assertTrue(e.getMessage().contains("'big'") && e.getMessage().contains("more than a Java array holds"), e.getMessage());
            assertEquals(Map.of(), SafeTensors.readMetadata(p), "the header itself is legal");
            Files.delete(p);
        }
    }
}
