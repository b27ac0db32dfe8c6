package dev.tapegrad.optim;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The hyper-parameter values one step of one parameter group uses (learning rate, β₁, weight decay, ...),
 * already resolved from defaults, optimizer-level and group-level settings and schedules. Immutable.
 * Boolean options (Nesterov, AMSGrad, ...) are stored as 0 or 1.
 */
public final class HyperParams {
    private final Map<String, Double> values;

    HyperParams(Map<String, Double> values) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    /** The value of a hyper-parameter; fails naming the known ones if it is absent. */
    public double get(String name) {
        Double v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no hyper-parameter '" + name + "' (known: " + values.keySet() + ")");
        }
        return v;
    }

    /** A boolean option: true when the value is non-zero. */
    public boolean flag(String name) {
        return get(name) != 0.0;
    }

    /** Whether a value is present. */
    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** All values, by name. */
    public Map<String, Double> asMap() {
        return values;
    }

    /** Checks that {@code name} lies in [low, high], with a message naming the optimizer. */
    public void requireClosed(String optimizer, String name, double low, double high) {
        require(optimizer, name, low, true, high, true);
    }

    /**
     * Checks that {@code name} lies in [low, high), with a message naming the optimizer, e.g.
     * {@code adam: beta1 must be in [0, 1), got 1.2}.
     */
    public void requireClosedOpen(String optimizer, String name, double low, double high) {
        require(optimizer, name, low, true, high, false);
    }

    /** Checks that {@code name} lies in (low, high), with a message naming the optimizer. */
    public void requireOpen(String optimizer, String name, double low, double high) {
        require(optimizer, name, low, false, high, false);
    }

    /** Checks that {@code name} lies in (low, high], with a message naming the optimizer. */
    public void requireOpenClosed(String optimizer, String name, double low, double high) {
        require(optimizer, name, low, false, high, true);
    }

    private void require(String optimizer, String name, double low, boolean lowInclusive, double high, boolean highInclusive) {
        double v = get(name);
        boolean ok = (lowInclusive ? v >= low : v > low) && (highInclusive ? v <= high : v < high);
        if (!ok) {
            throw new IllegalArgumentException(optimizer + ": " + name + " must be in " + (lowInclusive ? "[" : "(")
                    + fmt(low) + ", " + fmt(high) + (highInclusive ? "]" : ")") + ", got " + v);
        }
    }

    /** Checks that {@code name} is finite and ≥ 0. */
    public void requireNonNegative(String optimizer, String name) {
        requireClosedOpen(optimizer, name, 0, Double.POSITIVE_INFINITY);
    }

    private static String fmt(double x) {
        return x == Double.POSITIVE_INFINITY ? "∞" : x == (long) x ? Long.toString((long) x) : Double.toString(x);
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
