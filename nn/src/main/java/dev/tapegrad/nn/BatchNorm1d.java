package dev.tapegrad.nn;

import dev.tapegrad.Autograd;
import dev.tapegrad.DType;
import dev.tapegrad.Tensor;

/**
 * Batch normalisation of inputs {@code [N, C]} or {@code [N, C, L]} per channel (see {@link Layers#batchNorm}),
 * PyTorch's {@code nn.BatchNorm1d}. Parameters weight (ones) and bias (zeros), {@code [C]}; buffers
 * running_mean (zeros), running_var (ones), both {@code [C]}, and num_batches_tracked (an int32 scalar,
 * the number of training forward passes; PyTorch stores it as int64).
 *
 * <p>Training mode normalises with the batch statistics and updates the running ones with the momentum;
 * evaluation mode normalises with the running statistics.
 */
public final class BatchNorm1d extends UnaryModule {
    private final int features;
    private final double eps;
    private final double momentum;
    private final Tensor weight, bias, runningMean, runningVar, numBatchesTracked;

    /** C channels, float32, ε = 1e-5, momentum 0.1, affine, tracking running statistics. */
    public BatchNorm1d(int features) {
        this(builder(features));
    }

    private BatchNorm1d(Builder b) {
        int features = b.features;
        double eps = b.eps, momentum = b.momentum;
        boolean affine = b.affine, trackRunningStats = b.trackRunningStats;
        DType dtype = b.dtype;
        if (features <= 0) throw new IllegalArgumentException("BatchNorm1d: number of features must be positive, got " + features);
        if (!(eps > 0) || !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("BatchNorm1d: need eps > 0 and momentum in [0, 1], got eps " + eps
                    + ", momentum " + momentum);
        }
        this.features = features;
        this.eps = eps;
        this.momentum = momentum;
        this.weight = affine ? param("weight", Tensor.ones(dtype, features)) : null;
        this.bias = affine ? param("bias", Tensor.zeros(dtype, features)) : null;
        this.runningMean = trackRunningStats ? buffer("running_mean", Tensor.zeros(dtype, features)) : null;
        this.runningVar = trackRunningStats ? buffer("running_var", Tensor.ones(dtype, features)) : null;
        this.numBatchesTracked = trackRunningStats ? buffer("num_batches_tracked", Tensor.scalar(0, DType.INT32)) : null;
    }

    /**
     * A builder of a batch norm over {@code features} channels; by default float32, ε = 1e-5, momentum 0.1,
     * affine, tracking running statistics.
     */
    public static Builder builder(int features) {
        return new Builder(features);
    }

    /** The optional settings of a {@link BatchNorm1d}. */
    public static final class Builder {
        private final int features;
        private double eps = Layers.NORM_EPS, momentum = Layers.BATCH_NORM_MOMENTUM;
        private boolean affine = true, trackRunningStats = true;
        private DType dtype = DType.FLOAT32;

        private Builder(int features) {
            this.features = features;
        }

        /** ε &gt; 0 (default 1e-5). */
        public Builder eps(double eps) {
            this.eps = eps;
            return this;
        }

        /** The weight of the batch statistics in the running ones, in [0, 1] (default 0.1). */
        public Builder momentum(double momentum) {
            this.momentum = momentum;
            return this;
        }

        /** Whether there are a learned weight and bias (default true). */
        public Builder affine(boolean affine) {
            this.affine = affine;
            return this;
        }

        /**
         * Whether there are running statistics (default true); without them, evaluation mode also uses the batch
         * statistics, as in PyTorch.
         */
        public Builder trackRunningStats(boolean trackRunningStats) {
            this.trackRunningStats = trackRunningStats;
            return this;
        }

        /** The dtype of the parameters and buffers (default float32). */
        public Builder dtype(DType dtype) {
            this.dtype = java.util.Objects.requireNonNull(dtype, "BatchNorm1d: dtype");
            return this;
        }

        /** The batch norm. */
        public BatchNorm1d build() {
            return new BatchNorm1d(this);
        }
    }

    /** The weight, or {@code null}. */
    public Tensor weight() {
        return weight;
    }

    /** The bias, or {@code null}. */
    public Tensor bias() {
        return bias;
    }

    /** The running mean (live buffer), or {@code null}. */
    public Tensor runningMean() {
        return runningMean;
    }

    /** The running variance (live buffer, unbiased estimates), or {@code null}. */
    public Tensor runningVar() {
        return runningVar;
    }

    /** The number of training batches seen, or −1 without running statistics. */
    public int numBatchesTracked() {
        return numBatchesTracked == null ? -1 : (int) numBatchesTracked.item();
    }

    @Override
    public Tensor forward(Tensor x) {
        if ((x.dim() != 2 && x.dim() != 3) || x.size(1) != features) {
            throw new IllegalArgumentException("BatchNorm1d: input of shape " + java.util.Arrays.toString(x.shape())
                    + " must be [N, " + features + "] or [N, " + features + ", L]");
        }
        Tensor y = Layers.batchNorm(x, runningMean, runningVar, weight, bias, isTraining(), momentum, eps);
        if (isTraining() && numBatchesTracked != null) {
            try (var scope = Autograd.noGrad()) {
                numBatchesTracked.fillInPlace(numBatchesTracked.item() + 1);
            }
        }
        return y;
    }
}
