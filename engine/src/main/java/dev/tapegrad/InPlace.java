package dev.tapegrad;

import dev.tapegrad.kernels.BinaryOp;
import dev.tapegrad.kernels.Elementwise;
import java.util.Arrays;

/**
 * In-place writes. They are not recorded on the tape: they are for optimizer updates and initialisation
 * under {@link Autograd#noGrad()}. Each bumps the storage's version, so a value saved by the tape and then
 * overwritten is detected at backward time.
 */
final class InPlace {
    private InPlace() {}

    private static void check(String op, Tensor t) {
        if (t.requiresGrad && Tape.isRecording()) {
            throw new IllegalStateException(op + ": in-place change of a tensor that requires grad (shape "
                    + Shapes.str(t.shape) + ") while recording; do it inside Autograd.noGrad()");
        }
        long level = Tape.state().dualLevel;
        if (t.tangentAt(level) != null) {
            throw new IllegalStateException(op + ": in-place change of a tensor that carries a forward-mode tangent (shape "
                    + Shapes.str(t.shape) + "); its tangent would no longer describe it. Change it outside the DualLevel");
        }
        for (int i = 0; i < t.shape.length; i++) {
            if (t.strides[i] == 0 && t.shape[i] > 1) {
                throw new IllegalStateException(op + ": cannot write in place into an expanded view (shape "
                        + Shapes.str(t.shape) + " repeats storage along axis " + i + ")");
            }
        }
    }

    static void markModified(Tensor t) {
        check("markModified", t);
        t.storage.bumpVersion();
    }

    static Tensor copy(Tensor dst, Tensor src) {
        check("copyInPlace", dst);
        Tensor s = broadcastSource("copyInPlace", dst, src);
        Object tmp = dst.dtype().newArray(dst.numel());
        Elementwise.copy(s.dtype(), dst.dtype(), s.strided(), tmp); // via a temporary: src may overlap dst
        Elementwise.scatterInto(dst.dtype(), dst.dtype(), tmp, dst.strided());
        dst.storage.bumpVersion();
        return dst;
    }

    static Tensor fill(Tensor dst, double value) {
        check("fillInPlace", dst);
        Tensor v = Creation.full(value, dst.dtype());
        Object tmp = dst.dtype().newArray(dst.numel());
        Elementwise.copy(v.dtype(), dst.dtype(), ViewOps.expandRaw(v, dst.shape).strided(), tmp);
        Elementwise.scatterInto(dst.dtype(), dst.dtype(), tmp, dst.strided());
        dst.storage.bumpVersion();
        return dst;
    }

    static Tensor add(Tensor dst, Tensor other, double alpha) {
        check("addInPlace", dst);
        Checks.requireFloating("addInPlace", dst);
        Tensor s = broadcastSource("addInPlace", dst, other);
        Checks.requireSameDType("addInPlace", dst, other);
        Object scaled = dst.dtype().newArray(dst.numel());
        Elementwise.binary(dst.dtype(), BinaryOp.MUL, s.strided(), ViewOps.expandRaw(dst.constant(alpha), dst.shape).strided(), scaled);
        Object sum = dst.dtype().newArray(dst.numel());
        Tensor scaledT = new Tensor(new Storage(dst.dtype(), scaled), dst.shape, Shapes.contiguousStrides(dst.shape), 0);
        Elementwise.binary(dst.dtype(), BinaryOp.ADD, dst.strided(), scaledT.strided(), sum);
        Elementwise.scatterInto(dst.dtype(), dst.dtype(), sum, dst.strided());
        dst.storage.bumpVersion();
        return dst;
    }

    static Tensor scale(Tensor dst, double factor) {
        check("mulInPlace", dst);
        Checks.requireFloating("mulInPlace", dst);
        Object out = dst.dtype().newArray(dst.numel());
        Elementwise.binary(dst.dtype(), BinaryOp.MUL, dst.strided(), ViewOps.expandRaw(dst.constant(factor), dst.shape).strided(), out);
        Elementwise.scatterInto(dst.dtype(), dst.dtype(), out, dst.strided());
        dst.storage.bumpVersion();
        return dst;
    }

    private static Tensor broadcastSource(String op, Tensor dst, Tensor src) {
        int[] b = Shapes.broadcast(op, dst.shape, src.shape);
        if (!Arrays.equals(b, dst.shape)) {
            throw new IllegalArgumentException(op + ": source of shape " + Shapes.str(src.shape)
                    + " does not broadcast to the destination's shape " + Shapes.str(dst.shape));
        }
        return ViewOps.expandRaw(src, dst.shape);
    }

}
