package dev.tapegrad.train;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The {@code kill -9} probe of a saver. Each round starts a child JVM ({@link SaveLoop}) that saves the next
 * versions of the target in a loop, printing {@code saved V} after each save returns, and kills it at a moment
 * drawn from a seeded generator (0 to {@value #MAX_DELAY_MS} ms after it is ready). Then:
 * <ol>
 *   <li>the target must be absent (only before anything was ever saved), the last version the child reported, or
 *       the next one (killed after the rename, before the report), and load as exactly that version; anything else
 *       is a torn file;</li>
 *   <li>every other file in the target's folder is a temporary file the kill left (the folder holds nothing
 *       else; files of any name are counted, so a saver that does not use {@code AtomicFile} is measured too);</li>
 *   <li>this JVM saves the next version, as a restarted run would, which must read back and leave no other file
 *       in the folder.</li>
 * </ol>
 * The children run with their own {@code java.io.tmpdir}, which must be empty at the end.
 */
final class KillDuringSave {

    /** The kill moment is uniform in [0, this) milliseconds after the child is ready. */
    static final int MAX_DELAY_MS = 400;
    /** How long a child may take to start and print {@code ready}. */
    private static final int READY_TIMEOUT_S = 120;

    /**
     * What the kills did.
     *
     * @param kills               child JVMs killed
     * @param torn                targets found after a kill that were not absent, the last reported version or the
     *                            next, or did not load as exactly that version
     * @param leftoversBeforeSave temporary files found right after the kills, before the next save (summed)
     * @param leftoversAfterSave  temporary files found after the next save (summed)
     * @param childTmpLeftovers   files left in the children's {@code java.io.tmpdir}
     * @param problems            a description of each torn file or failed save
     */
    record Report(int kills, int torn, int leftoversBeforeSave, int leftoversAfterSave, int childTmpLeftovers, List<String> problems) {
        @Override
        public String toString() {
            return kills + " kills: " + torn + " torn files, " + leftoversBeforeSave + " temporary files left by the kills, "
                    + leftoversAfterSave + " left after the next save, " + childTmpLeftovers + " in the children's java.io.tmpdir"
                    + (problems.isEmpty() ? "" : " " + problems);
        }
    }

    private KillDuringSave() {}

    /** Kills {@code kills} children saving with {@code saver}, in folders made under {@code work}. */
    static Report run(SaverUnderTest saver, Path work, int kills) throws Exception {
        Path dir = Files.createDirectories(work.resolve("files"));
        Path childTmp = Files.createDirectories(work.resolve("child-tmp"));
        Path logs = Files.createDirectories(work.resolve("logs"));
        Path target = dir.resolve(saver.fileName);
        Random moments = new Random(saver.killSeed);
        long onDisk = 0;   // version in the target, 0 = absent
        int torn = 0, before = 0, after = 0;
        List<String> problems = new ArrayList<>();
        for (int k = 0; k < kills; k++) {
            Path errors = logs.resolve("child-" + k + ".err");
            Process p = new ProcessBuilder(ChildJvm.command(SaveLoop.class, List.of("-Xmx256m", "-Djava.io.tmpdir=" + childTmp),
                    saver.name(), target.toString(), Long.toString(onDisk + 1)))
                    .redirectError(errors.toFile()).start();
            AtomicLong reported = new AtomicLong(onDisk);
            CountDownLatch ready = new CountDownLatch(1);
            Thread lines = Thread.ofVirtual().start(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        if (line.equals("ready")) ready.countDown();
                        else if (line.startsWith("saved ")) reported.set(Long.parseLong(line.substring(6)));
                    }
                } catch (IOException e) {
                    // the child died: its output ends
                } finally {
                    ready.countDown();   // never leave the test waiting for a child that is gone
                }
            });
            if (!ready.await(READY_TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(saver + ": the child JVM did not start within " + READY_TIMEOUT_S + " s");
            }
            Thread.sleep(moments.nextInt(MAX_DELAY_MS));
            if (!p.isAlive()) {
                throw new IllegalStateException(saver + ": the child JVM exited with " + p.exitValue() + " before it was killed: "
                        + Files.readString(errors));
            }
            p.destroyForcibly();   // SIGKILL on Linux and macOS
            p.waitFor();
            lines.join();
            long last = reported.get();

            long found = -1;   // the version the kill left, -1 = torn
            if (!Files.exists(target)) {
                if (onDisk == 0 && last == 0) found = 0;
                else problems.add("kill " + k + ": the file vanished (last reported version " + last + ")");
            } else {
                try {
                    long v = saver.versionOf(target);
                    if (v == last || v == last + 1) found = v;
                    else problems.add("kill " + k + ": version " + v + " on disk, last reported " + last);
                } catch (Exception e) {
                    problems.add("kill " + k + ": " + e);
                }
            }
            if (found < 0) torn++;
            before += others(dir, target);

            // the next save, as the restarted run would do it, removes what the killed one left
            long next = (found < 0 ? last + 1 : found) + 1;
            saver.save(target, next);
            if (saver.versionOf(target) != next) problems.add("kill " + k + ": the next save (version " + next + ") did not read back");
            after += others(dir, target);
            onDisk = next;
        }
        int tmp;
        try (Stream<Path> files = Files.walk(childTmp)) {
            tmp = (int) files.filter(f -> !f.equals(childTmp)).count();
        }
        return new Report(kills, torn, before, after, tmp, problems);
    }

    /** How many files the folder holds besides the target. */
    private static int others(Path dir, Path target) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return (int) files.filter(f -> !f.equals(target)).count();
        }
    }
}
