package dev.tapegrad.examples;

import dev.tapegrad.Generator;
import dev.tapegrad.Parallelism;
import dev.tapegrad.Tensor;
import dev.tapegrad.check.GradCheck;
import dev.tapegrad.check.OpInfo;
import dev.tapegrad.check.OpTable;
import dev.tapegrad.rl.PSchedule;
import dev.tapegrad.rl.StepStats;
import dev.tapegrad.rl.Task;
import dev.tapegrad.rl.TokenPolicy;
import dev.tapegrad.rl.TokenVocabulary;
import dev.tapegrad.rl.ToyTasks;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The launcher's entry point ({@code ./tapegrad <command> [flags]}): {@code demo} (the default) trains the digits
 * classifier and then compares GRPO, GARL and HölderPO from a cold start; {@code digits}, {@code rl},
 * {@code coldstart}, {@code gradcheck} and {@code bench} run one piece. Every command has {@code --help};
 * a command-line mistake prints a one-line error and the usage and exits with status 2.
 */
public final class Main {
    private Main() {}

    /** One subcommand: its flags and what it does with their values (returning an exit status). */
    private record Command(String name, String summary, Cli cli, Action action) {}

    @FunctionalInterface
    private interface Action {
        int run(Cli.Values v, Path out, PrintStream stdout) throws IOException;
    }

    /** Runs the launcher and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs {@code args} (the command first; none means {@code demo}) writing to {@code out} and {@code err};
     * returns the exit status: 0 success, 1 failure, 2 a command-line mistake.
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, Command> commands = commands();
        String name = args.length == 0 || args[0].startsWith("-") ? "demo" : args[0];
        String[] rest = args.length == 0 || args[0].startsWith("-") ? args : Arrays.copyOfRange(args, 1, args.length);
        if (name.equals("help") || args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.print(overview(commands));
            return 0;
        }
        Command c = commands.get(name);
        if (c == null) {
            err.println("tapegrad: unknown command '" + name + "'");
            err.print(overview(commands));
            return 2;
        }
        Cli.Values v;
        try {
            v = c.cli().parse(rest);
        } catch (Cli.UsageException e) {
            err.println("tapegrad " + name + ": " + e.getMessage());
            err.print(c.cli().usage());
            return 2;
        }
        if (v.help()) {
            out.print(c.cli().usage());
            return 0;
        }
        Parallelism.setThreads(v.integer("threads"));
        String outText = v.string("out");
        Path dir = Path.of(outText.isEmpty()
                ? "runs/" + name + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                : outText);
        try {
            return c.action().run(v, dir, out);
        } catch (IllegalArgumentException e) { // a value the flags accept but the program does not
            err.println("tapegrad " + name + ": " + e.getMessage());
            err.print(c.cli().usage());
            return 2;
        } catch (IOException | RuntimeException e) {
            err.println("tapegrad " + name + ": failed: " + e);
            return 1;
        }
    }

    private static String overview(Map<String, Command> commands) {
        StringBuilder s = new StringBuilder("usage: tapegrad [command] [flags]   (no command = demo)\ncommands:\n");
        commands.values().forEach(c -> s.append(String.format(Locale.ROOT, "  %-10s %s%n", c.name(), c.summary())));
        s.append("Run 'tapegrad <command> --help' for a command's flags and their defaults.\n");
        return s.toString();
    }

    /** The flags every command has: seed, threads and output folder. */
    private static Cli common(String name, String summary) {
        return new Cli(name, summary)
                .longFlag("seed", 1, "random seed: the same seed gives the same run, bit for bit")
                .integer("threads", Parallelism.threads(), 1, "worker threads for the kernels")
                .string("out", "", "output folder for metrics and chart (none: runs/" + name + "-<timestamp>)");
    }

    private static Map<String, Command> commands() {
        Map<String, Command> m = new LinkedHashMap<>();
        add(m, "demo", "digits classifier, then GRPO vs GARL vs HölderPO from a cold start (< 3 min)",
                cli -> cli.integer("digit-epochs", 15, 1, "epochs of the digits classifier")
                        .integer("rl-steps", 48, 1, "steps of each policy-optimisation run"),
                Main::demo);
        add(m, "digits", "a 64-32-10 MLP on the UCI digits", Main::digitsFlags, Main::digits);
        add(m, "rl", "policy optimisation of a small GPT on a verifiable toy task", Main::rlFlags, Main::rl);
        add(m, "coldstart", "the Tsallis escape-step table (steps until P ≥ 1/2 by p0 and q)", cli -> cli, Main::coldstart);
        add(m, "gradcheck", "checks an op's gradients against central differences and prints the report",
                cli -> cli.string("op", "matmul", "the op (see --list)").integer("cases", 5, 1, "random input draws")
                        .flag("list", "list the op names and exit"),
                Main::gradcheck);
        add(m, "example", "runs one of the learner examples (tensors, backward, hvp, customop, charlm, holder, tour)",
                cli -> cli.choice("name", "tensors", "which example", EXAMPLES.keySet().toArray(String[]::new)),
                Main::example);
        add(m, "bench", "the benchmark suite (JMH vs PyTorch/NumPy): prints the command, --run runs it",
                cli -> cli.flag("quick", "a few shapes, short iterations").flag("run", "run it (minutes) instead of printing it"),
                Main::bench);
        return m;
    }

    private static void add(Map<String, Command> m, String name, String summary,
                            java.util.function.UnaryOperator<Cli> flags, Action action) {
        m.put(name, new Command(name, summary, flags.apply(common(name, summary)), action));
    }

    // ---------------------------------------------------------------- digits

    private static Cli digitsFlags(Cli cli) {
        DigitsMlp.Config d = DigitsMlp.Config.defaults();
        return cli.integer("epochs", d.epochs(), 1, "passes over the training set")
                .integer("hidden", d.hidden(), 1, "hidden units")
                .integer("batch", d.batchSize(), 1, "batch size")
                .string("optimizer", d.optimizer(), "optimizer name (sgd, adam, adamw, lion, ...)")
                .real("lr", d.hyper().get("lr"), "learning rate")
                .string("save", "", "write a checkpoint (model, optimizer, RNG, step) here at the end")
                .string("resume", "", "continue from this checkpoint");
    }

    private static DigitsMlp.Config digitsConfig(Cli.Values v) {
        DigitsMlp.Config d = DigitsMlp.Config.defaults();
        Map<String, Double> hyper = new LinkedHashMap<>(v.string("optimizer").equalsIgnoreCase(d.optimizer()) ? d.hyper() : Map.of());
        hyper.put("lr", v.real("lr"));
        return new DigitsMlp.Config(v.integer("hidden"), v.integer("epochs"), v.integer("batch"), v.string("optimizer"), hyper,
                v.longValue("seed"));
    }

    private static int digits(Cli.Values v, Path dir, PrintStream out) throws IOException {
        DigitsMlp.Config c = digitsConfig(v);
        Path resume = v.string("resume").isEmpty() ? null : Path.of(v.string("resume"));
        Path save = v.string("save").isEmpty() ? null : Path.of(v.string("save"));
        DigitsMlp.Result r;
        try (RunReport report = RunReport.open(dir, "digits MLP", System.console() != null)) {
            r = DigitsMlp.train(c, false, report, resume, save);
            out.printf(Locale.ROOT, "digits MLP (64-%d-10, %s, %d epochs): train loss %.4f, train accuracy %.2f%%, test accuracy %.2f%%%n",
                    c.hidden(), c.optimizer(), r.epochs(), r.finalTrainLoss(), 100 * r.trainAccuracy(), 100 * r.testAccuracy());
            if (save != null) out.println("checkpoint: " + save);
            out.println("chart: " + report.chartPath());
        }
        return 0;
    }

    // ---------------------------------------------------------------- rl

    private static Cli rlFlags(Cli cli) {
        String[] shapes = Arrays.stream(PSchedule.Shape.values()).map(s -> s.name().toLowerCase(Locale.ROOT)).toArray(String[]::new);
        return cli.choice("task", "reverse", "the verifiable task", "reverse", "sort", "arithmetic", "targetsum")
                .integer("digits", 1, 1, "difficulty: digits of the task (operand digits for arithmetic)")
                .string("objective", "grpo,garl,holder", "comma-separated objectives to compare, from "
                        + String.join("|", RlColdStart.OBJECTIVES))
                .real("q", 0.75, "Tsallis index of garl and paft")
                .choice("p-shape", "linear_dec", "HölderPO p schedule shape", shapes)
                .real("p-min", -2, "HölderPO p schedule minimum")
                .real("p-max", 2, "HölderPO p schedule maximum")
                .integer("steps", 48, 1, "policy-optimisation steps (in total: with --resume, the step to reach)")
                .real("lr", 5e-3, "Adam learning rate")
                .integer("group", 8, 2, "samples per prompt (G)")
                .integer("prompts", 8, 1, "prompts per step (K)")
                .integer("epochs", 2, 1, "PPO epochs per batch")
                .real("temperature", 1.0, "sampling temperature")
                .integer("top-k", 0, 0, "sample from the k likeliest tokens (0: all)")
                .real("top-p", 1.0, "nucleus sampling mass")
                .string("save", "", "write a checkpoint (model, optimizer, RNGs, sampler, step) here at the end; one objective only")
                .string("resume", "", "continue from this checkpoint up to --steps in total; one objective only");
    }

    private static Task task(String name, int n, long seed) {
        return switch (name) {
            case "reverse" -> ToyTasks.reverseDigits(n, (int) Math.min(16, Math.pow(10, n)), seed);
            case "sort" -> ToyTasks.sortDigits(n, (int) Math.min(16, Math.pow(10, n)), seed);
            case "arithmetic" -> ToyTasks.arithmetic(n, new int[] {TokenVocabulary.PLUS}, 16, seed);
            default -> ToyTasks.targetSum(n, 0, 9 * n, Math.min(16, 9 * n + 1), seed);
        };
    }

    /** The comparison's result: each method's name and per-step statistics. */
    private record RlRuns(List<String> names, List<List<StepStats>> runs) {}

    private static RlRuns rlRuns(Cli.Values v, RunListener listener, PrintStream out) throws IOException {
        long seed = v.longValue("seed");
        RlColdStart.Settings s = new RlColdStart.Settings(v.integer("digits"), v.integer("steps"), v.real("lr"), seed,
                v.integer("group"), v.integer("prompts"), v.integer("epochs"));
        Task task = task(v.string("task"), s.digits(), seed);
        PSchedule p = PSchedule.of(PSchedule.Shape.valueOf(v.string("p-shape").toUpperCase(Locale.ROOT)), v.real("p-min"),
                v.real("p-max"), s.steps());
        TokenPolicy.SamplingConfig sampling = new TokenPolicy.SamplingConfig(v.real("temperature"), v.integer("top-k"), v.real("top-p"));
        List<RlColdStart.Method> methods = new ArrayList<>();
        for (String o : v.string("objective").split(",")) {
            methods.add(RlColdStart.method(o.strip().toLowerCase(Locale.ROOT), v.real("q"), p, task.maxCompletionLength(), seed));
        }
        Path resume = v.string("resume").isEmpty() ? null : Path.of(v.string("resume"));
        Path save = v.string("save").isEmpty() ? null : Path.of(v.string("save"));
        if ((resume != null || save != null) && methods.size() != 1) {
            throw new IllegalArgumentException("--save and --resume need exactly one --objective, got " + methods.size());
        }
        out.printf(Locale.ROOT, "%s, %d digits: G = %d samples of K = %d prompts per step, %d steps, Adam lr %g, seed %d%n",
                v.string("task"), s.digits(), s.groupSize(), s.promptsPerStep(), s.steps(), s.lr(), seed);
        RlRuns r = new RlRuns(new ArrayList<>(), new ArrayList<>());
        for (RlColdStart.Method m : methods) {
            r.names().add(m.name());
            r.runs().add(RlColdStart.train(m, task, s, sampling, listener, resume, save));
        }
        if (save != null) out.println("checkpoint: " + save);
        return r;
    }

    private static int rl(Cli.Values v, Path dir, PrintStream out) throws IOException {
        try (RunReport report = RunReport.open(dir, "policy optimisation", System.console() != null)) {
            RlRuns r = rlRuns(v, report, out);
            out.println("Success rate (exact answers / samples), mean over each window of steps:");
            out.print(RlColdStart.table(r.names(), r.runs(), Math.max(1, v.integer("steps") / 12)));
            out.println("chart: " + report.chartPath());
        }
        return 0;
    }

    // ---------------------------------------------------------------- demo

    private static int demo(Cli.Values v, Path dir, PrintStream out) throws IOException {
        long t0 = System.nanoTime();
        Cli.Values digitFlags = digitsFlags(common("digits", "")).parse(new String[] {
                "--epochs", Integer.toString(v.integer("digit-epochs")), "--seed", Long.toString(v.longValue("seed"))});
        Cli.Values rlFlags = rlFlags(common("rl", "")).parse(new String[] {
                "--steps", Integer.toString(v.integer("rl-steps")), "--seed", Long.toString(v.longValue("seed"))});
        try (RunReport report = RunReport.open(dir, "tapegrad demo", System.console() != null)) {
            out.println("1/2  digits: a 64-32-10 MLP on the UCI handwritten digits (SGD, momentum 0.9)");
            DigitsMlp.Result d = DigitsMlp.train(digitsConfig(digitFlags), false, report, null, null);
            out.println("2/2  policy optimisation from a cold start: reverse a digit, reward 1 only for the exact answer");
            RlRuns r = rlRuns(rlFlags, report, out);
            int steps = v.integer("rl-steps"), window = Math.max(1, steps / 4);
            out.println();
            out.println("Summary");
            out.printf(Locale.ROOT, "  %-22s %s%n", "digits MLP", String.format(Locale.ROOT,
                    "test accuracy %.1f%%  (train loss %.3f → %.3f, %d epochs)", 100 * d.testAccuracy(), d.initialTrainLoss(),
                    d.finalTrainLoss(), d.epochs()));
            for (int i = 0; i < r.names().size(); i++) {
                List<StepStats> run = r.runs().get(i);
                double first = run.subList(0, window).stream().mapToDouble(StepStats::successRate).average().orElse(0);
                double last = run.subList(steps - window, steps).stream().mapToDouble(StepStats::successRate).average().orElse(0);
                out.printf(Locale.ROOT, "  %-22s success %.3f → %.3f  (first vs last %d steps)%n", r.names().get(i), first, last, window);
            }
            out.printf(Locale.ROOT, "  wall time %.1f s%n", (System.nanoTime() - t0) * 1e-9);
            out.println("chart: " + report.chartPath());
        }
        return 0;
    }

    // ---------------------------------------------------------------- coldstart, example, gradcheck, bench

    /** The learner examples' main methods by short name (each class also runs from an IDE). */
    private static final Map<String, java.util.function.Consumer<String[]>> EXAMPLES = new LinkedHashMap<>();

    static {
        EXAMPLES.put("tensors", TensorsAndBroadcasting::main);
        EXAMPLES.put("backward", BackwardAndTape::main);
        EXAMPLES.put("hvp", HessianVectorProduct::main);
        EXAMPLES.put("customop", CustomOpExample::main);
        EXAMPLES.put("charlm", CharTransformer::main);
        EXAMPLES.put("holder", HolderPoSchedule::main);
        EXAMPLES.put("tour", args -> {
            try {
                Tour.main(args);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private static int example(Cli.Values v, Path dir, PrintStream out) {
        EXAMPLES.get(v.string("name")).accept(new String[0]);
        return 0;
    }

    private static int coldstart(Cli.Values v, Path dir, PrintStream out) {
        dev.tapegrad.rl.ColdStart exact = new dev.tapegrad.rl.ColdStart(16, 0.5, 200_000);
        out.println("Escape steps (P >= 0.5), exact gradient of ln_q P, K = 16, lr = 0.5:");
        out.println(ColdStartTable.table(exact, ColdStartTable.P0, ColdStartTable.Q));
        return 0;
    }

    private static int gradcheck(Cli.Values v, Path dir, PrintStream out) {
        if (v.flag("list")) {
            out.println(String.join(" ", OpTable.names()));
            return 0;
        }
        OpInfo op = OpTable.get(v.string("op"));
        Generator rng = new Generator(v.longValue("seed"));
        int failures = 0;
        for (int i = 0; i < v.integer("cases"); i++) {
            List<Tensor> inputs = op.inputs().sample(rng);
            String shapes = inputs.stream().map(t -> Arrays.toString(t.shape())).toList().toString();
            try {
                GradCheck.Report first = GradCheck.check(op.function(), inputs, op.options());
                out.printf(Locale.ROOT, "%-14s inputs %-28s 1st order: %d checks, max abs err %.2e, max rel err %.2e%n",
                        op.name(), shapes, first.checks(), first.maxAbsError(), first.maxRelError());
                if (op.secondOrder()) {
                    GradCheck.Report second = GradCheck.checkSecondOrder(op.function(), inputs, op.options());
                    out.printf(Locale.ROOT, "%-14s %-35s 2nd order: %d checks, max abs err %.2e, max rel err %.2e%n",
                            "", "", second.checks(), second.maxAbsError(), second.maxRelError());
                }
            } catch (AssertionError | RuntimeException e) {
                failures++;
                out.printf(Locale.ROOT, "%-14s inputs %-28s FAILED: %s%n", op.name(), shapes, e.getMessage());
            }
        }
        out.println(failures == 0 ? "gradcheck " + op.name() + ": all " + v.integer("cases") + " cases pass"
                : "gradcheck " + op.name() + ": " + failures + " of " + v.integer("cases") + " cases FAILED");
        return failures == 0 ? 0 : 1;
    }

    private static int bench(Cli.Values v, Path dir, PrintStream out) throws IOException {
        int threads = v.integer("threads"); // the suite compares 1 thread with the chosen count, as the table does
        List<String> cmd = new ArrayList<>(List.of("python3", "bench/compare.py", "--threads", threads > 1 ? "1," + threads : "1"));
        if (v.flag("quick")) cmd.add("--quick");
        out.println("benchmark command (run from the repository root; see bench/README.md):");
        out.println("  " + String.join(" ", cmd));
        if (!v.flag("run")) return 0;
        try {
            return new ProcessBuilder(cmd).inheritIO().start().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}
