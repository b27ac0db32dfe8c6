package dev.tapegrad.optim;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One golden optimizer trajectory written by {@code tools/golden/generate_optim.py}: an optimizer with all
 * its hyper-parameters, a problem, the start point and the parameters after each of the steps.
 *
 * <p>The format is line oriented (tokens separated by single spaces; blank lines and lines starting with
 * {@code #} are ignored):
 * <pre>
 * run &lt;id&gt;
 * optimizer &lt;name&gt;
 * hyper &lt;key&gt; &lt;value&gt;       one per hyper-parameter; booleans 0/1; inf/-inf for infinities
 * problem &lt;name&gt;
 * steps &lt;N&gt;
 * start &lt;values...&gt;          row-major
 * step &lt;k&gt; &lt;values...&gt;       k = 1..N in order: the parameters after step k
 * end
 * </pre>
 *
 * @param source    file and line where the record starts, for messages
 * @param id        unique run id (the JUnit display name)
 * @param optimizer the optimizer's name for {@link Optimizers#create}
 * @param hyper     hyper-parameters in file order
 * @param problem   the problem's name
 * @param start     the parameters before the first step, row-major
 * @param steps     {@code steps[k-1]} = the parameters after step k
 */
record GoldenRun(String source, String id, String optimizer, Map<String, Double> hyper, String problem,
                 double[] start, double[][] steps) {

    /** Reads every record of a fixture file; {@code file} names it in messages. */
    static List<GoldenRun> parse(String file, InputStream in) throws IOException {
        List<GoldenRun> runs = new ArrayList<>();
        Builder b = null;
        var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        int lineNo = 0;
        for (String line; (line = reader.readLine()) != null; ) {
            lineNo++;
            if (line.isBlank() || line.startsWith("#")) continue;
            String where = file + ":" + lineNo;
            String[] tok = line.split(" ");
            if (b == null) {
                if (!tok[0].equals("run") || tok.length != 2) throw bad(where, "expected 'run <id>', got: " + line);
                b = new Builder(where, tok[1]);
                continue;
            }
            if (tok[0].equals("end")) {
                runs.add(b.build(where));
                b = null;
            } else {
                b.add(where, tok);
            }
        }
        if (b != null) throw bad(b.source, "run '" + b.id + "' has no 'end'");
        return runs;
    }

    /** The number of steps. */
    int stepCount() {
        return steps.length;
    }

    /** A hyper-parameter that must be present. */
    double hyper(String key) {
        Double v = hyper.get(key);
        if (v == null) throw new IllegalStateException(source + ": run '" + id + "' has no hyper '" + key + "'");
        return v;
    }

    private static IllegalStateException bad(String where, String msg) {
        return new IllegalStateException(where + ": " + msg);
    }

    private static double number(String where, String s) {
        return switch (s) {
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> {
                try {
                    yield Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    throw bad(where, "not a number: '" + s + "'");
                }
            }
        };
    }

    private static double[] numbers(String where, String[] tok, int from) {
        double[] v = new double[tok.length - from];
        for (int i = 0; i < v.length; i++) v[i] = number(where, tok[from + i]);
        return v;
    }

    /** Collects one record's lines and checks that they are complete and consistent. */
    private static final class Builder {
        final String source, id;
        final Map<String, Double> hyper = new LinkedHashMap<>();
        final List<double[]> steps = new ArrayList<>();
        String optimizer, problem;
        int declaredSteps = -1;
        double[] start;

        Builder(String source, String id) {
            this.source = source;
            this.id = id;
        }

        void add(String where, String[] tok) {
            switch (tok[0]) {
                case "optimizer" -> optimizer = single(where, tok);
                case "problem" -> problem = single(where, tok);
                case "steps" -> declaredSteps = Integer.parseInt(single(where, tok));
                case "hyper" -> {
                    if (tok.length != 3) throw bad(where, "expected 'hyper <key> <value>'");
                    if (hyper.put(tok[1], number(where, tok[2])) != null) throw bad(where, "duplicate hyper " + tok[1]);
                }
                case "start" -> start = numbers(where, tok, 1);
                case "step" -> {
                    int k = Integer.parseInt(tok[1]);
                    if (k != steps.size() + 1) throw bad(where, "expected step " + (steps.size() + 1) + ", got " + k);
                    steps.add(numbers(where, tok, 2));
                }
                default -> throw bad(where, "unknown keyword '" + tok[0] + "'");
            }
        }

        private static String single(String where, String[] tok) {
            if (tok.length != 2) throw bad(where, "expected '" + tok[0] + " <value>'");
            return tok[1];
        }

        GoldenRun build(String where) {
            if (optimizer == null || problem == null || start == null || declaredSteps < 0) {
                throw bad(where, "run '" + id + "' lacks optimizer, problem, steps or start");
            }
            if (steps.size() != declaredSteps) {
                throw bad(where, "run '" + id + "' declares " + declaredSteps + " steps but has " + steps.size());
            }
            for (double[] row : steps) {
                if (row.length != start.length) {
                    throw bad(where, "run '" + id + "': a step has " + row.length + " values, start has " + start.length);
                }
            }
            return new GoldenRun(source, id, optimizer, Collections.unmodifiableMap(hyper), problem, start,
                    steps.toArray(double[][]::new));
        }
    }

    @Override
    public String toString() {
        return id + " (" + source + ", " + optimizer + " " + hyper + " on " + problem + ", start "
                + Arrays.toString(start) + ")";
    }
}
