package dev.tapegrad.rl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON reader of the rl golden tests: reads the fixtures that {@code tools/golden/rl_*.py} write with Python's
 * {@code json} module, and converts their values to the types the tests want.
 *
 * <p>A small recursive-descent parser. Objects become a {@link LinkedHashMap} (keys in file order), arrays a
 * {@link List}, every number a {@link Double} (including {@code NaN}, {@code Infinity} and {@code -Infinity}, which
 * Python writes for non-finite floats), strings a {@link String} (with the standard escapes), {@code true}/{@code
 * false} a {@link Boolean} and {@code null} {@code null}. Malformed input throws an {@link IllegalArgumentException}
 * that names the offset.
 */
final class GoldenJson {
    private final String s;
    private int i;

    private GoldenJson(String s) {
        this.s = s;
    }

    /** Parses one JSON document; only whitespace may follow the value. */
    static Object parse(String json) {
        GoldenJson p = new GoldenJson(json);
        Object v = p.value();
        p.skip();
        if (p.i != json.length()) throw p.error("end of input");
        return v;
    }

    /**
     * Reads the fixture {@code /golden/<name>} from the test classpath; its top level must be an object.
     *
     * @throws IllegalStateException if the fixture is missing (it is made by {@code tools/golden/<name>.py})
     */
    static Map<String, Object> resource(String name) {
        try (InputStream in = GoldenJson.class.getResourceAsStream("/golden/" + name)) {
            if (in == null) {
                throw new IllegalStateException("golden/" + name + " is missing: run tools/golden/"
                        + name.replaceFirst("\\.json$", ".py"));
            }
            return map(parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A parsed JSON object. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    /** A parsed JSON array. */
    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        return (List<Object>) o;
    }

    /** A parsed JSON number. */
    static double num(Object o) {
        return ((Number) o).doubleValue();
    }

    /** The number under {@code key} of a parsed JSON object. */
    static double num(Map<?, ?> object, String key) {
        return num(object.get(key));
    }

    /** A parsed JSON array of numbers. */
    static double[] doubles(Object o) {
        List<Object> l = list(o);
        double[] out = new double[l.size()];
        for (int k = 0; k < out.length; k++) out[k] = num(l.get(k));
        return out;
    }

    /** A parsed JSON array of whole numbers, each narrowed as by {@code (int)}. */
    static int[] ints(Object o) {
        List<Object> l = list(o);
        int[] out = new int[l.size()];
        for (int k = 0; k < out.length; k++) out[k] = (int) num(l.get(k));
        return out;
    }

    // ------------------------------------------------------------------ the parser

    private Object value() {
        skip();
        if (i >= s.length()) throw error("a value");
        return switch (s.charAt(i)) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            default -> literal();
        };
    }

    /** {@code true}, {@code false}, {@code null} or a number. */
    private Object literal() {
        if (word("true")) return Boolean.TRUE;
        if (word("false")) return Boolean.FALSE;
        if (word("null")) return null;
        return number();
    }

    private Map<String, Object> object() {
        Map<String, Object> m = new LinkedHashMap<>();
        i++; // '{'
        skip();
        if (at('}')) return m;
        do {
            skip();
            if (i >= s.length() || s.charAt(i) != '"') throw error("a string key");
            String key = string();
            skip();
            expect(':');
            m.put(key, value());
            skip();
        } while (at(','));
        expect('}');
        return m;
    }

    private List<Object> array() {
        List<Object> l = new ArrayList<>();
        i++; // '['
        skip();
        if (at(']')) return l;
        do {
            l.add(value());
            skip();
        } while (at(','));
        expect(']');
        return l;
    }

    private String string() {
        i++; // opening quote
        StringBuilder b = new StringBuilder();
        while (true) {
            if (i >= s.length()) throw error("a closing quote");
            char c = s.charAt(i++);
            if (c == '"') return b.toString();
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (i >= s.length()) throw error("an escape");
            char e = s.charAt(i++);
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    if (i + 4 > s.length()) throw error("four hex digits");
                    try {
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                    } catch (NumberFormatException x) {
                        throw error("four hex digits");
                    }
                    i += 4;
                }
                default -> {
                    i--;
                    throw error("an escape");
                }
            }
        }
    }

    private Double number() {
        if (word("NaN")) return Double.NaN;
        if (word("Infinity")) return Double.POSITIVE_INFINITY;
        if (word("-Infinity")) return Double.NEGATIVE_INFINITY;
        int start = i;
        while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
        if (start == i) throw error("a value");
        try {
            return Double.parseDouble(s.substring(start, i));
        } catch (NumberFormatException x) {
            i = start;
            throw error("a number");
        }
    }

    /** Consumes {@code w} if the input continues with it. */
    private boolean word(String w) {
        if (!s.startsWith(w, i)) return false;
        i += w.length();
        return true;
    }

    /** Consumes {@code c} if it is the next character. */
    private boolean at(char c) {
        if (i < s.length() && s.charAt(i) == c) {
            i++;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        if (!at(c)) throw error("'" + c + "'");
    }

    private void skip() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
    }

    private IllegalArgumentException error(String wanted) {
        String found = i < s.length() ? "'" + s.charAt(i) + "'" : "the end";
        return new IllegalArgumentException("json: expected " + wanted + " at offset " + i + ", found " + found);
    }
}
