package dev.tapegrad.examples;

import static org.junit.jupiter.api.Assertions.*;

import dev.tapegrad.check.OpTable;
import dev.tapegrad.optim.Optimizers;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** {@code docs/REFERENCE.md} is what {@link ReferenceDoc} generates from the code now, so it cannot drift. */
class ReferenceDocTest {

    @Test
    void committedReferenceIsUpToDate() throws IOException {
        String expected = ReferenceDoc.generate();
        if (Boolean.getBoolean("tapegrad.regenerate")) {
            Files.createDirectories(ReferenceDoc.OUTPUT.getParent());
            Files.writeString(ReferenceDoc.OUTPUT, expected);
        }
        assertTrue(Files.exists(ReferenceDoc.OUTPUT), "docs/REFERENCE.md is missing: generate it with -Dtapegrad.regenerate=true");
        assertEquals(expected, Files.readString(ReferenceDoc.OUTPUT),
                "docs/REFERENCE.md is stale: regenerate it with -Dtapegrad.regenerate=true (see ReferenceDoc)");
    }

    /** The generated lists really are complete: every op entry and every optimizer name appears. */
    @Test
    void referenceListsEveryOpEntryMethodAndOptimizer() {
        String doc = ReferenceDoc.generate();
        for (var d : dev.tapegrad.Primitives.all()) assertTrue(doc.contains("- `" + d.name() + "` — "), "op " + d.name());
        for (String name : OpTable.NOT_DIFFERENTIABLE.keySet()) assertTrue(doc.contains("- `" + name + "` ("), name);
        for (String name : Optimizers.names()) assertTrue(doc.contains("- `" + name + "`"), "optimizer " + name);
        for (String type : new String[] {"Linear", "MultiHeadAttention", "GptDecoder", "ClippedSurrogate", "HolderPo", "Garl"}) {
            assertTrue(doc.contains("- `" + type + "`"), type);
        }
    }

    @Test
    void firstSentenceTurnsJavadocIntoOneMarkdownLine() {
        String comment = "\n * GRPO ({@link Advantages#grpo(double) the group z-score}): Â_i = (R_i − μ)/σ, e.g. for\n"
                + " * {@code double} rewards. Second sentence.\n *\n * <p>More.\n * @param x ignored\n";
        assertEquals("GRPO (the group z-score): Â\\_i = (R\\_i − μ)/σ, e.g. for `double` rewards.",
                ReferenceDoc.firstSentence(comment));
        assertEquals("Uses `Tensor.sum` on a &lt;b> \\* c.", ReferenceDoc.firstSentence(" * Uses {@link Tensor#sum} on a &lt;b&gt; * c."));
    }
}
