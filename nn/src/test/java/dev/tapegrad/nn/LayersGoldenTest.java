package dev.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
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
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Forward values of {@link Layers} against PyTorch 1.13, from {@code golden/layers.txt} written by
 * {@code tools/golden/generate_nn_layers.py} (see the script for the format), in float64.
 */
class LayersGoldenTest {
    private static final double ATOL = 1e-12, RTOL = 1e-12;
    private static final String FILE = "/golden/layers.txt";

    /** One fixture record. */
    record Case(String name, String op, Map<String, double[]> params, Map<String, Tensor> in, Map<String, Tensor> out) {
        double param(String key) {
            return params.get(key)[0];
        }

        int[] intsParam(String key) {
            return Arrays.stream(params.get(key)).mapToInt(v -> (int) v).toArray();
        }

        /** The expected output {@code key} must match {@code actual}. */
        void expect(String key, Tensor actual) {
            Tensor want = out.get(key);
            assertArrayEquals(want.shape(), actual.shape(), name + "/" + key + ": shape");
            double[] a = actual.toDoubleArray(), b = want.toDoubleArray();
            for (int i = 0; i < a.length; i++) {
                if (!(Math.abs(a[i] - b[i]) <= ATOL + RTOL * Math.abs(b[i]))) {
                    fail(name + "/" + key + ": element " + i + " is " + a[i] + ", PyTorch has " + b[i]);
                }
            }
        }
    }

    /** The tapegrad side of each op: computes and checks every expected output of a case. */
    private static final Map<String, Consumer<Case>> OPS = Map.of(
            "linear", c -> c.expect("y", Layers.linear(c.in.get("x"), c.in.get("weight"), c.in.get("bias"))),
            "bilinear", c -> c.expect("y", Layers.bilinear(c.in.get("x1"), c.in.get("x2"), c.in.get("weight"), c.in.get("bias"))),
            "layer_norm", c -> c.expect("y", Layers.layerNorm(c.in.get("x"), c.intsParam("normalized_shape"),
                    c.in.get("weight"), c.in.get("bias"), c.param("eps"))),
            "rms_norm", c -> c.expect("y", Layers.rmsNorm(c.in.get("x"), c.intsParam("normalized_shape"),
                    c.in.get("weight"), c.param("eps"))),
            "batch_norm", LayersGoldenTest::batchNorm,
            "embedding", LayersGoldenTest::embedding,
            "dropout_eval", c -> {
                Tensor x = c.in.get("x");
                Tensor y = Layers.dropout(new Generator(0), x, c.param("p"), false);
                assertSame(x, y, "dropout in eval mode returns its input");
                c.expect("y", y);
            });

    /** Two training steps (outputs and running statistics), then an evaluation step, through the module too. */
    private static void batchNorm(Case c) {
        Tensor rm = c.in.get("running_mean").clone(), rv = c.in.get("running_var").clone();
        Tensor w = c.in.get("weight"), b = c.in.get("bias");
        double momentum = c.param("momentum"), eps = c.param("eps");
        c.expect("y1", Layers.batchNorm(c.in.get("x1"), rm, rv, w, b, true, momentum, eps));
        c.expect("y2", Layers.batchNorm(c.in.get("x2"), rm, rv, w, b, true, momentum, eps));
        c.expect("running_mean", rm);
        c.expect("running_var", rv);
        c.expect("y_eval", Layers.batchNorm(c.in.get("x_eval"), rm, rv, w, b, false, momentum, eps));

        BatchNorm1d m = BatchNorm1d.builder(w.size(0)).eps(eps).momentum(momentum).dtype(DType.FLOAT64).build();
        Map<String, Tensor> state = new LinkedHashMap<>(Map.of("weight", w, "bias", b, "running_mean", c.in.get("running_mean"),
                "running_var", c.in.get("running_var"), "num_batches_tracked", Tensor.scalar(0, DType.INT32)));
        m.loadStateDict(state);
        c.expect("y1", m.forward(c.in.get("x1")));
        c.expect("y2", m.forward(c.in.get("x2")));
        assertEquals(2, m.numBatchesTracked());
        c.expect("running_mean", m.runningMean());
        c.expect("running_var", m.runningVar());
        m.eval();
        c.expect("y_eval", m.forward(c.in.get("x_eval")));
        assertEquals(2, m.numBatchesTracked(), "evaluation does not count batches");
    }

    /** Lookup values and the weight gradient of Σ y ⊙ cotangent (zero in the padding row). */
    private static void embedding(Case c) {
        Tensor w = c.in.get("weight").clone().requiresGrad(true);
        Tensor idx = c.in.get("indices");
        double[] pad = c.params.get("padding_idx");
        Tensor y = pad == null ? Layers.embedding(w, idx) : Layers.embedding(w, idx, (int) pad[0]);
        c.expect("y", y);
        y.mul(c.in.get("cotangent")).sum().backward();
        c.expect("grad_weight", w.grad());
    }

    @TestFactory
    Stream<DynamicTest> matchesPyTorch() throws IOException {
        return load().stream().map(c -> DynamicTest.dynamicTest(c.name, () -> OPS.get(c.op).accept(c)));
    }

    @Test
    void everyOpHasCasesAndEveryCaseHasAnOp() throws IOException {
        Set<String> seen = new TreeSet<>();
        for (Case c : load()) {
            assertTrue(OPS.containsKey(c.op), c.name + ": no Java side for op " + c.op);
            seen.add(c.op);
        }
        assertEquals(new TreeSet<>(OPS.keySet()), seen);
    }

    // ---------------------------------------------------------------- parsing

    static List<Case> load() throws IOException {
        try (InputStream in = LayersGoldenTest.class.getResourceAsStream(FILE)) {
            if (in == null) throw new IllegalStateException("missing test resource " + FILE);
            return parse(in);
        }
    }

    static List<Case> parse(InputStream stream) throws IOException {
        List<Case> cases = new ArrayList<>();
        var reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
        String name = null, op = null;
        Map<String, double[]> params = null;
        Map<String, Tensor> ins = null, outs = null;
        int lineNo = 0;
        for (String line; (line = reader.readLine()) != null; ) {
            lineNo++;
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] tok = line.split(" ");
            String where = FILE + ":" + lineNo + ": ";
            switch (tok[0]) {
                case "case" -> {
                    if (name != null) throw new IllegalStateException(where + "case '" + name + "' has no end");
                    name = tok[1];
                    op = null;
                    params = new LinkedHashMap<>();
                    ins = new LinkedHashMap<>();
                    outs = new LinkedHashMap<>();
                }
                case "op" -> op = tok[1];
                case "param" -> params.put(tok[1], Arrays.stream(tok, 2, tok.length).mapToDouble(LayersGoldenTest::number).toArray());
                case "in" -> ins.put(tok[1], tensor(tok, where));
                case "out" -> outs.put(tok[1], tensor(tok, where));
                case "end" -> {
                    if (name == null || op == null) throw new IllegalStateException(where + "'end' without a complete case");
                    cases.add(new Case(name, op, params, ins, outs));
                    name = null;
                }
                default -> throw new IllegalStateException(where + "unknown line: " + line);
            }
        }
        if (name != null) throw new IllegalStateException(FILE + ": case '" + name + "' has no end");
        return cases;
    }

    private static double number(String s) {
        return switch (s) {
            case "true" -> 1;
            case "false" -> 0;
            default -> Double.parseDouble(s);
        };
    }

    /** {@code in|out <name> <dtype> <size>... : <value>...}. */
    private static Tensor tensor(String[] tok, String where) {
        int colon = Arrays.asList(tok).indexOf(":");
        if (colon < 3) throw new IllegalStateException(where + "tensor without ':'");
        int[] shape = Arrays.stream(tok, 3, colon).mapToInt(Integer::parseInt).toArray();
        String[] values = Arrays.copyOfRange(tok, colon + 1, tok.length);
        return switch (tok[2]) {
            case "f64" -> Tensor.of(Arrays.stream(values).mapToDouble(Double::parseDouble).toArray()).reshape(shape);
            case "i32" -> Tensor.of(Arrays.stream(values).mapToInt(Integer::parseInt).toArray()).reshape(shape);
            default -> throw new IllegalStateException(where + "unknown dtype " + tok[2]);
        };
    }
}
