package dev.tapegrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Progress lines, the metrics file, tick values and the SVG chart. */
class RunReportTest {

    private static Map<String, Double> metrics(double loss, double accuracy) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("loss", loss);
        m.put("accuracy", accuracy);
        return m;
    }

    @Test
    void metricsFileHasOneParsableLinePerStepWithNullForNonFinite(@TempDir Path dir) throws Exception {
        try (RunReport report = RunReport.open(dir, "t", Progress.logLines(new PrintStream(new ByteArrayOutputStream()), () -> 0))) {
            report.step("a \"quoted\" run", 0, 3, metrics(0.5, 0.25));
            report.step("a \"quoted\" run", 1, 3, metrics(Double.NaN, Double.POSITIVE_INFINITY));
            report.step("b", 0, 1, Map.of("reward", 2.0));
        }
        List<String> lines = Files.readAllLines(dir.resolve("metrics.jsonl"));
        assertEquals(3, lines.size());
        assertEquals("{\"run\":\"a \\\"quoted\\\" run\",\"step\":0,\"accuracy\":0.25,\"loss\":0.5}", lines.get(0)); // sorted by name
        Map<String, String> second = parseFlatJson(lines.get(1));
        assertEquals("a \"quoted\" run", second.get("run"));
        assertEquals("1", second.get("step"));
        assertEquals("null", second.get("loss"));
        assertEquals("null", second.get("accuracy"));
        assertEquals(Double.parseDouble(parseFlatJson(lines.get(2)).get("reward")), 2.0);
        assertTrue(Files.exists(dir.resolve("chart.html")));
    }

    /** A minimal parser for flat JSON objects of strings, numbers and null (values returned as raw text). */
    private static Map<String, String> parseFlatJson(String s) {
        Pattern member = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\":(\"(?:[^\"\\\\]|\\\\.)*\"|null|-?[0-9.eE+-]+)(,|\\})");
        assertTrue(s.startsWith("{") && s.endsWith("}"), s);
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = member.matcher(s);
        int at = 1;
        while (at < s.length() && m.find(at) && m.start() == at) {
            String v = m.group(2);
            out.put(m.group(1), v.startsWith("\"") ? v.substring(1, v.length() - 1).replace("\\\"", "\"") : v);
            at = m.end();
        }
        assertEquals(s.length(), at, "whole line parsed: " + s);
        return out;
    }

    @Test
    void ticksAreNiceAndCoverTheRange() {
        double[][] ranges = {{0, 1}, {0.13, 0.97}, {-3.7, 12.2}, {0, 399}, {1e-5, 3e-5}, {5, 5}, {-250, -20}, {0.001, 1234}};
        for (double[] r : ranges) {
            double[] t = SvgChart.niceTicks(r[0], r[1], 5);
            assertTrue(t.length >= 2 && t.length <= 12, java.util.Arrays.toString(t));
            double step = t[1] - t[0], eps = step * 1e-9;
            assertTrue(t[0] <= r[0] + eps && t[t.length - 1] >= r[1] - eps, "covers " + r[0] + ".." + r[1]);
            if (r[0] < r[1]) // a single value is padded on both sides
                assertTrue(t[0] > r[0] - step && t[t.length - 1] < r[1] + step, "at most one step beyond the data");
            double mantissa = step / Math.pow(10, Math.floor(Math.log10(step)));
            assertTrue(Math.abs(mantissa - 1) < 1e-9 || Math.abs(mantissa - 2) < 1e-9 || Math.abs(mantissa - 5) < 1e-9,
                    "step " + step);
            for (int i = 1; i < t.length; i++) assertEquals(step, t[i] - t[i - 1], step * 1e-9);
            for (double v : t) assertEquals(0, Math.IEEEremainder(v, step), step * 1e-6, "multiple of the step");
        }
        double[] log = SvgChart.logTicks(0.003, 40);
        assertEquals(0.001, log[0], 1e-15);
        assertEquals(100, log[log.length - 1], 1e-12);
        assertEquals("0.25", SvgChart.label(0.25, 0.05));
        assertEquals("400", SvgChart.label(400, 100));
        assertEquals("2e-5", SvgChart.label(2e-5, 1e-5));
        assertEquals(List.of("0.01", "0.2", "1", "50"), List.of(SvgChart.logLabel(0.01), SvgChart.logLabel(0.2),
                SvgChart.logLabel(1), SvgChart.logLabel(50)));
    }

    @Test
    void chartIsWellFormedSvgWithOnePathAndOneLegendEntryPerRun(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (RunReport report = RunReport.open(dir, "Runs & <tests>", Progress.logLines(new PrintStream(sink), () -> 0))) {
            String[] runs = {"GRPO", "GARL q=0.75", "HölderPO"};
            for (String run : runs)
                for (int s = 0; s < 100; s++)
                    report.step(run, s, 100, metrics(s == 50 ? Double.NaN : Math.exp(-s / 10.0) + run.length() * 1e-3, s / 100.0));
        }
        String html = Files.readString(dir.resolve("chart.html"), StandardCharsets.UTF_8);
        List<String> svgs = new ArrayList<>();
        Matcher m = Pattern.compile("(?s)<svg.*?</svg>").matcher(html);
        while (m.find()) svgs.add(m.group());
        assertEquals(2, svgs.size(), "one panel per metric");
        for (String svg : svgs) {
            Xml doc = Xml.parse(svg);
            assertEquals("svg", doc.root());
            List<Map<String, String>> paths = doc.elements("path");
            List<Map<String, String>> series = paths.stream().filter(p -> "series".equals(p.get("class"))).toList();
            assertEquals(3, series.size());
            for (Map<String, String> p : series) assertFalse(p.get("d").contains("NaN"));
            List<String> legend = doc.elements("text").stream()
                    .filter(t -> "legend-entry".equals(t.get("class"))).map(t -> t.get("#text")).toList();
            assertEquals(List.of("GRPO", "GARL q=0.75", "HölderPO"), legend);
        }
        assertTrue(html.contains("Runs &amp; &lt;tests&gt;"));
        assertTrue(html.contains("(log scale)"), "loss spanning two decades is drawn on a log axis");
    }

    @Test
    void plainProgressPrintsABoundedNumberOfLines() {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        long[] now = {0};
        Progress p = Progress.logLines(new PrintStream(sink, true, StandardCharsets.UTF_8), () -> now[0]);
        for (int s = 0; s < 1000; s++) {
            now[0] += 1_000_000L; // 1 ms per step
            p.update("digits", s, 1000, metrics(1.0 / (s + 1), 0.5));
        }
        p.finish();
        String out = sink.toString(StandardCharsets.UTF_8);
        String[] lines = out.split("\n");
        assertTrue(lines.length >= 10 && lines.length <= 12, lines.length + " lines:\n" + out);
        assertFalse(out.contains("\r"));
        assertTrue(lines[lines.length - 1].startsWith("digits  1000/1000 (100%) loss 0.001000"), lines[lines.length - 1]);
        assertTrue(lines[lines.length - 1].contains("1000.0 steps/s"), lines[lines.length - 1]);
    }

    @Test
    void interactiveBarRedrawsInPlaceWithCarriageReturn() {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        long[] now = {0};
        Progress p = Progress.liveLine(new PrintStream(sink, true, StandardCharsets.UTF_8), () -> now[0]);
        for (int s = 0; s < 40; s++) {
            now[0] += 250_000_000L; // 4 steps per second
            p.update("GRPO", s, 40, Map.of("reward", 0.5));
        }
        String out = sink.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("\r"));
        assertEquals(40, out.chars().filter(c -> c == '\r').count(), "every step redrawn (250 ms apart)");
        assertEquals(1, out.chars().filter(c -> c == '\n').count(), "one newline, at the end of the run");
        assertTrue(out.contains("20/40 [############............] reward 0.5000  4.0 steps/s  ETA 0:05"), out);
    }

    /**
     * Parses XML with the JDK's own parser (javax.xml). The examples module does not read java.xml, so the parser is
     * reached reflectively (reflection implies readability); a parse error means the SVG is not well-formed.
     */
    private record Xml(Object document) {
        static Xml parse(String text) throws Exception {
            Class<?> factory = Class.forName("javax.xml.parsers.DocumentBuilderFactory");
            Object f = factory.getMethod("newInstance").invoke(null);
            factory.getMethod("setNamespaceAware", boolean.class).invoke(f, true);
            Object builder = factory.getMethod("newDocumentBuilder").invoke(f);
            Class<?> builderType = Class.forName("javax.xml.parsers.DocumentBuilder");
            try {
                return new Xml(builderType.getMethod("parse", java.io.InputStream.class)
                        .invoke(builder, new java.io.ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))));
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw new AssertionError("not well-formed XML: " + e.getCause(), e.getCause());
            }
        }

        /** The root element's local name. */
        String root() throws Exception {
            Object root = Class.forName("org.w3c.dom.Document").getMethod("getDocumentElement").invoke(document);
            return (String) Class.forName("org.w3c.dom.Node").getMethod("getLocalName").invoke(root);
        }

        /** Every element named {@code tag}: its attributes, and its text under the key "#text". */
        List<Map<String, String>> elements(String tag) throws Exception {
            Class<?> node = Class.forName("org.w3c.dom.Node"), element = Class.forName("org.w3c.dom.Element");
            Class<?> list = Class.forName("org.w3c.dom.NodeList"), attrs = Class.forName("org.w3c.dom.NamedNodeMap");
            Object nodes = Class.forName("org.w3c.dom.Document").getMethod("getElementsByTagName", String.class).invoke(document, tag);
            int n = (int) list.getMethod("getLength").invoke(nodes);
            List<Map<String, String>> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Object e = list.getMethod("item", int.class).invoke(nodes, i);
                Object a = node.getMethod("getAttributes").invoke(e);
                Map<String, String> m = new LinkedHashMap<>();
                for (int j = 0; j < (int) attrs.getMethod("getLength").invoke(a); j++) {
                    Object attr = attrs.getMethod("item", int.class).invoke(a, j);
                    m.put((String) node.getMethod("getNodeName").invoke(attr), (String) node.getMethod("getNodeValue").invoke(attr));
                }
                m.put("#text", (String) node.getMethod("getTextContent").invoke(e));
                out.add(m);
            }
            return out;
        }
    }
}
