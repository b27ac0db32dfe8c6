package dev.tapegrad.examples;

import dev.tapegrad.DType;
import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import dev.tapegrad.nn.GptDecoder;
import dev.tapegrad.optim.Optimizer;
import dev.tapegrad.optim.Optimizers;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * A tiny character-level Transformer language model, trained on sentences from a small grammar.
 *
 * <p>The corpus comes from a seeded context-free grammar (S → NP VP ".", NP → Det [Adj] N, VP → V NP | V), so
 * it has real structure: spelling inside words, agreement of word classes between them, a full stop at the end.
 * The model is a GPT-style decoder ({@link GptDecoder}): token plus position embeddings, causal self-attention
 * blocks, and a linear head giving logits for the next character. Training minimises the mean next-character
 * cross-entropy −(1/BT)·Σ log p(c_{t+1} | c_{≤t}) over random windows of the corpus with AdamW.
 * A model that knows nothing scores log V (V the number of distinct characters); the loss falls well below that
 * as it learns the words, and a sample reads like the grammar's sentences.
 */
public final class CharTransformer {
    private CharTransformer() {}

    /**
     * Training settings.
     *
     * @param steps   optimizer steps
     * @param batch   windows per step
     * @param context window length T (also the model's context)
     * @param embed   embedding size C
     * @param layers  transformer blocks
     * @param lr      AdamW learning rate
     * @param seed    seeds the corpus, the initial weights, the batches and the sample
     */
    public record Config(int steps, int batch, int context, int embed, int layers, double lr, long seed) {
        /** The settings of {@link #main}: a few hundred steps, well under 30 s on two cores. */
        public static Config defaults() {
            return new Config(250, 16, 32, 32, 2, 3e-3, 1);
        }
    }

    /**
     * What training did.
     *
     * @param vocabSize V
     * @param losses    the training loss of each step
     * @param sample    text generated from the trained model after a full stop
     */
    public record Result(int vocabSize, double[] losses, String sample) {}

    /** Runs the example with its default sizes and prints what it computes. */
    public static void main(String[] args) {
        run(Config.defaults(), true);
    }

    /** Generates the corpus, trains the model and samples from it. */
    public static Result run(Config c, boolean verbose) {
        Generator gen = new Generator(c.seed());
        String corpus = corpus(gen, 20_000); // large enough that memorising it is harder than learning the grammar
        String chars = vocabulary(corpus);
        int[] ids = new int[corpus.length()];
        for (int i = 0; i < ids.length; i++) ids[i] = chars.indexOf(corpus.charAt(i));
        if (verbose) {
            System.out.println("corpus: " + corpus.length() + " characters, vocabulary \"" + chars + "\" (V = " + chars.length()
                    + ", log V = " + String.format(Locale.ROOT, "%.3f", Math.log(chars.length())) + ")");
            System.out.println("e.g. " + corpus.substring(0, 80) + "...");
        }

        var model = new GptDecoder(gen, GptDecoder.Config.of(chars.length(), c.context(), c.layers(), 2, c.embed()).withTiedHead(true));
        Optimizer opt = Optimizers.create("adamw", Map.of("lr", c.lr()), model.namedParameters());

        double[] losses = new double[c.steps()];
        for (int step = 0; step < c.steps(); step++) {
            // A batch of random windows; the target of each character is the one after it.
            int[] x = new int[c.batch() * c.context()], y = new int[x.length];
            for (int b = 0; b < c.batch(); b++) {
                int start = gen.nextInt(ids.length - c.context() - 1);
                System.arraycopy(ids, start, x, b * c.context(), c.context());
                System.arraycopy(ids, start + 1, y, b * c.context(), c.context());
            }
            Tensor loss = model.loss(Tensor.of(x, c.batch(), c.context()), Tensor.of(y, c.batch(), c.context()));
            opt.zeroGrad();
            loss.backward();
            opt.step();
            losses[step] = loss.item();
            if (verbose && (step % 25 == 0 || step == c.steps() - 1)) {
                System.out.printf(Locale.ROOT, "step %4d  loss %.3f%n", step, losses[step]);
            }
        }

        // Sample: start after a full stop, draw characters at temperature 0.8.
        Tensor prompt = Tensor.of(new int[] {chars.indexOf('.'), chars.indexOf(' ')}, 1, 2);
        int[] out = model.generate(gen, prompt, 3 * c.context(), 0.8, 0, 1.0).toIntArray();
        StringBuilder sample = new StringBuilder();
        for (int i = 2; i < out.length; i++) sample.append(chars.charAt(out[i]));
        if (verbose) System.out.println("sample: " + sample);
        return new Result(chars.length(), losses, sample.toString());
    }

    // ---------------------------------------------------------------- the grammar

    private static final String[] DET = {"the", "a", "every"};
    private static final String[] ADJ = {"small", "red", "quiet", "happy"};
    private static final String[] NOUN = {"cat", "dog", "bird", "child", "robot"};
    private static final String[] VERB = {"sees", "likes", "follows", "sleeps", "sings"};

    /** Sentences from S → NP VP "." until the text has at least {@code length} characters. */
    static String corpus(Generator gen, int length) {
        StringBuilder text = new StringBuilder();
        while (text.length() < length) {
            List<String> words = new ArrayList<>(nounPhrase(gen));
            words.add(pick(gen, VERB));
            if (gen.nextDouble() < 0.6) words.addAll(nounPhrase(gen)); // transitive use
            text.append(String.join(" ", words)).append(". ");
        }
        return text.toString();
    }

    /** NP → Det N | Det Adj N. */
    private static List<String> nounPhrase(Generator gen) {
        List<String> np = new ArrayList<>(List.of(pick(gen, DET)));
        if (gen.nextDouble() < 0.5) np.add(pick(gen, ADJ));
        np.add(pick(gen, NOUN));
        return np;
    }

    private static String pick(Generator gen, String[] words) {
        return words[gen.nextInt(words.length)];
    }

    /** The distinct characters of the text, sorted; a character's id is its index here. */
    static String vocabulary(String text) {
        TreeSet<Character> set = new TreeSet<>();
        for (char ch : text.toCharArray()) set.add(ch);
        StringBuilder s = new StringBuilder();
        for (char ch : set) s.append(ch);
        return s.toString();
    }
}
