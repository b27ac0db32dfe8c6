package dev.tapegrad.nn;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The {@code kill -9} probe of a saver: a child JVM saves versions 1, 2, 3, ... of a file in a loop, printing
 * {@code saved V} after each save returns, and is killed at a random moment (seeded delays); then the file must
 * be absent (nothing saved yet), the last version the child reported, or the next one (killed after the rename,
 * before the report): anything else, or a file that does not read back exactly, is torn. Temporary files left
 * by the kill (every other file in the folder) are counted before the next save removes them, and after one final
 * save none may remain.
 *
 * <p>Child protocol: {@code main(target, firstVersion)} prints {@code ready}, then saves from
 * {@code firstVersion} upwards forever.
 */
final class KillDuringSave {

    /** Reads a saved file: returns its version, or throws when it is not a complete, exact file of some version. */
    interface Reader {
        long versionOf(Path file) throws Exception;
    }

    /** Saves version {@code v} in this JVM (for the final save). */
    interface Saver {
        void save(Path file, long v) throws Exception;
    }

    /**
     * What the kills did.
     *
     * @param kills                 child JVMs killed
     * @param torn                  files afterwards neither absent, nor the last reported version, nor the next
     * @param leftoversBeforeSave   distinct temporary files found right after a kill, before the next save
     * @param leftoversAfterSave    temporary files after one more save
     * @param problems              a description of each torn file
     */
    record Report(int kills, int torn, int leftoversBeforeSave, int leftoversAfterSave, List<String> problems) {
        @Override
        public String toString() {
            return kills + " kills: " + torn + " torn files, " + leftoversBeforeSave + " temporary files left by the kills, "
                    + leftoversAfterSave + " left after one more save" + (problems.isEmpty() ? "" : " " + problems);
        }
    }

    private KillDuringSave() {}

    static Report run(Class<?> child, Path dir, String fileName, int kills, long seed, int maxDelayMs, Reader reader, Saver saver)
            throws Exception {
        Path target = dir.resolve(fileName);
        Random random = new Random(seed);
        long onDisk = 0;   // version in the file, 0 = absent
        int torn = 0;
        Set<String> leftovers = new HashSet<>();   // names of temporary files seen after kills
        List<String> problems = new ArrayList<>();
        for (int k = 0; k < kills; k++) {
            Process p = new ProcessBuilder(ChildJvm.command(child, List.of("-Xmx256m"), target.toString(), Long.toString(onDisk + 1)))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            AtomicLong reported = new AtomicLong(onDisk);
            Object ready = new Object();
            boolean[] isReady = {false};
            Thread lines = Thread.ofVirtual().start(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        if (line.equals("ready")) {
                            synchronized (ready) {
                                isReady[0] = true;
                                ready.notifyAll();
                            }
                        } else if (line.startsWith("saved ")) {
                            reported.set(Long.parseLong(line.substring(6)));
                        }
                    }
                } catch (IOException e) {
                    // the child died: its output ends
                }
            });
            synchronized (ready) {
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (!isReady[0] && System.nanoTime() < until && p.isAlive()) ready.wait(100);
            }
            Thread.sleep(random.nextInt(maxDelayMs));
            p.destroyForcibly();   // SIGKILL on Linux and macOS
            p.waitFor();
            lines.join();
            long last = reported.get();
            leftovers.addAll(others(dir, target));
            if (!Files.exists(target)) {
                if (onDisk != 0 || last != 0) {
                    torn++;
                    problems.add("kill " + k + ": the file vanished (last reported version " + last + ")");
                }
                continue;
            }
            try {
                long v = reader.versionOf(target);
                if (v != last && v != last + 1) {
                    torn++;
                    problems.add("kill " + k + ": version " + v + " on disk, last reported " + last);
                }
                onDisk = v;
            } catch (Exception e) {
                torn++;
                problems.add("kill " + k + ": " + e);
                return new Report(k + 1, torn, leftovers.size(), -1, problems);   // cannot go on from a torn file
            }
        }
        saver.save(target, onDisk + 1);
        if (reader.versionOf(target) != onDisk + 1) problems.add("the final save did not read back");
        return new Report(kills, torn, leftovers.size(), others(dir, target).size(), problems);
    }

    /**
     * The files in the folder other than the target: temporary files of interrupted saves, whatever their names
     * (the probe's folder holds nothing else).
     */
    static List<String> others(Path dir, Path target) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(name -> !name.equals(target.getFileName().toString())).toList();
        }
    }
}
