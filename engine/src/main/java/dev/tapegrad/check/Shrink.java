package dev.tapegrad.check;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Shrink candidates for numbers. */
final class Shrink {
    private Shrink() {}

    /** x moved toward origin: origin itself, then x − d/2, x − d/4, ..., x ∓ 1 where d = x − origin. */
    static Stream<Long> towards(long x, long origin) {
        List<Long> out = new ArrayList<>();
        for (long d = x - origin; d != 0; d /= 2) out.add(x - d);
        return out.stream();
    }

    /**
     * Candidates strictly closer to origin than x, inside [low, high]: origin, x truncated to 0–3
     * decimals, then x − d/2ᵏ while the step is at least 10⁻⁶·max(1, |x|).
     */
    static Stream<Double> towards(double x, double origin, double low, double high) {
        double dist = Math.abs(x - origin);
        List<Double> out = new ArrayList<>();
        out.add(origin);
        for (double scale = 1; scale <= 1000; scale *= 10) {
            double r = origin + (x > origin ? Math.floor((x - origin) * scale) : Math.ceil((x - origin) * scale)) / scale;
            if (!out.contains(r)) out.add(r);
        }
        double minStep = 1e-6 * Math.max(1, Math.abs(x));
        for (double d = (x - origin) / 2; Math.abs(d) >= minStep; d /= 2) {
            double r = x - d;
            if (!out.contains(r)) out.add(r);
        }
        return out.stream().filter(r -> r >= low && r <= high && Math.abs(r - origin) < dist);
    }
}
