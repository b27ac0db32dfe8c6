package dev.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.*;

import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Regressions found in review. */
class ModuleReviewTest {

    @Test
    void aModuleUsedTwiceContributesItsParametersOnce() {
        // As PyTorch's named_parameters(): a shared module's tensors are listed once, under their first name,
        // so an optimizer built from them updates each once and the count is the number of distinct scalars.
        Linear shared = new Linear(3, 3, true, DType.FLOAT64, new Generator(1));
        Sequential model = new Sequential(shared, new Linear(3, 2, true, DType.FLOAT64, new Generator(2)), shared);
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias"), List.copyOf(model.namedParameters().keySet()));
        assertEquals(4, model.parameters().size());
        assertEquals(3 * 3 + 3 + 2 * 3 + 2, model.parameterCount());
        // The state dict still names every path, as PyTorch's state_dict() does.
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "2.weight", "2.bias"),
                List.copyOf(model.stateDict().keySet()));
        assertSame(model.stateDict().get("0.weight"), model.stateDict().get("2.weight"));
    }
}
