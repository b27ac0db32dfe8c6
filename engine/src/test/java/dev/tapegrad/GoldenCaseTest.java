package dev.tapegrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fixture parser: records with and without the optional forward-mode lines, and inconsistent ones refused. */
class GoldenCaseTest {
    /** A reverse-mode-only record, as the fixtures were before they had tangents. */
    private static final String OLD = """
            case exp.2
            op exp
            input x f64 2 : 0.5 -1.0
            output f64 2 : 1.6487212707001282 0.36787944117144233
            cotangent f64 2 : 1.0 2.0
            grad x f64 2 : 1.6487212707001282 0.7357588823428847
            """;
    private static final String FORWARD = """
            tangent x f64 2 : 3.0 -1.0
            jvp f64 2 : 4.946163812100385 -0.36787944117144233
            jvpsource forward_ad
            """;

    private static List<GoldenCase> parse(String text) throws IOException {
        return GoldenCase.parse("test.txt", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void recordWithoutTangentsParses() throws IOException {
        GoldenCase c = parse(OLD + "end\n").getFirst();
        assertTrue(c.tangents().isEmpty());
        assertNull(c.jvp());
        assertNull(c.jvpSource());
        assertEquals(1, c.grads().size());
    }

    @Test
    void forwardModeLinesAreRead() throws IOException {
        GoldenCase c = parse(OLD + FORWARD + "end\n").getFirst();
        assertArrayEquals(new double[] {3.0, -1.0}, c.tangents().get("x").values());
        assertArrayEquals(new double[] {4.946163812100385, -0.36787944117144233}, c.jvp().values());
        assertEquals("forward_ad", c.jvpSource());
    }

    @Test
    void incompleteOrInconsistentForwardModeLinesAreRefused() {
        String[] bad = {
            OLD + "tangent x f64 2 : 3.0 -1.0\nend\n",                                  // no jvp
            OLD + "jvp f64 2 : 1.0 2.0\njvpsource forward_ad\nend\n",                  // no tangent
            OLD + FORWARD.replace("jvpsource forward_ad", "") + "end\n",               // no source
            OLD + FORWARD.replace("tangent x f64 2 : 3.0 -1.0", "tangent x f64 1 : 3.0") + "end\n", // shape
            OLD + FORWARD.replace("tangent x", "tangent y") + "end\n",                  // not a grad input
            OLD + FORWARD.replace("jvp f64 2 :", "jvp f64 1 2 :") + "end\n",            // jvp shape
            OLD + FORWARD.replace("forward_ad", "guessed") + "end\n",                   // unknown source
        };
        for (String text : bad) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> parse(text), text);
            assertTrue(e.getMessage().contains("test.txt:") && e.getMessage().contains("exp.2"), e.getMessage());
        }
    }
}
