package dev.tapegrad.curvature;

import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Linalg;
import dev.tapegrad.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Test problems with a known or densely computable Hessian: a quadratic ½θᵀAθ + bᵀθ with A = Q·diag(λ)·Qᵀ (Q a
 * random orthogonal matrix) over two named parameters, and a small float64 two-layer tanh MLP with a
 * cross-entropy loss, and the dense eigenvalues the checks compare with.
 */
final class Problems {
    private Problems() {}

    /** A loss over named parameters, and what is known about it. */
    record Problem(Map<String, Tensor> params, Supplier<Tensor> loss, double[][] hessian) {
        HessianOperator operator() {
            return HessianOperator.of(params, loss);
        }

        int n() {
            return ParamLayout.of(params).size();
        }
    }

    /**
     * ½θᵀAθ + bᵀθ with θ = (w.flatten(), c) for w of shape [rows, cols] and c of length n − rows·cols, whose
     * Hessian is exactly A = Q·diag(spectrum)·Qᵀ.
     */
    static Problem quadratic(Generator gen, double[] spectrum, int rows, int cols) {
        int n = spectrum.length;
        double[][] q = orthogonal(gen, n);
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) s += q[i][k] * spectrum[k] * q[j][k];
                a[i][j] = s;
            }
        // exactly symmetric
        for (int i = 0; i < n; i++) for (int j = 0; j < i; j++) a[i][j] = a[j][i];
        Tensor at = Tensor.of(a);
        Tensor b = Tensor.randn(gen, DType.FLOAT64, n);
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("w", Tensor.randn(gen, DType.FLOAT64, rows, cols).requiresGrad(true));
        params.put("c", Tensor.randn(gen, DType.FLOAT64, n - rows * cols).requiresGrad(true));
        Supplier<Tensor> loss = () -> {
            Tensor theta = Tensor.concat(0, params.get("w").reshape(-1), params.get("c"));
            return at.matmul(theta.unsqueeze(1)).squeeze(1).mul(theta).sum().mul(0.5).add(b.mul(theta).sum());
        };
        return new Problem(params, loss, a);
    }

    /** The columns of a random orthogonal matrix: Gram–Schmidt (twice) on Gaussian columns. */
    static double[][] orthogonal(Generator gen, int n) {
        double[][] cols = new double[n][n]; // cols[k] = column k
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < n; i++) cols[k][i] = gen.nextGaussian();
            for (int pass = 0; pass < 2; pass++) {
                for (int j = 0; j < k; j++) {
                    double d = 0;
                    for (int i = 0; i < n; i++) d += cols[j][i] * cols[k][i];
                    for (int i = 0; i < n; i++) cols[k][i] -= d * cols[j][i];
                }
            }
            double norm = 0;
            for (int i = 0; i < n; i++) norm += cols[k][i] * cols[k][i];
            norm = Math.sqrt(norm);
            for (int i = 0; i < n; i++) cols[k][i] /= norm;
        }
        double[][] q = new double[n][n];
        for (int i = 0; i < n; i++) for (int k = 0; k < n; k++) q[i][k] = cols[k][i];
        return q;
    }

    /**
     * A float64 MLP in → hidden (tanh) → classes with PyTorch's parameter names, its cross-entropy on a fixed
     * random batch; the Hessian is left null (built from products by the tests).
     */
    static Problem mlp(Generator gen, int in, int hidden, int classes, int batch) {
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("0.weight", Tensor.randn(gen, DType.FLOAT64, hidden, in).mul(1.0 / Math.sqrt(in)).requiresGrad(true));
        params.put("0.bias", Tensor.randn(gen, DType.FLOAT64, hidden).mul(0.1).requiresGrad(true));
        params.put("2.weight", Tensor.randn(gen, DType.FLOAT64, classes, hidden).mul(1.0 / Math.sqrt(hidden)).requiresGrad(true));
        params.put("2.bias", Tensor.randn(gen, DType.FLOAT64, classes).mul(0.1).requiresGrad(true));
        Tensor x = Tensor.randn(gen, DType.FLOAT64, batch, in);
        Tensor y = Tensor.randint(gen, 0, classes, batch);
        Supplier<Tensor> loss = () -> {
            Tensor h = Tensor.linear(x, params.get("0.weight"), params.get("0.bias")).tanh();
            return Tensor.linear(h, params.get("2.weight"), params.get("2.bias")).crossEntropy(y).mean();
        };
        return new Problem(params, loss, null);
    }

    /** The same MLP shape with a mean-squared-error loss against random targets (no fused cross-entropy). */
    static Problem mseMlp(Generator gen, int in, int hidden, int out, int batch) {
        Problem p = mlp(gen, in, hidden, out, batch);
        Tensor x = Tensor.randn(gen, DType.FLOAT64, batch, in), y = Tensor.randn(gen, DType.FLOAT64, batch, out);
        Map<String, Tensor> params = p.params();
        Supplier<Tensor> loss = () -> {
            Tensor h = Tensor.linear(x, params.get("0.weight"), params.get("0.bias")).tanh();
            return Tensor.linear(h, params.get("2.weight"), params.get("2.bias")).sub(y).square().mean();
        };
        return new Problem(params, loss, null);
    }

    /**
     * A one-input, one-sample MLP with scalar parameters wⱼ, bⱼ, vⱼ (j &lt; hidden) and c, each of shape [1]:
     * L = (Σⱼ vⱼ·tanh(wⱼ·x + bⱼ) + c − y)², built from elementwise ops only (no reduction), so that every op it
     * uses has a JVP rule; 3·hidden + 1 parameters.
     */
    static Problem scalarMlp(Generator gen, int hidden, double x, double y) {
        Map<String, Tensor> params = new LinkedHashMap<>();
        for (int j = 0; j < hidden; j++) {
            params.put("w" + j, Tensor.randn(gen, DType.FLOAT64, 1).requiresGrad(true));
            params.put("b" + j, Tensor.randn(gen, DType.FLOAT64, 1).mul(0.5).requiresGrad(true));
            params.put("v" + j, Tensor.randn(gen, DType.FLOAT64, 1).requiresGrad(true));
        }
        params.put("c", Tensor.randn(gen, DType.FLOAT64, 1).requiresGrad(true));
        // x and y as [1]-shaped tensors like the parameters: no broadcasting (whose rules reduce) anywhere
        Tensor xt = Tensor.of(new double[] {x}), yt = Tensor.of(new double[] {y});
        Supplier<Tensor> loss = () -> {
            Tensor out = params.get("c").sub(yt);
            for (int j = 0; j < hidden; j++) {
                out = out.add(params.get("v" + j).mul(params.get("w" + j).mul(xt).add(params.get("b" + j)).tanh()));
            }
            return out.square();
        };
        return new Problem(params, loss, null);
    }

    /** The symmetrised dense Hessian built column by column from products: ½(H + Hᵀ). */
    static double[][] denseHessian(SymmetricOperator op) {
        double[][] h = op.toDense(4096);
        int n = h.length;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < i; j++) {
                double s = 0.5 * (h[i][j] + h[j][i]);
                h[i][j] = s;
                h[j][i] = s;
            }
        return h;
    }

    /** The eigenvalues (ascending) of a dense symmetric matrix, by {@link Linalg#eigh} (the reference of the checks). */
    static double[] eigenvalues(double[][] matrix) {
        return Linalg.eigh(Tensor.of(matrix)).values().toDoubleArray();
    }

    /** tr(Aᵏ)/n for a symmetric A with eigenvalues {@code eig}. */
    static double spectralMoment(double[] eig, int k) {
        double s = 0;
        for (double l : eig) s += Math.pow(l, k);
        return s / eig.length;
    }

    /** The matrix-vector product of a dense matrix with a vector's flat entries. */
    static double[] times(double[][] a, double[] v) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            double s = 0;
            for (int j = 0; j < v.length; j++) s += a[i][j] * v[j];
            r[i] = s;
        }
        return r;
    }

    /** The relative error |x − y| / |y|. */
    static double rel(double x, double y) {
        return Math.abs(x - y) / Math.abs(y);
    }
}
