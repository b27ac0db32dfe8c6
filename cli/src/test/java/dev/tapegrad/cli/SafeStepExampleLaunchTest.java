package dev.tapegrad.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The launcher knows the safestep example (the experiment itself is tested, in small, in the examples module). */
class SafeStepExampleLaunchTest {

    @Test
    void exampleHelpListsSafestep() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"example", "--help"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(Main.OK, status, err.toString(StandardCharsets.UTF_8));
        String help = out.toString(StandardCharsets.UTF_8);
        assertTrue(help.contains("safestep"), help);
    }
}
