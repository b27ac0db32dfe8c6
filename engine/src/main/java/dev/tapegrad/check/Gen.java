package dev.tapegrad.check;

import dev.tapegrad.Generator;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A generator of random values that knows how to simplify them: {@link #generate} draws a value from a
 * seeded {@link Generator} and returns it as a {@link Tree} whose children are simpler values.
 *
 * <p><b>Shrinking design.</b> Shrinking is <em>integrated</em>: each primitive generator builds the tree of
 * its own simplifications (integers and doubles move toward the point of their range nearest to zero,
 * lists drop elements, then simplify elements), and each combinator transforms trees rather than values.
 * So {@code ints(0, 9).map(i -> 2 * i)} shrinks to even numbers, {@code filter} keeps only shrinks that pass
 * the filter, and {@code zip} shrinks each side in turn; no combinator needs a separate shrink function.
 * {@code flatMap} shrinks the outer value first and regenerates the inner one from the <em>same</em> seed,
 * then shrinks the inner value. Everything is deterministic: the same seed gives the same values and the
 * same shrinks.
 *
 * <pre>{@code
 * Gen<List<Integer>> lists = Gen.listOf(Gen.ints(0, 100), 0, 20);
 * Gen<Integer> odd = Gen.ints(-50, 50).filter(i -> i % 2 != 0);
 * }</pre>
 *
 * @param <T> the type of the generated values
 */
@FunctionalInterface
public interface Gen<T> {

    /** How many candidates {@link #filter} draws before giving up. */
    int FILTER_TRIES = 100;

    /** Draws a value (with its shrinks) using the generator's random numbers. */
    Tree<T> generate(Generator gen);

    /** Draws just a value. */
    default T sample(Generator gen) {
        return generate(gen).value();
    }

    /** Values f(x) for x from this generator; shrinks map through f. */
    default <R> Gen<R> map(Function<? super T, ? extends R> f) {
        return rng -> generate(rng).map(f);
    }

    /**
     * Values drawn from the generator {@code f(x)}, x from this one (a dependent draw, e.g. a shape, then a
     * tensor of that shape). The inner generator gets its own seed from {@code rng}, reused when the outer
     * value shrinks, so that the inner value changes as little as possible.
     */
    default <R> Gen<R> flatMap(Function<? super T, Gen<R>> f) {
        return rng -> {
            Tree<T> outer = generate(rng);
            long innerSeed = rng.nextLong();
            return outer.flatMap(x -> f.apply(x).generate(new Generator(innerSeed)));
        };
    }

    /**
     * Only values that satisfy the predicate: draws again (at most {@value #FILTER_TRIES} times, then throws
     * {@link IllegalStateException}) and drops every shrink that fails it, so shrinking respects the
     * constraint. Prefer generating valid values directly when most would be rejected.
     */
    default Gen<T> filter(Predicate<? super T> keep) {
        return rng -> {
            T last = null;
            for (int i = 0; i < FILTER_TRIES; i++) {
                Tree<T> t = generate(rng);
                if (keep.test(t.value())) return t.filterShrinks(keep);
                last = t.value();
            }
            throw new IllegalStateException("Gen.filter: " + FILTER_TRIES + " values in a row were rejected (last: "
                    + Show.value(last) + "); the filter is too strict for this generator, generate valid values directly");
        };
    }

    /** Always the same value (no shrinks). */
    static <T> Gen<T> constant(T value) {
        return rng -> Tree.leaf(value);
    }

    /**
     * Uniform integers in [low, high] (both inclusive). Shrinks toward the value of the range nearest to
     * zero: first to it, then halving the distance, then one step (so the result is a local minimum).
     */
    static Gen<Integer> ints(int low, int high) {
        if (low > high) throw new IllegalArgumentException("Gen.ints: empty range [" + low + ", " + high + "]");
        long origin = Math.clamp(0L, low, high);
        return rng -> {
            long span = (long) high - low + 1;
            long v = span > Integer.MAX_VALUE ? low + Long.remainderUnsigned(rng.nextLong(), span)
                    : low + rng.nextInt((int) span);
            return Tree.unfold(v, x -> Shrink.towards(x, origin)).map(Long::intValue);
        };
    }

    /**
     * Uniform doubles in [low, high]. Shrinks toward the value of the range nearest to zero, trying that
     * value, then whole numbers and short decimals, then halving the distance (down to a relative step of
     * 10⁻⁶, so shrinking ends).
     */
    static Gen<Double> doubles(double low, double high) {
        if (!(low <= high) || !Double.isFinite(low) || !Double.isFinite(high)) {
            throw new IllegalArgumentException("Gen.doubles: need finite low <= high, got [" + low + ", " + high + "]");
        }
        double origin = Math.clamp(0.0, low, high);
        return rng -> {
            double v = Math.min(high, low + (high - low) * rng.nextDouble());
            return Tree.unfold(v, x -> Shrink.towards(x, origin, low, high));
        };
    }

    /** One of the given generators, chosen uniformly; shrinks toward earlier alternatives, then within one. */
    @SafeVarargs
    static <T> Gen<T> oneOf(Gen<T>... alternatives) {
        if (alternatives.length == 0) throw new IllegalArgumentException("Gen.oneOf: no alternatives");
        List<Gen<T>> gens = List.of(alternatives);
        return ints(0, gens.size() - 1).flatMap(gens::get);
    }

    /** One of the given values, chosen uniformly; shrinks toward earlier values. */
    @SafeVarargs
    static <T> Gen<T> elements(T... values) {
        if (values.length == 0) throw new IllegalArgumentException("Gen.elements: no values");
        List<T> list = List.of(values);
        return ints(0, list.size() - 1).map(list::get);
    }

    /** Pairs (a, b) combined by f; shrinks a, then b. */
    static <A, B, R> Gen<R> zip(Gen<A> a, Gen<B> b, BiFunction<? super A, ? super B, ? extends R> f) {
        return rng -> {
            Tree<A> ta = a.generate(rng);
            return Tree.zip(ta, b.generate(rng), f);
        };
    }

    /** Pairs of independent values. */
    static <A, B> Gen<Pair<A, B>> pair(Gen<A> a, Gen<B> b) {
        return zip(a, b, Pair::new);
    }

    /**
     * Two values.
     *
     * @param first  the first value
     * @param second the second value
     * @param <A>    the type of the first value
     * @param <B>    the type of the second value
     */
    record Pair<A, B>(A first, B second) {}

    /** A list with one value from each generator, in order (a fixed-length tuple); shrinks element by element. */
    static <T> Gen<List<T>> sequence(List<Gen<T>> gens) {
        return rng -> {
            List<Tree<T>> trees = new ArrayList<>(gens.size());
            for (Gen<T> g : gens) trees.add(g.generate(rng));
            return Tree.list(trees, trees.size());
        };
    }

    /**
     * Lists of independent elements with a length uniform in [minSize, maxSize]. Shrinks by removing
     * elements (never below minSize), then by shrinking elements.
     */
    static <T> Gen<List<T>> listOf(Gen<T> element, int minSize, int maxSize) {
        Objects.requireNonNull(element);
        if (minSize < 0 || minSize > maxSize) {
            throw new IllegalArgumentException("Gen.listOf: need 0 <= minSize <= maxSize, got " + minSize + ", " + maxSize);
        }
        return rng -> {
            int n = minSize + rng.nextInt(maxSize - minSize + 1);
            List<Tree<T>> trees = new ArrayList<>(n);
            for (int i = 0; i < n; i++) trees.add(element.generate(rng));
            return Tree.list(trees, minSize);
        };
    }
}
