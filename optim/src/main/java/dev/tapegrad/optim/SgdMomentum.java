package dev.tapegrad.optim;

import static dev.tapegrad.optim.Lanes.S;

import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;

/**
 * Heavy-ball momentum as in PyTorch's SGD: the buffer starts as the first gradient, then
 * b ← μ·b + (1 − dampening)·g, and the direction is b, or g + μ·b with Nesterov momentum
 * (Sutskever et al., "On the importance of initialization and momentum in deep learning", ICML 2013).
 * With μ = 0 the update is the gradient itself.
 */
public record SgdMomentum() implements Transform {

    @Override
    public String name() {
        return "momentum";
    }

    @Override
    public Set<String> stateKeys() {
        return Set.of("momentum.buf");
    }

    @Override
    public Map<String, Double> defaults() {
        return Map.of("momentum", 0.0, "dampening", 0.0, "nesterov", 0.0);
    }

    @Override
    public void validate(HyperParams h) {
        h.requireNonNegative("sgd", "momentum");
        h.requireClosed("sgd", "dampening", 0, 1);
        if (h.flag("nesterov") && (h.get("momentum") <= 0 || h.get("dampening") != 0)) {
            throw new IllegalArgumentException("sgd: Nesterov momentum needs momentum > 0 and dampening = 0, got momentum "
                    + h.get("momentum") + ", dampening " + h.get("dampening"));
        }
    }

    @Override
    public void apply(List<Slot> slots, StepContext ctx) {
        double mu = ctx.hyper().get("momentum"), damp = ctx.hyper().get("dampening");
        if (mu == 0) return;
        boolean nesterov = ctx.hyper().flag("nesterov");
        for (Slot s : slots) {
            double[] u = s.update();
            boolean first = !s.hasBuffer("momentum.buf");
            double[] b = s.buffer("momentum.buf");
            kernel(u, b, mu, damp, first, nesterov);
        }
    }

    /** The step over whole arrays with the Vector API, bit for bit {@link #reference} (see {@link Lanes}). */
    static void kernel(double[] u, double[] b, double mu, double damp, boolean first, boolean nesterov) {
        double c = 1 - damp;
        VectorMask<Double> firstLanes = Lanes.when(first), nesterovLanes = Lanes.when(nesterov);
        int i = 0;
        for (int end = S.loopBound(u.length); i < end; i += S.length()) {
            DoubleVector g = DoubleVector.fromArray(S, u, i);
            DoubleVector bi = DoubleVector.fromArray(S, b, i).mul(mu).add(g.mul(c)).blend(g, firstLanes);
            bi.intoArray(b, i);
            bi.blend(g.add(bi.mul(mu)), nesterovLanes).intoArray(u, i);
        }
        reference(u, b, mu, damp, first, nesterov, i, u.length);
    }

    /** The step's definition over {@code [from, to)}; {@code first}: the buffer is being created. */
    static void reference(double[] u, double[] b, double mu, double damp, boolean first, boolean nesterov,
                          int from, int to) {
        for (int i = from; i < to; i++) {
            b[i] = first ? u[i] : mu * b[i] + (1 - damp) * u[i];
            u[i] = nesterov ? u[i] + mu * b[i] : b[i];
        }
    }
}
