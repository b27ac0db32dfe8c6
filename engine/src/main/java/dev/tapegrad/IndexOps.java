package dev.tapegrad;

import java.util.List;

/** Indexing, joining and splitting ops. */
final class IndexOps {
    private IndexOps() {}

    static Tensor gather(Tensor x, int axis, Tensor index) { throw new UnsupportedOperationException("gather"); }
    static Tensor indexSelect(Tensor x, int axis, Tensor index) { throw new UnsupportedOperationException("indexSelect"); }
    static Tensor scatterAdd(Tensor x, int axis, Tensor index, Tensor src) { throw new UnsupportedOperationException("scatterAdd"); }
    static Tensor embedding(Tensor weight, Tensor indices) { throw new UnsupportedOperationException("embedding"); }
    static Tensor oneHot(Tensor x, int classes) { throw new UnsupportedOperationException("oneHot"); }
    static Tensor concat(int axis, Tensor... tensors) { throw new UnsupportedOperationException("concat"); }
    static Tensor stack(int axis, Tensor... tensors) { throw new UnsupportedOperationException("stack"); }
    static List<Tensor> split(Tensor x, int size, int axis) { throw new UnsupportedOperationException("split"); }
    static List<Tensor> split(Tensor x, int[] sizes, int axis) { throw new UnsupportedOperationException("split"); }
    static List<Tensor> chunk(Tensor x, int chunks, int axis) { throw new UnsupportedOperationException("chunk"); }
}
