package dev.tapegrad.examples;

import dev.tapegrad.Generator;
import dev.tapegrad.nn.GptDecoder;
import dev.tapegrad.optim.Optimizer;
import dev.tapegrad.optim.Optimizers;
import dev.tapegrad.rl.AdvantageEstimator;
import dev.tapegrad.rl.Advantages;
import dev.tapegrad.rl.ClippedSurrogate;
import dev.tapegrad.rl.Garl;
import dev.tapegrad.rl.HolderPo;
import dev.tapegrad.rl.PSchedule;
import dev.tapegrad.rl.PolicyObjective;
import dev.tapegrad.rl.StepStats;
import dev.tapegrad.rl.Task;
import dev.tapegrad.rl.TokenPolicy;
import dev.tapegrad.rl.TokenVocabulary;
import dev.tapegrad.rl.ToyTasks;
import dev.tapegrad.rl.Trainer;
import dev.tapegrad.rl.Tsallis;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * Policy optimisation from a cold start: a small GPT-style decoder learns a verifiable toy task (reverse a digit
 * string, reward 1 for the exact answer, 0 otherwise) where a fresh policy almost never succeeds (one digit: the
 * answer and EOS out of 17 tokens each, p0 ≈ 1/289), with three
 * objectives side by side, each from the same initial weights and seeds:
 * <ul>
 *   <li><b>GRPO</b>: group z-score advantages and the clipped surrogate (arXiv 2402.03300);</li>
 *   <li><b>GARL, q = 0.75</b>: the Tsallis-loss estimator whose advantages are the RL ones amplified by P̂^(−q)
 *       per prompt (arXiv 2604.25907), with the on-policy surrogate;</li>
 *   <li><b>HölderPO</b>: the power mean M_p of token ratios with p annealed linearly from 2 to −2 over the run
 *       (arXiv 2605.12058), GRPO advantages.</li>
 * </ul>
 * It prints the success rate of each (fraction of the G·K samples of a step that are exactly right) every few
 * steps. Two PPO epochs per batch, so that ratios leave 1 and the objectives differ (on-policy, HölderPO's
 * gradient equals GRPO's for every p). Flags: {@code --digits N} (task length, default 1; at 2 digits p0 ≈ 17⁻³
 * and no method sees a single success in 80 steps: every gradient is 0), {@code --steps N} (default 48),
 * {@code --lr X} (default 5e-3), {@code --epochs N} (default 2), {@code --group G}, {@code --prompts K} (8 and 8),
 * {@code --seed N} (default 1).
 */
public final class RlColdStart {
    private RlColdStart() {}

    /**
     * One objective of the comparison: an advantage estimator, a (possibly step-dependent) objective, and the
     * estimator's own generator when it draws random numbers (null otherwise), so that a checkpoint can save it.
     */
    public record Method(Generator gen, String name, AdvantageEstimator estimator, IntFunction<PolicyObjective> objective) {
        /** A method whose estimator draws no random numbers. */
        public Method(String name, AdvantageEstimator estimator, IntFunction<PolicyObjective> objective) {
            this(null, name, estimator, objective);
        }
    }

    /** Settings of a comparison run. */
    public record Settings(int digits, int steps, double lr, long seed, int groupSize, int promptsPerStep, int epochs) {
        /** The settings that {@code --digits N --steps N --lr X --seed N --group G --prompts K --epochs N} give. */
        public static Settings parse(String[] raw) {
            // Maven's -Pdemo passes all flags as one argument: split every argument on whitespace
            String[] args = String.join(" ", raw).trim().isEmpty() ? new String[0] : String.join(" ", raw).trim().split("\\s+");
            int digits = 1, steps = 48, g = 8, k = 8, epochs = 2;
            double lr = 5e-3;
            long seed = 1;
            for (int i = 0; i < args.length; i++) {
                String v = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--digits" -> digits = Integer.parseInt(v);
                    case "--steps" -> steps = Integer.parseInt(v);
                    case "--lr" -> lr = Double.parseDouble(v);
                    case "--seed" -> seed = Long.parseLong(v);
                    case "--group" -> g = Integer.parseInt(v);
                    case "--prompts" -> k = Integer.parseInt(v);
                    case "--epochs" -> epochs = Integer.parseInt(v);
                    default -> throw new IllegalArgumentException("unknown flag " + args[i]
                            + " (known: --digits --steps --lr --seed --group --prompts --epochs)");
                }
                i++;
            }
            return new Settings(digits, steps, lr, seed, g, k, epochs);
        }
    }

    /** The three methods, HölderPO's p annealed over {@code steps}. */
    static List<Method> methods(int steps) {
        HolderPo holder = HolderPo.of(HolderPo.Variant.SEQUENCE, PSchedule.of(PSchedule.Shape.LINEAR_DEC, -2, 2, steps));
        ClippedSurrogate grpo = ClippedSurrogate.grpo();
        return List.of(
                new Method("GRPO", Advantages.grpo(), step -> grpo),
                new Method("GARL q=0.75", Garl.coldStart(), step -> Tsallis::surrogate),
                new Method("HolderPO p:2→-2", Advantages.grpo(), holder::at));
    }

    /** The objectives {@link #method} knows, by name. */
    public static final List<String> OBJECTIVES = List.of("grpo", "dapo", "drgrpo", "gspo", "sapo", "garl", "paft", "holder");

    /**
     * One objective by name: {@code grpo} (z-score advantages, clipped surrogate), {@code dapo} (asymmetric
     * clip 0.2/0.28, token-mean), {@code drgrpo} (mean-centred advantages, sum over a fixed length),
     * {@code gspo} (sequence-level ratio), {@code sapo} (soft gates), {@code garl} (Tsallis advantages P̂^(−q),
     * on-policy surrogate), {@code paft} (SFT on 4 resampled successes per group, weight P̂^(1−q)), {@code holder}
     * (power mean M_p of token ratios, p following {@code p}).
     */
    public static Method method(String name, double q, PSchedule p, int maxCompletion, long seed) {
        return switch (name) {
            case "grpo" -> fixed("GRPO", Advantages.grpo(), ClippedSurrogate.grpo());
            case "dapo" -> fixed("DAPO", Advantages.grpo(), ClippedSurrogate.dapo());
            case "drgrpo" -> fixed("Dr.GRPO", Advantages.drGrpo(), ClippedSurrogate.drGrpo(maxCompletion));
            case "gspo" -> fixed("GSPO", Advantages.grpo(), dev.tapegrad.rl.Gspo.paper());
            case "sapo" -> fixed("SAPO", Advantages.grpo(), dev.tapegrad.rl.Sapo.paper());
            case "garl" -> fixed(String.format(Locale.ROOT, "GARL q=%s", q), Garl.of(q), Tsallis::surrogate);
            case "paft" -> {
                Generator gen = new Generator(seed + 1000);
                yield new Method(gen, String.format(Locale.ROOT, "PAFT q=%s", q), dev.tapegrad.rl.Paft.resampling(gen, q, 4),
                        step -> Tsallis::surrogate);
            }
            case "holder" -> {
                HolderPo h = HolderPo.of(HolderPo.Variant.SEQUENCE, p);
                yield new Method(String.format(Locale.ROOT, "HolderPO p:%s→%s", p.at(0), p.at(p.steps())), Advantages.grpo(), h::at);
            }
            default -> throw new IllegalArgumentException("unknown objective '" + name + "' (known: " + OBJECTIVES + ")");
        };
    }

    private static Method fixed(String name, AdvantageEstimator estimator, PolicyObjective objective) {
        return new Method(name, estimator, step -> objective);
    }

    /** Trains one method; returns the statistics of every step. */
    static List<StepStats> train(Method method, Task task, Settings s) {
        return new Run(method, task, s, TokenPolicy.SamplingConfig.plain()).train(RunListener.NONE);
    }

    /**
     * One method's run, set up but not yet trained: the decoder (initial weights from the seed), Adam and the
     * trainer. Building them apart from the loop lets a launcher restore a checkpoint into them
     * ({@link #decoder()}, {@link #optimizer()}, {@link #trainer()}, {@link #method()}'s generator) before
     * {@link #train} and save them after. With the same settings, n steps then continued to m are the same as
     * one run of m.
     */
    public static final class Run {
        private final Method method;
        private final Settings settings;
        private final GptDecoder decoder;
        private final Optimizer adam;
        private final Trainer trainer;

        /** Builds the decoder, Adam and the trainer of {@code method} on {@code task}, sampling with {@code sampling}. */
        public Run(Method method, Task task, Settings s, TokenPolicy.SamplingConfig sampling) {
            this.method = method;
            this.settings = s;
            decoder = new GptDecoder(new Generator(s.seed()), GptDecoder.Config.of(TokenVocabulary.SIZE, task.promptLength()
                    + task.maxCompletionLength(), 1, 2, 32));
            adam = Optimizer.builder(Optimizers.adam()).params(decoder.namedParameters()).set("lr", s.lr()).build();
            trainer = Trainer.builder().policy(new TokenPolicy(decoder, sampling))
                    .task(task).estimator(method.estimator()).objectiveSchedule(method.objective()).optimizer(adam)
                    .groupSize(s.groupSize()).promptsPerStep(s.promptsPerStep()).ppoEpochs(s.epochs()).seed(s.seed()).build();
        }

        /** The method being trained (its generator, if any, is part of the run's state). */
        public Method method() {
            return method;
        }

        /** The policy network. */
        public GptDecoder decoder() {
            return decoder;
        }

        /** Adam, updating {@link #decoder()}. */
        public Optimizer optimizer() {
            return adam;
        }

        /** The rollout-and-update loop (its step count, generators and prompt sampler are part of the run's state). */
        public Trainer trainer() {
            return trainer;
        }

        /**
         * Trains until the trainer has taken {@code settings.steps()} steps in total, reporting each step to
         * {@code listener} (run = the method's name; metrics reward, success, loss, ratio, clip); returns the
         * statistics of the steps taken.
         */
        public List<StepStats> train(RunListener listener) {
            List<StepStats> stats = new ArrayList<>();
            while (trainer.stepCount() < settings.steps()) {
                StepStats st = trainer.step();
                stats.add(st);
                listener.step(method.name(), st.step(), settings.steps(), java.util.Map.of("reward", st.meanReward(), "success",
                        st.successRate(), "loss", st.loss(), "ratio", st.meanRatio(), "clip", st.clipFraction()));
            }
            return stats;
        }
    }

    /** Success rates per step of every method, the rows every {@code every} steps (means over the window). */
    public static String table(List<String> names, List<List<StepStats>> runs, int every) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%8s", "steps"));
        for (String n : names) out.append(String.format(Locale.ROOT, " %16s", n));
        out.append('\n');
        int steps = runs.get(0).size();
        for (int from = 0; from < steps; from += every) {
            int to = Math.min(steps, from + every);
            List<StepStats> first = runs.get(0);
            out.append(String.format(Locale.ROOT, "%8s", first.get(from).step() + "-" + first.get(to - 1).step()));
            for (List<StepStats> run : runs) {
                double mean = 0;
                for (int i = from; i < to; i++) mean += run.get(i).successRate() / (to - from);
                out.append(String.format(Locale.ROOT, " %16.3f", mean));
            }
            out.append('\n');
        }
        return out.toString();
    }

    public static void main(String[] args) {
        Settings s = Settings.parse(args);
        Task task = ToyTasks.reverseDigits(s.digits(), (int) Math.min(16, Math.pow(10, s.digits())), s.seed());
        System.out.printf(Locale.ROOT, "Reverse %d digits, reward 1 only for the exact answer; G = %d samples of %d prompts"
                + " per step, Adam lr %g, seed %d.%n", s.digits(), s.groupSize(), s.promptsPerStep(), s.lr(), s.seed());
        List<String> names = new ArrayList<>();
        List<List<StepStats>> runs = new ArrayList<>();
        for (Method m : methods(s.steps())) {
            long t0 = System.nanoTime();
            runs.add(train(m, task, s));
            names.add(m.name());
            System.out.printf(Locale.ROOT, "  %-16s trained in %.1f s%n", m.name(), (System.nanoTime() - t0) * 1e-9);
        }
        System.out.println("Success rate (exact answers / samples), mean over each window of steps:");
        System.out.print(table(names, runs, Math.max(1, s.steps() / 12)));
    }
}
