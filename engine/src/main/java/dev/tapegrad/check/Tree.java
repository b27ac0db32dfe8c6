package dev.tapegrad.check;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A generated value together with its <em>shrinks</em>: simpler values to try when the value makes a
 * property fail, each again with its own shrinks (a lazy "rose tree").
 *
 * <p>This is integrated shrinking (as in Hedgehog): a {@link Gen} returns a whole tree, and every combinator
 * transforms trees, so a mapped, zipped or filtered generator shrinks through the same transformation and
 * never produces a shrunk value it could not have generated. Children are computed only when asked for, so
 * a tree costs nothing until a property fails. Children are ordered from the most to the least ambitious
 * simplification; the runner takes the first child that still fails.
 *
 * @param <T> the type of the value
 */
public final class Tree<T> {
    private final T value;
    private final Supplier<Stream<Tree<T>>> shrinks;

    /** A tree with this value and these (lazily computed, most aggressive first) shrinks. */
    public Tree(T value, Supplier<Stream<Tree<T>>> shrinks) {
        this.value = value;
        this.shrinks = shrinks;
    }

    /** A value that cannot be simplified. */
    public static <T> Tree<T> leaf(T value) {
        return new Tree<>(value, Stream::empty);
    }

    /**
     * The tree obtained by applying a shrink function repeatedly (type-directed shrinking): the children of
     * {@code v} are {@code shrink(v)}, their children {@code shrink} of those, and so on. The function must
     * eventually return nothing (each candidate strictly simpler than its parent).
     */
    public static <T> Tree<T> unfold(T value, Function<? super T, Stream<T>> shrink) {
        return new Tree<>(value, () -> shrink.apply(value).map(v -> unfold(v, shrink)));
    }

    /** The value. */
    public T value() {
        return value;
    }

    /** The immediate shrinks, most aggressive first (computed afresh on each call). */
    public Stream<Tree<T>> shrinks() {
        return shrinks.get();
    }

    /** f applied to the value and to every shrink. */
    public <R> Tree<R> map(Function<? super T, ? extends R> f) {
        return new Tree<>(f.apply(value), () -> shrinks().map(t -> t.map(f)));
    }

    /**
     * Monadic bind: the tree of {@code f(value)}, whose shrinks first shrink this value (and rebuild with
     * {@code f}), then shrink the inner value.
     */
    public <R> Tree<R> flatMap(Function<? super T, Tree<R>> f) {
        Tree<R> inner = f.apply(value);
        return new Tree<>(inner.value, () -> Stream.concat(shrinks().map(t -> t.flatMap(f)), inner.shrinks()));
    }

    /**
     * This tree with only shrinks (at any depth) whose value passes the predicate; the root is kept as is.
     * A rejected shrink is replaced by its own accepted shrinks (one level down), so that a constraint
     * such as "odd" does not stop shrinking where every halving step happens to land on an even number.
     */
    public Tree<T> filterShrinks(Predicate<? super T> keep) {
        return new Tree<>(value, () -> shrinks().flatMap(t -> keep.test(t.value) ? Stream.of(t)
                : t.shrinks().filter(u -> keep.test(u.value))).map(t -> t.filterShrinks(keep)));
    }

    /** The pair combined by f; shrinks the left value first, then the right one. */
    public static <A, B, R> Tree<R> zip(Tree<A> a, Tree<B> b, BiFunction<? super A, ? super B, ? extends R> f) {
        return new Tree<>(f.apply(a.value, b.value),
                () -> Stream.concat(a.shrinks().map(s -> zip(s, b, f)), b.shrinks().map(s -> zip(a, s, f))));
    }

    /**
     * A list of trees as a tree of lists. Shrinks first remove elements (big chunks first, then single
     * ones) as long as at least {@code minSize} remain, then shrink one element at a time in place. With
     * {@code minSize == trees.size()} the length is fixed.
     */
    public static <T> Tree<List<T>> list(List<Tree<T>> trees, int minSize) {
        List<T> values = trees.stream().map(Tree::value).toList();
        return new Tree<>(values, () -> Stream.concat(
                removals(trees, minSize).map(ts -> list(ts, minSize)),
                IntStream.range(0, trees.size()).boxed().flatMap(i -> trees.get(i).shrinks().map(s -> {
                    List<Tree<T>> copy = new ArrayList<>(trees);
                    copy.set(i, s);
                    return list(copy, minSize);
                }))));
    }

    /** The list with one chunk removed, for chunk sizes n−min, (n−min)/2, ..., 1 at every aligned offset. */
    private static <T> Stream<List<Tree<T>>> removals(List<Tree<T>> trees, int minSize) {
        int n = trees.size();
        List<Integer> chunkSizes = new ArrayList<>();
        for (int k = n - minSize; k > 0; k /= 2) chunkSizes.add(k);
        return chunkSizes.stream().flatMap(k -> IntStream.iterate(0, i -> i + k <= n, i -> i + k).mapToObj(i -> {
            List<Tree<T>> copy = new ArrayList<>(trees.subList(0, i));
            copy.addAll(trees.subList(i + k, n));
            return copy;
        }));
    }
}
