package dev.tapegrad.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Compares every {@link Schedules} factory with the values of the real PyTorch schedulers, read from
 * {@code golden/schedules.txt} (written by {@code tools/golden/generate_schedules.py}; its header describes
 * the format). Each value must agree to 1e-12 relative; an expected 0 must be exactly 0.
 */
class ScheduleGoldenTest {

    private static final String RESOURCE = "/golden/schedules.txt";
    private static final double RELATIVE_TOLERANCE = 1e-12;

    /** The kinds {@link #build} knows; every one must have a case in the fixture. */
    private static final Set<String> KINDS = Set.of("step", "multiStep", "exponential", "linear", "cosinePeriodic",
            "cosineWarmRestarts", "oneCycle", "oneCycleMomentum", "polynomial", "inverseSqrt", "wsd", "warmup");

    record Case(String name, String kind, Map<String, String[]> params, double[] values) {}

    /** A case's parameters; records which ones were read so that none is silently ignored. */
    static final class Params {
        private final Case c;
        private final Set<String> used = new HashSet<>();

        Params(Case c) {
            this.c = c;
        }

        private String[] raw(String key) {
            String[] v = c.params().get(key);
            assertNotNull(v, c.name() + ": missing param " + key);
            used.add(key);
            return v;
        }

        private String one(String key) {
            String[] v = raw(key);
            assertEquals(1, v.length, c.name() + ": param " + key + " must have one value");
            return v[0];
        }

        double d(String key) {
            return Double.parseDouble(one(key));
        }

        long l(String key) {
            return Long.parseLong(one(key));
        }

        String word(String key) {
            return one(key);
        }

        long[] longs(String key) {
            return Arrays.stream(raw(key)).mapToLong(Long::parseLong).toArray();
        }

        void assertAllUsed() {
            assertEquals(c.params().keySet(), used, c.name() + ": parameters read vs. given");
        }
    }

    /** The schedule a case describes; {@code warmup} builds its {@code after} schedule from the same params. */
    static Schedule build(String kind, Params p) {
        return switch (kind) {
            case "step" -> Schedules.step(p.d("base"), p.l("stepSize"), p.d("gamma"));
            case "multiStep" -> Schedules.multiStep(p.d("base"), p.d("gamma"), p.longs("milestones"));
            case "exponential" -> Schedules.exponential(p.d("base"), p.d("gamma"));
            case "linear" -> Schedules.linear(p.d("base"), p.d("startFactor"), p.d("endFactor"), p.l("totalSteps"));
            case "cosinePeriodic" -> Schedules.cosinePeriodic(p.d("base"), p.l("tMax"), p.d("etaMin"));
            case "cosineWarmRestarts" ->
                    Schedules.cosineWarmRestarts(p.d("base"), p.l("t0"), p.l("tMult"), p.d("etaMin"));
            case "oneCycle" -> Schedules.oneCycle(p.d("maxLr"), p.l("totalSteps"), p.d("pctStart"),
                    p.d("divFactor"), p.d("finalDivFactor"));
            case "oneCycleMomentum" -> Schedules.oneCycleMomentum(p.l("totalSteps"), p.d("pctStart"),
                    p.d("baseMomentum"), p.d("maxMomentum"));
            case "polynomial" -> Schedules.polynomial(p.d("base"), p.l("totalSteps"), p.d("power"));
            case "inverseSqrt" -> Schedules.inverseSqrt(p.d("base"), p.l("warmupSteps"));
            case "wsd" -> Schedules.wsd(p.d("base"), p.l("warmupSteps"), p.l("stableSteps"), p.l("decaySteps"),
                    p.d("minRatio"), Schedules.Cooldown.valueOf(p.word("cooldown")));
            case "warmup" -> Schedules.warmup(p.l("warmupSteps"), p.d("startFactor"), build(p.word("after"), p));
            default -> fail("unknown schedule kind " + kind);
        };
    }

    static List<Case> load() throws IOException {
        List<Case> cases = new ArrayList<>();
        try (InputStream in = ScheduleGoldenTest.class.getResourceAsStream(RESOURCE)) {
            assertNotNull(in, "missing resource " + RESOURCE);
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String name = null;
            String kind = null;
            Map<String, String[]> params = new LinkedHashMap<>();
            double[] values = null;
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] t = line.trim().split(" ");
                switch (t[0]) {
                    case "case" -> {
                        name = t[1];
                        kind = null;
                        params = new LinkedHashMap<>();
                        values = null;
                    }
                    case "schedule" -> kind = t[1];
                    case "param" -> params.put(t[1], Arrays.copyOfRange(t, 2, t.length));
                    case "values" -> values = Arrays.stream(t, 1, t.length).mapToDouble(Double::parseDouble).toArray();
                    case "end" -> {
                        assertTrue(name != null && kind != null && values != null, "incomplete case before 'end'");
                        cases.add(new Case(name, kind, params, values));
                        name = null;
                    }
                    default -> fail("bad fixture line: " + line);
                }
            }
            assertTrue(name == null, "unterminated case " + name);
        }
        return cases;
    }

    @TestFactory
    Stream<DynamicTest> matchesPyTorch() throws IOException {
        return load().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Params p = new Params(c);
            Schedule s = build(c.kind(), p);
            p.assertAllUsed();
            for (int k = 0; k < c.values().length; k++) {
                double expected = c.values()[k];
                double actual = s.at(k);
                String where = c.name() + " at step " + k + ": expected " + expected + ", got " + actual;
                if (expected == 0) {
                    assertEquals(0.0, actual, 0.0, where);
                } else {
                    assertTrue(Math.abs(actual - expected) <= RELATIVE_TOLERANCE * Math.abs(expected), where);
                }
            }
        }));
    }

    @Test
    void fixtureCoversEveryKindAndIsSubstantial() throws IOException {
        List<Case> cases = load();
        Set<String> kinds = new TreeSet<>();
        Set<String> names = new HashSet<>();
        int values = 0;
        for (Case c : cases) {
            kinds.add(c.kind());
            assertTrue(names.add(c.name()), "duplicate case name " + c.name());
            assertFalse(c.values().length == 0, c.name() + " has no values");
            values += c.values().length;
        }
        assertEquals(new TreeSet<>(KINDS), kinds);
        assertTrue(values > 500, "only " + values + " golden values");
        // The boundaries that matter are exercised: cosine past 2·T_max, SGDR with T_mult 1 and 2.
        assertTrue(cases.stream().anyMatch(c -> c.kind().equals("cosinePeriodic")
                && c.values().length > 2 * Long.parseLong(c.params().get("tMax")[0]) + 1));
        for (String tMult : List.of("1", "2")) {
            assertTrue(cases.stream().anyMatch(c -> c.kind().equals("cosineWarmRestarts")
                    && c.params().get("tMult")[0].equals(tMult)), "no SGDR case with T_mult " + tMult);
        }
    }
}
