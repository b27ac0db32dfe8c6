package dev.tapegrad.check;

import dev.tapegrad.Generator;
import java.util.Iterator;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A property-based test: "for all values from a generator, this check passes".
 *
 * <pre>{@code
 * Property.forAll(TensorGen.tensors(TensorGen.shapes()))
 *         .tries(200)
 *         .check(x -> GradCheck.check(t -> t.tanh().mul(t), x));
 * }</pre>
 *
 * <p>The runner draws {@link #tries(int) tries} values (default {@value #DEFAULT_TRIES}) and runs the check
 * on each; a check fails when it throws (any {@link Throwable} except {@link VirtualMachineError}) or, for
 * {@link #checkThat}, returns false. On the first failure it <em>shrinks</em>: it walks the value's
 * {@link Tree}, moving to the first simpler value that still fails, until no simpler value fails (a local
 * minimum) or the shrink budget ({@link #maxShrinkSteps}) is spent. It then throws a
 * {@link PropertyFailure} that shows the original and the shrunk counterexample, both failure reasons,
 * the counts and the seed.
 *
 * <p><b>Seeds.</b> Without {@link #seed(long)}, each run picks a fresh random seed. The failure message
 * prints it; {@code .seed(s)} or the system property {@code -Dtapegrad.seed=s} (which overrides every
 * property in the JVM) replays the same values, the same failure and the same shrinks. The system property
 * {@code -Dtapegrad.tries=n} overrides the number of tries (for long soak runs).
 *
 * @param <T> the type of the generated values
 */
public final class Property<T> {
    /** Tries per property unless {@link #tries(int)} or {@code -Dtapegrad.tries} says otherwise. */
    public static final int DEFAULT_TRIES = 100;
    /** Default bound on the number of candidates evaluated while shrinking. */
    public static final int DEFAULT_MAX_SHRINK_STEPS = 2000;
    /** System property that forces the seed of every property: {@code -Dtapegrad.seed=12345}. */
    public static final String SEED_PROPERTY = "tapegrad.seed";
    /** System property that forces the number of tries of every property. */
    public static final String TRIES_PROPERTY = "tapegrad.tries";

    /**
     * A check of one value: returns normally to pass, throws (usually an {@link AssertionError}) to fail.
     *
     * @param <T> the type of the checked values
     */
    @FunctionalInterface
    public interface Check<T> {
        /** Checks one value; throws to report a failure. */
        void accept(T value) throws Throwable;
    }

    private final Gen<T> gen;
    private final int tries;
    private final Long seed;
    private final int maxShrinkSteps;

    private Property(Gen<T> gen, int tries, Long seed, int maxShrinkSteps) {
        this.gen = gen;
        this.tries = tries;
        this.seed = seed;
        this.maxShrinkSteps = maxShrinkSteps;
    }

    /** A property over the values of a generator (combine several with {@link Gen#zip} or {@link Gen#pair}). */
    public static <T> Property<T> forAll(Gen<T> gen) {
        return new Property<>(Objects.requireNonNull(gen), DEFAULT_TRIES, null, DEFAULT_MAX_SHRINK_STEPS);
    }

    /** How many values to try (≥ 1). */
    public Property<T> tries(int n) {
        if (n < 1) throw new IllegalArgumentException("Property.tries: need at least 1, got " + n);
        return new Property<>(gen, n, seed, maxShrinkSteps);
    }

    /** A fixed seed: the run draws the same values every time. */
    public Property<T> seed(long s) {
        return new Property<>(gen, tries, s, maxShrinkSteps);
    }

    /** The most candidates to evaluate while shrinking (0 disables shrinking). */
    public Property<T> maxShrinkSteps(int n) {
        if (n < 0) throw new IllegalArgumentException("Property.maxShrinkSteps: need >= 0, got " + n);
        return new Property<>(gen, tries, seed, n);
    }

    /** Runs the property with a predicate: a value fails when the predicate returns false (or throws). */
    public void checkThat(Predicate<? super T> predicate) {
        check(v -> {
            if (!predicate.test(v)) throw new AssertionError("the predicate returned false");
        });
    }

    /**
     * Runs the property: throws {@link PropertyFailure} with a shrunk counterexample if the check fails for
     * some generated value.
     */
    public void check(Check<? super T> check) {
        long s = effectiveSeed();
        int n = effectiveTries();
        Generator rng = new Generator(s);
        for (int i = 1; i <= n; i++) {
            Tree<T> tree;
            try {
                tree = gen.generate(rng);
            } catch (RuntimeException e) {
                throw new IllegalStateException("Property: the generator failed on try " + i + " (seed " + s + "): "
                        + e.getMessage(), e);
            }
            Throwable failure = run(check, tree.value());
            if (failure != null) throw shrink(check, tree, failure, i, n, s);
        }
    }

    private long effectiveSeed() {
        String forced = System.getProperty(SEED_PROPERTY);
        if (forced != null && !forced.isBlank()) {
            try {
                return Long.decode(forced.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Property: -D" + SEED_PROPERTY + "=" + forced + " is not a long", e);
            }
        }
        if (seed != null) return seed;
        return new Generator(System.nanoTime() ^ Thread.currentThread().threadId() * 0x9E3779B97F4A7C15L).nextLong();
    }

    private int effectiveTries() {
        String forced = System.getProperty(TRIES_PROPERTY);
        if (forced == null || forced.isBlank()) return tries;
        try {
            int n = Integer.parseInt(forced.trim());
            if (n >= 1) return n;
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("Property: -D" + TRIES_PROPERTY + "=" + forced + " is not a positive int");
    }

    /** The failure of the check on a value, or null if it passes. */
    private static <T> Throwable run(Check<? super T> check, T value) {
        try {
            check.accept(value);
            return null;
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            return t;
        }
    }

    /** Greedy descent: repeatedly move to the first shrink that still fails. */
    private PropertyFailure shrink(Check<? super T> check, Tree<T> failing, Throwable failure, int tryNumber,
                                   int tries, long s) {
        String original = Show.value(failing.value());
        Tree<T> current = failing;
        Throwable reason = failure;
        int steps = 0, evaluated = 0;
        boolean progressed = true;
        while (progressed && evaluated < maxShrinkSteps) {
            progressed = false;
            Iterator<Tree<T>> candidates = current.shrinks().iterator();
            while (evaluated < maxShrinkSteps) {
                Tree<T> candidate;
                try {
                    if (!candidates.hasNext()) break;
                    candidate = candidates.next();
                } catch (RuntimeException e) { // a generator cannot rebuild this shrink: stop here
                    break;
                }
                evaluated++;
                Throwable r = run(check, candidate.value());
                if (r != null) {
                    current = candidate;
                    reason = r;
                    steps++;
                    progressed = true;
                    break;
                }
            }
        }
        return new PropertyFailure(s, tryNumber, tries, steps, evaluated, original, failure, current.value(), reason);
    }
}
