package dev.tapegrad.train;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The command line that runs a test class's {@code main} in a fresh JVM: the same {@code java} executable as
 * this test JVM, and a class path made of everything this JVM sees (its class path, its module path, and the
 * folder of the test classes, which surefire patches into the module rather than listing).
 */
final class ChildJvm {
    private ChildJvm() {}

    /** {@code java [jvmArgs] --add-modules jdk.incubator.vector -cp ... main.getName() [args]}. */
    static List<String> command(Class<?> main, List<String> jvmArgs, String... args) {
        Set<String> path = new LinkedHashSet<>();
        try {
            path.add(Path.of(main.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        for (String property : new String[] {"jdk.module.path", "java.class.path"}) {
            String value = System.getProperty(property, "");
            for (String entry : value.split(File.pathSeparator)) if (!entry.isBlank()) path.add(entry);
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElseThrow(() -> new IllegalStateException("cannot tell this JVM's java command")));
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("--add-modules", "jdk.incubator.vector", "-cp", String.join(File.pathSeparator, path), main.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }
}
