package dev.tapegrad;

/** Softmax and log-softmax along an axis. */
final class SoftmaxOps {
    private SoftmaxOps() {}

    static Tensor softmax(Tensor x, int axis) {
        throw new UnsupportedOperationException("softmax");
    }

    static Tensor logSoftmax(Tensor x, int axis) {
        throw new UnsupportedOperationException("logSoftmax");
    }
}
