package dev.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tapegrad.DType;
import dev.tapegrad.Generator;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Forward values and gradients of scaled dot-product attention, multi-head attention (ungated against
 * {@code torch.nn.MultiheadAttention}, gated against explicit ops), the transformer block and the GPT decoder,
 * against the PyTorch fixture written by {@code tools/golden/generate_nn_attention.py} (see its header for
 * the format). Modules load the fixture's weights through {@link Module#loadStateDict}, so the test also
 * pins the parameter names and layouts.
 */
class AttentionGoldenTest {
    private static final double ATOL = 1e-12, RTOL = 1e-10;

    /** One fixture record. */
    record Case(String name, String kind, Map<String, String[]> params, Map<String, Tensor> tensors) {
        int intParam(String key) {
            return Integer.parseInt(params.get(key)[0]);
        }

        boolean flag(String key) {
            return Boolean.parseBoolean(params.get(key)[0]);
        }

        Tensor tensor(String key) {
            Tensor t = tensors.get(key);
            assertNotNull(t, name + ": no tensor " + key);
            return t;
        }

        /** The "param.*" tensors as a state dict. */
        Map<String, Tensor> stateDict() {
            Map<String, Tensor> out = new LinkedHashMap<>();
            tensors.forEach((k, v) -> {
                if (k.startsWith("param.")) out.put(k.substring("param.".length()), v);
            });
            return out;
        }
    }

    private static List<Case> cached;

    /** The fixture's cases, parsed once. */
    static synchronized List<Case> load() throws IOException {
        if (cached == null) cached = parse();
        return cached;
    }

    private static List<Case> parse() throws IOException {
        List<Case> cases = new ArrayList<>();
        try (InputStream in = AttentionGoldenTest.class.getResourceAsStream("/golden/attention.txt")) {
            assertNotNull(in, "missing fixture /golden/attention.txt");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String name = null, kind = null;
            Map<String, String[]> params = null;
            Map<String, Tensor> tensors = null;
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] tok = line.split(" ");
                switch (tok[0]) {
                    case "case" -> {
                        name = tok[1];
                        params = new LinkedHashMap<>();
                        tensors = new LinkedHashMap<>();
                    }
                    case "kind" -> kind = tok[1];
                    case "param" -> params.put(tok[1], Arrays.copyOfRange(tok, 2, tok.length));
                    case "tensor" -> tensors.put(tok[1], parseTensor(Arrays.copyOfRange(tok, 2, tok.length)));
                    case "end" -> cases.add(new Case(name, kind, params, tensors));
                    default -> throw new IllegalStateException("attention.txt: unexpected line " + line);
                }
            }
        }
        return cases;
    }

    /** {@code <dtype> <size>... : <value>...}. */
    static Tensor parseTensor(String[] tok) {
        int colon = Arrays.asList(tok).indexOf(":");
        int[] shape = new int[colon - 1];
        for (int i = 1; i < colon; i++) shape[i - 1] = Integer.parseInt(tok[i]);
        int n = tok.length - colon - 1;
        if (tok[0].equals("f64")) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) v[i] = parseDouble(tok[colon + 1 + i]);
            return Tensor.of(v, n).reshape(shape);
        }
        int[] v = new int[n];
        for (int i = 0; i < n; i++) v[i] = Integer.parseInt(tok[colon + 1 + i]);
        Tensor t = Tensor.of(v, n).reshape(shape);
        return tok[0].equals("bool") ? t.ne(0.0) : t;
    }

    /** Python's repr: also {@code inf}, {@code -inf}. */
    private static double parseDouble(String s) {
        return switch (s) {
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }

    @Test
    void fixtureHasEveryKind() throws IOException {
        List<String> kinds = load().stream().map(Case::kind).distinct().toList();
        assertEquals(List.of("sdpa", "mha", "block", "gpt"), kinds);
    }

    @TestFactory
    Stream<DynamicTest> matchesPyTorch() throws IOException {
        return load().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            switch (c.kind()) {
                case "sdpa" -> checkSdpa(c);
                case "mha" -> checkMha(c);
                case "block" -> checkBlock(c);
                case "gpt" -> checkGpt(c);
                default -> fail("unknown kind " + c.kind());
            }
        }));
    }

    private static void checkSdpa(Case c) {
        Tensor q = leaf(c.tensor("q")), k = leaf(c.tensor("k")), v = leaf(c.tensor("v"));
        Tensor out = Attention.scaledDotProduct(q, k, v, c.tensors().get("mask"), c.flag("causal"));
        assertClose(c.name() + " out", c.tensor("out"), out);
        if (!c.tensors().containsKey("cot")) return;
        out.backward(c.tensor("cot"));
        assertClose(c.name() + " grad q", c.tensor("grad.q"), q.grad());
        assertClose(c.name() + " grad k", c.tensor("grad.k"), k.grad());
        assertClose(c.name() + " grad v", c.tensor("grad.v"), v.grad());
    }

    private static void checkMha(Case c) {
        var m = MultiHeadAttention.builder(8, c.intParam("heads")).gated(c.flag("gated")).dtype(DType.FLOAT64)
                .build(new Generator(1));
        m.loadStateDict(c.stateDict());
        Tensor x = leaf(c.tensor("x"));
        Tensor mask = c.tensors().containsKey("valid") ? Attention.paddingMask(c.tensor("valid")) : null;
        checkWithGrads(c, m, x, m.forward(x, mask, c.flag("causal")));
    }

    private static void checkBlock(Case c) {
        var b = TransformerBlock.builder(8, c.intParam("heads")).causal(true).gated(c.flag("gated")).dtype(DType.FLOAT64)
                .build(new Generator(1));
        b.loadStateDict(c.stateDict());
        Tensor x = leaf(c.tensor("x"));
        checkWithGrads(c, b, x, b.forward(x));
    }

    /** Compares out, then the gradients of sum(out·cot) with respect to x and every parameter. */
    private static void checkWithGrads(Case c, Module m, Tensor x, Tensor out) {
        assertClose(c.name() + " out", c.tensor("out"), out);
        out.backward(c.tensor("cot"));
        assertClose(c.name() + " grad x", c.tensor("grad.x"), x.grad());
        m.namedParameters().forEach((n, p) -> assertClose(c.name() + " grad " + n, c.tensor("grad.param." + n), p.grad()));
    }

    private static void checkGpt(Case c) {
        var config = GptDecoder.Config.of(c.intParam("vocab"), c.intParam("context"), c.intParam("layers"),
                c.intParam("heads"), c.intParam("embed")).withGated(c.flag("gated")).withTiedHead(c.flag("tied")).withDtype(DType.FLOAT64);
        var gpt = new GptDecoder(new Generator(1), config);
        gpt.loadStateDict(c.stateDict());
        Tensor tokens = c.tensor("tokens"), targets = c.tensor("targets");
        assertClose(c.name() + " logits", c.tensor("logits"), gpt.forward(tokens));
        Tensor loss = gpt.loss(tokens, targets);
        assertClose(c.name() + " loss", c.tensor("loss"), loss);
        loss.backward();
        gpt.namedParameters().forEach((n, p) -> assertClose(c.name() + " grad " + n, c.tensor("grad.param." + n), p.grad()));
    }

    private static Tensor leaf(Tensor t) {
        return t.clone().requiresGrad(true);
    }

    /** |actual − expected| ≤ ATOL + RTOL·|expected| elementwise, naming the first bad element. */
    static void assertClose(String what, Tensor expected, Tensor actual) {
        assertNotNull(actual, what + ": missing");
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        double[] e = expected.toDoubleArray(), a = actual.contiguous().toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            double tol = ATOL + RTOL * Math.abs(e[i]);
            int index = i;
            assertTrue(Math.abs(a[i] - e[i]) <= tol,
                    () -> what + ": element " + index + " is " + a[index] + ", PyTorch " + e[index]);
        }
    }
}
