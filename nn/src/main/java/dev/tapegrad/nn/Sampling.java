package dev.tapegrad.nn;

import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Drawing tokens from next-token logits, row by row over the last axis (the vocabulary). None of this is
 * differentiated: it works on copies of the values.
 *
 * <p>{@link #sample} applies, in this order (as Hugging Face's generation does): temperature
 * (logits / τ), {@link #topK top-k}, {@link #topP top-p} (on the tempered distribution), then draws one
 * index from softmax of what is left by inverting its cumulative distribution at u ~ U[0, 1) from the
 * given {@link Generator}, one draw per row. Temperature 0 means greedy decoding: argmax of the logits,
 * lowest index on ties, no random draw.
 */
public final class Sampling {
    private Sampling() {}

    /**
     * Top-k filtering (Fan et al. 2018): logits strictly below the k-th largest of their row become −∞. Exactly k
     * survive unless there are ties at the k-th value, which all survive. k = 0 means no filtering.
     *
     * @param logits floating {@code [V]} or {@code [B, V]}
     * @param k      0 ≤ k ≤ V
     * @return a new tensor of the same shape and dtype
     */
    public static Tensor topK(Tensor logits, int k) {
        int v = checkLogits("topK", logits);
        checkTopK(k, v);
        return mapRows(logits, row -> {
            if (k == 0) return row;
            double[] sorted = row.clone();
            Arrays.sort(sorted);
            double threshold = sorted[v - k];
            for (int i = 0; i < v; i++) if (row[i] < threshold) row[i] = Double.NEGATIVE_INFINITY;
            return row;
        });
    }

    /**
     * Top-p (nucleus) filtering (Holtzman et al. 2020): with the row's probabilities π = softmax(logits) sorted in
     * decreasing order (lower index first on ties), keep the smallest prefix whose mass is ≥ p and set the other
     * logits to −∞. The most likely token always survives; p = 1 keeps everything.
     *
     * @param logits floating {@code [V]} or {@code [B, V]}
     * @param p      0 &lt; p ≤ 1
     * @return a new tensor of the same shape and dtype
     */
    public static Tensor topP(Tensor logits, double p) {
        int v = checkLogits("topP", logits);
        checkTopP(p);
        return mapRows(logits, row -> {
            if (p == 1.0) return row;
            double[] probs = softmax(row);
            Integer[] order = IntStream.range(0, v).boxed().toArray(Integer[]::new);
            Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -probs[i]).thenComparingInt(i -> i));
            double mass = 0;
            int kept = 0;
            while (kept < v && mass < p) mass += probs[order[kept++]];
            for (int j = kept; j < v; j++) row[order[j]] = Double.NEGATIVE_INFINITY;
            return row;
        });
    }

    /**
     * Draws one token index per row of {@code logits} ({@code [V]} → int32 scalar, {@code [B, V]} → int32 {@code [B]})
     * as described in the {@linkplain Sampling class notes}.
     *
     * @param temperature τ ≥ 0 (0 = greedy)
     * @param topK        0 (off) or 1..V
     * @param topP        in (0, 1]; 1 = off
     * @param gen         the source of randomness (unused when τ = 0)
     * @throws IllegalArgumentException for invalid arguments, NaN or +∞ logits, or a row without a finite logit
     */
    public static Tensor sample(Generator gen, Tensor logits, double temperature, int topK, double topP) {
        int v = checkLogits("sample", logits);
        checkArguments(temperature, topK, topP, v);
        int[] outShape = Arrays.copyOf(logits.shape(), logits.dim() - 1);
        double[] all = logits.contiguous().toDoubleArray();
        int rows = all.length / v;
        int[] out = new int[rows];
        if (temperature == 0) {
            for (int r = 0; r < rows; r++) out[r] = argmax(Arrays.copyOfRange(all, r * v, (r + 1) * v));
            return Tensor.of(out, rows).reshape(outShape);
        }
        // Shift each row by its maximum before dividing: (x − max)/τ ≤ 0 cannot overflow to +∞ however small
        // τ is (softmax is shift-invariant, so the distribution is the same).
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int i = r * v; i < (r + 1) * v; i++) max = Math.max(max, all[i]);
            for (int i = r * v; i < (r + 1) * v; i++) all[i] -= max;
        }
        Tensor tempered = Tensor.of(all, logits.shape()).div(temperature);
        double[] filtered = topP(topK(tempered, topK), topP).toDoubleArray();
        for (int r = 0; r < rows; r++) {
            double[] probs = softmax(Arrays.copyOfRange(filtered, r * v, (r + 1) * v));
            double u = gen.nextDouble(), cumulative = 0;
            int pick = -1;
            for (int i = 0; i < v && (pick < 0 || cumulative <= u); i++) {
                if (probs[i] == 0) continue;
                cumulative += probs[i];
                pick = i; // the last index with mass, should rounding leave the total just below u
            }
            out[r] = pick;
        }
        return Tensor.of(out, rows).reshape(outShape);
    }

    /** Refuses a negative or non-finite temperature, k outside 0..V, or p outside (0, 1]. */
    static void checkArguments(double temperature, int topK, double topP, int vocab) {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("sample: temperature must be finite and ≥ 0 (0 = greedy), got " + temperature);
        }
        checkTopK(topK, vocab);
        checkTopP(topP);
    }

    private static void checkTopK(int k, int vocab) {
        if (k < 0 || k > vocab) {
            throw new IllegalArgumentException("topK: k must be in 0..V = 0.." + vocab + " (0 = off), got " + k);
        }
    }

    private static void checkTopP(double p) {
        if (!(p > 0 && p <= 1)) throw new IllegalArgumentException("topP: p must be in (0, 1] (1 = off), got " + p);
    }

    /** Validates logits and returns V; every row needs a finite entry and no NaN or +∞. */
    private static int checkLogits(String op, Tensor logits) {
        if (!logits.dtype().isFloating() || logits.dim() < 1 || logits.dim() > 2 || logits.size(-1) == 0) {
            throw new IllegalArgumentException(op + ": logits must be floating [V] or [B, V] with V ≥ 1, got "
                    + logits.dtype() + " of shape " + Arrays.toString(logits.shape()));
        }
        int v = logits.size(-1);
        double[] all = logits.contiguous().toDoubleArray();
        for (int r = 0; r < all.length / v; r++) {
            boolean finite = false;
            for (int i = r * v; i < (r + 1) * v; i++) {
                if (Double.isNaN(all[i]) || all[i] == Double.POSITIVE_INFINITY) {
                    throw new IllegalArgumentException(op + ": logits row " + r + " contains " + all[i]);
                }
                finite |= Double.isFinite(all[i]);
            }
            if (!finite) throw new IllegalArgumentException(op + ": logits row " + r + " has no finite entry");
        }
        return v;
    }

    private interface RowMap {
        double[] apply(double[] row);
    }

    /** Applies f to a copy of each row of the last axis; same shape and dtype. */
    private static Tensor mapRows(Tensor logits, RowMap f) {
        int v = logits.size(-1);
        double[] all = logits.contiguous().toDoubleArray();
        for (int r = 0; r < all.length / v; r++) {
            double[] row = f.apply(Arrays.copyOfRange(all, r * v, (r + 1) * v));
            System.arraycopy(row, 0, all, r * v, v);
        }
        return Tensor.of(all, logits.shape()).to(logits.dtype());
    }

    private static double[] softmax(double[] row) {
        double max = Double.NEGATIVE_INFINITY;
        for (double x : row) max = Math.max(max, x);
        double[] p = new double[row.length];
        double sum = 0;
        for (int i = 0; i < row.length; i++) sum += p[i] = Math.exp(row[i] - max);
        for (int i = 0; i < row.length; i++) p[i] /= sum;
        return p;
    }

    private static int argmax(double[] row) {
        int best = 0;
        for (int i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
        return best;
    }
}
