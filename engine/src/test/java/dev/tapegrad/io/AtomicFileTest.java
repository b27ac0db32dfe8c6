package dev.tapegrad.io;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
    @TempDir Path dir;

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void writesAndReplacesLeavingOnlyTheTarget() throws IOException {
        Path f = dir.resolve("a.bin");
        AtomicFile.write(f, "one".getBytes(StandardCharsets.UTF_8));
        AtomicFile.write(f, "two!".getBytes(StandardCharsets.UTF_8));
        assertEquals("two!", Files.readString(f));
        assertEquals(List.of(f), files());
    }

    @Test
    void aFailingWriterKeepsTheOldContentAndLeavesNoTemporary() throws IOException {
        Path f = dir.resolve("a.bin");
        AtomicFile.write(f, "old".getBytes(StandardCharsets.UTF_8));
        IOException e = assertThrows(IOException.class, () -> AtomicFile.write(f, ch -> {
            ch.write(ByteBuffer.wrap("half".getBytes(StandardCharsets.UTF_8)));
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertEquals("old", Files.readString(f));
        assertEquals(List.of(f), files());
    }

    @Test
    void leftoversOfCrashedSavesAreRemovedOnTheNextSave() throws IOException {
        Path f = dir.resolve("model.safetensors");
        Path crashed1 = dir.resolve(".model.safetensors.tapegrad-1234.tmp");
        Path crashed2 = dir.resolve(".model.safetensors.tapegrad-abcd.tmp");
        Path otherTarget = dir.resolve(".other.tapegrad-1.tmp");
        Path unrelated = dir.resolve(".model.safetensors.swp");
        for (Path p : List.of(crashed1, crashed2, otherTarget, unrelated)) Files.writeString(p, "x");
        assertTrue(AtomicFile.isTemporary(crashed1));
        assertFalse(AtomicFile.isTemporary(unrelated));
        AtomicFile.write(f, new byte[] {1, 2, 3});
        assertFalse(Files.exists(crashed1));
        assertFalse(Files.exists(crashed2));
        assertTrue(Files.exists(otherTarget), "leftovers of another target are that target's business");
        assertTrue(Files.exists(unrelated));
    }

    @Test
    void aTemporaryFileStillLockedByALiveWriterIsKept() throws IOException {
        Path f = dir.resolve("x.bin");
        Path live = dir.resolve(".x.bin.tapegrad-77.tmp");
        Files.writeString(live, "in progress");
        try (FileChannel ch = FileChannel.open(live, StandardOpenOption.WRITE); FileLock lock = ch.lock()) {
            assertEquals(0, AtomicFile.removeLeftovers(f));
            AtomicFile.write(f, new byte[] {7});
            assertTrue(Files.exists(live));
        }
        assertEquals(1, AtomicFile.removeLeftovers(f));
        assertFalse(Files.exists(live));
    }

    @Test
    void namesWithGlobCharactersAreMatchedLiterally() throws IOException {
        Path f = dir.resolve("run[1]*.bin");
        Path leftover = dir.resolve(".run[1]*.bin.tapegrad-5.tmp");
        Path lookalike = dir.resolve(".run1x.bin.tapegrad-5.tmp");
        Files.writeString(leftover, "x");
        Files.writeString(lookalike, "x");
        AtomicFile.write(f, new byte[] {1});
        assertFalse(Files.exists(leftover));
        assertTrue(Files.exists(lookalike));
    }

    @Test
    void checkWritableRefusesAMissingDirectoryAndADirectoryTarget() throws IOException {
        assertThrows(IOException.class, () -> AtomicFile.checkWritable(dir.resolve("missing/a.bin")));
        assertThrows(IOException.class, () -> AtomicFile.checkWritable(dir));
        AtomicFile.checkWritable(dir.resolve("fine.bin"));
        assertEquals(List.of(), files(), "the probe leaves nothing behind");
        assertThrows(IOException.class, () -> AtomicFile.write(dir.resolve("missing/a.bin"), new byte[0]));
    }

    @Test
    void concurrentSavesOfOneTargetAllSucceedAndLeaveOneCompleteFile() throws Exception {
        Path f = dir.resolve("shared.bin");
        int threads = 4, rounds = 300, size = 16 << 10;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                byte fill = (byte) (t + 1);
                done.add(pool.submit(() -> {
                    byte[] bytes = new byte[size];
                    java.util.Arrays.fill(bytes, fill);
                    for (int r = 0; r < rounds; r++) AtomicFile.write(f, bytes); // a failed save throws here
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> d : done) d.get();
        } finally {
            pool.shutdownNow();
        }
        byte[] last = Files.readAllBytes(f);
        assertEquals(size, last.length);
        for (byte b : last) assertEquals(last[0], b, "one writer's complete content, not a mixture");
        assertEquals(List.of(f), files(), "no temporary file left");
    }
}
