package dev.tapegrad.rl;

/**
 * The Tsallis index q as a function of the training step (for {@link Garl}, {@link Paft} and
 * {@link Tsallis#lnQOfLog}). The v2 abstract of arXiv 2604.25907 reads "SFT, then RLVR" as a stepwise q: 1 → 0
 * schedule; a linear ramp 1 → 0 interpolates between the density-estimation pole (q = 1, log-likelihood, strong
 * on cold starts) and the exploitation pole (q = 0, expected reward).
 *
 * <p>Derived from the abstract; the paper's exact schedule was not available.
 */
public sealed interface QSchedule {

    /** q at step t ≥ 0. */
    double q(long step);

    /** q(t) = q. */
    static QSchedule constant(double q) {
        return new Constant(q);
    }

    /** q(t) = q0 + (q1 − q0)·min(t, n)/n: a straight ramp over n steps, then q1. */
    static QSchedule linear(double q0, double q1, long steps) {
        return new Linear(q0, q1, steps);
    }

    /** q(t) = before for t &lt; switchAt, after from then on. */
    static QSchedule step(double before, double after, long switchAt) {
        return new Step(before, after, switchAt);
    }

    /** SFT-then-RL: q = 1 (log-likelihood) for the first n steps, then q = 0 (expected reward). */
    static QSchedule sftThenRl(long sftSteps) {
        return step(1.0, 0.0, sftSteps);
    }

    /** A constant q. */
    record Constant(double q) implements QSchedule {
        public Constant {
            Tsallis.checkQ(q);
        }

        @Override
        public double q(long step) {
            checkStep(step);
            return q;
        }
    }

    /** A linear ramp from q0 to q1 over {@code steps} steps (≥ 1), constant q1 after. */
    record Linear(double q0, double q1, long steps) implements QSchedule {
        public Linear {
            Tsallis.checkQ(q0);
            Tsallis.checkQ(q1);
            if (steps < 1) throw new IllegalArgumentException("QSchedule.linear: steps must be ≥ 1, got " + steps);
        }

        @Override
        public double q(long step) {
            checkStep(step);
            if (step >= steps) return q1;   // exactly q1, not q0 + (q1 − q0)·1 rounded
            return q0 + (q1 - q0) * ((double) step / steps);
        }
    }

    /** A step function: {@code before} until {@code switchAt} (≥ 0), {@code after} from then on. */
    record Step(double before, double after, long switchAt) implements QSchedule {
        public Step {
            Tsallis.checkQ(before);
            Tsallis.checkQ(after);
            if (switchAt < 0) throw new IllegalArgumentException("QSchedule.step: switchAt must be ≥ 0, got " + switchAt);
        }

        @Override
        public double q(long step) {
            checkStep(step);
            return step < switchAt ? before : after;
        }
    }

    private static void checkStep(long step) {
        if (step < 0) throw new IllegalArgumentException("QSchedule: step must be ≥ 0, got " + step);
    }
}
