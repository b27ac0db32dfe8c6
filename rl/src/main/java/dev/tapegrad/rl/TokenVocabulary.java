package dev.tapegrad.rl;

/**
 * The token vocabulary of the toy tasks: V = 17 ids.
 *
 * <table>
 * <caption>ids</caption>
 * <tr><th>id</th><th>token</th><th>text</th></tr>
 * <tr><td>0</td><td>PAD (after the end of a completion; never scored)</td><td>{@code _}</td></tr>
 * <tr><td>1</td><td>BOS, first token of every prompt</td><td>{@code ^}</td></tr>
 * <tr><td>2</td><td>EOS, ends a completion</td><td>{@code $}</td></tr>
 * <tr><td>3</td><td>SEP, ends a prompt (the model answers after it)</td><td>{@code |}</td></tr>
 * <tr><td>4..13</td><td>digits 0..9</td><td>{@code 0..9}</td></tr>
 * <tr><td>14, 15, 16</td><td>operators + − ×</td><td>{@code + - *}</td></tr>
 * </table>
 *
 * <p>A uniformly random policy emits any given sequence of n tokens with probability V^(−n), which is how the
 * tasks' difficulty sets the initial success probability p0.
 */
public final class TokenVocabulary {
    private TokenVocabulary() {}

    /** Padding. */
    public static final int PAD = 0;
    /** Beginning of a prompt. */
    public static final int BOS = 1;
    /** End of a completion. */
    public static final int EOS = 2;
    /** Separator between the prompt and the answer. */
    public static final int SEP = 3;
    /** Addition. */
    public static final int PLUS = 14;
    /** Subtraction. */
    public static final int MINUS = 15;
    /** Multiplication. */
    public static final int TIMES = 16;
    /** V, the number of ids. */
    public static final int SIZE = 17;

    private static final String TEXT = "_^$|0123456789+-*";

    /** The id of digit d ∈ 0..9. */
    public static int digit(int d) {
        if (d < 0 || d > 9) throw new IllegalArgumentException("TokenVocabulary.digit: need 0..9, got " + d);
        return 4 + d;
    }

    /** True for the ids of the ten digits. */
    public static boolean isDigit(int id) {
        return id >= 4 && id <= 13;
    }

    /** The digit an id stands for (0..9). */
    public static int digitValue(int id) {
        if (!isDigit(id)) throw new IllegalArgumentException("TokenVocabulary.digitValue: id " + id + " is not a digit");
        return id - 4;
    }

    /** The ids of the decimal digits of n ≥ 0, most significant first, left-padded with zeros to {@code width} digits. */
    public static int[] digits(long n, int width) {
        String s = Long.toString(n);
        if (n < 0 || s.length() > width) {
            throw new IllegalArgumentException("TokenVocabulary.digits: " + n + " does not fit in " + width + " digits");
        }
        s = "0".repeat(width - s.length()) + s;
        return encode(s);
    }

    /** The ids of a string over {@code _^$|0123456789+-*}. */
    public static int[] encode(String text) {
        int[] ids = new int[text.length()];
        for (int i = 0; i < ids.length; i++) {
            int id = TEXT.indexOf(text.charAt(i));
            if (id < 0) throw new IllegalArgumentException("TokenVocabulary.encode: no token for '" + text.charAt(i) + "'");
            ids[i] = id;
        }
        return ids;
    }

    /** The text of a sequence of ids (inverse of {@link #encode}). */
    public static String decode(int[] ids) {
        StringBuilder sb = new StringBuilder(ids.length);
        for (int id : ids) {
            if (id < 0 || id >= SIZE) throw new IllegalArgumentException("TokenVocabulary.decode: id " + id + " is outside 0.." + (SIZE - 1));
            sb.append(TEXT.charAt(id));
        }
        return sb.toString();
    }
}
