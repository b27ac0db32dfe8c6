package dev.tapegrad.train;

import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import dev.tapegrad.nn.Activation;
import dev.tapegrad.nn.Losses;
import dev.tapegrad.nn.Mlp;
import dev.tapegrad.nn.Sequential;
import dev.tapegrad.optim.Optimizer;
import dev.tapegrad.optim.Optimizers;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Measures the checkpoint loader before hardening: mutated files, and whether a failed load left the model changed. */
@Tag("probe")
class OldCheckpointProbe {
    @TempDir
    Path tmp;

    record Setup(Sequential model, Optimizer opt, Generator gen) {}

    static Setup setup(long seed) {
        Generator gen = new Generator(seed);
        Sequential model = Mlp.builder(6).hidden(5, Activation::tanh).out(3).build(gen);
        Optimizer opt = Optimizer.builder(Optimizers.adam()).params(model.namedParameters()).set("lr", 0.01).build();
        return new Setup(model, opt, gen);
    }

    static String fingerprint(Setup s) {
        StringBuilder b = new StringBuilder();
        s.model().stateDict().forEach((k, t) -> b.append(k).append(Arrays.toString(t.toFloatArray())));
        b.append(Arrays.toString(s.opt().state().toBytes())).append(Arrays.toString(s.gen().state()));
        return b.toString();
    }

    String counts = "";

    @Test
    void probe() throws Exception {
        Setup a = setup(1);
        for (int i = 0; i < 3; i++) {
            a.opt().zeroGrad();
            Losses.mse(a.model().forward(Tensor.randn(a.gen(), 4, 6)), Tensor.zeros(4, 3)).backward();
            a.opt().step();
        }
        Path good = tmp.resolve("good.ckpt");
        Checkpoint.save(good, a.model(), a.opt(), a.gen(), new Checkpoint.Progress(3, 1));
        String want = fingerprint(a) + "|3|1";
        byte[] bytes = Files.readAllBytes(good);
        int[] r = new int[5]; // loaded-same, loaded-changed, clean-reject, crash, failed-but-model-touched
        Random rnd = new Random(42);
        int flips = 2000;
        for (int i = 0; i < flips; i++) {
            byte[] m = bytes.clone();
            int bit = rnd.nextInt(m.length * 8);
            m[bit / 8] ^= (byte) (1 << (bit % 8));
            classify(m, want, r);
        }
        report("flips", flips, r);
        r = new int[5];
        int truncs = 0;
        for (int len = 0; len < bytes.length; len += Math.max(1, bytes.length / 1000)) {
            classify(Arrays.copyOf(bytes, len), want, r);
            truncs++;
        }
        report("truncations", truncs, r);
        r = new int[5];
        // duplicates: each entry written twice (second copy from another checkpoint)
        Setup b = setup(7);
        Path other = tmp.resolve("other.ckpt");
        Checkpoint.save(other, b.model(), b.opt(), b.gen(), new Checkpoint.Progress(5, 2));
        Map<String, byte[]> e1 = entries(bytes), e2 = entries(Files.readAllBytes(other));
        for (String dup : e1.keySet()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ZipOutputStream z = new ZipOutputStream(out)) {
                for (var e : e1.entrySet()) put(z, e.getKey(), e.getValue());
                put(z, dup, e2.get(dup));
            } catch (java.util.zip.ZipException ex) { // ZipOutputStream refuses duplicates: write raw
                out = null;
            }
            if (out != null) classify(out.toByteArray(), want, r);
            else classify(rawDuplicate(e1, dup, e2.get(dup)), want, r);
        }
        report("duplicates", e1.size(), r);
        r = new int[5];
        for (String p : new String[] {"step=3\nepoch=2147483647", "step=-5\nepoch=1", "step=3\nepoch=-7", "step=99999999999999999999\nepoch=1"}) {
            Map<String, byte[]> e = new java.util.LinkedHashMap<>(e1);
            String text = new String(e.get("progress.txt"), StandardCharsets.UTF_8).replaceAll("step=.*\n", "").replaceAll("epoch=.*\n", "") + p + "\n";
            e.put("progress.txt", text.getBytes(StandardCharsets.UTF_8));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ZipOutputStream z = new ZipOutputStream(out)) {
                for (var x : e.entrySet()) put(z, x.getKey(), x.getValue());
            }
            classify(out.toByteArray(), want, r);
        }
        report("out-of-range numbers (accepted = loaded-same + loaded-changed)", 4, r);
        r = new int[5];
        for (String name : new String[] {"junk.bin", "optimizer.bin"}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ZipOutputStream z = new ZipOutputStream(out)) {
                z.setLevel(9);
                for (var x : e1.entrySet()) if (!x.getKey().equals(name)) put(z, x.getKey(), x.getValue());
                z.putNextEntry(new ZipEntry(name));
                byte[] zeros = new byte[1 << 20];
                for (int i = 0; i < 3 * 1024; i++) z.write(zeros); // 3 GiB inflated
                z.closeEntry();
            }
            System.err.println("bomb " + name + ": " + out.size() + " bytes");
            classify(out.toByteArray(), want, r);
        }
        report("bombs (3 GiB inflated)", 2, r);
        Files.writeString(Path.of(System.getProperty("probe.out", tmp.resolve("x").toString())), counts);
        System.err.println(counts);
    }

    void report(String what, int n, int[] r) {
        counts += String.format("%s: tried %d, loaded same %d, loaded CHANGED %d, clean reject %d, crash/raw %d, failed but model touched %d%n",
                what, n, r[0], r[1], r[2], r[3], r[4]);
    }

    void classify(byte[] file, String want, int[] r) throws Exception {
        Path p = tmp.resolve("m.ckpt");
        Files.write(p, file);
        Setup s = setup(1);
        String before = fingerprint(s);
        try {
            Checkpoint.Progress pr = Checkpoint.load(p, s.model(), s.opt(), s.gen());
            r[(fingerprint(s) + "|" + pr.step() + "|" + pr.epoch()).equals(want) ? 0 : 1]++;
            return;
        } catch (IllegalArgumentException e) {
            r[2]++;
        } catch (Throwable t) {
            r[3]++;
        }
        if (!fingerprint(s).equals(before)) r[4]++;
    }

    static Map<String, byte[]> entries(byte[] zip) throws Exception {
        Map<String, byte[]> m = new java.util.LinkedHashMap<>();
        try (ZipInputStream z = new ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = z.getNextEntry()) != null; ) m.put(e.getName(), z.readAllBytes());
        }
        return m;
    }

    static void put(ZipOutputStream z, String name, byte[] data) throws Exception {
        z.putNextEntry(new ZipEntry(name));
        z.write(data);
        z.closeEntry();
    }

    /** A zip whose entries are e, then a second entry named dup: two zips concatenated at the local-entry level. */
    static byte[] rawDuplicate(Map<String, byte[]> e, String dup, byte[] second) throws Exception {
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(first)) {
            for (var x : e.entrySet()) put(z, x.getKey(), x.getValue());
        }
        ByteArrayOutputStream extra = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(extra)) {
            put(z, dup, second);
        }
        // local entries of the first zip (up to its central directory), then the second zip whole
        byte[] f = first.toByteArray();
        int cen = lastIndexOf(f, new byte[] {0x50, 0x4b, 0x01, 0x02});
        int start = cen;
        while (true) { // first central header
            int prev = lastIndexOf(Arrays.copyOf(f, start), new byte[] {0x50, 0x4b, 0x01, 0x02});
            if (prev < 0) break;
            start = prev;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(f, 0, start);
        out.write(extra.toByteArray());
        return out.toByteArray();
    }

    static int lastIndexOf(byte[] a, byte[] pat) {
        for (int i = a.length - pat.length; i >= 0; i--) {
            boolean ok = true;
            for (int j = 0; j < pat.length && ok; j++) ok = a[i + j] == pat[j];
            if (ok) return i;
        }
        return -1;
    }
}
