package dev.tapegrad.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The small, strict JSON reader and string printer that the safetensors header needs (RFC 8259, no library).
 *
 * <p>Values map to Java as: object → {@code LinkedHashMap<String, Object>} (duplicate keys rejected),
 * array → {@code List<Object>}, string → {@code String}, number → {@link Num} (the literal, checked against
 * the grammar, converted only on request), {@code true}/{@code false} → {@code Boolean}, {@code null} →
 * {@link #NULL}. Anything else — trailing text other than whitespace, control characters in strings, lone
 * surrogates, nesting deeper than {@value #MAX_DEPTH} — is an {@link IllegalArgumentException} that gives the
 * character offset. The reader never recurses deeper than {@value #MAX_DEPTH}, so a hostile header cannot
 * overflow the stack.
 */
final class SafeTensorJson {
    /** Deepest nesting accepted (serde_json's default limit, which the reference reader uses). */
    static final int MAX_DEPTH = 128;
    /** The JSON {@code null}. */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    /** A JSON number, kept as its literal text. */
    record Num(String text) {
        /** The value if the literal is a non-negative integer that fits in a {@code long}, else -1. */
        long nonNegativeLong() {
            if (text.length() > 19 || text.startsWith("-") || text.indexOf('.') >= 0
                    || text.indexOf('e') >= 0 || text.indexOf('E') >= 0) {
                return -1;
            }
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                return -1; // more than Long.MAX_VALUE
            }
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private final String s;
    private int pos;

    private SafeTensorJson(String s) {
        this.s = s;
    }

    /** Parses a whole JSON text (one value, surrounded by optional whitespace). */
    static Object parse(String text) {
        SafeTensorJson p = new SafeTensorJson(text);
        p.skipWhitespace();
        Object v = p.value(0);
        p.skipWhitespace();
        if (p.pos != text.length()) throw p.error("unexpected text after the JSON value");
        return v;
    }

    private Object value(int depth) {
        if (depth >= MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH + " levels");
        if (pos >= s.length()) throw error("unexpected end of the JSON text");
        char c = s.charAt(pos);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", NULL);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) yield number();
                throw error("unexpected character " + show(c));
            }
        };
    }

    private Map<String, Object> object(int depth) {
        pos++; // '{'
        Map<String, Object> out = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return out;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') throw error("expected a string key");
            int keyAt = pos;
            String key = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            Object v = value(depth + 1);
            if (out.putIfAbsent(key, v) != null) {
                pos = keyAt;
                throw error("duplicate key \"" + key + "\"");
            }
            skipWhitespace();
            char c = peek();
            pos++;
            if (c == '}') return out;
            if (c != ',') {
                pos--;
                throw error("expected ',' or '}' in an object");
            }
        }
    }

    private List<Object> array(int depth) {
        pos++; // '['
        List<Object> out = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return out;
        }
        while (true) {
            skipWhitespace();
            out.add(value(depth + 1));
            skipWhitespace();
            char c = peek();
            pos++;
            if (c == ']') return out;
            if (c != ',') {
                pos--;
                throw error("expected ',' or ']' in an array");
            }
        }
    }

    private String string() {
        pos++; // opening quote
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= s.length()) throw error("unterminated string");
            char c = s.charAt(pos++);
            if (c == '"') break;
            if (c < 0x20) {
                pos--;
                throw error("unescaped control character " + show(c) + " in a string");
            }
            if (c != '\\') {
                sb.append(c); // the text came from a strict UTF-8 decode, so surrogates here are paired
                continue;
            }
            if (pos >= s.length()) throw error("unterminated escape");
            char e = s.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    char u = hex4();
                    if (Character.isHighSurrogate(u)) {
                        if (!s.startsWith("\\u", pos)) throw error("lone leading surrogate \\u" + hex(u));
                        pos += 2;
                        char low = hex4();
                        if (!Character.isLowSurrogate(low)) throw error("lone leading surrogate \\u" + hex(u));
                        sb.append(u).append(low);
                    } else if (Character.isLowSurrogate(u)) {
                        throw error("lone trailing surrogate \\u" + hex(u));
                    } else {
                        sb.append(u);
                    }
                }
                default -> {
                    pos--;
                    throw error("invalid escape \\" + show(e));
                }
            }
        }
        return sb.toString();
    }

    private char hex4() {
        if (pos + 4 > s.length()) throw error("truncated \\u escape");
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(s.charAt(pos), 16);
            if (d < 0 || s.charAt(pos) > 'f') throw error("invalid hex digit in a \\u escape");
            v = v * 16 + d;
            pos++;
        }
        return (char) v;
    }

    /** number = [-] int [frac] [exp]; int = 0 | [1-9][0-9]*; frac = . [0-9]+; exp = (e|E) [+|-] [0-9]+. */
    private Num number() {
        int start = pos;
        if (peek() == '-') pos++;
        if (peek() == '0') {
            pos++;
        } else if (isDigit(peek())) {
            while (isDigit(peek())) pos++;
        } else {
            throw error("expected a digit");
        }
        if (peek() == '.') {
            pos++;
            if (!isDigit(peek())) throw error("expected a digit after '.'");
            while (isDigit(peek())) pos++;
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') pos++;
            if (!isDigit(peek())) throw error("expected a digit in the exponent");
            while (isDigit(peek())) pos++;
        }
        return new Num(s.substring(start, pos));
    }

    private Object literal(String word, Object v) {
        if (!s.startsWith(word, pos)) throw error("unexpected character " + show(s.charAt(pos)));
        pos += word.length();
        return v;
    }

    private void expect(char c) {
        if (peek() != c) throw error("expected '" + c + "'");
        pos++;
    }

    /** The current character, or U+FFFF at the end (never valid JSON syntax, so it falls into an error). */
    private char peek() {
        return pos < s.length() ? s.charAt(pos) : '\uFFFF';
    }

    private void skipWhitespace() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
            pos++;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("invalid JSON at character " + pos + ": " + what);
    }

    private static String show(char c) {
        return c >= 0x20 && c < 0x7f ? "'" + c + "'" : "U+" + hex(c);
    }

    private static String hex(char c) {
        return String.format("%04X", (int) c);
    }

    // ---------------------------------------------------------------- printing

    /**
     * Appends s as a JSON string literal, escaped as serde_json does: {@code "} and {@code \}, the short
     * escapes for \b \f \n \r \t, a six-character u-escape (backslash, u, four hex digits) for other control characters, everything else verbatim
     * (UTF-8 in the file).
     *
     * @throws IllegalArgumentException for a lone surrogate, which UTF-8 cannot encode
     */
    static void appendString(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
                if (!paired) throw new IllegalArgumentException("string \"" + s + "\" has a lone surrogate at index " + i);
                out.append(c).append(s.charAt(++i));
                continue;
            }
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        out.append('"');
    }
}
