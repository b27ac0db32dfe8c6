package dev.tapegrad.check;

/**
 * Thrown when a {@link Property} finds a counterexample. The message shows the seed to replay, the try
 * that failed, the shrunk and the original counterexample and both failure reasons; the cause is the
 * failure of the shrunk counterexample. It is an {@link AssertionError}, so test frameworks report it as a
 * test failure.
 */
public final class PropertyFailure extends AssertionError {
    private static final long serialVersionUID = 1L;
    /** The seed that replays the run. */
    private final long seed;
    /** The 1-based try that failed. */
    private final int tryNumber;
    /** Accepted shrink steps. */
    private final int shrinkSteps;
    /** The shrunk counterexample (not serialised). */
    private final transient Object shrunk;
    /** The original counterexample, printed. */
    private final String original;

    PropertyFailure(long seed, int tryNumber, int tries, int shrinkSteps, int evaluated, String original,
                    Throwable originalFailure, Object shrunk, Throwable shrunkFailure) {
        super(message(seed, tryNumber, tries, shrinkSteps, evaluated, original, originalFailure, shrunk, shrunkFailure),
                shrunkFailure);
        this.seed = seed;
        this.tryNumber = tryNumber;
        this.shrinkSteps = shrinkSteps;
        this.shrunk = shrunk;
        this.original = original;
    }

    private static String message(long seed, int tryNumber, int tries, int shrinkSteps, int evaluated, String original,
                                  Throwable originalFailure, Object shrunk, Throwable shrunkFailure) {
        return "Property failed on try " + tryNumber + " of " + tries + " (seed " + seed + "; replay with .seed("
                + seed + "L) or -D" + Property.SEED_PROPERTY + "=" + seed + ")\n"
                + "Shrunk counterexample (" + shrinkSteps + " shrinks, " + evaluated + " candidates evaluated):\n"
                + "    " + Show.value(shrunk) + "\n"
                + "Failure: " + Show.reason(shrunkFailure) + "\n"
                + "Original counterexample:\n"
                + "    " + original + "\n"
                + "Original failure: " + Show.reason(originalFailure);
    }

    /** The seed that replays this failure. */
    public long seed() {
        return seed;
    }

    /** Which try (1-based) found the first counterexample. */
    public int tryNumber() {
        return tryNumber;
    }

    /** How many successful shrink steps led from the original to the shrunk counterexample. */
    public int shrinkSteps() {
        return shrinkSteps;
    }

    /** The shrunk counterexample itself. */
    public Object shrunk() {
        return shrunk;
    }

    /** The original counterexample, formatted. */
    public String original() {
        return original;
    }
}
