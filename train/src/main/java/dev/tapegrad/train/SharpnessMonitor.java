package dev.tapegrad.train;

import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import dev.tapegrad.curvature.HessianOperator;
import dev.tapegrad.curvature.Lanczos;
import dev.tapegrad.curvature.ParamVector;
import dev.tapegrad.optim.Optimizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Watches the sharpness λ_max — the largest eigenvalue of the loss's Hessian over the parameters — against the
 * stability threshold of gradient descent, during training.
 *
 * <p>On a quadratic with curvature λ, gradient descent with step η multiplies the error along that direction by
 * (1 − ηλ) per step, so it diverges once λ &gt; 2/η (with heavy-ball momentum μ, once λ &gt; (2 + 2μ)/η).
 * Cohen et al. ("Gradient descent on neural networks typically occurs at the edge of stability", ICLR 2021)
 * found that full-batch training of networks first sharpens until λ_max reaches 2/η ("progressive sharpening")
 * and then hovers there while the loss keeps falling non-monotonically ("edge of stability"); "Understanding
 * optimization in deep learning with central flows" explains the time-averaged trajectory there, and "Outliers
 * with opposing signals have an outsized effect on neural network optimization" traces the sharpening to paired
 * groups of examples. This monitor makes that visible: every {@code every} steps it computes
 * λ_max of the loss its supplier gives (the same fixed batch each time, so that readings are comparable) and
 * returns a {@link Reading} with the ratio λ_max/(2/η).
 *
 * <p>λ_max comes from {@code lanczosSteps} Lanczos steps ({@link Lanczos}, one Hessian-vector product each),
 * started the first time from a Rademacher vector z drawn from the generator, and later from the previous
 * reading's top Ritz vector y (the top eigenvector moves slowly during training) mixed with a fresh one:
 * normalize(y + 0.1·z/‖z‖). Without the fresh part a start that is still (nearly) an eigenvector spans an
 * invariant Krylov space after one step, and Lanczos would return the old eigenvalue even after another
 * direction has become the sharpest. The same seed gives the same readings, and {@link #stateDict()} /
 * {@link #loadStateDict(State)} let a resumed run give the readings the uninterrupted run would have.
 * Lanczos gives the largest eigenvalue itself, not the largest in magnitude, so negative curvature does not
 * disturb it.
 *
 * <pre>{@code
 * SharpnessMonitor monitor = SharpnessMonitor.builder(model.namedParameters(), () -> lossOn(fixedBatch))
 *         .every(20).build(new Generator(0));
 * for (...) {
 *     optimizer.zeroGrad(); loss.backward(); optimizer.step();
 *     monitor.onStep(optimizer).ifPresent(r -> metrics.putAll(r.metrics()));
 * }
 * }</pre>
 * The threshold 2/η concerns (momentum) SGD; for adaptive optimizers the matching quantity is the sharpness of
 * the preconditioned Hessian, which this monitor does not compute.
 */
public final class SharpnessMonitor {
    /**
     * One measurement.
     *
     * @param step      the training step it was taken at
     * @param lambdaMax the largest Hessian eigenvalue (the top Ritz value)
     * @param threshold the stability threshold (2 + 2μ)/η (2/η without momentum)
     * @param ratio     lambdaMax / threshold: 1 is the edge of stability
     * @param residual  ‖H·y − λ_max·y‖ of the top Ritz pair (an error bar for lambdaMax)
     */
    public record Reading(long step, double lambdaMax, double threshold, double ratio, double residual) {
        /** The reading as metrics for a run report: "sharpness", "2/lr" (the threshold) and "sharpness/threshold". */
        public Map<String, Double> metrics() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("sharpness", lambdaMax);
            m.put("2/lr", threshold);
            m.put("sharpness/threshold", ratio);
            return m;
        }
    }

    /** The weight of the fresh random direction mixed into the previous top Ritz vector to start a reading. */
    static final double FRESH_WEIGHT = 0.1;

    /**
     * A monitor's state, for {@link #loadStateDict(State)}: the previous top Ritz vector (empty before the first
     * reading), the readings so far and the generator's state. The arrays are copied in and out.
     *
     * @param lastTop   the previous reading's top Ritz vector, flattened in the parameters' order; empty if none
     * @param history   the readings so far, in order
     * @param generator the generator's {@link Generator#stateDict()}
     */
    public record State(double[] lastTop, List<Reading> history, long[] generator) {
        /** Copies the arrays and the list; none may be null. */
        public State {
            lastTop = Objects.requireNonNull(lastTop, "lastTop").clone();
            history = List.copyOf(history);
            generator = Objects.requireNonNull(generator, "generator").clone();
        }

        /** A copy of the previous top Ritz vector (empty before the first reading). */
        @Override
        public double[] lastTop() {
            return lastTop.clone();
        }

        /** A copy of the generator's state. */
        @Override
        public long[] generator() {
            return generator.clone();
        }
    }

    private final HessianOperator hessian;
    private final Generator gen;
    private final int every;
    private final int lanczosSteps;
    private final double momentum;
    private final List<Reading> history = new ArrayList<>();
    private ParamVector lastTop;

    private SharpnessMonitor(Builder b, Generator gen) {
        this.hessian = HessianOperator.of(b.params, b.loss);
        this.gen = gen;
        this.every = b.every;
        this.lanczosSteps = b.lanczosSteps;
        this.momentum = b.momentum;
    }

    /**
     * Starts a monitor of the Hessian of {@code loss} (recomputed from the current parameters, on a fixed batch)
     * over {@code params} (which must require grad).
     */
    public static Builder builder(Map<String, Tensor> params, Supplier<Tensor> loss) {
        return new Builder(params, loss);
    }

    /** Optional settings of a {@link SharpnessMonitor}. */
    public static final class Builder {
        private final Map<String, Tensor> params;
        private final Supplier<Tensor> loss;
        private int every = 10;
        private int lanczosSteps = 20;
        private double momentum = 0;

        private Builder(Map<String, Tensor> params, Supplier<Tensor> loss) {
            this.params = Objects.requireNonNull(params, "params");
            this.loss = Objects.requireNonNull(loss, "loss");
        }

        /** Measure when the step count is a multiple of n: n, 2n, … after optimizer steps (default 10; ≥ 1). */
        public Builder every(int n) {
            if (n < 1) throw new IllegalArgumentException("SharpnessMonitor: every must be ≥ 1, got " + n);
            this.every = n;
            return this;
        }

        /** Lanczos steps (Hessian-vector products) per reading (default 20; ≥ 1). */
        public Builder lanczosSteps(int n) {
            if (n < 1) throw new IllegalArgumentException("SharpnessMonitor: lanczosSteps must be ≥ 1, got " + n);
            this.lanczosSteps = n;
            return this;
        }

        /** The heavy-ball momentum μ of the optimizer, for the threshold (2 + 2μ)/η (default 0; in [0, 1)). */
        public Builder momentum(double mu) {
            if (!(mu >= 0 && mu < 1)) throw new IllegalArgumentException("SharpnessMonitor: momentum must be in [0, 1), got " + mu);
            this.momentum = mu;
            return this;
        }

        /** The monitor; its first start vector is drawn from {@code gen}. */
        public SharpnessMonitor build(Generator gen) {
            return new SharpnessMonitor(this, Objects.requireNonNull(gen, "gen"));
        }
    }

    /** The stability threshold (2 + 2μ)/η of heavy-ball SGD with step η and momentum μ (2/η for μ = 0). */
    public static double stabilityThreshold(double lr, double momentum) {
        if (!(lr > 0)) throw new IllegalArgumentException("SharpnessMonitor: the learning rate must be > 0, got " + lr);
        return (2 + 2 * momentum) / lr;
    }

    /**
     * Call after each optimizer step: measures when {@code optimizer.stepCount()} is a multiple of
     * {@code every}, with η the learning rate of the optimizer's first group for its next step (the step whose
     * stability the reading is about; with a schedule it may differ from the step just taken).
     */
    public Optional<Reading> onStep(Optimizer optimizer) {
        return onStep(optimizer.stepCount(), optimizer.hyperParams(0).get("lr"));
    }

    /** Measures when {@code step} is a multiple of {@code every} (and returns the reading), otherwise nothing. */
    public Optional<Reading> onStep(long step, double lr) {
        return step % every == 0 ? Optional.of(measure(step, lr)) : Optional.empty();
    }

    /** Measures now: λ_max at the current parameters against the threshold for learning rate {@code lr}. */
    public Reading measure(long step, double lr) {
        double threshold = stabilityThreshold(lr, momentum);
        ParamVector fresh = ParamVector.rademacher(gen, hessian.layout());
        ParamVector start = lastTop == null ? fresh : lastTop.axpy(FRESH_WEIGHT / fresh.norm(), fresh).normalize();
        Lanczos.Result r = Lanczos.fromStart(hessian, start, lanczosSteps, Lanczos.Options.DEFAULT.withRitzVectors(true));
        int top = r.steps() - 1;
        lastTop = r.ritzVectors().get(top);
        Reading reading = new Reading(step, r.largest(), threshold, r.largest() / threshold, r.ritzResiduals()[top]);
        history.add(reading);
        return reading;
    }

    /** Every reading so far, in order. */
    public List<Reading> history() {
        return List.copyOf(history);
    }

    /** The state a resumed run needs to continue with the same readings: see {@link State}. */
    public State stateDict() {
        return new State(lastTop == null ? new double[0] : lastTop.toArray(), history, gen.stateDict());
    }

    /**
     * Restores a state from {@link #stateDict()} of a monitor of the same parameters. Everything is checked
     * before anything changes: the vector's length must be 0 or the number of parameters, and finite.
     */
    public void loadStateDict(State state) {
        Objects.requireNonNull(state, "state");
        double[] top = state.lastTop();
        int n = hessian.layout().size();
        if (top.length != 0 && top.length != n) {
            throw new IllegalArgumentException("SharpnessMonitor.loadStateDict: the top vector has " + top.length
                    + " elements, the parameters " + n);
        }
        for (int i = 0; i < top.length; i++) {
            if (!Double.isFinite(top[i])) {
                throw new IllegalArgumentException("SharpnessMonitor.loadStateDict: element " + i + " of the top vector is " + top[i]);
            }
        }
        long[] words = state.generator();
        new Generator(0).loadStateDict(words); // validates the words on a scratch generator first
        gen.loadStateDict(words);
        lastTop = top.length == 0 ? null : ParamVector.of(hessian.layout(), top);
        history.clear();
        history.addAll(state.history());
    }

    /** Hessian-vector products spent so far. */
    public long products() {
        return hessian.products();
    }
}
