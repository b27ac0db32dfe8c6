package dev.tapegrad.nn;

import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;

/**
 * A lookup table of {@code num} vectors of size {@code dim}: out[..., :] = weight[indices[...], :]
 * (PyTorch's {@code nn.Embedding}; weight {@code [num, dim]}, initialised N(0, 1)).
 *
 * <p>With a padding index, that row is initialised to zeros and receives no gradient (see
 * {@link Layers#embedding(Tensor, Tensor, int)}), so it stays zero under training: a neutral vector for
 * padding positions. Other writes to it (loading a state dict, a weight decay that does not look at
 * gradients) can still change it, as in PyTorch.
 */
public final class Embedding extends Module {
    private final Tensor weight;
    private final Integer paddingRow;

    /** A float32 table without padding index. */
    public Embedding(Generator gen, int num, int dim) {
        this(gen, builder(num, dim));
    }

    private Embedding(Generator gen, Builder b) {
        int num = b.num, dim = b.dim;
        Integer paddingIdx = b.paddingIdx;
        DType dtype = b.dtype;
        if (num <= 0 || dim <= 0) {
            throw new IllegalArgumentException("Embedding: sizes must be positive, got num=" + num + ", dim=" + dim);
        }
        this.paddingRow = paddingIdx == null ? null : Layers.paddingRow("Embedding", paddingIdx, num);
        Tensor w = Init.normal(gen, Tensor.zeros(dtype, num, dim), 0, 1);
        if (paddingRow != null) Init.zeros(w.select(0, paddingRow));
        this.weight = param("weight", w);
    }

    /** A builder of a table of {@code num} vectors of size {@code dim}; by default float32 without padding index. */
    public static Builder builder(int num, int dim) {
        return new Builder(num, dim);
    }

    /** The optional settings of an {@link Embedding}. */
    public static final class Builder {
        private final int num, dim;
        private Integer paddingIdx;
        private DType dtype = DType.FLOAT32;

        private Builder(int num, int dim) {
            this.num = num;
            this.dim = dim;
        }

        /** A row in [−num, num) that gets zeros and no gradient (default: none). */
        public Builder paddingIdx(int paddingIdx) {
            this.paddingIdx = paddingIdx;
            return this;
        }

        /** The dtype of the table (default float32). */
        public Builder dtype(DType dtype) {
            this.dtype = java.util.Objects.requireNonNull(dtype, "Embedding: dtype");
            return this;
        }

        /** The table, initialised from {@code gen}. */
        public Embedding build(Generator gen) {
            return new Embedding(gen, this);
        }
    }

    /** The table, {@code [num, dim]}. */
    public Tensor weight() {
        return weight;
    }

    /** The padding row in [0, num), or {@code null}. */
    public Integer paddingIdx() {
        return paddingRow;
    }

    /** The vectors of int32 indices: {@code indices.shape + [dim]}. */
    public Tensor forward(Tensor indices) {
        return paddingRow == null ? Layers.embedding(weight, indices) : Layers.embedding(weight, indices, paddingRow);
    }
}
