package dev.tapegrad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * On the class path the JVM needs {@code --add-modules jdk.incubator.vector}; without it the first op must stop
 * with one sentence naming that flag (not {@code NoClassDefFoundError: jdk/incubator/vector/Vector} from deep
 * inside a kernel). Each test starts a child JVM (the JDK running the tests) on the class path.
 */
class VectorModuleTest {
    /** The child JVM's program: one op, printed. */
    public static final class OneOp {
        public static void main(String[] args) {
            System.out.println(Tensor.of(new double[] {1, 2}).add(Tensor.of(new double[] {3, 4})));
        }
    }

    record Run(int exitCode, String out, String err) {}

    /** Runs {@link OneOp} in a child JVM on the class path (engine classes and test classes) with these flags. */
    private static Run runOnClassPath(String... jvmFlags) throws IOException, InterruptedException, URISyntaxException {
        String classPath = location(Tensor.class) + File.pathSeparator + location(OneOp.class);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:TieredStopAtLevel=1"); // start-up is all this JVM does
        command.addAll(List.of(jvmFlags));
        command.addAll(List.of("-cp", classPath, OneOp.class.getName()));
        // outputs go to files, so that a child that hangs is caught by the timeout instead of blocking a read
        java.nio.file.Path outFile = java.nio.file.Files.createTempFile("vector-child", ".out");
        java.nio.file.Path errFile = java.nio.file.Files.createTempFile("vector-child", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(outFile.toFile()).redirectError(errFile.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("child JVM did not finish in 60 s");
            }
            return new Run(p.exitValue(), java.nio.file.Files.readString(outFile, StandardCharsets.UTF_8),
                    java.nio.file.Files.readString(errFile, StandardCharsets.UTF_8));
        } finally {
            java.nio.file.Files.deleteIfExists(outFile);
            java.nio.file.Files.deleteIfExists(errFile);
        }
    }

    private static String location(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    @Test
    void withoutTheFlagTheFirstOpNamesIt() throws Exception {
        Run run = runOnClassPath();
        assertNotEquals(0, run.exitCode(), run.out());
        String firstLine = run.err().lines().findFirst().orElse("");
        assertEquals("Exception in thread \"main\" java.lang.NoClassDefFoundError: tapegrad needs the Vector API module"
                        + " jdk.incubator.vector, which this JVM was started without: add --add-modules"
                        + " jdk.incubator.vector to the java command (on the class path; on the module path the engine's"
                        + " module adds it)",
                firstLine, run.err());
        assertTrue(!run.err().contains("jdk/incubator/vector/Vector"), run.err());
    }

    @Test
    void withTheFlagTheSameProgramRuns() throws Exception {
        Run run = runOnClassPath("--add-modules", "jdk.incubator.vector");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("4") && run.out().contains("6"), run.out());
    }
}
