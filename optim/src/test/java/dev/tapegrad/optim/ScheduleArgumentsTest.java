package dev.tapegrad.optim;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/** Bad arguments are refused up front with an IllegalArgumentException that names the schedule and argument. */
class ScheduleArgumentsTest {

    record Bad(String label, Executable call, String... messageParts) {}

    private static final Schedule OK = Schedules.constant(1.0);

    static List<Bad> table() {
        return List.of(
                new Bad("constant NaN", () -> Schedules.constant(Double.NaN), "constant", "value must be finite"),
                new Bad("step size 0", () -> Schedules.step(1, 0, 0.5), "step(", "stepSize must be >= 1"),
                new Bad("step gamma < 0", () -> Schedules.step(1, 2, -0.5), "step(", "gamma must be finite and >= 0"),
                new Bad("step base inf", () -> Schedules.step(Double.POSITIVE_INFINITY, 2, 0.5), "base must be finite"),
                new Bad("multiStep negative milestone", () -> Schedules.multiStep(1, 0.1, 3, -1),
                        "multiStep", "milestones must be >= 0"),
                new Bad("exponential gamma NaN", () -> Schedules.exponential(1, Double.NaN), "exponential", "gamma"),
                new Bad("linear total 0", () -> Schedules.linear(1, 0.1, 1, 0), "linear", "totalSteps must be >= 1"),
                new Bad("linear start < 0", () -> Schedules.linear(1, -0.1, 1, 3), "linear", "startFactor"),
                new Bad("cosinePeriodic tMax 0", () -> Schedules.cosinePeriodic(1, 0, 0), "cosinePeriodic",
                        "tMax must be >= 1"),
                new Bad("cosineClamped etaMin NaN", () -> Schedules.cosineClamped(1, 5, Double.NaN), "cosineClamped",
                        "etaMin must be finite"),
                new Bad("SGDR T_0 0", () -> Schedules.cosineWarmRestarts(1, 0, 1, 0), "cosineWarmRestarts",
                        "t0 must be >= 1"),
                new Bad("SGDR T_mult 0", () -> Schedules.cosineWarmRestarts(1, 3, 0, 0), "cosineWarmRestarts",
                        "tMult must be >= 1, got 0"),
                new Bad("SGDR T_mult -2", () -> Schedules.cosineWarmRestarts(1, 3, -2, 0), "tMult must be >= 1"),
                new Bad("oneCycle total 0", () -> Schedules.oneCycle(1, 0), "oneCycle", "totalSteps must be >= 1"),
                new Bad("oneCycle pct 1.5", () -> Schedules.oneCycle(1, 10, 1.5, 25, 1e4), "pctStart must be in [0, 1]"),
                new Bad("oneCycle div 0", () -> Schedules.oneCycle(1, 10, 0.3, 0, 1e4), "divFactor must be finite"),
                new Bad("oneCycle final div -1", () -> Schedules.oneCycle(1, 10, 0.3, 25, -1), "finalDivFactor"),
                new Bad("oneCycleMomentum NaN", () -> Schedules.oneCycleMomentum(10, 0.3, Double.NaN, 0.95),
                        "oneCycleMomentum", "baseMomentum must be finite"),
                new Bad("polynomial power < 0", () -> Schedules.polynomial(1, 10, -1), "polynomial", "power"),
                new Bad("polynomial total 0", () -> Schedules.polynomial(1, 0, 2), "totalSteps must be >= 1"),
                new Bad("inverseSqrt warm-up 0", () -> Schedules.inverseSqrt(1, 0), "inverseSqrt",
                        "warmupSteps must be >= 1"),
                new Bad("wsd min ratio 2", () -> Schedules.wsd(1, 1, 1, 1, 2, Schedules.Cooldown.LINEAR), "wsd",
                        "minRatio must be in [0, 1]"),
                new Bad("wsd negative decay", () -> Schedules.wsd(1, 1, 1, -1, 0, Schedules.Cooldown.LINEAR),
                        "decaySteps must be >= 0"),
                new Bad("warmup 0 steps", () -> Schedules.warmup(0, 0.1, OK), "warmup", "warmupSteps must be >= 1"),
                new Bad("warmup start 1.5", () -> Schedules.warmup(3, 1.5, OK), "warmup", "startFactor"),
                new Bad("join negative boundary", () -> Schedules.join(OK, -1, OK), "join", "boundary must be >= 0"),
                new Bad("scaled NaN", () -> Schedules.scaled(Double.NaN, OK), "scaled", "base must be finite"));
    }

    @TestFactory
    Stream<DynamicTest> badArgumentsAreRefused() {
        return table().stream().map(b -> DynamicTest.dynamicTest(b.label(), () -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b.call(), b.label());
            for (String part : b.messageParts()) {
                assertTrue(e.getMessage().contains(part), b.label() + ": message '" + e.getMessage()
                        + "' lacks '" + part + "'");
            }
        }));
    }

    @Test
    void negativeStepIsRefusedByEverySchedule() {
        for (Schedule s : SchedulePropertiesTest.everyFactory()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.at(-1), s.toString());
            assertTrue(e.getMessage().contains("step must be >= 0, got -1"), e.getMessage());
            assertTrue(e.getMessage().startsWith(s.toString().substring(0, s.toString().indexOf('('))),
                    "message names the schedule: " + e.getMessage());
        }
    }

    @Test
    void nullSchedulesAreRefused() {
        assertThrows(NullPointerException.class, () -> Schedules.warmup(3, 0.1, null));
        assertThrows(NullPointerException.class, () -> Schedules.scaled(1, null));
        assertThrows(NullPointerException.class, () -> Schedules.multiply(OK, null));
        assertThrows(NullPointerException.class, () -> Schedules.wsd(1, 1, 1, 1, 0, null));
    }
}
