package dev.tapegrad.cli;

import dev.tapegrad.Generator;
import dev.tapegrad.Parallelism;
import dev.tapegrad.Tensor;
import dev.tapegrad.check.GradCheck;
import dev.tapegrad.check.OpInfo;
import dev.tapegrad.check.OpTable;
import dev.tapegrad.examples.BackwardAndTape;
import dev.tapegrad.examples.CharTransformer;
import dev.tapegrad.examples.ColdStartTable;
import dev.tapegrad.examples.CustomOpExample;
import dev.tapegrad.examples.DigitsCurvature;
import dev.tapegrad.examples.DigitsMlp;
import dev.tapegrad.examples.HessianVectorProduct;
import dev.tapegrad.examples.HolderPoSchedule;
import dev.tapegrad.examples.RlColdStart;
import dev.tapegrad.examples.SafeStepSpike;
import dev.tapegrad.examples.TensorsAndBroadcasting;
import dev.tapegrad.examples.Tour;
import dev.tapegrad.io.AtomicFile;
import dev.tapegrad.rl.PSchedule;
import dev.tapegrad.rl.StepStats;
import dev.tapegrad.rl.Task;
import dev.tapegrad.rl.TokenPolicy;
import dev.tapegrad.rl.TokenVocabulary;
import dev.tapegrad.rl.ToyTasks;
import dev.tapegrad.rl.Trainer;
import dev.tapegrad.train.Checkpoint;
import dev.tapegrad.train.CheckpointException;
import dev.tapegrad.train.RunReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * The launcher's entry point ({@code ./tapegrad <command> [flags]}): {@code demo} (the default) trains the digits
 * classifier and then compares GRPO, GARL and HölderPO from a cold start; {@code digits}, {@code rl},
 * {@code coldstart}, {@code gradcheck}, {@code example} and {@code bench} run one piece. Every command has
 * {@code --help}.
 *
 * <p>The launcher never destroys results. A command first checks everything it was given (every flag, the
 * {@code --resume} checkpoint, loaded in full and restored into the freshly built model, and that the
 * {@code --save} target can be written) and only then creates its output folder. The training commands
 * ({@code demo}, {@code digits}, {@code rl}) write {@code metrics.jsonl} and {@code chart.html} into
 * {@code --out}, which must be a new or empty folder: an existing run is never truncated. The other commands
 * print their results and have no {@code --out}.
 *
 * <p>Exit status: {@value #OK} done; {@value #FAILED} the run failed; {@value #BAD_INPUT} a bad command line — an
 * unknown flag or a bad value (the usage follows), an unusable checkpoint ({@code checkpoint PATH is not usable:
 * REASON}), an unwritable {@code --save} target or a non-empty {@code --out} folder.
 */
public final class Main {
    private Main() {}

    /** Exit status: the command did what it was asked. */
    public static final int OK = 0;
    /** Exit status: the command failed while running (an I/O error, a failing gradient check, ...). */
    public static final int FAILED = 1;
    /** Exit status: a bad command line: a flag, a file a flag names (checkpoint, --save target) or the --out folder. */
    public static final int BAD_INPUT = 2;

    /**
     * One subcommand: its flags, how it checks them and prepares its work, and the title of the run report it
     * writes (null for commands that only print).
     */
    private record Command(String name, String summary, Cli cli, Action action, String reportTitle) {}

    /** Checks the flags and prepares the work, touching no output; throws for anything that is not usable. */
    @FunctionalInterface
    private interface Action {
        Job prepare(Cli.Values v, PrintStream stdout) throws IOException, BadInput;
    }

    /** The prepared work: runs it, reporting to {@code report} (null for commands without output), and returns an exit status. */
    @FunctionalInterface
    private interface Job {
        int run(RunReport report, PrintStream stdout) throws IOException;
    }

    /** Something a flag names that cannot be used (a checkpoint, a --save target, the --out folder): one line, exit 2. */
    private static final class BadInput extends Exception {
        private static final long serialVersionUID = 1L;

        BadInput(String message) {
            super(message);
        }
    }

    /** Runs the launcher and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs {@code args} (the command first; none means {@code demo}) writing to {@code out} and {@code err};
     * returns the exit status ({@link #OK}, {@link #FAILED} or {@link #BAD_INPUT}).
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, Command> commands = commands();
        String name = args.length == 0 || args[0].startsWith("-") ? "demo" : args[0];
        String[] rest = args.length == 0 || args[0].startsWith("-") ? args : Arrays.copyOfRange(args, 1, args.length);
        if (name.equals("help") || args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.print(overview(commands));
            return OK;
        }
        Command c = commands.get(name);
        if (c == null) {
            err.println("tapegrad: unknown command '" + name + "'");
            err.print(overview(commands));
            return BAD_INPUT;
        }
        Cli.Values v;
        try {
            v = c.cli().parse(rest);
        } catch (Cli.UsageException e) {
            err.println("tapegrad " + name + ": " + e.getMessage());
            err.print(c.cli().usage());
            return BAD_INPUT;
        }
        if (v.help()) {
            out.print(c.cli().usage());
            return OK;
        }
        Job job;
        Path dir = null;
        try {
            Parallelism.setThreads(v.integer("threads"));
            job = c.action().prepare(v, out);
            if (c.reportTitle() != null) dir = outputFolder(name, v.string("out"));
        } catch (IllegalArgumentException e) { // a value the flags accept but the program does not
            err.println("tapegrad " + name + ": " + e.getMessage());
            err.print(c.cli().usage());
            return BAD_INPUT;
        } catch (CheckpointException | BadInput e) {
            err.println("tapegrad " + name + ": " + e.getMessage());
            return BAD_INPUT;
        } catch (IOException | RuntimeException e) {
            err.println("tapegrad " + name + ": failed: " + e);
            return FAILED;
        }
        try {
            if (dir == null) return job.run(null, out);
            try (RunReport report = RunReport.open(dir, c.reportTitle())) {
                return job.run(report, out);
            }
        } catch (IOException | RuntimeException e) {
            err.println("tapegrad " + name + ": failed: " + e);
            return FAILED;
        }
    }

    private static String overview(Map<String, Command> commands) {
        StringBuilder s = new StringBuilder("usage: tapegrad [command] [flags]   (no command = demo)\ncommands:\n");
        commands.values().forEach(c -> s.append(String.format(Locale.ROOT, "  %-10s %s%n", c.name(), c.summary())));
        s.append("Run 'tapegrad <command> --help' for a command's flags and their defaults.\n");
        s.append("Exit status: 0 done, 1 the run failed, 2 a bad command line (a flag, an unusable --resume checkpoint,\n"
                + "an unwritable --save target, a non-empty --out folder).\n");
        return s.toString();
    }

    /** The flag every command has: threads. */
    private static Cli plain(String name, String summary) {
        return new Cli(name, summary).integer("threads", Parallelism.threads(), 1, "worker threads for the kernels");
    }

    /** The flags of the commands that draw random numbers: threads and seed. */
    private static Cli common(String name, String summary) {
        return plain(name, summary).longFlag("seed", 1, "random seed: the same seed gives the same run, bit for bit");
    }

    /** The flags of a training command: the common ones and the output folder. */
    private static Cli training(String name, String summary) {
        return common(name, summary).string("out", "",
                "a new or empty folder for metrics.jsonl and chart.html (none: runs/" + name + "-<timestamp>)");
    }

    private static Map<String, Command> commands() {
        Map<String, Command> m = new LinkedHashMap<>();
        String demo = "digits classifier, then GRPO vs GARL vs HölderPO from a cold start (< 3 min)";
        m.put("demo", new Command("demo", demo, training("demo", demo)
                .integer("digit-epochs", 15, 1, "epochs of the digits classifier")
                .integer("rl-steps", 48, 1, "steps of each policy-optimisation run"), Main::demo, "tapegrad demo"));
        String digits = "a 64-32-10 MLP on the UCI digits";
        m.put("digits", new Command("digits", digits, digitsFlags(training("digits", digits)), Main::digits, "digits MLP"));
        String rl = "policy optimisation of a small GPT on a verifiable toy task";
        m.put("rl", new Command("rl", rl, rlFlags(training("rl", rl)), Main::rl, "policy optimisation"));
        // The commands below print a table or a report and write no files, so they have no --out.
        m.put("coldstart", new Command("coldstart", "the Tsallis escape-step table (steps until P ≥ 1/2 by p0 and q)",
                plain("coldstart", "the Tsallis escape-step table (steps until P ≥ 1/2 by p0 and q), computed exactly"),
                Main::coldstart, null));
        add(m, "gradcheck", "checks an op's gradients against central differences and prints the report",
                cli -> cli.string("op", "matmul", "the op (see --list)").integer("cases", 5, 1, "random input draws")
                        .flag("list", "list the op names and exit"),
                Main::gradcheckJob);
        add(m, "example", "runs one of the learner examples (tensors, backward, hvp, customop, charlm, holder, tour, curvature, safestep);"
                        + " --seed reseeds hvp, customop, charlm, curvature and safestep",
                cli -> cli.choice("name", "tensors", "which example", EXAMPLES.keySet().toArray(String[]::new)),
                Main::example);
        String bench = "the benchmark suite (JMH vs PyTorch/NumPy): prints the command, --run runs it";
        m.put("bench", new Command("bench", bench, plain("bench", bench).flag("quick", "a few shapes, short iterations")
                .flag("run", "run it (minutes) instead of printing it; it writes its own results (bench/README.md)"), Main::benchJob, null));
        return m;
    }

    private static void add(Map<String, Command> m, String name, String summary,
                            java.util.function.UnaryOperator<Cli> flags, Action action) {
        m.put(name, new Command(name, summary, flags.apply(common(name, summary)), action, null));
    }

    /**
     * The run folder: {@code --out} when given, which must not be a file nor a folder holding anything (results of
     * a run are never overwritten); otherwise a new {@code runs/<command>-<timestamp>} (with a suffix if taken).
     */
    private static Path outputFolder(String command, String outText) throws IOException, BadInput {
        if (outText.isEmpty()) {
            String base = "runs/" + command + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
            Path p = Path.of(base);
            for (int i = 2; Files.exists(p); i++) p = Path.of(base + "-" + i);
            return p;
        }
        Path p = Path.of(outText);
        if (Files.exists(p) && !Files.isDirectory(p)) throw new BadInput("--out " + p + " is a file, not a folder");
        if (Files.isDirectory(p)) {
            try (Stream<Path> files = Files.list(p)) {
                if (files.findAny().isPresent()) {
                    throw new BadInput("--out " + p + " is not empty: a run folder is never overwritten; choose a new or empty folder");
                }
            }
        }
        return p;
    }

    /** The path a text flag names, or null when it is empty. */
    private static Path path(Cli.Values v, String flag) {
        return v.string(flag).isEmpty() ? null : Path.of(v.string(flag));
    }

    /** Checks, before any work, that a checkpoint can be written to {@code save} (its folder exists and is writable). */
    private static void checkSave(Path save) throws BadInput {
        try {
            AtomicFile.checkWritable(save);
        } catch (IOException e) {
            throw new BadInput("--save " + save + " cannot be written (" + e.getMessage() + ")");
        }
    }

    private static Cli digitsFlags(Cli cli) {
        DigitsMlp.Config d = DigitsMlp.Config.defaults();
        return cli.integer("epochs", d.epochs(), 1, "passes over the training set")
                .integer("hidden", d.hidden(), 1, "hidden units")
                .integer("batch", d.batchSize(), 1, "batch size")
                .string("optimizer", d.optimizer(), "optimizer name (sgd, adam, adamw, lion, ...)")
                .real("lr", d.hyper().get("lr"), "learning rate")
                .string("save", "", "write a checkpoint (model, optimizer, RNG, step) here at the end (checked before training)")
                .string("resume", "", "continue from this checkpoint");
    }

    private static DigitsMlp.Config digitsConfig(Cli.Values v) {
        DigitsMlp.Config d = DigitsMlp.Config.defaults();
        Map<String, Double> hyper = new LinkedHashMap<>(v.string("optimizer").equalsIgnoreCase(d.optimizer()) ? d.hyper() : Map.of());
        hyper.put("lr", v.real("lr"));
        return new DigitsMlp.Config(v.integer("hidden"), v.integer("epochs"), v.integer("batch"), v.string("optimizer"), hyper,
                v.longValue("seed"));
    }

    /** The kind of the digits classifier's checkpoints. */
    static final String DIGITS_KIND = "digits";

    private static Job digits(Cli.Values v, PrintStream stdout) throws IOException, BadInput {
        DigitsMlp.Config c = digitsConfig(v);
        DigitsMlp.Run run = new DigitsMlp.Run(c);
        Path save = path(v, "save"), resume = path(v, "resume");
        if (save != null) checkSave(save);
        if (resume != null) resumeDigits(resume, run);
        return (report, out) -> {
            DigitsMlp.Result r = run.train(false, report::step);
            out.printf(Locale.ROOT, "digits MLP (64-%d-10, %s, %d epochs): train loss %.4f, train accuracy %.2f%%, test accuracy %.2f%%%n",
                    c.hidden(), c.optimizer(), r.epochs(), r.finalTrainLoss(), 100 * r.trainAccuracy(), 100 * r.testAccuracy());
            if (save != null) {
                digitsCheckpoint(run).save(save);
                out.println("checkpoint: " + save);
            }
            out.println("chart: " + report.chartPath());
            return OK;
        };
    }

    /** The checkpoint of a digits run: model, optimizer, the shuffling generator, step and epoch. */
    static Checkpoint digitsCheckpoint(DigitsMlp.Run run) {
        return Checkpoint.builder(run.model(), run.optimizer(), 1L * run.epochsDone() * run.stepsPerEpoch())
                .kind(DIGITS_KIND).generator("shuffle", run.gen()).field("epoch", run.epochsDone()).build();
    }

    /** Loads {@code file} (all of it, checked) into a digits run that has not trained yet, or throws changing nothing. */
    static void resumeDigits(Path file, DigitsMlp.Run run) throws CheckpointException {
        Checkpoint ck = Checkpoint.load(file, Checkpoint.entryLimitFor(run.model()));
        ck.requireKind(DIGITS_KIND);
        int epochs = run.config().epochs();
        long epoch = ck.longField("epoch", 0, Integer.MAX_VALUE);
        if (epoch >= epochs) {
            throw new CheckpointException(file.toString(), "it is at epoch " + epoch + ", and --epochs " + epochs
                    + " (the total) leaves nothing to do");
        }
        if (ck.step() != epoch * run.stepsPerEpoch()) {
            throw new CheckpointException(file.toString(), "step " + ck.step() + " is not epoch " + epoch + " × "
                    + run.stepsPerEpoch() + " steps per epoch (another --batch?)");
        }
        ck.restoreInto(run.model(), run.optimizer(), Map.of("shuffle", run.gen()));
        run.continueAfter((int) epoch);
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
                .string("save", "", "write a checkpoint (model, optimizer, RNGs, sampler, step) here at the end (checked before training); one objective only")
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

    /** The kind of the RL runs' checkpoints. */
    static final String RL_KIND = "rl";

    /** The prepared comparison: one run per objective, maybe resumed. */
    private record RlPlan(List<RlColdStart.Run> runs, RlColdStart.Settings settings, String task, Path save) {}

    private static RlPlan rlPlan(Cli.Values v) throws IOException, BadInput {
        long seed = v.longValue("seed");
        RlColdStart.Settings s = new RlColdStart.Settings(v.integer("digits"), v.integer("steps"), v.real("lr"), seed,
                v.integer("group"), v.integer("prompts"), v.integer("epochs"));
        Task task = task(v.string("task"), s.digits(), seed);
        PSchedule p = PSchedule.of(PSchedule.Shape.valueOf(v.string("p-shape").toUpperCase(Locale.ROOT)), v.real("p-min"),
                v.real("p-max"), s.steps());
        TokenPolicy.SamplingConfig sampling = new TokenPolicy.SamplingConfig(v.real("temperature"), v.integer("top-k"), v.real("top-p"));
        List<RlColdStart.Run> runs = new ArrayList<>();
        for (String o : v.string("objective").split(",")) {
            RlColdStart.Method m = RlColdStart.method(o.strip().toLowerCase(Locale.ROOT), v.real("q"), p, task.maxCompletionLength(), seed);
            runs.add(new RlColdStart.Run(m, task, s, sampling));
        }
        Path resume = path(v, "resume"), save = path(v, "save");
        if ((resume != null || save != null) && runs.size() != 1) {
            throw new IllegalArgumentException("--save and --resume need exactly one --objective, got " + runs.size());
        }
        if (save != null) checkSave(save);
        if (resume != null) resumeRl(resume, runs.get(0), s.steps());
        return new RlPlan(runs, s, v.string("task"), save);
    }

    /** The checkpoint of an RL run: decoder, Adam, the estimator's generator, and the trainer's step, generators and sampler. */
    static Checkpoint rlCheckpoint(RlColdStart.Run run) {
        Trainer.State t = run.trainer().stateDict();
        Checkpoint.Builder b = Checkpoint.builder(run.decoder(), run.optimizer(), t.step()).kind(RL_KIND)
                .field("method", run.method().name()).field("prompt-rng", t.promptRng()).field("token-rng", t.tokenRng())
                .field("sampler", t.sampler());
        if (run.method().gen() != null) b.generator("estimator", run.method().gen());
        return b.build();
    }

    /** Loads {@code file} (all of it, checked) into an RL run that has not trained yet, or throws. */
    static void resumeRl(Path file, RlColdStart.Run run, int steps) throws CheckpointException {
        Checkpoint ck = Checkpoint.load(file, Checkpoint.entryLimitFor(run.decoder()));
        ck.requireKind(RL_KIND);
        String method = ck.field("method");
        if (!method.equals(run.method().name())) {
            throw new CheckpointException(file.toString(), "it was written by objective " + method + ", not " + run.method().name());
        }
        if (ck.step() >= steps) {
            throw new CheckpointException(file.toString(), "it is at step " + ck.step() + ", and --steps " + steps
                    + " (the total) leaves nothing to do");
        }
        Trainer.State state = new Trainer.State((int) ck.step(), ck.longsField("prompt-rng"), ck.longsField("token-rng"),
                ck.doublesField("sampler"));
        Map<String, Generator> gens = run.method().gen() == null ? Map.of() : Map.of("estimator", run.method().gen());
        // all or nothing: the trainer's state first (it changes nothing when it fails), then the rest, undoing the
        // trainer's when that fails
        Trainer.State before = run.trainer().stateDict();
        try {
            run.trainer().loadStateDict(state);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file.toString(), "bad trainer state: " + e.getMessage(), e);
        }
        try {
            ck.restoreInto(run.decoder(), run.optimizer(), gens);
        } catch (CheckpointException e) {
            run.trainer().loadStateDict(before);
            throw e;
        }
    }

    /** Trains every run of the plan, reporting to {@code report}; returns each method's name and step statistics. */
    private static RlRuns train(RlPlan plan, RunReport report, PrintStream out) throws IOException {
        RlColdStart.Settings s = plan.settings();
        out.printf(Locale.ROOT, "%s, %d digits: G = %d samples of K = %d prompts per step, %d steps, Adam lr %g, seed %d%n",
                plan.task(), s.digits(), s.groupSize(), s.promptsPerStep(), s.steps(), s.lr(), s.seed());
        RlRuns r = new RlRuns(new ArrayList<>(), new ArrayList<>());
        for (RlColdStart.Run run : plan.runs()) {
            r.names().add(run.method().name());
            r.runs().add(run.train(report::step));
        }
        if (plan.save() != null) {
            rlCheckpoint(plan.runs().get(0)).save(plan.save());
            out.println("checkpoint: " + plan.save());
        }
        return r;
    }

    /** The comparison's result: each method's name and per-step statistics. */
    private record RlRuns(List<String> names, List<List<StepStats>> runs) {}

    private static Job rl(Cli.Values v, PrintStream stdout) throws IOException, BadInput {
        RlPlan plan = rlPlan(v);
        return (report, out) -> {
            RlRuns r = train(plan, report, out);
            out.println("Success rate (exact answers / samples), mean over each window of steps:");
            out.print(RlColdStart.table(r.names(), r.runs(), Math.max(1, v.integer("steps") / 12)));
            out.println("chart: " + report.chartPath());
            return OK;
        };
    }

    // ---------------------------------------------------------------- demo

    private static Job demo(Cli.Values v, PrintStream stdout) throws IOException, BadInput {
        Cli.Values digitFlags = digitsFlags(training("digits", "")).parse(new String[] {
                "--epochs", Integer.toString(v.integer("digit-epochs")), "--seed", Long.toString(v.longValue("seed"))});
        Cli.Values rlFlags = rlFlags(training("rl", "")).parse(new String[] {
                "--steps", Integer.toString(v.integer("rl-steps")), "--seed", Long.toString(v.longValue("seed"))});
        DigitsMlp.Run digits = new DigitsMlp.Run(digitsConfig(digitFlags));
        RlPlan plan = rlPlan(rlFlags);
        return (report, out) -> {
            long t0 = System.nanoTime();
            out.println("1/2  digits: a 64-32-10 MLP on the UCI handwritten digits (SGD, momentum 0.9)");
            DigitsMlp.Result d = digits.train(false, report::step);
            out.println("2/2  policy optimisation from a cold start: reverse a digit, reward 1 only for the exact answer");
            RlRuns r = train(plan, report, out);
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
            return OK;
        };
    }

    // ---------------------------------------------------------------- coldstart, example, gradcheck, bench

    /**
     * A learner example: its own main (run when --seed is not given, so the launcher prints what the IDE prints),
     * and, for the examples that draw random numbers, a run from a given seed (null for those that draw none, or
     * whose seeds are written into the code, as the tour's are, to match the README).
     */
    private record Example(Runnable main, LongConsumer seeded) {}

    /** The learner examples by short name (each class also runs from an IDE). */
    private static final Map<String, Example> EXAMPLES = new LinkedHashMap<>();

    static {
        EXAMPLES.put("tensors", new Example(() -> TensorsAndBroadcasting.main(new String[0]), null));
        EXAMPLES.put("backward", new Example(() -> BackwardAndTape.main(new String[0]), null));
        EXAMPLES.put("hvp", new Example(() -> HessianVectorProduct.main(new String[0]), seed -> HessianVectorProduct.run(5, seed, true)));
        EXAMPLES.put("customop", new Example(() -> CustomOpExample.main(new String[0]), seed -> CustomOpExample.run(50, seed, true)));
        EXAMPLES.put("charlm", new Example(() -> CharTransformer.main(new String[0]), seed -> {
            CharTransformer.Config d = CharTransformer.Config.defaults();
            CharTransformer.run(new CharTransformer.Config(d.steps(), d.batch(), d.context(), d.embed(), d.layers(), d.lr(), seed), true);
        }));
        EXAMPLES.put("holder", new Example(() -> HolderPoSchedule.main(new String[0]), null));
        // curvature writes its charts into a new runs/curvature-<time> folder and prints where
        EXAMPLES.put("curvature", new Example(() -> curvature(DigitsCurvature.Config.defaults()),
                seed -> curvature(DigitsCurvature.Config.defaults().withSeed(seed))));
        EXAMPLES.put("safestep", new Example(() -> SafeStepSpike.main(new String[0]), SafeStepSpike::runSeeded));
        EXAMPLES.put("tour", new Example(() -> {
            try {
                Tour.main(new String[0]);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, null));
    }

    private static void curvature(DigitsCurvature.Config c) {
        try {
            DigitsCurvature.runAndWrite(c, null, true);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Job example(Cli.Values v, PrintStream stdout) {
        String name = v.string("name");
        Example e = EXAMPLES.get(name);
        if (v.given("seed") && e.seeded() == null) {
            throw new IllegalArgumentException("--seed does not apply to example '" + name + "': it draws no random numbers"
                    + (name.equals("tour") ? " but those seeded in its code, as in the README" : ""));
        }
        long seed = v.longValue("seed");
        return (report, out) -> {
            if (v.given("seed")) e.seeded().accept(seed);
            else e.main().run();
            return OK;
        };
    }

    private static Job coldstart(Cli.Values v, PrintStream stdout) {
        return (report, out) -> {
            dev.tapegrad.rl.ColdStart exact = new dev.tapegrad.rl.ColdStart(16, 0.5, 200_000);
            out.println("Escape steps (P >= 0.5), exact gradient of ln_q P, K = 16, lr = 0.5:");
            out.println(ColdStartTable.table(exact));
            return OK;
        };
    }

    private static Job gradcheckJob(Cli.Values v, PrintStream stdout) {
        return (report, out) -> gradcheck(v, out);
    }

    private static int gradcheck(Cli.Values v, PrintStream out) {
        if (v.flag("list")) {
            out.println(String.join(" ", OpTable.names()));
            return 0;
        }
        OpInfo op = OpTable.get(v.string("op"));
        Generator gen = new Generator(v.longValue("seed"));
        int failures = 0;
        for (int i = 0; i < v.integer("cases"); i++) {
            List<Tensor> inputs = op.inputs().sample(gen);
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

    private static Job benchJob(Cli.Values v, PrintStream stdout) {
        return (report, out) -> bench(v, out);
    }

    private static int bench(Cli.Values v, PrintStream out) throws IOException {
        int threads = v.integer("threads"); // the suite compares 1 thread with the chosen count, as the benchmark table does
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
