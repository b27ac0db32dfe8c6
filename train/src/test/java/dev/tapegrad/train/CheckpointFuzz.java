package dev.tapegrad.train;

import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import dev.tapegrad.nn.ActivationModule;
import dev.tapegrad.nn.Losses;
import dev.tapegrad.nn.Mlp;
import dev.tapegrad.nn.Sequential;
import dev.tapegrad.optim.Optimizer;
import dev.tapegrad.optim.Optimizers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Hostile checkpoint files and a referee for them, shared by the short tests and the long probes: each file is
 * loaded and restored into a fresh model; the outcome is "loaded the original state" (fine), "loaded a CHANGED
 * state" (must never happen), "rejected cleanly" ({@link CheckpointException}, with the model, optimizer and
 * generator untouched) or "crashed" (any other throwable, or a rejection that touched the model).
 */
final class CheckpointFuzz {
    private CheckpointFuzz() {}

    /** A small model, Adam and a generator. */
    record Setup(Sequential model, Optimizer opt, Generator gen) {
        static Setup fresh(long seed) {
            Generator gen = new Generator(seed);
            Sequential model = Mlp.builder(6).hidden(5, ActivationModule::tanh).out(3).build(gen);
            Optimizer opt = Optimizer.builder(Optimizers.adam()).params(model.namedParameters()).set("lr", 0.01).build();
            return new Setup(model, opt, gen);
        }

        /** A setup trained a few steps, so that every part of its state differs from a fresh one. */
        static Setup trained(long seed) {
            Setup s = fresh(seed);
            for (int i = 0; i < 3; i++) {
                s.opt.zeroGrad();
                Losses.mse(s.model.forward(Tensor.randn(s.gen, 4, 6)), Tensor.zeros(4, 3)).backward();
                s.opt.step();
            }
            return s;
        }

        /** Everything a restore may change, as text: weights, optimizer state bytes, generator words. */
        String fingerprint() {
            StringBuilder b = new StringBuilder();
            model.stateDict().forEach((k, t) -> b.append(k).append(Arrays.toString(t.toFloatArray())));
            return b.append(Arrays.toString(opt.stateDict().toBytes())).append(Arrays.toString(gen.stateDict())).toString();
        }

        Checkpoint checkpoint(long step, int epoch) {
            return Checkpoint.builder(model, opt, step).kind("probe").generator("shuffle", gen).field("epoch", epoch).build();
        }
    }

    /** Outcome counts. */
    static final class Counts {
        int tried, same, changed, rejected, crashed;
        final List<String> crashes = new ArrayList<>();

        @Override
        public String toString() {
            return String.format("tried %d: loaded the original state %d, loaded a CHANGED state %d, rejected cleanly %d, crashed %d",
                    tried, same, changed, rejected, crashed);
        }
    }

    /** The referee: loads {@code bytes} as a checkpoint with the given entry limit and sorts the outcome into {@code c}. */
    static void classify(Path dir, byte[] bytes, String want, long limit, Counts c) throws IOException {
        Path file = dir.resolve("mutated.ckpt");
        Files.write(file, bytes);
        Setup s = Setup.fresh(1);
        String before = s.fingerprint();
        c.tried++;
        try {
            Checkpoint ck = Checkpoint.load(file, limit);
            ck.requireKind("probe");
            long epoch = ck.longField("epoch", 0, 10);
            ck.restoreInto(s.model, s.opt, Map.of("shuffle", s.gen));
            if ((s.fingerprint() + "|" + ck.step() + "|" + epoch).equals(want)) c.same++;
            else c.changed++;
        } catch (CheckpointException e) {
            if (s.fingerprint().equals(before)) {
                c.rejected++;
            } else {
                c.crashed++;
                c.crashes.add("rejected but the model was changed: " + e.getMessage());
            }
        } catch (Throwable t) {
            c.crashed++;
            if (c.crashes.size() < 5) c.crashes.add(t.toString());
        }
    }

    /** What {@link #classify} compares a loaded state with. */
    static String want(Setup s, long step, int epoch) {
        return s.fingerprint() + "|" + step + "|" + epoch;
    }

    /** The entries of a zip, by name, in order. */
    static Map<String, byte[]> entries(byte[] zip) throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        try (ZipInputStream z = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = z.getNextEntry()) != null; ) m.put(e.getName(), z.readAllBytes());
        }
        return m;
    }

    /** A zip of these entries, in order (names may repeat: each pair is one entry). */
    static byte[] zip(List<Map.Entry<String, byte[]>> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // ZipOutputStream refuses a repeated name; the stream of local entries is written by hand around it
        for (int i = 0; i < entries.size(); i++) {
            ByteArrayOutputStream one = new ByteArrayOutputStream();
            try (ZipOutputStream z = new ZipOutputStream(one)) {
                z.putNextEntry(new ZipEntry(entries.get(i).getKey()));
                z.write(entries.get(i).getValue());
                z.closeEntry();
            }
            byte[] b = one.toByteArray();
            // keep the local entry (and its data descriptor) and drop the central directory, except for the last entry
            out.write(b, 0, i == entries.size() - 1 ? b.length : centralDirectoryStart(b));
        }
        return out.toByteArray();
    }

    private static int centralDirectoryStart(byte[] b) {
        for (int i = 0; i + 4 <= b.length; i++) {
            if (b[i] == 0x50 && b[i + 1] == 0x4b && b[i + 2] == 0x01 && b[i + 3] == 0x02) return i;
        }
        throw new IllegalStateException("no central directory");
    }

    static byte[] zip(Map<String, byte[]> entries) throws IOException {
        return zip(new ArrayList<>(entries.entrySet()));
    }

    /** The valid checkpoint with {@code progress.txt} replaced by {@code text}. */
    static byte[] withProgress(Map<String, byte[]> good, String text) throws IOException {
        Map<String, byte[]> e = new LinkedHashMap<>(good);
        e.put(Checkpoint.PROGRESS, text.getBytes(StandardCharsets.UTF_8));
        return zip(e);
    }

    /**
     * A zip of the valid entries except that {@code name} inflates to {@code bytes} zero bytes (a "zip bomb":
     * deflate shrinks zeros about a thousandfold).
     */
    static byte[] bomb(Map<String, byte[]> good, String name, long bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            z.setLevel(9);
            for (var e : good.entrySet()) {
                if (e.getKey().equals(name)) continue;
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
            z.putNextEntry(new ZipEntry(name));
            byte[] zeros = new byte[1 << 20];
            for (long done = 0; done < bytes; done += zeros.length) z.write(zeros, 0, (int) Math.min(zeros.length, bytes - done));
            z.closeEntry();
        }
        return out.toByteArray();
    }

    /** progress.txt variants whose numbers or structure are out of range, each with what makes it wrong. */
    static Map<String, String> badProgress(String good) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("epoch beyond the run", good.replaceAll("epoch=\\d+", "epoch=2147483647"));
        m.put("negative epoch", good.replaceAll("epoch=\\d+", "epoch=-1"));
        m.put("negative step", good.replaceAll("step=\\d+", "step=-5"));
        m.put("step beyond a long", good.replaceAll("step=\\d+", "step=99999999999999999999"));
        m.put("step not a number", good.replaceAll("step=\\d+", "step=3x"));
        m.put("no step", good.replaceAll("step=\\d+\n", ""));
        m.put("duplicate step", good + "step=4\n");
        m.put("duplicate epoch", good + "epoch=0\n");
        m.put("other format", good.replace("format=1", "format=2"));
        m.put("no format", good.replace("format=1\n", ""));
        m.put("other kind", good.replace("kind=probe", "kind=digits"));
        m.put("all-zero generator", good.replaceAll("generator.shuffle=[^\n]*", "generator.shuffle=0,0,0,0,0,0"));
        m.put("short generator", good.replaceAll("generator.shuffle=([^,\n]*),[^\n]*", "generator.shuffle=$1"));
        m.put("generator flag 2", good.replaceAll("(generator.shuffle=(?:[^,\n]*,){5})[^\n]*", "$12"));
        m.put("missing generator", good.replaceAll("generator.shuffle=[^\n]*\n", ""));
        m.put("extra generator", good + "generator.other=1,2,3,4,0,0\n");
        m.put("a line without =", good + "junk\n");
        m.put("cut before the last line break", good.substring(0, good.length() - 1));
        m.put("empty", "");
        return m;
    }

    /** {@code bytes} with bit {@code bit} flipped. */
    static byte[] flip(byte[] bytes, int bit) {
        byte[] m = bytes.clone();
        m[bit / 8] ^= (byte) (1 << (bit % 8));
        return m;
    }

    /**
     * Runs every kind of mutation of one valid checkpoint: {@code flips} random single-bit flips (seeded),
     * truncations every {@code stride} bytes, each entry duplicated (first and last), bad progress lines and
     * numbers, and zip bombs of {@code bombBytes} in each entry and in an unexpected one (each loaded with the
     * launcher's limit and with the default limit); returns the counts by kind.
     */
    static Map<String, Counts> run(Path dir, int flips, int stride, long bombBytes) throws IOException {
        Setup s = Setup.trained(7);
        Path good = dir.resolve("good.ckpt");
        s.checkpoint(3, 1).save(good);
        String want = want(s, 3, 1);
        byte[] bytes = Files.readAllBytes(good);
        long limit = Checkpoint.entryLimitFor(s.model);
        Map<String, Counts> out = new LinkedHashMap<>();

        Counts flipped = new Counts();
        Random rnd = new Random(2024);
        for (int i = 0; i < flips; i++) classify(dir, flip(bytes, rnd.nextInt(bytes.length * 8)), want, limit, flipped);
        out.put("single-bit flips", flipped);

        Counts cut = new Counts();
        for (int len = 0; len < bytes.length; len += stride) classify(dir, Arrays.copyOf(bytes, len), want, limit, cut);
        out.put("truncations", cut);

        Map<String, byte[]> entries = entries(bytes);
        Setup other = Setup.trained(8);
        Map<String, byte[]> otherEntries = entries(toBytes(dir, other.checkpoint(5, 2)));
        Counts dup = new Counts();
        for (String name : entries.keySet()) {
            List<Map.Entry<String, byte[]>> list = new ArrayList<>(entries.entrySet());
            list.add(Map.entry(name, otherEntries.get(name)));           // a second copy, last
            classify(dir, zip(list), want, limit, dup);
            List<Map.Entry<String, byte[]>> first = new ArrayList<>();
            first.add(Map.entry(name, otherEntries.get(name)));          // a second copy, first
            first.addAll(entries.entrySet());
            classify(dir, zip(first), want, limit, dup);
        }
        out.put("duplicate entries", dup);

        Counts range = new Counts();
        String progress = new String(entries.get(Checkpoint.PROGRESS), StandardCharsets.UTF_8);
        for (String bad : badProgress(progress).values()) classify(dir, withProgress(entries, bad), want, limit, range);
        out.put("out-of-range numbers and bad progress lines", range);

        Counts bombs = new Counts();
        for (String name : List.of(Checkpoint.MODEL, Checkpoint.OPTIMIZER, Checkpoint.PROGRESS, "unexpected.bin")) {
            byte[] bomb = bomb(entries, name, bombBytes);
            classify(dir, bomb, want, limit, bombs);                      // the launcher's limit, from the model
            classify(dir, bomb, want, Checkpoint.DEFAULT_MAX_ENTRY_BYTES, bombs); // the library's default limit
        }
        out.put("zip bombs (" + (bombBytes >> 20) + " MiB inflated)", bombs);
        return out;
    }

    static byte[] toBytes(Path dir, Checkpoint c) throws IOException {
        Path p = dir.resolve("other.ckpt");
        c.save(p);
        return Files.readAllBytes(p);
    }
}
