package dev.tapegrad.nn;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The small, strict JSON reader and string printer that the safetensors header needs (RFC 8259, no library).
 *
 * <p>The reader is a pull parser over the header's UTF-8 bytes: it builds no tree, so a 100 MB header costs
 * the bytes themselves plus what its caller keeps (numbers go straight into {@code long}s, strings are decoded
 * into one reusable byte buffer). {@link SafeTensorHeader} walks the header with it. Anything that is not
 * JSON — trailing text other than whitespace, control characters in strings, lone surrogates, leading zeros,
 * a duplicate key in any object, nesting deeper than {@value #MAX_DEPTH} — is an
 * {@link IllegalArgumentException} that gives the byte offset. The reader never recurses deeper than
 * {@value #MAX_DEPTH}, so a hostile header cannot overflow the stack.
 */
final class SafeTensorJson {
    /** Deepest nesting accepted (serde_json's default limit, which the reference reader uses). */
    static final int MAX_DEPTH = 128;

    /** What to do with the members of one object. */
    interface Members {
        /**
         * Called with the member's key decoded in {@link #token()}; returns false when the key is a duplicate.
         */
        boolean key();

        /** Reads (or skips) exactly one value, at nesting depth {@code depth}. */
        void value(int depth);
    }

    /** What to do with the elements of one array. */
    interface Elements {
        /** Reads (or skips) element {@code i}, exactly one value, at nesting depth {@code depth}. */
        void element(int i, int depth);
    }

    private final byte[] b;
    private int pos;
    /** The decoded UTF-8 bytes of the last string read. */
    private byte[] token = new byte[64];
    private int tokenLength;

    SafeTensorJson(byte[] utf8) {
        this.b = utf8;
    }

    /** Checks that the bytes are well-formed UTF-8 without building a string of them. */
    static boolean isUtf8(byte[] bytes) {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(8192);
        while (true) {
            CoderResult r = dec.decode(in, out, true);
            if (r.isError()) return false;
            out.clear();
            if (r.isUnderflow()) break;
        }
        return !dec.flush(out).isError();
    }

    /** The byte offset of the next character. */
    int position() {
        return pos;
    }

    /** The decoded bytes of the last string read (valid until the next string). */
    byte[] token() {
        return token;
    }

    /** Length of {@link #token()}. */
    int tokenLength() {
        return tokenLength;
    }

    /** The last string read. */
    String tokenString() {
        return new String(token, 0, tokenLength, StandardCharsets.UTF_8);
    }

    /** Whether the last string read is {@code ascii}. */
    boolean tokenIs(String ascii) {
        if (ascii.length() != tokenLength) return false;
        for (int i = 0; i < tokenLength; i++) if (token[i] != ascii.charAt(i)) return false;
        return true;
    }

    /** The next character (a byte), or -1 at the end. */
    int peek() {
        return pos < b.length ? b[pos] & 0xff : -1;
    }

    void skipWhitespace() {
        while (pos < b.length) {
            byte c = b[pos];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
            pos++;
        }
    }

    /** Checks that only whitespace follows. */
    void end() {
        skipWhitespace();
        if (pos != b.length) throw error("unexpected text after the JSON value");
    }

    /** Reads an object, handing each member to {@code members}; duplicate keys (as it reports them) are errors. */
    void object(int depth, Members members) {
        checkDepth(depth);
        expect('{');
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') throw error("expected a string key");
            int keyAt = pos;
            string();
            if (!members.key()) {
                pos = keyAt;
                throw error("duplicate key \"" + tokenString() + "\"");
            }
            skipWhitespace();
            expect(':');
            skipWhitespace();
            members.value(depth + 1);
            skipWhitespace();
            int c = peek();
            pos++;
            if (c == '}') return;
            if (c != ',') {
                pos--;
                throw error("expected ',' or '}' in an object");
            }
        }
    }

    /** Reads an array, handing each element to {@code elements}. */
    void array(int depth, Elements elements) {
        checkDepth(depth);
        expect('[');
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return;
        }
        for (int i = 0; ; i++) {
            skipWhitespace();
            elements.element(i, depth + 1);
            skipWhitespace();
            int c = peek();
            pos++;
            if (c == ']') return;
            if (c != ',') {
                pos--;
                throw error("expected ',' or ']' in an array");
            }
        }
    }

    /** Checks and skips any one value (objects are still checked for duplicate keys). */
    void skipValue(int depth) {
        checkDepth(depth);
        int c = peek();
        switch (c) {
            case '{' -> {
                SafeTensorKeys keys = new SafeTensorKeys();
                object(depth, new Members() {
                    @Override
                    public boolean key() {
                        return keys.add(token, tokenLength) >= 0;
                    }

                    @Override
                    public void value(int d) {
                        skipValue(d);
                    }
                });
            }
            case '[' -> array(depth, (i, d) -> skipValue(d));
            case '"' -> string();
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) number();
                else if (c < 0) throw error("unexpected end of the JSON text");
                else throw error("unexpected character " + show(c));
            }
        }
    }

    private void checkDepth(int depth) {
        if (depth >= MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH + " levels");
        if (pos >= b.length) throw error("unexpected end of the JSON text");
    }

    /** Reads a string into {@link #token()}: escapes decoded, the result as UTF-8 bytes. */
    void string() {
        expect('"');
        tokenLength = 0;
        while (true) {
            if (pos >= b.length) throw error("unterminated string");
            int c = b[pos++] & 0xff;
            if (c == '"') return;
            if (c < 0x20) {
                pos--;
                throw error("unescaped control character " + show(c) + " in a string");
            }
            if (c != '\\') {
                put(c); // the bytes were checked to be UTF-8, so multi-byte characters are copied whole
                continue;
            }
            if (pos >= b.length) throw error("unterminated escape");
            int e = b[pos++] & 0xff;
            switch (e) {
                case '"', '\\', '/' -> put(e);
                case 'b' -> put('\b');
                case 'f' -> put('\f');
                case 'n' -> put('\n');
                case 'r' -> put('\r');
                case 't' -> put('\t');
                case 'u' -> {
                    char u = hex4();
                    if (Character.isHighSurrogate(u)) {
                        if (pos + 1 >= b.length || b[pos] != '\\' || b[pos + 1] != 'u') throw error("lone leading surrogate \\u" + hex(u));
                        pos += 2;
                        char low = hex4();
                        if (!Character.isLowSurrogate(low)) throw error("lone leading surrogate \\u" + hex(u));
                        putCodePoint(Character.toCodePoint(u, low));
                    } else if (Character.isLowSurrogate(u)) {
                        throw error("lone trailing surrogate \\u" + hex(u));
                    } else {
                        putCodePoint(u);
                    }
                }
                default -> {
                    pos--;
                    throw error("invalid escape \\" + show(e));
                }
            }
        }
    }

    private void put(int byteValue) {
        if (tokenLength == token.length) token = SafeTensorKeys.ensure(token, tokenLength + 1);
        token[tokenLength++] = (byte) byteValue;
    }

    /** Appends a code point as UTF-8. */
    private void putCodePoint(int cp) {
        if (cp < 0x80) {
            put(cp);
        } else if (cp < 0x800) {
            put(0xc0 | cp >> 6);
            put(0x80 | cp & 0x3f);
        } else if (cp < 0x10000) {
            put(0xe0 | cp >> 12);
            put(0x80 | cp >> 6 & 0x3f);
            put(0x80 | cp & 0x3f);
        } else {
            put(0xf0 | cp >> 18);
            put(0x80 | cp >> 12 & 0x3f);
            put(0x80 | cp >> 6 & 0x3f);
            put(0x80 | cp & 0x3f);
        }
    }

    private char hex4() {
        if (pos + 4 > b.length) throw error("truncated \\u escape");
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(b[pos], 16);
            if (d < 0) throw error("invalid hex digit in a \\u escape");
            v = v * 16 + d;
            pos++;
        }
        return (char) v;
    }

    /**
     * Reads a number: [-] int [frac] [exp]; int = 0 | [1-9][0-9]*; frac = . [0-9]+; exp = (e|E) [+|-] [0-9]+.
     *
     * @return its value if it is a non-negative integer (no fraction, no exponent) of at most 2⁶³ − 1, else -1
     */
    long number() {
        int start = pos;
        boolean negative = peek() == '-';
        if (negative) pos++;
        if (peek() == '0') {
            pos++;
        } else if (isDigit(peek())) {
            while (isDigit(peek())) pos++;
        } else {
            throw error("expected a digit");
        }
        int digitsEnd = pos;
        boolean integer = true;
        if (peek() == '.') {
            integer = false;
            pos++;
            if (!isDigit(peek())) throw error("expected a digit after '.'");
            while (isDigit(peek())) pos++;
        }
        if (peek() == 'e' || peek() == 'E') {
            integer = false;
            pos++;
            if (peek() == '+' || peek() == '-') pos++;
            if (!isDigit(peek())) throw error("expected a digit in the exponent");
            while (isDigit(peek())) pos++;
        }
        if (negative || !integer || digitsEnd - start > 19) return -1;
        long v = 0;
        for (int i = start; i < digitsEnd; i++) {
            int d = b[i] - '0';
            if (v > (Long.MAX_VALUE - d) / 10) return -1;
            v = v * 10 + d;
        }
        return v;
    }

    /** The text of bytes [from, to) for a message, shortened to 40 bytes. */
    String excerpt(int from, int to) {
        String s = new String(b, from, Math.min(to, from + 40) - from, StandardCharsets.UTF_8);
        return to - from > 40 ? s + "..." : s;
    }

    private void literal(String word) {
        for (int i = 0; i < word.length(); i++) {
            if (pos + i >= b.length || b[pos + i] != word.charAt(i)) {
                pos += i;
                throw error(pos >= b.length ? "unexpected end of the JSON text" : "unexpected character " + show(b[pos] & 0xff));
            }
        }
        pos += word.length();
    }

    private void expect(char c) {
        if (peek() != c) throw error("expected '" + c + "'");
        pos++;
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    IllegalArgumentException error(String what) {
        return new IllegalArgumentException("invalid JSON at byte " + pos + ": " + what);
    }

    private static String show(int c) {
        if (c >= 0x20 && c < 0x7f) return "'" + (char) c + "'";
        return c < 0x80 ? String.format("U+%04X", c) : String.format("byte 0x%02X", c);
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
