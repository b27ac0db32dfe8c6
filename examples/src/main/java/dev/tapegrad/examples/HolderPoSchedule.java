package dev.tapegrad.examples;

import dev.tapegrad.Tensor;
import dev.tapegrad.rl.HolderPo;
import dev.tapegrad.rl.PSchedule;
import dev.tapegrad.rl.PowerMean;
import java.util.Locale;

/**
 * HölderPO's power mean and its p schedule (HölderPO, arXiv 2605.12058).
 *
 * <p>HölderPO scores a sampled sequence by the power (Hölder) mean of its token ratios rₜ = π_θ/π_old,
 * M_p(r) = ((1/n)·Σₜ rₜᵖ)^(1/p), with M₀ the geometric mean (GSPO), M₁ the arithmetic mean, and M_p → max r as
 * p → ∞. M_p never decreases as p grows. The gradient of log M_p with respect to dₜ = log rₜ is the weight
 * wₜ = softmax(p·d)ₜ: p = 0 spreads it evenly over the tokens, large p concentrates it on the tokens whose ratio
 * moved most (amplifying a sparse signal), negative p on those that moved least (bounding the variance).
 * That is why training anneals p with a {@link PSchedule}.
 *
 * <p>This program prints, for a fixed set of ratios: M_p for several p, the weights for several p, and the
 * p of the released schedule (2 → −2 linearly over 500 steps) and of an S-curve.
 */
public final class HolderPoSchedule {
    private HolderPoSchedule() {}

    /** The ratios the tables use. */
    public static final double[] RATIOS = {0.5, 0.8, 1.0, 1.25, 2.0};
    /** The exponents the tables use. */
    public static final double[] PS = {-8, -2, -1, 0, 1, 2, 8};

    /**
     * The tables.
     *
     * @param ps            the exponents
     * @param means         M_p(ratios) for each p
     * @param weights       softmax(p·log r) for each p (rows sum to 1)
     * @param scheduleSteps the steps the schedules are shown at
     * @param released      p of {@link PSchedule#released()} at those steps
     * @param sCurve        p of a SIN schedule from −2 to 2 over the same steps
     */
    public record Result(double[] ps, double[] means, double[][] weights, long[] scheduleSteps, double[] released,
                         double[] sCurve) {}

    /** Runs the example with its default sizes and prints what it computes. */
    public static void main(String[] args) {
        run(RATIOS, PS, 6, true);
    }

    /** Computes the tables for the given ratios and exponents, with the schedules at {@code points} evenly spaced steps. */
    public static Result run(double[] ratios, double[] ps, int points, boolean verbose) {
        int n = ratios.length;
        double[] logs = new double[n];
        for (int i = 0; i < n; i++) logs[i] = Math.log(ratios[i]);
        Tensor d = Tensor.of(logs, 1, n);        // one sequence [B = 1, T = n] of log-ratios
        Tensor mask = Tensor.ones(1, n);          // every token counts

        double[] means = new double[ps.length];
        double[][] weights = new double[ps.length][];
        for (int k = 0; k < ps.length; k++) {
            means[k] = PowerMean.mean(d, mask, ps[k]).item();
            weights[k] = PowerMean.weights(d, mask, ps[k]).toDoubleArray();
        }

        PSchedule released = PSchedule.released();
        PSchedule sCurve = PSchedule.of(PSchedule.Shape.SIN, -2, 2, released.steps());
        long[] steps = new long[points];
        double[] pReleased = new double[points], pS = new double[points];
        for (int i = 0; i < points; i++) {
            steps[i] = released.steps() * i / Math.max(1, points - 1);
            pReleased[i] = HolderPo.released().at(steps[i]).p(); // the objective of that step carries its p
            pS[i] = sCurve.at(steps[i]);
        }

        if (verbose) {
            System.out.println("ratios r = " + java.util.Arrays.toString(ratios));
            System.out.printf(Locale.ROOT, "%6s %8s   weights softmax(p * log r)%n", "p", "M_p");
            for (int k = 0; k < ps.length; k++) {
                StringBuilder w = new StringBuilder();
                for (double x : weights[k]) w.append(String.format(Locale.ROOT, " %5.3f", x));
                System.out.printf(Locale.ROOT, "%6.1f %8.4f  %s%n", ps[k], means[k], w);
            }
            System.out.printf(Locale.ROOT, "%n%6s %16s %16s%n", "step", "released (lin)", "SIN -2 -> 2");
            for (int i = 0; i < points; i++) {
                System.out.printf(Locale.ROOT, "%6d %16.3f %16.3f%n", steps[i], pReleased[i], pS[i]);
            }
        }
        return new Result(ps.clone(), means, weights, steps, pReleased, pS);
    }
}
