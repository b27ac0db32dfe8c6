package dev.tapegrad.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file so that a reader only ever sees the old content or the complete new content, never a torn
 * mixture, whatever happens to the process (an exception, {@code kill -9}, a power cut after the call returned).
 *
 * <p>The recipe, used by every saver in tapegrad (safetensors, optimizer state, checkpoints):
 * <ol>
 *   <li>write the new bytes to a temporary file <em>in the target's directory</em> (so the rename below stays
 *       on one file system), named {@code .<target name>.tapegrad-<random>.tmp} so that anyone can tell it apart;
 *   <li>{@code fsync} the temporary file: its bytes are on disk before its name is;
 *   <li>rename it over the target ({@code rename(2)} is atomic on POSIX file systems);
 *   <li>{@code fsync} the directory, so that the rename itself survives a crash.
 * </ol>
 * A writer holds an exclusive lock on its temporary file while it works. A process killed half-way leaves its
 * temporary file behind; the next save of the same target deletes such leftovers, recognising them by name and
 * by the fact that nobody holds their lock any more (the operating system drops the locks of a dead process), so
 * a save running concurrently in another process is never disturbed (a file deleted by another process's cleaner
 * in the moment between its creation and its lock is noticed, and the save starts again under a new name); files
 * this JVM is writing are never opened by its own cleaners.
 *
 * <p>Thread safety: all methods are static and may be called from any thread; two concurrent saves of one target
 * each write a complete file and the last rename wins.
 */
public final class AtomicFile {
    private static final String MARK = ".tapegrad-";
    private static final String SUFFIX = ".tmp";
    /** Temporary files this JVM is writing right now. */
    private static final java.util.Set<Path> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Writes the whole content of a file through a channel positioned at 0. */
    @FunctionalInterface
    public interface Content {
        /**
         * Writes the content.
         *
         * @param channel a channel open for writing on the temporary file
         * @throws IOException when writing fails; the target is then left untouched
         */
        void writeTo(FileChannel channel) throws IOException;
    }

    private AtomicFile() {}

    /**
     * Replaces {@code target} with {@code bytes} atomically.
     *
     * @param target the file to create or replace; its directory must exist
     * @param bytes  the complete new content
     * @throws IOException when the file cannot be written; the target then keeps its old content
     */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, ch -> {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) ch.write(buf);
        });
    }

    /**
     * Replaces {@code target} with what {@code content} writes, atomically (see the class comment), and removes
     * temporary files that earlier, crashed saves of the same target left behind.
     *
     * @param target  the file to create or replace; its directory must exist
     * @param content writes the complete new content
     * @throws IOException when the file cannot be written; the target then keeps its old content
     */
    public static void write(Path target, Content content) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null || !Files.isDirectory(dir)) throw new NoSuchFileException(String.valueOf(dir), null, "the directory of " + abs + " does not exist");
        if (Files.isDirectory(abs)) throw new IOException(abs + " is a directory");
        removeLeftovers(abs);
        Path tmp = null;
        boolean moved = false;
        try {
            for (int attempt = 0; !moved; attempt++) {
                tmp = reserveTemporary(abs);
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                     FileLock lock = ch.lock()) {
                    // Another process's cleaner may have taken the file for a leftover between its creation and
                    // our lock, and deleted it: then start again under a new name.
                    if (!Files.exists(tmp)) {
                        if (attempt == 100) throw new IOException("temporary files next to " + abs + " keep disappearing");
                        continue;
                    }
                    content.writeTo(ch);
                    ch.force(true);
                    // rename while we still hold the lock: nobody may take this file for a leftover
                    Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    moved = true;
                } finally {
                    if (!moved) Files.deleteIfExists(tmp);
                    LIVE.remove(tmp);
                }
            }
            syncDirectory(dir);
        } finally {
            if (tmp != null) LIVE.remove(tmp);
        }
    }

    /**
     * Checks, without touching {@code target}, that a save to it could succeed: the directory exists and a file
     * can be created in it. Programs call this before long work whose result they will save.
     *
     * @param target the file a later {@link #write} will replace
     * @throws IOException naming the reason when the target cannot be written
     */
    public static void checkWritable(Path target) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null || !Files.isDirectory(dir)) throw new NoSuchFileException(String.valueOf(abs), null, "its directory does not exist");
        if (Files.isDirectory(abs)) throw new IOException(abs + " is a directory");
        if (Files.exists(abs) && !Files.isWritable(abs) && !Files.isWritable(dir)) throw new IOException(abs + " is not writable");
        Path probe = reserveTemporary(abs);
        try {
            Files.createFile(probe);
            Files.delete(probe);
        } finally {
            LIVE.remove(probe);
        }
    }

    /** Whether {@code file}'s name is that of a temporary file of {@link #write} (live or left behind by a crash). */
    public static boolean isTemporary(Path file) {
        String name = file.getFileName().toString();
        return name.startsWith(".") && name.contains(MARK) && name.endsWith(SUFFIX);
    }

    /**
     * Deletes the temporary files that crashed saves of {@code target} left in its directory. Files still locked
     * by a live writer (in this or another process) are kept.
     *
     * @param target the file whose leftovers to remove
     * @return how many files were deleted
     */
    public static int removeLeftovers(Path target) {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null) return 0;
        int removed = 0;
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(dir, leftoverGlob(abs.getFileName().toString()))) {
            for (Path p : leftovers) {
                if (deleteIfAbandoned(p)) removed++;
            }
        } catch (IOException | UncheckedIOException e) {
            // cleaning up is a courtesy: a directory we cannot list simply keeps its leftovers
        }
        return removed;
    }

    private static boolean deleteIfAbandoned(Path p) {
        // A file this JVM is writing is never opened here: closing a second channel on a file can release the
        // writer's lock (POSIX locks belong to the process), which would expose it to other processes' cleaners.
        if (LIVE.contains(p)) return false;
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            FileLock lock = ch.tryLock();
            if (lock == null) return false;              // another process is writing it
            try {
                Files.deleteIfExists(p);
                return true;
            } finally {
                lock.release();
            }
        } catch (OverlappingFileLockException e) {
            return false;                                // a thread of this JVM is writing it
        } catch (IOException e) {
            return false;
        }
    }

    /** The glob for the leftovers of one target, with the glob's special characters of the name escaped. */
    private static String leftoverGlob(String name) {
        StringBuilder escaped = new StringBuilder();
        for (char c : name.toCharArray()) {
            if ("*?[]{}\\".indexOf(c) >= 0) escaped.append('\\');
            escaped.append(c);
        }
        return "." + escaped + MARK + "*" + SUFFIX;
    }

    /**
     * A fresh temporary name next to {@code target}, registered as written by this JVM (so that this JVM's
     * cleaners leave it alone) before anything exists under it; the caller creates the file and removes the name
     * from {@link #LIVE} when done.
     */
    private static Path reserveTemporary(Path target) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path tmp = target.resolveSibling("." + target.getFileName() + MARK
                    + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1) + SUFFIX);
            if (!Files.exists(tmp) && LIVE.add(tmp)) return tmp;
            if (attempt == 100) throw new FileAlreadyExistsException(tmp.toString());
        }
    }

    /** Forces the directory entry of the rename to disk where the platform allows it (Linux does). */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not supported on this platform (Windows): the rename itself is still atomic
        }
    }
}
