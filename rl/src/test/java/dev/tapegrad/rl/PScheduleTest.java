package dev.tapegrad.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.check.Gen;
import dev.tapegrad.check.Property;
import dev.tapegrad.rl.PSchedule.Shape;
import org.junit.jupiter.api.Test;

class PScheduleTest {

    @Test
    void everyShapeHitsItsEndPointsAndIsMonotone() {
        Gen<PSchedule> schedules = Gen.zip(Gen.pair(Gen.elements(Shape.values()), Gen.doubles(-5, 5)),
                Gen.pair(Gen.doubles(0, 6), Gen.pair(Gen.ints(1, 300), Gen.doubles(0.5, 4))),
                (a, b) -> a.first() == Shape.CONSTANT ? PSchedule.constant(a.second())
                        : new PSchedule(a.first(), a.second(), a.second() + b.first(), b.second().first(), b.second().second()));
        Property.forAll(schedules).tries(200).check(s -> {
            double start = s.shape().decreasing() ? s.pMax() : s.pMin();
            double end = s.shape() == Shape.CONSTANT ? s.pMin() : s.shape().decreasing() ? s.pMin() : s.pMax();
            assertEquals(start, s.at(0), 1e-12);
            assertEquals(end, s.at(s.steps()), 1e-12);
            assertEquals(end, s.at(s.steps() + 17), 1e-12, "stays at the end point after the last step");
            double previous = s.at(0);
            for (long k = 1; k <= s.steps(); k++) {
                double p = s.at(k);
                assertTrue(p >= s.pMin() - 1e-12 && p <= s.pMax() + 1e-12, "within [p_min, p_max] at " + k);
                if (s.shape().decreasing()) assertTrue(p <= previous + 1e-12, "non-increasing at " + k);
                else assertTrue(p >= previous - 1e-12, "non-decreasing at " + k);
                previous = p;
            }
        });
    }

    @Test
    void sCurvesAreSymmetricThroughTheMidpoint() {
        for (Shape shape : new Shape[] {Shape.SIN, Shape.COS, Shape.CUBIC, Shape.CUBIC_DEC}) {
            PSchedule s = PSchedule.defaults(shape);
            assertEquals(0.0, s.at(500), 1e-12, shape + " passes the midpoint halfway");
            for (long k = 0; k <= 1000; k += 50) assertEquals(0.0, s.at(k) + s.at(1000 - k), 1e-12, shape + " at " + k);
        }
        // the decreasing S-curve is the mirror image of the increasing one
        for (long k = 0; k <= 1000; k += 37) {
            assertEquals(PSchedule.defaults(Shape.SIN).at(k), PSchedule.defaults(Shape.COS).at(1000 - k), 1e-12);
        }
    }

    @Test
    void defaultsAndTheReleasedSchedule() {
        PSchedule d = PSchedule.defaults(Shape.QUAD);
        assertEquals(-2.0, d.pMin());
        assertEquals(2.0, d.pMax());
        assertEquals(1000, d.steps());
        assertEquals(2.0, d.power());
        assertEquals(-2 + 4 * 0.25, d.at(500), 1e-15, "p_min + R·x² at x = 1/2");
        assertEquals(-2 + 4 * 0.125, d.withPower(3).at(500), 1e-15);
        PSchedule r = PSchedule.released();
        assertEquals(2.0, r.at(0));
        assertEquals(1.0, r.at(125), 1e-15);
        assertEquals(0.0, r.at(250), 1e-15);
        assertEquals(-2.0, r.at(500));
        assertEquals(-2.0, r.at(100_000));
        assertEquals(0.75, PSchedule.constant(0.75).at(123_456));
    }

    @Test
    void rejectsBadSchedules() {
        assertThrows(IllegalArgumentException.class, () -> PSchedule.of(Shape.LINEAR, 2, -2, 10));
        assertThrows(IllegalArgumentException.class, () -> PSchedule.of(Shape.LINEAR, -2, 2, 0));
        assertThrows(IllegalArgumentException.class, () -> PSchedule.of(Shape.LINEAR, Double.NaN, 2, 10));
        assertThrows(IllegalArgumentException.class, () -> PSchedule.of(Shape.CONSTANT, -2, 2, 10));
        assertThrows(IllegalArgumentException.class, () -> PSchedule.defaults(Shape.QUAD).withPower(0));
        assertThrows(IllegalArgumentException.class, () -> PSchedule.constant(Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> PSchedule.released().at(-1));
    }
}
