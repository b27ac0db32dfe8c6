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
        this(gen, num, dim, null, DType.FLOAT32);
    }

    /**
     * A table of the given dtype.
     *
     * @param paddingIdx a row in [−num, num) that gets zeros and no gradient, or {@code null} for none
     */
    public Embedding(Generator gen, int num, int dim, Integer paddingIdx, DType dtype) {
        if (num <= 0 || dim <= 0) {
            throw new IllegalArgumentException("Embedding: sizes must be positive, got num=" + num + ", dim=" + dim);
        }
        this.paddingRow = paddingIdx == null ? null : Layers.paddingRow("Embedding", paddingIdx, num);
        Tensor w = Init.normal(gen, Tensor.zeros(dtype, num, dim), 0, 1);
        if (paddingRow != null) Init.zeros(w.select(0, paddingRow));
        this.weight = param("weight", w);
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
