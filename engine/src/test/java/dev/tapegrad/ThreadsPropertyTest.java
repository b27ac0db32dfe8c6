package dev.tapegrad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.kernels.ParallelPool;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A JVM started with any value of {@code -Dtapegrad.threads} runs ops. (Bad values once made the pool's
 * static initialiser throw, and every later op then failed with {@code NoClassDefFoundError} for the life of
 * the JVM.) The property is read once per JVM, so each value gets its own child JVM, which prints the
 * thread count and the result of a few ops.
 */
class ThreadsPropertyTest {

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "abc", "99999", "2"})
    void everyValueLeavesTheEngineUsable(String value) throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        int expected = switch (value) {
            case "2" -> Math.min(2, ParallelPool.maxThreads());
            case "99999" -> ParallelPool.maxThreads();
            default -> cores;
        };
        Result r = runChild(value);
        assertEquals(0, r.exit, r.toString());
        assertEquals("threads=" + expected + " sum=12.0 again=12.0", r.out.strip(), r.toString());
        List<String> warnings = r.err.lines().filter(l -> l.contains("tapegrad.threads")).toList();
        if (value.equals("2")) {
            assertEquals(List.of(), warnings, r.toString());
        } else {
            assertEquals(1, warnings.size(), "one warning, once: " + r);
            assertTrue(warnings.get(0).startsWith("tapegrad: ") && warnings.get(0).contains("-Dtapegrad.threads=" + value), r.toString());
        }
    }

    record Result(int exit, String out, String err) {}

    private static Result runChild(String value) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-modules");
        cmd.add("jdk.incubator.vector");
        cmd.add("-Dtapegrad.threads=" + value);
        cmd.add("-cp");
        cmd.add(location(Tensor.class) + java.io.File.pathSeparator + location(Child.class));
        cmd.add(Child.class.getName());
        // outputs go to files, so that a child that hangs is caught by the timeout instead of blocking a read
        Path outFile = java.nio.file.Files.createTempFile("threads-child", ".out"), errFile = java.nio.file.Files.createTempFile("threads-child", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(outFile.toFile()).redirectError(errFile.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("the child JVM with -Dtapegrad.threads=" + value + " did not finish in 60 s");
            }
            return new Result(p.exitValue(), java.nio.file.Files.readString(outFile), java.nio.file.Files.readString(errFile));
        } finally {
            java.nio.file.Files.deleteIfExists(outFile);
            java.nio.file.Files.deleteIfExists(errFile);
        }
    }

    private static String location(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    /** The child: the thread count, then a sum computed twice (the second op must work too). */
    public static final class Child {
        public static void main(String[] args) {
            Tensor x = Tensor.ones(DType.FLOAT32, 3, 4);
            double sum = x.sum().item();
            double again = x.add(x).mul(Tensor.of(new float[] {0.5f})).sum().item();
            System.out.println("threads=" + Parallelism.threads() + " sum=" + sum + " again=" + again);
        }
    }
}
