package dev.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.Autograd;
import dev.tapegrad.Tensor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Convolution and pooling against PyTorch 1.13 (float64): for every case of {@code golden/conv.txt} (written
 * by {@code tools/golden/generate_nn_conv.py}), the output and the gradient of Σ(output·c) with respect to
 * every input. The pooling cases with small integer inputs hold ties, so they also check that max pooling
 * sends each gradient to the same element of a window as PyTorch does.
 */
class ConvGoldenTest {
    /** |got − expected| ≤ ATOL + RTOL·|expected|: room for a different summation order only. */
    static final double RTOL = 1e-10, ATOL = 1e-12;

    /** One fixture record: op, integer parameters, inputs (in call order), output, cotangent and gradients. */
    record Case(String name, String op, Map<String, int[]> params, Map<String, Tensor> inputs, Tensor output,
                Tensor cotangent, Map<String, Tensor> grads) {}

    static List<Case> cases() throws IOException {
        List<Case> cases = new ArrayList<>();
        try (InputStream in = ConvGoldenTest.class.getResourceAsStream("/golden/conv.txt")) {
            assertNotNull(in, "golden/conv.txt is missing; run tools/golden/generate_nn_conv.py");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String name = null, op = null;
            Map<String, int[]> params = new LinkedHashMap<>();
            Map<String, Tensor> inputs = new LinkedHashMap<>(), grads = new LinkedHashMap<>();
            Tensor output = null, cotangent = null;
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] t = line.split(" ", 3);
                switch (t[0]) {
                    case "case" -> name = t[1];
                    case "op" -> op = t[1];
                    case "param" -> params.put(t[1], Arrays.stream(t[2].split(" ")).mapToInt(Integer::parseInt).toArray());
                    case "input" -> inputs.put(t[1], tensor(t[2]));
                    case "grad" -> grads.put(t[1], tensor(t[2]));
                    case "output" -> output = tensor(line.substring(7));
                    case "cotangent" -> cotangent = tensor(line.substring(10));
                    case "end" -> {
                        cases.add(new Case(name, op, params, inputs, output, cotangent, grads));
                        params = new LinkedHashMap<>();
                        inputs = new LinkedHashMap<>();
                        grads = new LinkedHashMap<>();
                    }
                    default -> throw new IllegalStateException("conv.txt: unknown line " + line);
                }
            }
        }
        return cases;
    }

    /** {@code <sizes...> : <values...>} as a float64 tensor. */
    static Tensor tensor(String text) {
        String[] parts = text.split(" : ");
        int[] shape = parts[0].isBlank() ? new int[0] : Arrays.stream(parts[0].split(" ")).mapToInt(Integer::parseInt).toArray();
        double[] values = Arrays.stream(parts[1].split(" ")).mapToDouble(Double::parseDouble).toArray();
        return Tensor.of(values, shape);
    }

    /** Calls the tapegrad function of a case. */
    static Tensor call(Case c, List<Tensor> in) {
        Map<String, int[]> p = c.params();
        return switch (c.op()) {
            case "conv1d" -> Convolution.conv1d(in.get(0), in.get(1), in.size() > 2 ? in.get(2) : null,
                    p.get("stride")[0], p.get("padding")[0], p.get("dilation")[0], p.get("groups")[0]);
            case "conv2d" -> Convolution.conv2d(in.get(0), in.get(1), in.size() > 2 ? in.get(2) : null,
                    p.get("stride"), p.get("padding"), p.get("dilation"), p.get("groups")[0]);
            case "max_pool1d" -> Convolution.maxPool1d(in.get(0), p.get("kernel")[0], p.get("stride")[0], p.get("padding")[0]);
            case "avg_pool1d" -> Convolution.avgPool1d(in.get(0), p.get("kernel")[0], p.get("stride")[0], p.get("padding")[0]);
            case "max_pool2d" -> Convolution.maxPool2d(in.get(0), p.get("kernel"), p.get("stride"), p.get("padding"));
            case "avg_pool2d" -> Convolution.avgPool2d(in.get(0), p.get("kernel"), p.get("stride"), p.get("padding"));
            default -> throw new IllegalStateException("no tapegrad call for fixture op " + c.op());
        };
    }

    @TestFactory
    Stream<DynamicTest> matchesPyTorch() throws IOException {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            List<Tensor> in = c.inputs().values().stream().map(t -> t.detach().requiresGrad(true)).toList();
            Tensor out = call(c, in);
            assertClose(c.name() + " output", c.output(), out);
            Tensor[] grads = Autograd.grad(out, in.toArray(Tensor[]::new), c.cotangent(), false, false);
            int i = 0;
            for (String input : c.inputs().keySet()) {
                assertClose(c.name() + " grad " + input, c.grads().get(input), grads[i++]);
            }
        }));
    }

    /** The fixture covers every function and the configurations the brief asks for. */
    @Test
    void fixtureCoversEveryFunction() throws IOException {
        List<Case> cases = cases();
        Set<String> ops = cases.stream().map(Case::op).collect(Collectors.toSet());
        assertEquals(Set.of("conv1d", "conv2d", "max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d"), ops);
        assertTrue(cases.stream().anyMatch(c -> c.op().startsWith("conv") && c.params().get("groups")[0] > 1));
        assertTrue(cases.stream().anyMatch(c -> c.op().startsWith("conv") && Arrays.stream(c.params().get("dilation")).max().getAsInt() > 1));
        assertTrue(cases.stream().anyMatch(c -> c.op().equals("conv2d") && c.inputs().get("weight").size(2) != c.inputs().get("weight").size(3)));
    }

    static void assertClose(String what, Tensor expected, Tensor got) {
        assertNotNull(got, what + ": no gradient");
        assertArrayEquals(expected.shape(), got.shape(), what + ": shape");
        double[] e = expected.toDoubleArray(), g = got.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            if (!(Math.abs(g[i] - e[i]) <= ATOL + RTOL * Math.abs(e[i]))) {
                throw new AssertionError(what + ": element " + i + " is " + g[i] + ", PyTorch gives " + e[i]);
            }
        }
    }
}
