package dev.tapegrad.rl;

import java.util.function.DoubleUnaryOperator;

/**
 * The Hölder exponent p of {@link HolderPo} as a pure function of the training step (HölderPO, arXiv
 * 2605.12058: "larger p concentrates the gradient to amplify sparse signals, smaller p bounds variance; anneal
 * p"). The shapes are those of the official code ({@code _get_current_holder_p} in
 * {@code YihangChen9/HolderPO/train_zero_math_holder.py}).
 *
 * <p>With progress x = min(1, step/steps) ∈ [0, 1], range R = p_max − p_min, mid = (p_min + p_max)/2 and
 * amp = R/2, every non-constant shape is a rising curve u(x) with u(0) = 0, u(1) = 1, used either upwards,
 * p = p_min + R·u(x), or downwards, p = p_max − R·u(x):
 * <table>
 * <caption>shapes</caption>
 * <tr><th>shape</th><th>u(x)</th><th>p(x)</th></tr>
 * <tr><td>CONSTANT</td><td>—</td><td>p_min (= p_max)</td></tr>
 * <tr><td>LINEAR / LINEAR_DEC</td><td>x</td><td>p_min + R·x / p_max − R·x</td></tr>
 * <tr><td>SIN / COS</td><td>(1 − cos πx)/2</td><td>mid − amp·cos πx / mid + amp·cos πx (S-curves)</td></tr>
 * <tr><td>QUAD / QUAD_DEC</td><td>xⁿ (n = power)</td><td>p_min + R·xⁿ / p_max − R·xⁿ</td></tr>
 * <tr><td>CUBIC / CUBIC_DEC</td><td>(1 + (2x − 1)³)/2</td><td>mid + amp·(2x − 1)³ / mid − amp·(2x − 1)³</td></tr>
 * </table>
 * After {@code steps} the value stays at its end point. Defaults of the official code: p_min = −2, p_max = 2,
 * steps = 1000, power = 2 ({@link #defaults}); its released script anneals linearly from 2 down to −2 over
 * 500 steps ({@link #released}).
 *
 * @param shape the curve
 * @param pMin  the lower end point (p_min ≤ p_max; both equal for CONSTANT)
 * @param pMax  the upper end point
 * @param steps the number of steps the curve takes, ≥ 1
 * @param power the exponent n of QUAD and QUAD_DEC, &gt; 0 (ignored by the other shapes)
 */
public record PSchedule(Shape shape, double pMin, double pMax, long steps, double power) {

    /** The curves of the official code; each is u(x) rising from 0 to 1, applied upwards or downwards. */
    public enum Shape {
        /** p constant. */
        CONSTANT(false, x -> 0),
        /** p_min → p_max linearly. */
        LINEAR(false, x -> x),
        /** p_max → p_min linearly. */
        LINEAR_DEC(true, x -> x),
        /** S-curve up: mid − amp·cos(πx). */
        SIN(false, x -> (1 - Math.cos(Math.PI * x)) / 2),
        /** S-curve down: mid + amp·cos(πx). */
        COS(true, x -> (1 - Math.cos(Math.PI * x)) / 2),
        /** p_min + R·xⁿ. */
        QUAD(false, null),
        /** p_max − R·xⁿ. */
        QUAD_DEC(true, null),
        /** Symmetric S-curve up through the midpoint: mid + amp·(2x − 1)³. */
        CUBIC(false, x -> (1 + Math.pow(2 * x - 1, 3)) / 2),
        /** Symmetric S-curve down: mid − amp·(2x − 1)³. */
        CUBIC_DEC(true, x -> (1 + Math.pow(2 * x - 1, 3)) / 2);

        private final boolean decreasing;
        private final DoubleUnaryOperator rise; // null: xⁿ with the schedule's power

        Shape(boolean decreasing, DoubleUnaryOperator rise) {
            this.decreasing = decreasing;
            this.rise = rise;
        }

        /** True for the shapes that go from p_max down to p_min. */
        public boolean decreasing() {
            return decreasing;
        }
    }

    /** Validates: finite end points with p_min ≤ p_max (equal for CONSTANT), steps ≥ 1, power finite and &gt; 0. */
    public PSchedule {
        if (shape == null) throw new IllegalArgumentException("PSchedule: shape is required");
        if (!Double.isFinite(pMin) || !Double.isFinite(pMax) || pMin > pMax) {
            throw new IllegalArgumentException("PSchedule: need finite p_min <= p_max, got p_min " + pMin + ", p_max " + pMax);
        }
        if (shape == Shape.CONSTANT && pMin != pMax) {
            throw new IllegalArgumentException("PSchedule: CONSTANT needs p_min == p_max, got " + pMin + ", " + pMax
                    + " (use PSchedule.constant(p))");
        }
        if (steps < 1) throw new IllegalArgumentException("PSchedule: steps must be >= 1, got " + steps);
        if (!(power > 0) || Double.isInfinite(power)) {
            throw new IllegalArgumentException("PSchedule: power must be finite and > 0, got " + power);
        }
    }

    /** p constant at every step. */
    public static PSchedule constant(double p) {
        return new PSchedule(Shape.CONSTANT, p, p, 1, 2);
    }

    /** A curve between p_min and p_max over {@code steps} steps (power 2 for the QUAD shapes). */
    public static PSchedule of(Shape shape, double pMin, double pMax, long steps) {
        return new PSchedule(shape, pMin, pMax, steps, 2);
    }

    /** A curve with the official code's defaults: p_min = −2, p_max = 2, steps = 1000, power = 2. */
    public static PSchedule defaults(Shape shape) {
        return of(shape, -2, 2, 1000);
    }

    /** The schedule of the released HölderPO script: linear from p = 2 down to p = −2 over 500 steps. */
    public static PSchedule released() {
        return of(Shape.LINEAR_DEC, -2, 2, 500);
    }

    /** This schedule with another exponent n for QUAD and QUAD_DEC. */
    public PSchedule withPower(double n) {
        return new PSchedule(shape, pMin, pMax, steps, n);
    }

    /** p at a step ≥ 0: p_min + R·u(x) (rising shapes) or p_max − R·u(x) (decreasing), x = min(1, step/steps). */
    public double at(long step) {
        if (step < 0) throw new IllegalArgumentException("PSchedule.at: step must be >= 0, got " + step);
        if (shape == Shape.CONSTANT) return pMin;
        double x = Math.min(1.0, (double) step / steps);
        double u = shape.rise == null ? Math.pow(x, power) : shape.rise.applyAsDouble(x);
        double range = pMax - pMin;
        return shape.decreasing ? pMax - range * u : pMin + range * u;
    }
}
