package dev.tapegrad.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.examples.DigitsMlp;
import dev.tapegrad.examples.RlColdStart;
import dev.tapegrad.examples.RunListener;
import dev.tapegrad.rl.StepStats;
import dev.tapegrad.rl.Task;
import dev.tapegrad.rl.TokenPolicy;
import dev.tapegrad.rl.ToyTasks;
import dev.tapegrad.train.CheckpointException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's flag handling, exit statuses, short runs of the training commands, and checkpoints. */
class MainTest {
    @TempDir
    Path tmp;

    /** What one launcher run printed and returned. */
    private record Outcome(int status, String out, String err) {}

    private static Outcome run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void flagsHaveDefaultsAndAcceptBothSpellings() {
        Cli cli = new Cli("t", "test").integer("n", 3, 1, "n").real("x", 0.5, "x").choice("c", "a", "c", "a", "b")
                .flag("s", "s").string("name", "", "name");
        Cli.Values d = cli.parse(new String[0]);
        assertEquals(3, d.integer("n"));
        assertEquals(0.5, d.real("x"));
        assertEquals("a", d.string("c"));
        assertEquals(false, d.flag("s"));
        assertEquals("", d.string("name"));
        Cli.Values v = cli.parse(new String[] {"--n=7", "--x", "-2.5", "--c", "B", "--s"});
        assertEquals(7, v.integer("n"));
        assertEquals(-2.5, v.real("x"));
        assertEquals("b", v.string("c"));
        assertTrue(v.flag("s"));
    }

    @Test
    void helpOfEveryCommandListsEveryFlagWithItsDefault() {
        String[][] expected = {
                {"demo", "--seed", "--out", "--digit-epochs", "--rl-steps"},
                {"digits", "--seed", "--out", "--epochs", "--hidden", "--batch", "--optimizer", "--lr", "--save", "--resume"},
                {"rl", "--seed", "--out", "--task", "--digits", "--objective", "--q", "--p-shape", "--p-min", "--p-max", "--steps",
                        "--lr", "--group", "--prompts", "--epochs", "--temperature", "--top-k", "--top-p", "--save", "--resume"},
                {"coldstart"}, {"gradcheck", "--seed", "--op", "--cases", "--list"}, {"example", "--seed", "--name"},
                {"bench", "--quick", "--run"}};
        for (String[] c : expected) {
            Outcome o = run(c[0], "--help");
            assertEquals(0, o.status(), c[0]);
            List<String> flags = new ArrayList<>(List.of("--threads", "--help"));
            flags.addAll(List.of(c).subList(1, c.length));
            for (String f : flags) assertTrue(o.out().contains(f + " ") || o.out().contains(f + "\n"), c[0] + " lacks " + f + ":\n" + o.out());
            // commands that only print have no --out (they would write nothing into it)
            if (!List.of(c).contains("--out")) assertTrue(!o.out().contains("--out"), c[0] + " offers --out:\n" + o.out());
        }
        assertTrue(run("rl", "--help").out().contains("--steps N                    policy-optimisation steps (in total: with --resume, the step to reach) (default: 48)"));
    }

    @Test
    void mistakesExitWithStatus2AndOneLineAndTheUsage() {
        Outcome unknown = run("digits", "--epoch", "3");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().startsWith("tapegrad digits: unknown flag --epoch\nusage: tapegrad digits"), unknown.err());

        Outcome bad = run("rl", "--steps", "many");
        assertEquals(2, bad.status());
        assertTrue(bad.err().startsWith("tapegrad rl: bad value 'many' for --steps (N)\nusage:"), bad.err());

        Outcome range = run("rl", "--group", "1");
        assertEquals(2, range.status());
        assertTrue(range.err().contains("--group"), range.err());

        Outcome choice = run("rl", "--task", "chess");
        assertEquals(2, choice.status());
        assertTrue(choice.err().contains("must be one of reverse, sort, arithmetic, targetsum"), choice.err());

        Outcome missing = run("digits", "--lr");
        assertEquals(2, missing.status());
        assertTrue(missing.err().startsWith("tapegrad digits: --lr needs a value"), missing.err());

        Outcome objective = run("rl", "--objective", "ppo2", "--out", tmp.resolve("unused").toString());
        assertEquals(2, objective.status());
        assertTrue(objective.err().contains("unknown objective 'ppo2'"), objective.err());

        assertTrue(Files.notExists(tmp.resolve("unused")), "a refused command creates no output folder");
        Outcome out = run("coldstart", "--out", tmp.resolve("c").toString());
        assertEquals(2, out.status());
        assertTrue(out.err().startsWith("tapegrad coldstart: unknown flag --out"), out.err());

        assertEquals(2, run("fly").status());
        assertEquals(0, run("--help").status());
    }

    @Test
    void aShortRlRunPrintsOneColumnPerObjectiveAndIsReproducible() {
        String[] args = {"rl", "--steps", "2", "--group", "4", "--prompts", "2", "--epochs", "1", "--objective",
                "grpo,dapo,drgrpo,gspo,sapo,garl,paft,holder", "--out", tmp.resolve("rl").toString()};
        Outcome o = run(args);
        assertEquals(0, o.status(), o.err());
        for (String name : List.of("GRPO", "DAPO", "Dr.GRPO", "GSPO", "SAPO", "GARL q=0.75", "PAFT q=0.75", "HolderPO")) {
            assertTrue(o.out().contains(name), name + " missing:\n" + o.out());
        }
        args[args.length - 1] = tmp.resolve("rl2").toString(); // a run folder is never reused
        Outcome again = run(args);
        assertEquals(0, again.status(), again.err());
        assertEquals(o.out().replace(tmp.resolve("rl").toString(), "OUT"), again.out().replace(tmp.resolve("rl2").toString(), "OUT"),
                "same seed, same table");
        assertTrue(Files.exists(tmp.resolve("rl2/metrics.jsonl")) && Files.exists(tmp.resolve("rl2/chart.html")));
    }

    @Test
    void aShortDigitsRunReportsItsAccuracy() {
        Outcome o = run("digits", "--epochs", "1", "--out", tmp.resolve("d").toString());
        assertEquals(0, o.status(), o.err());
        assertTrue(o.out().contains("test accuracy"), o.out());
        assertTrue(o.out().contains("chart: " + tmp.resolve("d").resolve("chart.html")), o.out());
    }

    @Test
    void resumingFromACheckpointContinuesExactlyAsAnUninterruptedRun() throws IOException {
        DigitsMlp.Config c = DigitsMlp.Config.defaults().withEpochs(2);
        List<Double> straight = new ArrayList<>();
        new DigitsMlp.Run(c).train(false, (run, step, total, m) -> straight.add(m.get("loss")));

        Path ckpt = tmp.resolve("digits.ckpt");
        List<Double> first = new ArrayList<>(), second = new ArrayList<>();
        DigitsMlp.Run one = new DigitsMlp.Run(c.withEpochs(1));
        one.train(false, (run, step, total, m) -> first.add(m.get("loss")));
        Main.digitsCheckpoint(one).save(ckpt);
        try (var files = Files.list(tmp)) {
            assertEquals(List.of(ckpt), files.toList(), "no temporary files are left behind");
        }
        List<Integer> steps = new ArrayList<>();
        DigitsMlp.Run resumed = new DigitsMlp.Run(c);
        Main.resumeDigits(ckpt, resumed);
        resumed.train(false, (run, step, total, m) -> {
            second.add(m.get("loss"));
            steps.add(step);
        });

        assertEquals(straight.size(), first.size() + second.size());
        assertEquals(first.size(), steps.get(0), "the step count continues");
        List<Double> all = new ArrayList<>(first);
        all.addAll(second);
        // Two identical runs in one JVM already differ in the last float bits (~1e-7; the Vector API's lane
        // reductions are not bit-stable across JIT tiers), so equality is to 1e-5, far below a step's change.
        for (int i = 0; i < straight.size(); i++) {
            assertEquals(straight.get(i), all.get(i), 1e-5, "step " + i);
        }
        // the next step after the checkpoint really is the continuation (not a fresh start)
        assertTrue(second.get(0) < first.get(0), second.get(0) + " vs " + first.get(0));
    }

    @Test
    void aCheckpointOfAnotherModelIsRefusedAndChangesNothing() throws IOException {
        Path ckpt = tmp.resolve("small.ckpt");
        DigitsMlp.Run small = new DigitsMlp.Run(new DigitsMlp.Config(8, 1, 32, "sgd", Map.of("lr", 0.1), 0));
        small.train(false, RunListener.NONE);
        Main.digitsCheckpoint(small).save(ckpt);
        DigitsMlp.Run big = new DigitsMlp.Run(DigitsMlp.Config.defaults().withEpochs(2));
        float[] before = big.model().stateDict().get("0.weight").toFloatArray();
        CheckpointException e = org.junit.jupiter.api.Assertions.assertThrows(CheckpointException.class, () -> Main.resumeDigits(ckpt, big));
        assertTrue(e.getMessage().startsWith("checkpoint " + ckpt + " is not usable: it does not fit the model: 0.weight: float32[8, 64] in the checkpoint, float32[32, 64] in the model"),
                e.getMessage());
        assertTrue(java.util.Arrays.equals(before, big.model().stateDict().get("0.weight").toFloatArray()));
        assertEquals(0, big.epochsDone());
    }

    @Test
    void anRlRunResumedFromACheckpointMatchesAnUninterruptedOne() throws IOException {
        RlColdStart.Settings four = RlColdStart.Settings.parse(new String[] {"--steps", "6", "--prompts", "4", "--group", "8"});
        RlColdStart.Settings two = RlColdStart.Settings.parse(new String[] {"--steps", "3", "--prompts", "4", "--group", "8"});
        Task task = ToyTasks.reverseDigits(1, 10, four.seed()).withPartialCredit(true); // partial credit: rewards vary, losses are not 0
        // grpo: no estimator randomness; paft: its resampling generator must be checkpointed too
        for (String name : List.of("grpo", "paft")) {
            List<StepStats> straight = new RlColdStart.Run(method(name, four), task, four, TokenPolicy.SamplingConfig.plain())
                    .train(RunListener.NONE);
            Path ckpt = tmp.resolve(name + ".ckpt");
            RlColdStart.Run first = new RlColdStart.Run(method(name, two), task, two, TokenPolicy.SamplingConfig.plain());
            List<StepStats> resumed = new ArrayList<>(first.train(RunListener.NONE));
            Main.rlCheckpoint(first).save(ckpt);
            RlColdStart.Run second = new RlColdStart.Run(method(name, four), task, four, TokenPolicy.SamplingConfig.plain());
            Main.resumeRl(ckpt, second, four.steps());
            resumed.addAll(second.train(RunListener.NONE));
            assertEquals(6, resumed.size(), name);
            for (int i = 0; i < straight.size(); i++) {
                StepStats a = straight.get(i), b = resumed.get(i);
                assertEquals(i, b.step(), name + ": the step count continues");
                assertEquals(a.successRate(), b.successRate(), name + " step " + i);
                assertEquals(a.meanReward(), b.meanReward(), name + " step " + i);
                assertEquals(a.tokens(), b.tokens(), name + " step " + i);
                // interpreted vs JIT-compiled kernels differ in the last bit within one JVM; GRPO's loss is a sum
                // that nearly cancels (advantages of mean 0), so the bound is relative to max(1, |loss|)
                assertEquals(a.loss(), b.loss(), 1e-5 * (1 + Math.abs(a.loss())), name + " step " + i);
            }
            assertTrue(straight.stream().anyMatch(st -> st.loss() != 0), name + ": a test of all-zero losses proves little");
        }
        try (var files = Files.list(tmp)) {
            assertEquals(2, files.count(), "only the two checkpoints, no temporary files");
        }
    }

    private static RlColdStart.Method method(String name, RlColdStart.Settings s) {
        return RlColdStart.method(name, 0.75, dev.tapegrad.rl.PSchedule.of(dev.tapegrad.rl.PSchedule.Shape.LINEAR_DEC, -2, 2,
                s.steps()), 2, s.seed());
    }

    @Test
    void rlSaveAndResumeFromTheCommandLine() {
        String ckpt = tmp.resolve("rl.ckpt").toString(), digitsCkpt = tmp.resolve("d.ckpt").toString();
        String[] common = {"--group", "4", "--prompts", "2", "--epochs", "1", "--objective", "grpo"};
        Outcome first = run(concat(new String[] {"rl", "--steps", "2", "--save", ckpt, "--out", out("o1")}, common));
        assertEquals(0, first.status(), first.err());
        assertTrue(first.out().contains("checkpoint: " + ckpt), first.out());
        Outcome second = run(concat(new String[] {"rl", "--steps", "4", "--resume", ckpt, "--out", out("o2")}, common));
        assertEquals(0, second.status(), second.err());
        assertTrue(second.out().contains("     2-2") && !second.out().contains("     0-0"), "rows are labelled by step:\n" + second.out());

        Outcome done = run(concat(new String[] {"rl", "--steps", "2", "--resume", ckpt, "--out", out("o3")}, common));
        assertEquals(2, done.status());
        assertEquals("tapegrad rl: checkpoint " + ckpt + " is not usable: it is at step 2, and --steps 2 (the total) leaves nothing to do\n",
                done.err());

        Outcome several = run("rl", "--objective", "grpo,garl", "--save", ckpt, "--out", out("o4"));
        assertEquals(2, several.status());
        assertTrue(several.err().startsWith("tapegrad rl: --save and --resume need exactly one --objective, got 2\n"), several.err());

        Outcome wrongObjective = run("rl", "--steps", "4", "--group", "4", "--prompts", "2", "--objective", "dapo", "--resume", ckpt,
                "--out", out("o5"));
        assertEquals(2, wrongObjective.status());
        assertTrue(wrongObjective.err().contains("is not usable: it was written by objective GRPO, not DAPO"), wrongObjective.err());

        assertEquals(0, run("digits", "--epochs", "1", "--save", digitsCkpt, "--out", out("d1")).status());
        Outcome digitsIntoRl = run(concat(new String[] {"rl", "--steps", "4", "--resume", digitsCkpt, "--out", out("o6")}, common));
        assertEquals(2, digitsIntoRl.status());
        assertEquals("tapegrad rl: checkpoint " + digitsCkpt + " is not usable: it is a 'digits' checkpoint, not a 'rl' one\n",
                digitsIntoRl.err());
        Outcome rlIntoDigits = run("digits", "--epochs", "2", "--resume", ckpt, "--out", out("d2"));
        assertEquals(2, rlIntoDigits.status());
        assertTrue(rlIntoDigits.err().contains("is not usable: it is a 'rl' checkpoint, not a 'digits' one"), rlIntoDigits.err());
        for (String refused : List.of("o3", "o4", "o5", "o6", "d2")) {
            assertTrue(Files.notExists(tmp.resolve(refused)), "a refused run created its output folder " + refused);
        }
    }

    private String out(String name) {
        return tmp.resolve(name).toString();
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
