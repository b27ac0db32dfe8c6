package dev.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tapegrad.Autograd;
import dev.tapegrad.DType;
import dev.tapegrad.Tensor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
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
 * Activations, straight-through estimators and losses against PyTorch 1.13: values and gradients of
 * {@code /golden/act_loss.txt}, written by {@code tools/golden/generate_nn_act_loss.py} (see its header for
 * the format). Every case runs in float64 and must match to about 1e-12.
 */
class ActivationLossGoldenTest {
    private static final double RTOL = 1e-11, ATOL = 1e-12;

    /** A tensor of the fixture. */
    record Value(String dtype, int[] shape, double[] values) {
        Tensor tensor() {
            if (dtype.equals("i32")) {
                int[] v = Arrays.stream(values).mapToInt(d -> (int) d).toArray();
                return shape.length == 0 ? Tensor.of(v).reshape() : Tensor.of(v, shape);
            }
            return shape.length == 0 ? Tensor.scalar(values[0], DType.FLOAT64) : Tensor.of(values, shape);
        }
    }

    /** One case: op, params, inputs in call order, output, cotangent, gradients by input name. */
    record Case(String name, String op, Map<String, List<String>> params, Map<String, Value> inputs, Value output,
                Value cotangent, Map<String, Value> grads) {
        double num(String key) {
            List<String> v = params.get(key);
            assertNotNull(v, name + ": missing param " + key);
            return Double.parseDouble(v.getFirst().replace("inf", "Infinity"));
        }

        String word(String key, String fallback) {
            List<String> v = params.get(key);
            return v == null ? fallback : v.getFirst();
        }

        Reduction reduction() {
            return Reduction.valueOf(word("reduction", "mean").toUpperCase(java.util.Locale.ROOT));
        }

        boolean has(String key) {
            return params.containsKey(key);
        }
    }

    private static Value parseValue(String[] tok, int from) {
        String dtype = tok[from];
        int colon = Arrays.asList(tok).indexOf(":");
        int[] shape = new int[colon - from - 1];
        for (int i = 0; i < shape.length; i++) shape[i] = Integer.parseInt(tok[from + 1 + i]);
        double[] v = new double[tok.length - colon - 1];
        for (int i = 0; i < v.length; i++) v[i] = Double.parseDouble(tok[colon + 1 + i].replace("inf", "Infinity"));
        return new Value(dtype, shape, v);
    }

    static List<Case> load() {
        String resource = "/golden/act_loss.txt";
        List<Case> cases = new ArrayList<>();
        try (InputStream in = ActivationLossGoldenTest.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("missing fixture " + resource);
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String name = null, op = null;
            Map<String, List<String>> params = new LinkedHashMap<>();
            Map<String, Value> inputs = new LinkedHashMap<>(), grads = new LinkedHashMap<>();
            Value output = null, cotangent = null;
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] tok = line.split(" ");
                switch (tok[0]) {
                    case "case" -> {
                        name = tok[1];
                        op = null;
                        params = new LinkedHashMap<>();
                        inputs = new LinkedHashMap<>();
                        grads = new LinkedHashMap<>();
                        output = cotangent = null;
                    }
                    case "op" -> op = tok[1];
                    case "param" -> params.put(tok[1], List.of(tok).subList(2, tok.length));
                    case "input" -> inputs.put(tok[1], parseValue(tok, 2));
                    case "output" -> output = parseValue(tok, 1);
                    case "cotangent" -> cotangent = parseValue(tok, 1);
                    case "grad" -> grads.put(tok[1], parseValue(tok, 2));
                    case "end" -> cases.add(new Case(name, op, params, inputs, output, cotangent, grads));
                    default -> throw new IllegalStateException(resource + ": unexpected line " + line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cases;
    }

    /** The tapegrad call of an op: inputs in the fixture's order. */
    interface Op {
        Tensor apply(Case c, Tensor[] in);
    }

    static final Map<String, Op> OPS = new LinkedHashMap<>();

    static {
        OPS.put("relu", (c, in) -> Activations.relu(in[0]));
        OPS.put("leaky_relu", (c, in) -> Activations.leakyRelu(in[0], c.num("slope")));
        OPS.put("elu", (c, in) -> Activations.elu(in[0], c.num("alpha")));
        OPS.put("selu", (c, in) -> Activations.selu(in[0]));
        OPS.put("gelu", (c, in) -> Activations.gelu(in[0]));
        OPS.put("gelu_tanh", (c, in) -> Activations.geluTanh(in[0]));
        OPS.put("silu", (c, in) -> Activations.silu(in[0]));
        OPS.put("mish", (c, in) -> Activations.mish(in[0]));
        OPS.put("softplus", (c, in) -> Activations.thresholdedSoftplus(in[0], c.num("beta"), c.num("threshold")));
        OPS.put("tanh", (c, in) -> Activations.tanh(in[0]));
        OPS.put("sigmoid", (c, in) -> Activations.sigmoid(in[0]));
        OPS.put("hardtanh", (c, in) -> Activations.hardtanh(in[0], c.num("min"), c.num("max")));
        OPS.put("golu", (c, in) -> Activations.golu(in[0]));
        OPS.put("xgelu", (c, in) -> Activations.xgelu(in[0], in[1]));
        OPS.put("xsilu", (c, in) -> Activations.xsilu(in[0], in[1]));
        OPS.put("xatlu", (c, in) -> Activations.xatlu(in[0], in[1]));
        OPS.put("ste_sign", (c, in) -> StraightThrough.sign(in[0]));
        OPS.put("ste_sign_clipped", (c, in) -> StraightThrough.sign(in[0], c.num("clip")));
        OPS.put("ste_round", (c, in) -> StraightThrough.round(in[0]));
        OPS.put("reste", (c, in) -> StraightThrough.reste(in[0], c.num("o"), c.num("t")));
        OPS.put("helu", (c, in) -> StraightThrough.helu(in[0], c.num("alpha")));
        OPS.put("mse", (c, in) -> Losses.mse(in[0], in[1], c.reduction()));
        OPS.put("l1", (c, in) -> Losses.l1(in[0], in[1], c.reduction()));
        OPS.put("huber", (c, in) -> Losses.huber(in[0], in[1], c.num("delta"), c.reduction()));
        OPS.put("smooth_l1", (c, in) -> Losses.smoothL1(in[0], in[1], c.num("beta"), c.reduction()));
        OPS.put("cross_entropy", (c, in) -> Losses.crossEntropy(in[0], in[1], Losses.CrossEntropyOptions.DEFAULT
                .withWeight(in.length > 2 ? in[2] : null)
                .withIgnoreIndex(c.has("ignore") ? (int) c.num("ignore") : Losses.DEFAULT_IGNORE_INDEX)
                .withLabelSmoothing(c.has("smoothing") ? c.num("smoothing") : 0.0)
                .withReduction(c.reduction())));
        OPS.put("nll", (c, in) -> Losses.nll(in[0], in[1], in.length > 2 ? in[2] : null, (int) c.num("ignore"),
                c.reduction()));
        OPS.put("bce_with_logits", (c, in) -> Losses.bceWithLogits(in[0], in[1], in.length > 2 ? in[2] : null,
                in.length > 3 ? in[3] : null, c.reduction()));
        OPS.put("kl_div", (c, in) -> Losses.klDiv(in[0], in[1], Boolean.parseBoolean(c.word("log_target", "false")),
                c.word("reduction", "mean").equals("batchmean") ? Reduction.BATCH_MEAN : c.reduction()));
        OPS.put("cosine_embedding", (c, in) -> Losses.cosineEmbedding(in[0], in[1], in[2], c.num("margin"),
                c.reduction()));
    }

    @TestFactory
    Stream<DynamicTest> matchesPyTorch() {
        return load().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    @Test
    void everyOpHasCases() {
        List<Case> cases = load();
        for (String op : OPS.keySet()) {
            if (cases.stream().noneMatch(c -> c.op().equals(op))) fail("no golden case for op " + op);
        }
    }

    private static void check(Case c) {
        Op op = OPS.get(c.op());
        if (op == null) fail(c.name() + ": op '" + c.op() + "' has no entry in OPS");
        List<String> names = new ArrayList<>(c.inputs().keySet());
        Tensor[] in = new Tensor[names.size()];
        for (int i = 0; i < in.length; i++) {
            in[i] = c.inputs().get(names.get(i)).tensor();
            if (c.grads().containsKey(names.get(i))) in[i].requiresGrad(true);
        }
        Tensor out;
        try (var scope = Autograd.enableGrad()) {
            out = op.apply(c, in);
        }
        compare(c.name() + " output", c.output(), out);
        if (c.cotangent() == null) return;
        List<Tensor> wrt = new ArrayList<>();
        for (int i = 0; i < in.length; i++) if (c.grads().containsKey(names.get(i))) wrt.add(in[i]);
        Tensor[] g = Autograd.grad(out, wrt.toArray(Tensor[]::new), c.cotangent().tensor(), false, false);
        int k = 0;
        for (String n : names) {
            if (c.grads().containsKey(n)) compare(c.name() + " grad " + n, c.grads().get(n), g[k++]);
        }
    }

    private static void compare(String what, Value expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        assertEquals(DType.FLOAT64, actual.dtype(), what + ": dtype");
        double[] a = actual.toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            double e = expected.values()[i];
            if (!(Math.abs(a[i] - e) <= ATOL + RTOL * Math.abs(e))) {
                fail(what + ": element " + i + " is " + a[i] + ", PyTorch gives " + e);
            }
        }
    }
}
