package dev.tapegrad.nn;

import dev.tapegrad.Autograd;
import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import java.util.Arrays;

/**
 * Parameter initialisers, as in {@code torch.nn.init}: each fills a float tensor in place (without recording,
 * so it works on parameters that require grad), draws from the given {@link Generator}, and returns the
 * tensor. The same seed gives the same values.
 *
 * <p>Fans follow PyTorch: for a tensor of shape {@code [out, in, k...]}, fan_in = in·∏k and
 * fan_out = out·∏k (a Linear weight {@code [out, in]}, a Conv weight {@code [out, in/groups, k...]}).
 */
public final class Init {
    private Init() {}

    /** Which fan a Kaiming initialiser preserves the variance of. */
    public enum FanMode {
        /** fan_in: preserves the variance of activations in the forward pass. */
        FAN_IN,
        /** fan_out: preserves the variance of gradients in the backward pass. */
        FAN_OUT
    }

    /** The nonlinearity following a layer, which sets the recommended gain (see {@link #gain}). */
    public enum Nonlinearity {
        /** Identity (and convolutions): gain 1. */
        LINEAR,
        /** Logistic sigmoid: gain 1. */
        SIGMOID,
        /** tanh: gain 5/3. */
        TANH,
        /** ReLU: gain √2. */
        RELU,
        /** Leaky ReLU with negative slope a: gain √(2/(1 + a²)). */
        LEAKY_RELU
    }

    /**
     * The recommended gain for a nonlinearity (PyTorch's {@code calculate_gain}): 1 for linear and sigmoid,
     * 5/3 for tanh, √2 for ReLU and √(2/(1 + a²)) for leaky ReLU with negative slope a.
     *
     * @param negativeSlope a, used by {@link Nonlinearity#LEAKY_RELU} only
     */
    public static double gain(Nonlinearity nonlinearity, double negativeSlope) {
        return switch (nonlinearity) {
            case LINEAR, SIGMOID -> 1.0;
            case TANH -> 5.0 / 3.0;
            case RELU -> Math.sqrt(2.0);
            case LEAKY_RELU -> Math.sqrt(2.0 / (1 + negativeSlope * negativeSlope));
        };
    }

    /** {fan_in, fan_out} of a tensor of rank ≥ 2 (see the class comment). */
    public static int[] fans(Tensor t) {
        if (t.dim() < 2) {
            throw new IllegalArgumentException("Init: fan in and fan out need a tensor of rank >= 2, got shape "
                    + Arrays.toString(t.shape()));
        }
        int receptive = t.numel() / Math.max(1, t.size(0) * t.size(1));
        return new int[] {t.size(1) * receptive, t.size(0) * receptive};
    }

    // ---------------------------------------------------------------- constants and plain distributions

    /** Sets every element to 0. */
    public static Tensor zeros(Tensor t) {
        return constant(t, 0.0);
    }

    /** Sets every element to 1. */
    public static Tensor ones(Tensor t) {
        return constant(t, 1.0);
    }

    /** Sets every element to {@code value}. */
    public static Tensor constant(Tensor t, double value) {
        try (var scope = Autograd.noGrad()) {
            return t.fillInPlace(value);
        }
    }

    /** Fills with samples of U[low, high). */
    public static Tensor uniform(Generator gen, Tensor t, double low, double high) {
        return fill(t, Tensor.uniform(gen, low, high, floating(t).dtype(), t.shape()));
    }

    /** Fills with samples of N(mean, std²). */
    public static Tensor normal(Generator gen, Tensor t, double mean, double std) {
        if (!(std >= 0)) throw new IllegalArgumentException("Init.normal: std must be >= 0, got " + std);
        return fill(t, Tensor.randn(gen, floating(t).dtype(), t.shape()).mul(std).add(mean));
    }

    /**
     * Fills with samples of N(mean, std²) conditioned on [a, b] (a truncated normal, exactly, by rejection).
     * In standard units α = (a − mean)/std, β = (b − mean)/std: when [α, β] contains 0 and is at least 2
     * wide, normal proposals are kept if they fall inside (acceptance ≥ 47%); otherwise proposals are uniform
     * on [α, β] and kept with probability exp((z₀² − z²)/2), z₀ the point of [α, β] nearest 0, which stays
     * efficient for narrow intervals and intervals in a tail.
     *
     * @param a finite lower bound
     * @param b finite upper bound, b &gt; a
     */
    public static Tensor truncNormal(Generator gen, Tensor t, double mean, double std, double a, double b) {
        if (!(std > 0) || !Double.isFinite(a) || !Double.isFinite(b) || !(a < b)) {
            throw new IllegalArgumentException("Init.truncNormal: need std > 0 and finite a < b, got std " + std
                    + ", [" + a + ", " + b + "]");
        }
        floating(t);
        double lo = (a - mean) / std, hi = (b - mean) / std;
        boolean normalProposal = lo <= 0 && hi >= 0 && hi - lo >= 2;
        double nearest = Math.max(lo, Math.min(0, hi));
        double[] v = new double[t.numel()];
        for (int i = 0; i < v.length; i++) {
            double z;
            do {
                if (normalProposal) {
                    z = gen.nextGaussian();
                    if (z >= lo && z <= hi) break;
                } else {
                    z = lo + (hi - lo) * gen.nextDouble();
                    if (gen.nextDouble() <= Math.exp((nearest * nearest - z * z) / 2)) break;
                }
            } while (true);
            // Rounding could step just outside [a, b]: clamp to the bounds.
            v[i] = Math.min(b, Math.max(a, mean + std * z));
        }
        return fill(t, Tensor.of(v).reshape(t.shape()));
    }

    // ---------------------------------------------------------------- scaled by the fans

    /**
     * Xavier/Glorot uniform (Glorot and Bengio, 2010): U[−B, B] with B = gain·√(6/(fan_in + fan_out)),
     * so Var = gain²·2/(fan_in + fan_out).
     */
    public static Tensor xavierUniform(Generator gen, Tensor t, double gain) {
        int[] f = fans(t);
        double bound = gain * Math.sqrt(6.0 / (f[0] + f[1]));
        return uniform(gen, t, -bound, bound);
    }

    /** Xavier/Glorot normal: N(0, σ²) with σ = gain·√(2/(fan_in + fan_out)). */
    public static Tensor xavierNormal(Generator gen, Tensor t, double gain) {
        int[] f = fans(t);
        return normal(gen, t, 0, gain * Math.sqrt(2.0 / (f[0] + f[1])));
    }

    /**
     * Kaiming/He uniform (He et al., "Delving Deep into Rectifiers", 2015): U[−B, B] with B = √3·σ and
     * σ = gain/√fan, gain = {@link #gain}(nonlinearity, negativeSlope), fan chosen by {@code mode}.
     * PyTorch's default Linear/Conv weight init is this with LEAKY_RELU and a = √5, i.e. B = 1/√fan_in.
     */
    public static Tensor kaimingUniform(Generator gen, Tensor t, double negativeSlope, FanMode mode,
                                        Nonlinearity nonlinearity) {
        double bound = Math.sqrt(3.0) * kaimingStd(t, negativeSlope, mode, nonlinearity);
        return uniform(gen, t, -bound, bound);
    }

    /** Kaiming/He normal: N(0, σ²) with σ = gain/√fan (see {@link #kaimingUniform}). */
    public static Tensor kaimingNormal(Generator gen, Tensor t, double negativeSlope, FanMode mode,
                                       Nonlinearity nonlinearity) {
        return normal(gen, t, 0, kaimingStd(t, negativeSlope, mode, nonlinearity));
    }

    private static double kaimingStd(Tensor t, double negativeSlope, FanMode mode, Nonlinearity nonlinearity) {
        int[] f = fans(t);
        int fan = mode == FanMode.FAN_IN ? f[0] : f[1];
        if (fan == 0) throw new IllegalArgumentException("Init.kaiming: zero fan for shape " + Arrays.toString(t.shape()));
        return gain(nonlinearity, negativeSlope) / Math.sqrt(fan);
    }

    // ---------------------------------------------------------------- orthogonal

    /**
     * A (semi-)orthogonal matrix times {@code gain} (Saxe, McClelland and Ganguli, 2013), as PyTorch's
     * {@code orthogonal_}: the tensor is viewed as a matrix {@code [rows = size(0), cols = numel/rows]}; a
     * Gaussian matrix (transposed if rows &lt; cols) is factored A = QR by Householder reflections, and the
     * columns of Q are multiplied by sign(R_jj) so that the result is uniformly (Haar) distributed. Then
     * WWᵀ = gain²·I (rows ≤ cols) or WᵀW = gain²·I (rows ≥ cols).
     */
    public static Tensor orthogonal(Generator gen, Tensor t, double gain) {
        if (t.dim() < 2) {
            throw new IllegalArgumentException("Init.orthogonal: needs a tensor of rank >= 2, got shape "
                    + Arrays.toString(t.shape()));
        }
        floating(t);
        int rows = t.size(0), cols = t.numel() / Math.max(1, rows);
        int m = Math.max(rows, cols), n = Math.min(rows, cols);
        double[] a = Tensor.randn(gen, DType.FLOAT64, rows, cols).toDoubleArray();
        double[] tall = rows >= cols ? a : transpose(a, rows, cols);          // m×n, m ≥ n
        double[] q = orthonormalColumns(tall, m, n);
        double[] w = rows >= cols ? q : transpose(q, m, n);
        for (int i = 0; i < w.length; i++) w[i] *= gain;
        return fill(t, Tensor.of(w, t.shape()));
    }

    /**
     * The m×n factor Q of the thin QR factorisation A = QR (m ≥ n, row-major), by Householder reflections,
     * with each column multiplied by the sign of R's diagonal entry (+1 for a zero entry).
     */
    static double[] orthonormalColumns(double[] aIn, int m, int n) {
        double[] a = aIn.clone();
        double[][] vs = new double[n][];
        double[] sign = new double[n];
        for (int k = 0; k < n; k++) {
            // Reflect column k below the diagonal onto a multiple of e_k: H = I − 2vvᵀ, ‖v‖ = 1.
            double norm = 0;
            for (int i = k; i < m; i++) norm += a[i * n + k] * a[i * n + k];
            norm = Math.sqrt(norm);
            double x0 = a[k * n + k];
            double alpha = x0 >= 0 ? -norm : norm;          // R_kk; opposite sign to x0 avoids cancellation
            double[] v = new double[m - k];
            for (int i = k; i < m; i++) v[i - k] = a[i * n + k];
            v[0] -= alpha;
            double vn = 0;
            for (double e : v) vn += e * e;
            vn = Math.sqrt(vn);
            if (vn > 0) {
                for (int i = 0; i < v.length; i++) v[i] /= vn;
                reflect(a, n, k, k, v);
            } else {
                alpha = x0;                                 // column already zero below the diagonal
            }
            vs[k] = vn > 0 ? v : null;
            sign[k] = alpha < 0 ? -1 : 1;
        }
        // Q = H₀H₁⋯Hₙ₋₁ applied to the first n columns of the identity, last reflection first.
        double[] q = new double[m * n];
        for (int j = 0; j < n; j++) q[j * n + j] = 1;
        for (int k = n - 1; k >= 0; k--) if (vs[k] != null) reflect(q, n, k, 0, vs[k]);
        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) q[i * n + j] *= sign[j];
        return q;
    }

    /** Applies H = I − 2vvᵀ to rows k.. and columns c.. of a row-major matrix with n columns, in place. */
    private static void reflect(double[] a, int n, int k, int c, double[] v) {
        for (int j = c; j < n; j++) {
            double dot = 0;
            for (int i = 0; i < v.length; i++) dot += v[i] * a[(k + i) * n + j];
            for (int i = 0; i < v.length; i++) a[(k + i) * n + j] -= 2 * dot * v[i];
        }
    }

    private static double[] transpose(double[] a, int rows, int cols) {
        double[] t = new double[a.length];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
        return t;
    }

    // ---------------------------------------------------------------- helpers

    private static Tensor floating(Tensor t) {
        if (!t.dtype().isFloating()) {
            throw new IllegalArgumentException("Init: can only fill float32 or float64 tensors, got " + t.dtype() + " "
                    + Arrays.toString(t.shape()));
        }
        return t;
    }

    /** Copies values into t without recording, and returns t. */
    private static Tensor fill(Tensor t, Tensor values) {
        try (var scope = Autograd.noGrad()) {
            return t.copyInPlace(values);
        }
    }
}
