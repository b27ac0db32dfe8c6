package dev.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.*;

import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Regressions found in review. */
class ModuleReviewTest {

    @Test
    void aModuleUsedTwiceContributesItsParametersOnce() {
        // As PyTorch's named_parameters(): a shared module's tensors are listed once, under their first name,
        // so an optimizer built from them updates each once and the count is the number of distinct scalars.
        Linear shared = Linear.builder(3, 3).dtype(DType.FLOAT64).build(new Generator(1));
        Sequential model = new Sequential(shared, Linear.builder(3, 2).dtype(DType.FLOAT64).build(new Generator(2)), shared);
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias"), List.copyOf(model.namedParameters().keySet()));
        assertEquals(4, model.parameters().size());
        assertEquals(3 * 3 + 3 + 2 * 3 + 2, model.parameterCount());
        // The state dict still names every path, as PyTorch's state_dict() does.
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "2.weight", "2.bias"),
                List.copyOf(model.stateDict().keySet()));
        assertSame(model.stateDict().get("0.weight"), model.stateDict().get("2.weight"));
    }

    @Test
    void poolingModulesComputeTheirFunctionsAndCheckTheirWindows() {
        Tensor x = Tensor.randn(new Generator(4), DType.FLOAT64, 2, 3, 5, 6);
        Tensor x1 = x.reshape(2, 3, 30);
        assertArrayEquals(Convolution.maxPool2d(x, new int[] {2, 3}, new int[] {1, 2}, new int[] {1, 1}).toDoubleArray(),
                MaxPool2d.builder(2, 3).stride(1, 2).padding(1).build().forward(x).toDoubleArray(), 0.0);
        assertArrayEquals(Convolution.avgPool2d(x, 2).toDoubleArray(), new AvgPool2d(2).forward(x).toDoubleArray(), 0.0);
        assertArrayEquals(Convolution.maxPool1d(x1, 4, 3, 2).toDoubleArray(),
                MaxPool1d.builder(4).stride(3).padding(2).build().forward(x1).toDoubleArray(), 0.0);
        assertArrayEquals(Convolution.avgPool1d(x1, 3).toDoubleArray(), new AvgPool1d(3).forward(x1).toDoubleArray(), 0.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MaxPool1d.builder(2).padding(2).build());
        assertTrue(e.getMessage().startsWith("MaxPool1d: padding"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MaxPool2d(2).forward(x1.select(0, 0)));
        assertTrue(e.getMessage().startsWith("MaxPool2d: input of shape [3, 30]"), e.getMessage());
    }
}
