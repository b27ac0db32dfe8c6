package dev.tapegrad.optim;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.DoubleUnaryOperator;
import java.util.function.LongToDoubleFunction;

/**
 * Factories for the usual {@link Schedule}s, each a closed form in the step count k = 0, 1, 2, ... (the
 * number of optimizer steps already taken). Nothing here keeps state: {@code at(k)} may be called in any
 * order, any number of times, and resuming a run at step k needs nothing but k.
 *
 * <p>Values are absolute (the first argument is the initial or peak value, PyTorch's {@code base_lr}), so
 * a schedule can be handed straight to an optimizer. To drive some other hyper-parameter by the shape of a
 * schedule, build the shape with base 1 and use {@link #scaled}. Values match PyTorch's
 * {@code torch.optim.lr_scheduler} (stepped once per optimizer step) to about 1e-12 relative; the tests
 * compare against fixtures produced by the real torch schedulers ({@code tools/golden/generate_schedules.py}).
 *
 * <p>Every schedule returned here throws {@link IllegalArgumentException} for a negative step, and every
 * factory rejects bad arguments (non-finite values, non-positive lengths, ...) when it is called, naming the
 * schedule and the argument.
 */
public final class Schedules {

    private Schedules() {}

    // ---------------------------------------------------------------- the shared mechanism

    /** A schedule with a description (its {@code toString}) that refuses negative steps. */
    private record Named(String description, LongToDoubleFunction f) implements Schedule {
        @Override
        public double at(long step) {
            if (step < 0) {
                throw new IllegalArgumentException(description + ": step must be >= 0, got " + step);
            }
            return f.applyAsDouble(step);
        }

        @Override
        public String toString() {
            return description;
        }
    }

    private static Schedule named(String description, LongToDoubleFunction f) {
        return new Named(description, f);
    }

    private static void require(boolean ok, String schedule, String message) {
        if (!ok) {
            throw new IllegalArgumentException(schedule + ": " + message);
        }
    }

    private static void requireFinite(String schedule, String name, double value) {
        require(Double.isFinite(value), schedule, name + " must be finite, got " + value);
    }

    private static void requirePositive(String schedule, String name, long value) {
        require(value >= 1, schedule, name + " must be >= 1, got " + value);
    }

    private static void requireInUnit(String schedule, String name, double value) {
        require(value >= 0 && value <= 1, schedule, name + " must be in [0, 1], got " + value);
    }

    private static Schedule requireSchedule(String schedule, String name, Schedule s) {
        return Objects.requireNonNull(s, schedule + ": " + name + " must not be null");
    }

    // ---------------------------------------------------------------- constant and step decays

    /** η(k) = value for every k. */
    public static Schedule constant(double value) {
        requireFinite("constant", "value", value);
        return named("constant(" + value + ")", k -> value);
    }

    /**
     * Step decay: η(k) = base · γ^⌊k / stepSize⌋ (PyTorch {@code StepLR}).
     *
     * @param stepSize number of steps between decays, ≥ 1
     * @param gamma multiplicative factor per decay, finite and ≥ 0
     */
    public static Schedule step(double base, long stepSize, double gamma) {
        String name = "step(base=" + base + ", stepSize=" + stepSize + ", gamma=" + gamma + ")";
        requireFinite(name, "base", base);
        requirePositive(name, "stepSize", stepSize);
        requireGamma(name, gamma);
        return named(name, k -> base * Math.pow(gamma, k / stepSize));
    }

    /**
     * Multi-step decay: η(k) = base · γ^m(k), m(k) = number of milestones ≤ k (PyTorch {@code MultiStepLR}).
     * As in PyTorch, the milestones may come in any order and a milestone listed twice decays twice.
     *
     * @param milestones step counts ≥ 0 at which the value is multiplied by γ
     */
    public static Schedule multiStep(double base, double gamma, long... milestones) {
        String name = "multiStep(base=" + base + ", gamma=" + gamma + ", milestones=" + Arrays.toString(milestones)
                + ")";
        requireFinite(name, "base", base);
        requireGamma(name, gamma);
        long[] sorted = milestones.clone();
        Arrays.sort(sorted);
        require(sorted.length == 0 || sorted[0] >= 0, name, "milestones must be >= 0");
        return named(name, k -> base * Math.pow(gamma, countAtMost(sorted, k)));
    }

    /** The number of entries of the sorted array that are ≤ k. */
    private static int countAtMost(long[] sorted, long k) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= k) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Exponential decay: η(k) = base · γ^k (PyTorch {@code ExponentialLR}). γ must be finite and ≥ 0. */
    public static Schedule exponential(double base, double gamma) {
        String name = "exponential(base=" + base + ", gamma=" + gamma + ")";
        requireFinite(name, "base", base);
        requireGamma(name, gamma);
        return named(name, k -> base * Math.pow(gamma, k));
    }

    private static void requireGamma(String name, double gamma) {
        require(Double.isFinite(gamma) && gamma >= 0, name, "gamma must be finite and >= 0, got " + gamma);
    }

    /**
     * Linear interpolation of the factor: η(k) = base · (s + (e − s) · min(k, T) / T) (PyTorch {@code LinearLR},
     * optax {@code linear_schedule}): from base·s at k = 0 to base·e at k = T, constant afterwards.
     *
     * @param startFactor s, finite and ≥ 0
     * @param endFactor e, finite and ≥ 0
     * @param totalSteps T ≥ 1
     */
    public static Schedule linear(double base, double startFactor, double endFactor, long totalSteps) {
        String name = "linear(base=" + base + ", startFactor=" + startFactor + ", endFactor=" + endFactor
                + ", totalSteps=" + totalSteps + ")";
        requireFinite(name, "base", base);
        require(Double.isFinite(startFactor) && startFactor >= 0, name, "startFactor must be finite and >= 0");
        require(Double.isFinite(endFactor) && endFactor >= 0, name, "endFactor must be finite and >= 0");
        requirePositive(name, "totalSteps", totalSteps);
        return named(name, k -> base * lerpFactor(startFactor, endFactor, Math.min(k, totalSteps), totalSteps));
    }

    /** s + (e − s)·k/T, in PyTorch LinearLR's order of operations. */
    private static double lerpFactor(double s, double e, long k, long total) {
        return s + (e - s) * k / total;
    }

    // ---------------------------------------------------------------- cosine family

    /**
     * Cosine annealing, <b>periodic</b>: η(k) = η_min + (base − η_min) · (1 + cos(π k / T_max)) / 2 for all k
     * (PyTorch {@code CosineAnnealingLR}, whose closed form this is; Loshchilov &amp; Hutter 2017, eq. 5
     * without restarts). It reaches η_min at k = T_max and then <em>rises again</em> (period 2·T_max), as
     * PyTorch's does; for a schedule that stays at the minimum use {@link #cosineClamped}.
     *
     * @param tMax half period T_max ≥ 1
     * @param etaMin η_min, finite
     */
    public static Schedule cosinePeriodic(double base, long tMax, double etaMin) {
        String name = "cosinePeriodic(base=" + base + ", tMax=" + tMax + ", etaMin=" + etaMin + ")";
        requireCosine(name, base, tMax, "tMax", etaMin);
        return named(name, k -> cosine(base, etaMin, k, tMax));
    }

    /**
     * Cosine decay, <b>clamped</b>: η(k) = η_min + (base − η_min) · (1 + cos(π min(k, T) / T)) / 2, i.e. the
     * periodic form frozen at η_min for k ≥ T (optax {@code cosine_decay_schedule} with
     * {@code alpha = η_min / base}, exponent 1).
     *
     * @param decaySteps T ≥ 1
     * @param etaMin η_min, finite
     */
    public static Schedule cosineClamped(double base, long decaySteps, double etaMin) {
        String name = "cosineClamped(base=" + base + ", decaySteps=" + decaySteps + ", etaMin=" + etaMin + ")";
        requireCosine(name, base, decaySteps, "decaySteps", etaMin);
        return named(name, k -> cosine(base, etaMin, Math.min(k, decaySteps), decaySteps));
    }

    /**
     * Cosine annealing with warm restarts (SGDR, Loshchilov &amp; Hutter, ICLR 2017, eq. 5):
     * η(k) = η_min + (base − η_min) · (1 + cos(π T_cur / T_i)) / 2, where cycle i has length
     * T_i = T_0 · T_mult^i and T_cur counts the steps since the last restart. Restarts happen at
     * k = T_0, T_0(1 + T_mult), T_0(1 + T_mult + T_mult²), ...; there the value jumps back to base, so η_min
     * itself is never reached. This is exactly PyTorch's {@code CosineAnnealingWarmRestarts} stepped once per
     * optimizer step ({@code step()} without an epoch argument), computed here in exact integer arithmetic:
     * T_cur = k mod T_0 when T_mult = 1, otherwise by walking the (at most 63) cycles.
     *
     * @param t0 length T_0 ≥ 1 of the first cycle
     * @param tMult integer growth factor T_mult ≥ 1 of the cycle length
     * @param etaMin η_min, finite
     */
    public static Schedule cosineWarmRestarts(double base, long t0, long tMult, double etaMin) {
        String name = "cosineWarmRestarts(base=" + base + ", t0=" + t0 + ", tMult=" + tMult + ", etaMin=" + etaMin
                + ")";
        requireCosine(name, base, t0, "t0", etaMin);
        requirePositive(name, "tMult", tMult);
        if (tMult == 1) {
            return named(name, k -> cosine(base, etaMin, k % t0, t0));
        }
        return named(name, k -> {
            long tCur = k;
            long tI = t0;
            while (tCur >= tI) {
                tCur -= tI;
                tI = tI > Long.MAX_VALUE / tMult ? Long.MAX_VALUE : tI * tMult;   // saturate: tCur < MAX
            }
            return cosine(base, etaMin, tCur, tI);
        });
    }

    /** η_min + (base − η_min)·(1 + cos(π t / T))/2, in PyTorch's order of operations. */
    private static double cosine(double base, double etaMin, long t, long period) {
        return etaMin + (base - etaMin) * (1 + Math.cos(Math.PI * t / period)) / 2;
    }

    private static void requireCosine(String name, double base, long length, String lengthName, double etaMin) {
        requireFinite(name, "base", base);
        requirePositive(name, lengthName, length);
        requireFinite(name, "etaMin", etaMin);
    }

    // ---------------------------------------------------------------- one-cycle

    /**
     * One-cycle learning rate with PyTorch {@code OneCycleLR}'s defaults: pctStart 0.3, divFactor 25,
     * finalDivFactor 1e4, cosine annealing, two phases. See {@link #oneCycle(double, long, double, double, double)}.
     */
    public static Schedule oneCycle(double maxLr, long totalSteps) {
        return oneCycle(maxLr, totalSteps, 0.3, 25, 1e4);
    }

    /**
     * One-cycle learning rate (Smith &amp; Topin 2018; PyTorch {@code OneCycleLR} with
     * {@code anneal_strategy='cos', three_phase=False}). With η₀ = maxLr / divFactor, η_end = η₀ /
     * finalDivFactor, e₁ = pctStart · T − 1 and e₂ = T − 1, the value at k' = min(k, T − 1) is
     * <pre>
     *   k' ≤ e₁:  cos_anneal(η₀ → maxLr, k' / e₁)
     *   k' > e₁:  cos_anneal(maxLr → η_end, (k' − e₁) / (e₂ − e₁))
     *   cos_anneal(a → b, p) = b + (a − b)/2 · (1 + cos(π p))
     * </pre>
     * so the peak is at k = e₁ (step 2 for T = 10) and the last step T − 1 uses η_end. Differences from
     * PyTorch, both at the edges: for k ≥ T the value stays at η_end (PyTorch extrapolates at k = T and raises
     * after), and a first phase of length 0 (e₁ = 0) gives maxLr at k = 0 (PyTorch divides by zero).
     *
     * @param totalSteps T ≥ 1
     * @param pctStart fraction of the cycle spent increasing, in [0, 1]
     * @param divFactor η₀ = maxLr / divFactor, finite and &gt; 0
     * @param finalDivFactor η_end = η₀ / finalDivFactor, finite and &gt; 0
     */
    public static Schedule oneCycle(double maxLr, long totalSteps, double pctStart, double divFactor,
                                    double finalDivFactor) {
        String name = "oneCycle(maxLr=" + maxLr + ", totalSteps=" + totalSteps + ", pctStart=" + pctStart
                + ", divFactor=" + divFactor + ", finalDivFactor=" + finalDivFactor + ")";
        requireFinite(name, "maxLr", maxLr);
        require(Double.isFinite(divFactor) && divFactor > 0, name, "divFactor must be finite and > 0");
        require(Double.isFinite(finalDivFactor) && finalDivFactor > 0, name,
                "finalDivFactor must be finite and > 0");
        double initial = maxLr / divFactor;
        return twoPhaseCosine(name, totalSteps, pctStart, initial, maxLr, initial / finalDivFactor);
    }

    /** The momentum that PyTorch's {@code OneCycleLR} cycles by default (0.95 → 0.85 → 0.95, pctStart 0.3). */
    public static Schedule oneCycleMomentum(long totalSteps) {
        return oneCycleMomentum(totalSteps, 0.3, 0.85, 0.95);
    }

    /**
     * The momentum (SGD momentum or Adam's β₁) that goes with {@link #oneCycle}: the same two cosine phases,
     * inverted — maxMomentum → baseMomentum while the learning rate rises, then back to maxMomentum
     * (PyTorch {@code OneCycleLR} with {@code cycle_momentum=True}). Use the same totalSteps and pctStart as
     * for the learning rate.
     *
     * @param baseMomentum value at the learning-rate peak, finite
     * @param maxMomentum value at the start and the end, finite
     */
    public static Schedule oneCycleMomentum(long totalSteps, double pctStart, double baseMomentum,
                                            double maxMomentum) {
        String name = "oneCycleMomentum(totalSteps=" + totalSteps + ", pctStart=" + pctStart + ", baseMomentum="
                + baseMomentum + ", maxMomentum=" + maxMomentum + ")";
        requireFinite(name, "baseMomentum", baseMomentum);
        requireFinite(name, "maxMomentum", maxMomentum);
        return twoPhaseCosine(name, totalSteps, pctStart, maxMomentum, baseMomentum, maxMomentum);
    }

    /** The one-cycle shape: cosine from a to b over [0, e₁], then from b to c over [e₁, T − 1], then c. */
    private static Schedule twoPhaseCosine(String name, long totalSteps, double pctStart, double a, double b,
                                           double c) {
        requirePositive(name, "totalSteps", totalSteps);
        requireInUnit(name, "pctStart", pctStart);
        double end1 = pctStart * totalSteps - 1;
        double end2 = totalSteps - 1;
        return named(name, k -> {
            double s = Math.min(k, totalSteps - 1);
            if (s <= end1) {
                return cosAnneal(a, b, end1 == 0 ? 1 : s / end1);
            }
            return cosAnneal(b, c, (s - end1) / (end2 - end1));
        });
    }

    /** b + (a − b)/2 · (1 + cos(π p)): a at p = 0, b at p = 1 (PyTorch OneCycleLR's order of operations). */
    private static double cosAnneal(double a, double b, double p) {
        return b + (a - b) / 2.0 * (Math.cos(Math.PI * p) + 1);
    }

    // ---------------------------------------------------------------- polynomial, inverse square root, WSD

    /** Polynomial decay to 0: η(k) = base · (1 − min(k, T)/T)^power (PyTorch {@code PolynomialLR}). */
    public static Schedule polynomial(double base, long totalSteps, double power) {
        return polynomial(base, 0.0, totalSteps, power);
    }

    /**
     * Polynomial decay: η(k) = end + (base − end) · (1 − min(k, T)/T)^power (optax
     * {@code polynomial_schedule}; with end = 0 it is PyTorch {@code PolynomialLR}).
     *
     * @param totalSteps T ≥ 1
     * @param power finite and ≥ 0
     */
    public static Schedule polynomial(double base, double end, long totalSteps, double power) {
        String name = "polynomial(base=" + base + ", end=" + end + ", totalSteps=" + totalSteps + ", power="
                + power + ")";
        requireFinite(name, "base", base);
        requireFinite(name, "end", end);
        requirePositive(name, "totalSteps", totalSteps);
        require(Double.isFinite(power) && power >= 0, name, "power must be finite and >= 0, got " + power);
        return named(name, k -> {
            double remaining = 1.0 - (double) Math.min(k, totalSteps) / totalSteps;
            return end + (base - end) * Math.pow(remaining, power);
        });
    }

    /**
     * Inverse square root with linear warm-up, the Transformer schedule (Vaswani et al. 2017, eq. 3)
     * normalised so that its peak is base: with the 1-based step number n = k + 1 and W = warmupSteps,
     * <pre>
     *   η(k) = base · min(n / W, sqrt(W / n))
     * </pre>
     * i.e. base·n/W while n ≤ W (never 0), peak base at n = W, then base·sqrt(W/n). W = 1 means no warm-up:
     * η(k) = base / sqrt(k + 1).
     *
     * @param warmupSteps W ≥ 1
     */
    public static Schedule inverseSqrt(double base, long warmupSteps) {
        String name = "inverseSqrt(base=" + base + ", warmupSteps=" + warmupSteps + ")";
        requireFinite(name, "base", base);
        requirePositive(name, "warmupSteps", warmupSteps);
        double w = warmupSteps;
        return named(name, k -> {
            double n = k + 1.0;
            return base * Math.min(n / w, Math.sqrt(w / n));
        });
    }

    /** The shape f(p) of a {@link #wsd} cooldown, p ∈ [0, 1] the progress through the decay: f(0) = 1, f(1) = 0. */
    public enum Cooldown {
        /** f(p) = 1 − p. */
        LINEAR(p -> 1.0 - p),
        /** f(p) = (1 + cos(π p)) / 2. */
        COSINE(p -> 0.5 * (1.0 + Math.cos(Math.PI * p))),
        /** f(p) = 1 − √p (Hägele et al. 2024, arXiv 2405.18392): falls fastest at the start of the decay. */
        ONE_MINUS_SQRT(p -> 1.0 - Math.sqrt(p)),
        /** f(p) = 1 − p². */
        ONE_MINUS_SQUARE(p -> 1.0 - p * p);

        private final DoubleUnaryOperator shape;

        Cooldown(DoubleUnaryOperator shape) {
            this.shape = shape;
        }

        /** f(p). */
        public double at(double p) {
            return shape.applyAsDouble(p);
        }
    }

    /**
     * Warm-up–stable–decay (WSD; Hu et al. 2024, MiniCPM, arXiv 2404.06395). With W, S, D the lengths of the
     * three phases, r = minRatio and f the cooldown shape:
     * <pre>
     *   k &lt; W:              base · k / W                         (linear warm-up from 0)
     *   W ≤ k &lt; W+S:        base
     *   W+S ≤ k &lt; W+S+D:    base · (r + (1 − r) · f((k − W − S) / D))
     *   k ≥ W+S+D:          base · r
     * </pre>
     * The pieces join continuously (f(0) = 1, f(1) = 0). Unlike pytorch_optimizer's {@code get_wsd_schedule},
     * every cooldown shape decays to r (there, all but cosine decay to 0 and then jump up to r). The warm-up
     * is {@link #warmup}{@code (W, 0, ...)}; W = 0 or D = 0 drop that phase. For a warm-up that does not start
     * at 0, use {@code warmup(W, startFactor, wsd(base, 0, S, D, r, f))}.
     *
     * @param minRatio r ∈ [0, 1], the final value as a fraction of base
     */
    public static Schedule wsd(double base, long warmupSteps, long stableSteps, long decaySteps, double minRatio,
                               Cooldown cooldown) {
        String name = "wsd(base=" + base + ", warmupSteps=" + warmupSteps + ", stableSteps=" + stableSteps
                + ", decaySteps=" + decaySteps + ", minRatio=" + minRatio + ", cooldown=" + cooldown + ")";
        requireFinite(name, "base", base);
        require(warmupSteps >= 0, name, "warmupSteps must be >= 0, got " + warmupSteps);
        require(stableSteps >= 0, name, "stableSteps must be >= 0, got " + stableSteps);
        require(decaySteps >= 0, name, "decaySteps must be >= 0, got " + decaySteps);
        requireInUnit(name, "minRatio", minRatio);
        Objects.requireNonNull(cooldown, name + ": cooldown must not be null");
        Schedule stableThenDecay = named(name, k -> {
            if (k < stableSteps) {
                return base;
            }
            long t = k - stableSteps;
            if (t >= decaySteps) {
                return base * minRatio;
            }
            return base * (minRatio + (1.0 - minRatio) * cooldown.at((double) t / decaySteps));
        });
        return warmupSteps == 0 ? stableThenDecay : withName(name, warmup(warmupSteps, 0.0, stableThenDecay));
    }

    private static Schedule withName(String name, Schedule s) {
        return named(name, s::at);
    }

    // ---------------------------------------------------------------- composition

    /**
     * Linear warm-up in front of another schedule, like PyTorch's {@code SequentialLR([LinearLR(startFactor,
     * total_iters=W), after], milestones=[W])}. With peak = after.at(0):
     * <pre>
     *   k &lt; W:  peak · (s + (1 − s) · k / W)
     *   k ≥ W:  after.at(k − W)
     * </pre>
     * <b>The schedule after the warm-up sees the shifted step</b> k − W (it starts from its own step 0 when
     * the warm-up ends), as in {@code SequentialLR} and optax {@code join_schedules}: a cosine of length T
     * after a warm-up of W ends at step W + T. The ramp aims at after.at(0), so the two pieces join
     * continuously: the step from k = W − 1 to W is the same increment peak·(1 − s)/W as every warm-up step.
     *
     * @param warmupSteps W ≥ 1 (use {@code after} itself for no warm-up)
     * @param startFactor s ∈ [0, 1]: the first step uses s · peak
     */
    public static Schedule warmup(long warmupSteps, double startFactor, Schedule after) {
        String name = "warmup(warmupSteps=" + warmupSteps + ", startFactor=" + startFactor + ", after=" + after
                + ")";
        requirePositive(name, "warmupSteps", warmupSteps);
        requireInUnit(name, "startFactor", startFactor);
        requireSchedule(name, "after", after);
        double peak = after.at(0);
        Schedule ramp = named(name, k -> peak * lerpFactor(startFactor, 1.0, k, warmupSteps));
        return withName(name, join(ramp, warmupSteps, after));
    }

    /**
     * Two schedules one after the other: η(k) = first.at(k) for k &lt; boundary, second.at(k − boundary)
     * afterwards (the second sees the shifted step, as in optax {@code join_schedules} and PyTorch
     * {@code SequentialLR}). Chain calls for more pieces.
     *
     * @param boundary the first step that uses {@code second}, ≥ 0
     */
    public static Schedule join(Schedule first, long boundary, Schedule second) {
        String name = "join(" + first + ", boundary=" + boundary + ", " + second + ")";
        requireSchedule(name, "first", first);
        requireSchedule(name, "second", second);
        require(boundary >= 0, name, "boundary must be >= 0, got " + boundary);
        return named(name, k -> k < boundary ? first.at(k) : second.at(k - boundary));
    }

    /**
     * η(k) = base · multiplier.at(k): lets a schedule shape drive any hyper-parameter (weight decay, β₁, a
     * loss coefficient, ...), like PyTorch's {@code LambdaLR} multiplies {@code base_lr} by a lambda.
     */
    public static Schedule scaled(double base, Schedule multiplier) {
        String name = "scaled(" + base + ", " + multiplier + ")";
        requireFinite(name, "base", base);
        requireSchedule(name, "multiplier", multiplier);
        return named(name, k -> base * multiplier.at(k));
    }

    /** η(k) = a.at(k) · b.at(k), e.g. a decay times a warm-up factor (optax-style product of schedules). */
    public static Schedule multiply(Schedule a, Schedule b) {
        String name = "multiply(" + a + ", " + b + ")";
        requireSchedule(name, "a", a);
        requireSchedule(name, "b", b);
        return named(name, k -> a.at(k) * b.at(k));
    }
}
