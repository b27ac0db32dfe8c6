package dev.tapegrad.optim;

import static dev.tapegrad.optim.Lanes.S;

import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;

/**
 * AdamW as one fused pass per parameter (Vector API), computing exactly what the chain
 * {@link Optimizers#adamW()} computes, operation for operation:
 * <pre>
 *   m ← β₁m + (1−β₁)g        v ← β₂v + (1−β₂)g²        v̂ ← max(v̂, v) with AMSGrad, else v̂ = v
 *   u ← (m / (1−β₁ᵗ)) / (√v̂ / √(1−β₂ᵗ) + ε)             (ε after the bias correction, as torch)
 *   θ ← θ + (−lr)·(u + wd·θ)                             (decoupled decay, Loshchilov and Hutter)
 * </pre>
 * Every lane does the same IEEE operations in the same order as the chain (no fused multiply-add), so
 * the two agree to the last bit; the state buffers have the chain's keys ({@code adam.m}, {@code adam.v},
 * {@code adam.vmax}). Hyper-parameters, defaults and their checks are those of {@link Optimizers#adamW()}.
 */
public record FusedAdamW() implements FusedRule {

    @Override
    public String name() {
        return "adamw-fused";
    }

    @Override
    public Set<String> stateKeys() {
        return Set.of("adam.m", "adam.v", "adam.vmax");
    }

    @Override
    public Map<String, Double> defaults() {
        return Optimizers.adamW().defaults();
    }

    @Override
    public void validate(HyperParams hyper) {
        Optimizers.adamW().validate(hyper);
    }

    @Override
    public void step(List<Slot> slots, StepContext ctx) {
        HyperParams h = ctx.hyper();
        double b1 = h.get("beta1"), b2 = h.get("beta2"), eps = h.get("eps"), wd = h.get("weightDecay");
        double negLr = -h.get("lr");
        boolean amsgrad = h.flag("amsgrad");
        for (Slot s : slots) {
            double[] v = s.buffer("adam.v");
            // without AMSGrad the "maximum" array is v itself: max(v, v) = v, and one loop serves both cases
            double[] vmax = amsgrad ? s.buffer("adam.vmax") : v;
            double bc1 = 1 - Math.pow(b1, s.step());
            double sqrtBc2 = Math.sqrt(1 - Math.pow(b2, s.step()));
            kernel(s.param(), s.update(), s.buffer("adam.m"), v, vmax, b1, b2, eps, bc1, sqrtBc2, wd, negLr);
        }
    }

    /** One AdamW step over whole arrays: whole vectors, then the tail by the scalar definition. */
    private static void kernel(double[] p, double[] g, double[] m, double[] v, double[] vmax, double b1, double b2,
                               double eps, double bc1, double sqrtBc2, double wd, double negLr) {
        double c1 = 1 - b1, c2 = 1 - b2;
        boolean decay = wd != 0; // the chain skips the decay term when wd = 0 (matters for signed zeros)
        // a lane mask rather than an if in the loop: a vector assigned in a branch would be boxed by the JIT
        VectorMask<Double> decayLanes = Lanes.when(decay);
        int i = 0;
        for (int end = S.loopBound(p.length); i < end; i += S.length()) {
            DoubleVector gi = DoubleVector.fromArray(S, g, i);
            DoubleVector mi = DoubleVector.fromArray(S, m, i).mul(b1).add(gi.mul(c1));
            DoubleVector vi = DoubleVector.fromArray(S, v, i).mul(b2).add(gi.mul(c2).mul(gi));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            DoubleVector vHat = DoubleVector.fromArray(S, vmax, i).max(vi); // reads vi back when vmax == v
            vHat.intoArray(vmax, i);
            DoubleVector u = mi.div(bc1).div(vHat.sqrt().div(sqrtBc2).add(eps));
            DoubleVector pi = DoubleVector.fromArray(S, p, i);
            pi.add(u.add(pi.mul(wd), decayLanes).mul(negLr)).intoArray(p, i);
        }
        for (; i < p.length; i++) {
            double gi = g[i];
            m[i] = b1 * m[i] + c1 * gi;
            v[i] = b2 * v[i] + c2 * gi * gi;
            vmax[i] = Math.max(vmax[i], v[i]);
            double u = (m[i] / bc1) / (Math.sqrt(vmax[i]) / sqrtBc2 + eps);
            if (decay) u += wd * p[i];
            p[i] += negLr * u;
        }
    }
}
