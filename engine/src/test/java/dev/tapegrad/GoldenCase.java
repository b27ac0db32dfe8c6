package dev.tapegrad;

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

/**
 * One record of a golden fixture file written by {@code tools/golden/generate_golden.py}: an op, its
 * parameters and inputs, the expected output, a cotangent c and the expected gradients of Σ(output·c), and
 * optionally tangents vᵢ of the differentiable inputs with the expected Jacobian-vector product Σᵢ ∂output/∂xᵢ·vᵢ.
 *
 * <p>The format is line oriented ({@code case / op / param / input / output / cotangent / grad / tangent / jvp /
 * jvpsource / end}, see the generator's docstring); a tensor is written {@code <dtype> <sizes...> : <values...>}.
 * The forward-mode lines are optional (a record without them has no tangents and a null {@code jvp}); when
 * present there is one tangent per input with a grad line, of that input's shape, and a jvp of the output's shape.
 *
 * @param source    file and line where the record starts, for messages
 * @param name      unique case name
 * @param op        the tapegrad method name
 * @param params    parameter name to its raw tokens
 * @param inputs    input name to value, in call order
 * @param output    expected op(inputs)
 * @param cotangent c, of the output's shape
 * @param grads     input name to the expected ∂Σ(output·c)/∂input; these inputs require grad
 * @param tangents  input name to its tangent vᵢ (the inputs of {@code grads}), or empty
 * @param jvp       expected Σᵢ ∂output/∂xᵢ·vᵢ, or null when the record has no tangents
 * @param jvpSource how the generator computed {@code jvp} ({@code forward_ad} or {@code transposed_vjp}), or null
 */
record GoldenCase(String source, String name, String op, Map<String, String[]> params, Map<String, Value> inputs,
                  Value output, Value cotangent, Map<String, Value> grads, Map<String, Value> tangents, Value jvp,
                  String jvpSource) {

    /** The ways the generator may have computed a JVP (see its docstring). */
    static final List<String> JVP_SOURCES = List.of("forward_ad", "transposed_vjp");

    /** A tensor literal: dtype token ({@code f64}, {@code i32} or {@code bool}), shape and row-major values. */
    record Value(String dtype, int[] shape, double[] values) {
        /** A fresh leaf tensor holding this value (bool becomes a mask, f64 a 0-d tensor when the shape is []). */
        Tensor toTensor() {
            return switch (dtype) {
                case "f64" -> shape.length == 0 ? Tensor.scalar(values[0], DType.FLOAT64) : Tensor.of(values, shape);
                case "i32" -> Tensor.of(Arrays.stream(values).mapToInt(v -> (int) v).toArray(), nonScalar());
                case "bool" -> Tensor.of(values, nonScalar()).ne(0.0);
                default -> throw new IllegalStateException("unknown dtype " + dtype);
            };
        }

        private int[] nonScalar() {
            if (shape.length == 0) throw new IllegalStateException(dtype + " scalars are not supported by the fixtures");
            return shape;
        }
    }

    /** Whether the parameter is present. */
    boolean has(String key) {
        return params.containsKey(key);
    }

    /** A parameter's values as ints (an empty array for a bare {@code param key}). */
    int[] ints(String key) {
        return Arrays.stream(param(key)).mapToInt(Integer::parseInt).toArray();
    }

    /** A single int parameter. */
    int integer(String key) {
        return Integer.parseInt(one(key));
    }

    /** A single real parameter; {@code inf} and {@code -inf} are the infinities. */
    double real(String key) {
        String v = one(key);
        return switch (v) {
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(v);
        };
    }

    /** A single boolean parameter ({@code true} or {@code false}). */
    boolean flag(String key) {
        String v = one(key);
        if (!v.equals("true") && !v.equals("false")) throw bad("param '" + key + "' is not a boolean: " + v);
        return v.equals("true");
    }

    private String[] param(String key) {
        String[] v = params.get(key);
        if (v == null) throw bad("missing param '" + key + "'");
        return v;
    }

    private String one(String key) {
        String[] v = param(key);
        if (v.length != 1) throw bad("param '" + key + "' must have exactly one value, has " + v.length);
        return v[0];
    }

    private IllegalStateException bad(String message) {
        return new IllegalStateException(source + " (case " + name + "): " + message);
    }

    /** Parses every record of a fixture file; a malformed line fails with its file and line number. */
    static List<GoldenCase> parse(String file, InputStream in) throws IOException {
        List<GoldenCase> cases = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            Builder b = null;
            int lineNo = 0;
            for (String line; (line = r.readLine()) != null; ) {
                lineNo++;
                if (line.isBlank() || line.startsWith("#")) continue;
                String where = file + ":" + lineNo;
                String[] tok = line.split(" ");
                String key = tok[0];
                if (key.equals("case")) {
                    if (b != null) throw new IllegalStateException(where + ": 'case' before 'end' of " + b.name);
                    b = new Builder(where, tok[1]);
                    continue;
                }
                if (b == null) throw new IllegalStateException(where + ": '" + key + "' outside a case");
                switch (key) {
                    case "op" -> b.op = tok[1];
                    case "param" -> b.params.put(tok[1], Arrays.copyOfRange(tok, 2, tok.length));
                    case "input" -> b.inputs.put(tok[1], value(where, tok, 2));
                    case "output" -> b.output = value(where, tok, 1);
                    case "cotangent" -> b.cotangent = value(where, tok, 1);
                    case "grad" -> b.grads.put(tok[1], value(where, tok, 2));
                    case "tangent" -> b.tangents.put(tok[1], value(where, tok, 2));
                    case "jvp" -> b.jvp = value(where, tok, 1);
                    case "jvpsource" -> b.jvpSource = tok[1];
                    case "end" -> {
                        cases.add(b.build(where));
                        b = null;
                    }
                    default -> throw new IllegalStateException(where + ": unknown record '" + key + "'");
                }
            }
            if (b != null) throw new IllegalStateException(file + ": case " + b.name + " has no 'end'");
        }
        return cases;
    }

    /** Reads {@code <dtype> <sizes...> : <values...>} starting at token {@code from}. */
    private static Value value(String where, String[] tok, int from) {
        int colon = Arrays.asList(tok).indexOf(":");
        if (colon < from + 1) throw new IllegalStateException(where + ": tensor literal without ':'");
        int[] shape = new int[colon - from - 1];
        for (int i = 0; i < shape.length; i++) shape[i] = Integer.parseInt(tok[from + 1 + i]);
        double[] values = new double[tok.length - colon - 1];
        for (int i = 0; i < values.length; i++) values[i] = Double.parseDouble(tok[colon + 1 + i]);
        if (values.length != Shapes.numel(shape)) {
            throw new IllegalStateException(where + ": " + values.length + " values for shape " + Arrays.toString(shape));
        }
        return new Value(tok[from], shape, values);
    }

    /** Collects the lines of one record. */
    private static final class Builder {
        final String source, name;
        String op;
        final Map<String, String[]> params = new LinkedHashMap<>();
        final Map<String, Value> inputs = new LinkedHashMap<>(), grads = new LinkedHashMap<>(),
                tangents = new LinkedHashMap<>();
        Value output, cotangent, jvp;
        String jvpSource;

        Builder(String source, String name) {
            this.source = source;
            this.name = name;
        }

        GoldenCase build(String where) {
            if (op == null || output == null || cotangent == null) {
                throw new IllegalStateException(where + ": case " + name + " lacks op, output or cotangent");
            }
            if (!inputs.keySet().containsAll(grads.keySet())) {
                throw new IllegalStateException(where + ": case " + name + " has a grad for an unknown input");
            }
            checkForwardMode(where);
            return new GoldenCase(source, name, op, params, inputs, output, cotangent, grads, tangents, jvp, jvpSource);
        }

        /** The forward-mode lines are all absent, or complete and consistent with the inputs and output. */
        private void checkForwardMode(String where) {
            String at = where + ": case " + name + " ";
            if (tangents.isEmpty() && jvp == null && jvpSource == null) return;
            if (jvp == null || jvpSource == null || tangents.isEmpty()) {
                throw new IllegalStateException(at + "needs all of 'tangent', 'jvp' and 'jvpsource' or none of them");
            }
            if (!tangents.keySet().equals(grads.keySet())) {
                throw new IllegalStateException(at + "has tangents for " + tangents.keySet()
                        + " but grads for " + grads.keySet() + " (one tangent per differentiable input)");
            }
            tangents.forEach((input, t) -> {
                if (!Arrays.equals(t.shape(), inputs.get(input).shape()) || !t.dtype().equals("f64")) {
                    throw new IllegalStateException(at + "tangent " + input + " (" + t.dtype() + " "
                            + Arrays.toString(t.shape()) + ") does not match its input (" + inputs.get(input).dtype()
                            + " " + Arrays.toString(inputs.get(input).shape()) + ")");
                }
            });
            if (!Arrays.equals(jvp.shape(), output.shape())) {
                throw new IllegalStateException(at + "jvp shape " + Arrays.toString(jvp.shape())
                        + " differs from the output's " + Arrays.toString(output.shape()));
            }
            if (!JVP_SOURCES.contains(jvpSource)) {
                throw new IllegalStateException(at + "unknown jvpsource '" + jvpSource + "', expected one of " + JVP_SOURCES);
            }
        }
    }
}
