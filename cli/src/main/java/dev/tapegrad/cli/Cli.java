package dev.tapegrad.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * A small command-line flag parser: each flag has a name, a type (given by the function that parses its text),
 * a default and a line of help. {@code --name value} and {@code --name=value} both work; a flag declared as a
 * switch takes no value. {@code --help} anywhere asks for the usage. Any unknown flag, missing value or value
 * that does not parse is a {@link UsageException} with a one-line message.
 */
public final class Cli {
    /** A command-line mistake; its message is one line meant for the user. */
    public static final class UsageException extends IllegalArgumentException {
        UsageException(String message) {
            super(message);
        }
    }

    /** One declared flag: its parser turns the text into the value (throwing for bad text). */
    private record Flag(String name, String meta, String defaultText, String help, Function<String, Object> parse,
                        boolean isSwitch) {}

    private final String command;
    private final String summary;
    private final Map<String, Flag> flags = new LinkedHashMap<>();

    /** A parser for {@code tapegrad <command>}, described by a one-line {@code summary}. */
    public Cli(String command, String summary) {
        this.command = command;
        this.summary = summary;
    }

    /** A text flag. */
    public Cli string(String name, String defaultValue, String help) {
        return add(name, "TEXT", defaultValue, help, s -> s, false);
    }

    /** A flag holding a whole number (≥ {@code min}). */
    public Cli integer(String name, int defaultValue, int min, String help) {
        return add(name, "N", Integer.toString(defaultValue), help, s -> {
            int v = Integer.parseInt(s.strip());
            if (v < min) throw new IllegalArgumentException("must be ≥ " + min);
            return v;
        }, false);
    }

    /** A flag holding a 64-bit whole number. */
    public Cli longFlag(String name, long defaultValue, String help) {
        return add(name, "N", Long.toString(defaultValue), help, s -> Long.parseLong(s.strip()), false);
    }

    /** A flag holding a finite real number. */
    public Cli real(String name, double defaultValue, String help) {
        return add(name, "X", Double.toString(defaultValue), help, s -> {
            double v = Double.parseDouble(s.strip());
            if (!Double.isFinite(v)) throw new IllegalArgumentException("must be finite");
            return v;
        }, false);
    }

    /** A flag whose value is one of {@code choices} (case-insensitive; stored in lower case). */
    public Cli choice(String name, String defaultValue, String help, String... choices) {
        List<String> allowed = Arrays.asList(choices);
        return add(name, String.join("|", choices), defaultValue, help, s -> {
            String v = s.strip().toLowerCase(Locale.ROOT);
            if (!allowed.contains(v)) throw new IllegalArgumentException("must be one of " + String.join(", ", choices));
            return v;
        }, false);
    }

    /** A switch: false unless given (it takes no value). */
    public Cli flag(String name, String help) {
        return add(name, "", "false", help, Boolean::parseBoolean, true);
    }

    private Cli add(String name, String meta, String defaultText, String help, Function<String, Object> parse, boolean isSwitch) {
        if (flags.containsKey(name)) throw new IllegalStateException("Cli: flag --" + name + " declared twice");
        flags.put(name, new Flag(name, meta, defaultText, help, parse, isSwitch));
        return this;
    }

    /** The usage text: the command, its summary and every flag with its default. */
    public String usage() {
        StringBuilder out = new StringBuilder("usage: tapegrad " + command + " [flags]\n  " + summary + "\nflags:\n");
        for (Flag f : flags.values()) {
            String left = "--" + f.name() + (f.isSwitch() ? "" : " " + f.meta());
            String def = f.isSwitch() ? "" : " (default: " + (f.defaultText().isEmpty() ? "none" : f.defaultText()) + ")";
            // a long flag name puts its help on the next line, aligned with the others
            out.append(left.length() > 28 ? String.format(Locale.ROOT, "  %s%n  %-28s %s%s%n", left, "", f.help(), def)
                    : String.format(Locale.ROOT, "  %-28s %s%s%n", left, f.help(), def));
        }
        out.append(String.format(Locale.ROOT, "  %-28s %s%n", "--help", "show this help"));
        return out.toString();
    }

    /** Parsed values: defaults for flags not given. */
    public static final class Values {
        private final Map<String, Object> values;
        private final java.util.Set<String> given;
        private final boolean help;

        private Values(Map<String, Object> values, java.util.Set<String> given, boolean help) {
            this.values = values;
            this.given = given;
            this.help = help;
        }

        /** Whether flag {@code name} was on the command line (rather than left at its default). */
        public boolean given(String name) {
            get(name);
            return given.contains(name);
        }

        /** Whether {@code --help} was given. */
        public boolean help() {
            return help;
        }

        private Object get(String name) {
            if (!values.containsKey(name)) throw new IllegalArgumentException("Cli: no flag --" + name);
            return values.get(name);
        }

        /** A text or choice flag. */
        public String string(String name) {
            return (String) get(name);
        }

        /** A whole-number flag. */
        public int integer(String name) {
            return (Integer) get(name);
        }

        /** A 64-bit flag. */
        public long longValue(String name) {
            return (Long) get(name);
        }

        /** A real flag. */
        public double real(String name) {
            return (Double) get(name);
        }

        /** A switch. */
        public boolean flag(String name) {
            return (Boolean) get(name);
        }
    }

    /** Parses {@code args}; throws {@link UsageException} naming the first mistake. */
    public Values parse(String[] args) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Flag f : flags.values()) values.put(f.name(), convert(f, f.defaultText()));
        java.util.Set<String> given = new java.util.LinkedHashSet<>();
        boolean help = false;
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        for (int i = 0; i < rest.size(); i++) {
            String a = rest.get(i);
            if (a.equals("--help") || a.equals("-h")) {
                help = true;
                continue;
            }
            if (!a.startsWith("--")) throw new UsageException("unexpected argument '" + a + "'");
            int eq = a.indexOf('=');
            String name = a.substring(2, eq < 0 ? a.length() : eq);
            Flag f = flags.get(name);
            if (f == null) throw new UsageException("unknown flag --" + name);
            String text;
            if (f.isSwitch()) {
                if (eq >= 0) throw new UsageException("--" + name + " takes no value");
                text = "true";
            } else if (eq >= 0) {
                text = a.substring(eq + 1);
            } else if (i + 1 < rest.size()) {
                text = rest.get(++i);
            } else {
                throw new UsageException("--" + name + " needs a value (" + f.meta() + ")");
            }
            values.put(name, convert(f, text));
            given.add(name);
        }
        return new Values(values, given, help);
    }

    private static Object convert(Flag f, String text) {
        try {
            return f.parse().apply(text);
        } catch (IllegalArgumentException e) { // NumberFormatException is one
            String why = e instanceof NumberFormatException ? "" : ": " + e.getMessage();
            throw new UsageException("bad value '" + text + "' for --" + f.name() + " (" + f.meta() + ")" + why);
        }
    }
}
