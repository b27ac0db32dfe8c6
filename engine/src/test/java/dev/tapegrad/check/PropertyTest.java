package dev.tapegrad.check;

import static org.junit.jupiter.api.Assertions.*;

import dev.tapegrad.Generator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PropertyTest {

    private static int sum(List<Integer> xs) {
        return xs.stream().mapToInt(Integer::intValue).sum();
    }

    @Test
    void listSumBugShrinksToAMinimalList() {
        Gen<List<Integer>> lists = Gen.listOf(Gen.ints(0, 100), 0, 20);
        for (long seed = 1; seed <= 20; seed++) {
            Property<List<Integer>> p = Property.forAll(lists).seed(seed);
            PropertyFailure f = assertThrows(PropertyFailure.class, () -> p.checkThat(l -> sum(l) < 100), "seed " + seed);
            @SuppressWarnings("unchecked")
            List<Integer> shrunk = (List<Integer>) f.shrunk();
            assertEquals(100, sum(shrunk), "seed " + seed + ": " + shrunk);
            assertTrue(shrunk.size() <= 3, "seed " + seed + ": " + shrunk);
            assertFalse(shrunk.contains(0), "zeros should have been removed: " + shrunk);
        }
    }

    @Test
    void failureMessageNamesSeedCounterexamplesAndReason() {
        PropertyFailure f = assertThrows(PropertyFailure.class, () -> Property.forAll(Gen.ints(0, 1000))
                .seed(42).checkThat(x -> x < 500));
        assertEquals(42, f.seed());
        assertEquals(500, f.shrunk());
        String m = f.getMessage();
        assertTrue(m.contains("seed 42"), m);
        assertTrue(m.contains(".seed(42L)"), m);
        assertTrue(m.contains("-Dtapegrad.seed=42"), m);
        assertTrue(m.contains("Shrunk counterexample (" + f.shrinkSteps() + " shrinks"), m);
        assertTrue(m.contains("\n    500\n"), m);
        assertTrue(m.contains("Original counterexample:\n    " + f.original()), m);
        assertTrue(m.contains("the predicate returned false"), m);
        assertTrue(m.contains("try " + f.tryNumber() + " of 100"), m);
        assertTrue(f.shrinkSteps() > 0);
    }

    @Test
    void thrownExceptionsAreFailuresAndTheShrunkOneIsTheCause() {
        PropertyFailure f = assertThrows(PropertyFailure.class, () -> Property.forAll(Gen.ints(-1000, 1000)).seed(3)
                .check(x -> {
                    if (x > 10) throw new IllegalStateException("boom at " + x);
                }));
        assertEquals(11, f.shrunk());
        assertInstanceOf(IllegalStateException.class, f.getCause());
        assertEquals("boom at 11", f.getCause().getMessage());
        assertTrue(f.getMessage().contains("IllegalStateException: boom at 11"), f.getMessage());
    }

    @Test
    void sameSeedGivesSameValuesAndSameFailure() {
        Gen<List<Double>> gen = Gen.ints(0, 5).flatMap(n -> Gen.listOf(Gen.doubles(-3, 3), n, n + 2));
        List<List<Double>> first = new ArrayList<>(), second = new ArrayList<>();
        Generator a = new Generator(7), b = new Generator(7), c = new Generator(8);
        for (int i = 0; i < 50; i++) {
            first.add(gen.sample(a));
            second.add(gen.sample(b));
        }
        assertEquals(first, second);
        List<List<Double>> other = new ArrayList<>();
        for (int i = 0; i < 50; i++) other.add(gen.sample(c));
        assertNotEquals(first, other);

        Property<List<Double>> p = Property.forAll(gen).seed(99);
        PropertyFailure f1 = assertThrows(PropertyFailure.class, () -> p.checkThat(l -> l.size() < 4));
        PropertyFailure f2 = assertThrows(PropertyFailure.class, () -> p.checkThat(l -> l.size() < 4));
        assertEquals(f1.getMessage(), f2.getMessage());
        assertEquals(List.of(0.0, 0.0, 0.0, 0.0), f1.shrunk());
    }

    @Test
    void systemPropertyForcesTheSeed() {
        System.setProperty(Property.SEED_PROPERTY, "1234");
        try {
            PropertyFailure f = assertThrows(PropertyFailure.class,
                    () -> Property.forAll(Gen.ints(0, 100)).seed(5).checkThat(x -> x < 50));
            assertEquals(1234, f.seed());
        } finally {
            System.clearProperty(Property.SEED_PROPERTY);
        }
    }

    @Test
    void passingPropertyRunsTheRequestedNumberOfTries() {
        AtomicInteger calls = new AtomicInteger();
        Property.forAll(Gen.ints(0, 10)).tries(37).checkThat(x -> calls.incrementAndGet() > 0);
        assertEquals(37, calls.get());
        calls.set(0);
        Property.forAll(Gen.ints(0, 10)).checkThat(x -> calls.incrementAndGet() > 0);
        assertEquals(Property.DEFAULT_TRIES, calls.get());
    }

    @Test
    void filterKeepsItsConstraintWhileShrinking() {
        Gen<Integer> oddAndLarge = Gen.ints(-1000, 1000).filter(x -> x % 2 != 0 && Math.abs(x) > 10);
        List<Integer> seen = new ArrayList<>();
        PropertyFailure f = assertThrows(PropertyFailure.class, () -> Property.forAll(oddAndLarge).seed(11).check(x -> {
            seen.add(x);
            assertTrue(x < 50);
        }));
        assertEquals(51, f.shrunk());
        assertTrue(seen.size() > 10);
        for (int x : seen) assertTrue(x % 2 != 0 && Math.abs(x) > 10, "filter violated by " + x);
    }

    @Test
    void filterGivesUpWithAClearError() {
        Gen<Integer> impossible = Gen.ints(0, 10).filter(x -> x > 100);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> impossible.sample(new Generator(1)));
        assertTrue(e.getMessage().contains("Gen.filter: 100 values in a row were rejected"), e.getMessage());
        IllegalStateException p = assertThrows(IllegalStateException.class,
                () -> Property.forAll(impossible).seed(2).checkThat(x -> true));
        assertTrue(p.getMessage().contains("generator failed on try 1 (seed 2)"), p.getMessage());
    }

    @Test
    void mapShrinksThroughTheFunction() {
        PropertyFailure f = assertThrows(PropertyFailure.class,
                () -> Property.forAll(Gen.ints(0, 1000).map(i -> 2 * i)).seed(1).checkThat(x -> x < 101));
        assertEquals(102, f.shrunk());
    }

    @Test
    void zipShrinksBothSidesToABoundary() {
        PropertyFailure f = assertThrows(PropertyFailure.class,
                () -> Property.forAll(Gen.pair(Gen.ints(0, 100), Gen.ints(0, 100))).seed(4)
                        .checkThat(p -> p.first() + p.second() < 50));
        Gen.Pair<?, ?> p = (Gen.Pair<?, ?>) f.shrunk();
        assertEquals(50, (Integer) p.first() + (Integer) p.second());
    }

    @Test
    void elementsAndOneOfShrinkTowardEarlierAlternatives() {
        PropertyFailure f = assertThrows(PropertyFailure.class,
                () -> Property.forAll(Gen.elements(1, 2, 3, 4)).seed(6).checkThat(x -> x < 3));
        assertEquals(3, f.shrunk());
        PropertyFailure g = assertThrows(PropertyFailure.class,
                () -> Property.forAll(Gen.oneOf(Gen.ints(0, 10), Gen.ints(100, 200))).seed(6).checkThat(x -> x < 150));
        assertEquals(150, g.shrunk());
    }

    @Test
    void doublesShrinkToSimpleValuesInsideTheRange() {
        PropertyFailure f = assertThrows(PropertyFailure.class,
                () -> Property.forAll(Gen.doubles(-10, 10)).seed(8).checkThat(x -> x < 1));
        assertEquals(1.0, f.shrunk());
        PropertyFailure g = assertThrows(PropertyFailure.class,
                () -> Property.forAll(Gen.doubles(3, 10)).seed(8).checkThat(x -> false));
        assertEquals(3.0, g.shrunk());
        PropertyFailure h = assertThrows(PropertyFailure.class,
                () -> Property.forAll(Gen.doubles(-10, 10)).seed(8).checkThat(x -> Math.abs(x) < 0.3));
        assertEquals(0.3, Math.abs((Double) h.shrunk()), 1e-5);
    }

    @Test
    void listsNeverShrinkBelowTheirMinimumSize() {
        PropertyFailure f = assertThrows(PropertyFailure.class,
                () -> Property.forAll(Gen.listOf(Gen.ints(0, 9), 3, 8)).seed(1).checkThat(l -> false));
        assertEquals(List.of(0, 0, 0), f.shrunk());
    }

    @Test
    void shrinkingCanBeDisabled() {
        PropertyFailure f = assertThrows(PropertyFailure.class,
                () -> Property.forAll(Gen.ints(0, 1000)).seed(42).maxShrinkSteps(0).checkThat(x -> x < 500));
        assertEquals(0, f.shrinkSteps());
        assertEquals(f.original(), String.valueOf(f.shrunk()));
    }

    @Test
    void generatedValuesStayInTheirRanges() {
        Generator rng = new Generator(5);
        for (int i = 0; i < 1000; i++) {
            int k = Gen.ints(-3, 4).sample(rng);
            double d = Gen.doubles(-0.5, 2).sample(rng);
            assertTrue(k >= -3 && k <= 4);
            assertTrue(d >= -0.5 && d <= 2);
        }
        assertEquals(Integer.MIN_VALUE, Gen.ints(Integer.MIN_VALUE, Integer.MIN_VALUE).sample(rng));
        assertThrows(IllegalArgumentException.class, () -> Gen.ints(2, 1));
        assertThrows(IllegalArgumentException.class, () -> Gen.doubles(0, Double.NaN));
    }
}
