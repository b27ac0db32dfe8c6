package dev.tapegrad.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tapegrad.Autograd;
import dev.tapegrad.DType;
import dev.tapegrad.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Values at masked positions never reach an objective: with −∞ or ±700 log-probabilities there (what a padded
 * batch holds after a −∞ logit mask, or garbage from an uninitialised buffer), every objective runs under
 * anomaly mode without a NaN or infinity in its forward or backward, and its loss and gradient equal those of
 * the same batch with zeros at the masked positions.
 */
class MaskedInfinityAnomalyTest {
    private static final double NEG_INF = Double.NEGATIVE_INFINITY;

    /** Every objective of the package, by name. */
    static Map<String, Function<PolicyBatch, Tensor>> objectives() {
        Map<String, Function<PolicyBatch, Tensor>> o = new LinkedHashMap<>();
        o.put("ppo", ClippedSurrogate.ppo()::loss);
        o.put("grpo", ClippedSurrogate.grpo()::loss);
        o.put("dapo", ClippedSurrogate.dapo()::loss);
        o.put("drGrpo", ClippedSurrogate.drGrpo(4)::loss);
        o.put("ppo dual clip", ClippedSurrogate.ppo().withDualClip(3)::loss);
        o.put("cispo", Cispo.twoSided(0.2, 0.2)::loss);
        o.put("cispo capped", Cispo.capped(2)::loss);
        o.put("sapo", Sapo.paper()::loss);
        o.put("gspo", Gspo.paper()::loss);
        o.put("gspo token", Gspo.Token.paper()::loss);
        o.put("gmpo", Gmpo.paper()::loss);
        for (HolderPo.Variant v : HolderPo.Variant.values()) {
            for (double p : new double[] {-2, -1e-3, 0, 5e-3, 1, 2}) o.put("holderpo " + v + " p=" + p, HolderPo.of(v, p)::loss);
        }
        for (Kl k : Kl.values()) {
            o.put("grpo + kl " + k, new WithKl(ClippedSurrogate.grpo(), 0.1, k)::loss);
            o.put("gspo + kl penalty " + k, b -> Gspo.paper().loss(b).add(k.penalty(b, 0.1, Aggregation.tokenMean())));
        }
        o.put("tsallis surrogate", Tsallis::surrogate);
        Copo.Signals signals = new Copo.Signals(Tensor.of(new double[] {1, 0.5, 0}), Tensor.of(new double[] {0.3, -0.2, 0.1}),
                Tensor.of(new double[] {1, -1, 0.5}), Tensor.of(new double[] {0.25, 0.5, 0.75}));
        o.put("copo blend", signals.blend(ClippedSurrogate.grpo())::loss);
        return o;
    }

    /** The masked positions' (current, old, reference) log-probabilities tried. */
    static final double[][] GARBAGE = {{NEG_INF, NEG_INF, NEG_INF}, {700, -700, 700}, {-700, 700, -700}, {NEG_INF, 700, 0}};

    static final double[] MASK = {1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0};
    static final double[] LOGP = {-0.5, -1.2, -0.1, -2.0, -0.7, -0.3, 0, 0, 0, 0, 0, 0};
    static final double[] OLD = {-0.6, -1.0, -0.2, -1.8, -0.9, -0.25, 0, 0, 0, 0, 0, 0};
    static final double[] REF = {-0.4, -1.1, -0.3, -2.2, -0.8, -0.35, 0, 0, 0, 0, 0, 0};

    @Test
    void everyObjectiveIgnoresMaskedInfinitiesUnderAnomalyMode() {
        int failures = 0;
        StringBuilder report = new StringBuilder();
        for (DType dtype : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            for (boolean perToken : new boolean[] {false, true}) {
                for (var e : objectives().entrySet()) {
                    double[] clean = lossAndGrad(e.getValue(), batch(dtype, perToken, null));
                    for (double[] g : GARBAGE) {
                        String name = e.getKey() + " " + dtype + (perToken ? " token advantages" : "") + " masked=" + java.util.Arrays.toString(g);
                        try (var anomaly = Autograd.detectAnomaly()) {
                            double[] got = lossAndGrad(e.getValue(), batch(dtype, perToken, g));
                            double tol = dtype == DType.FLOAT32 ? 1e-6 : 1e-13;
                            for (int i = 0; i < got.length; i++) {
                                if (!(Math.abs(got[i] - clean[i]) <= tol * Math.max(1, Math.abs(clean[i])))) {
                                    throw new AssertionError("value " + i + ": " + got[i] + " vs " + clean[i]);
                                }
                            }
                        } catch (RuntimeException | AssertionError ex) {
                            failures++;
                            report.append(name).append(": ").append(ex.getMessage().lines().findFirst().orElse("")).append('\n');
                        }
                    }
                }
            }
        }
        if (failures > 0) fail(failures + " objective/batch combinations failed:\n" + report);
    }

    /** The loss followed by its gradient in logProbs, as doubles. */
    private static double[] lossAndGrad(Function<PolicyBatch, Tensor> objective, PolicyBatch batch) {
        Tensor loss = objective.apply(batch);
        Tensor grad = Autograd.grad(loss, new Tensor[] {batch.logProbs()})[0];
        double[] g = grad.toDoubleArray();
        double[] out = new double[g.length + 1];
        out[0] = loss.item();
        System.arraycopy(g, 0, out, 1, g.length);
        return out;
    }

    /**
     * Three sequences of four tokens (full; two real tokens; empty), with {@code garbage} (current, old,
     * reference) at the masked positions, or zeros when null.
     */
    static PolicyBatch batch(DType dtype, boolean perToken, double[] garbage) {
        double[] logp = LOGP.clone(), old = OLD.clone(), ref = REF.clone();
        for (int i = 0; i < MASK.length; i++) {
            if (MASK[i] == 0 && garbage != null) {
                logp[i] = garbage[0];
                old[i] = garbage[1];
                ref[i] = garbage[2];
            }
        }
        Tensor lp = Tensor.of(logp, 3, 4).to(dtype).requiresGrad(true);
        Tensor adv = perToken
                ? Tensor.of(new double[] {1, 0.5, -1, 2, -0.5, -1, 0, 0, 0, 0, 0, 0}, 3, 4)
                : Tensor.of(new double[] {1.0, -0.5, 0.7});
        return new PolicyBatch(lp, Tensor.of(old, 3, 4).to(dtype), Tensor.of(ref, 3, 4).to(dtype),
                Tensor.of(MASK, 3, 4).to(dtype), adv.to(dtype));
    }
}
