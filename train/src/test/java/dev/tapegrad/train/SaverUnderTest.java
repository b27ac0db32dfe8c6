package dev.tapegrad.train;

import dev.tapegrad.Generator;
import dev.tapegrad.Tensor;
import dev.tapegrad.nn.Linear;
import dev.tapegrad.nn.SafeTensors;
import dev.tapegrad.optim.Optimizer;
import dev.tapegrad.optim.OptimizerState;
import dev.tapegrad.optim.Optimizers;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The savers the {@code kill -9} probe ({@link KillDuringSave}) tries, each with a numbered series of files:
 * {@link #save} writes version {@code v} (about 2 MB, every number in it derived from {@code v}) and
 * {@link #versionOf} loads a file with the saver's own loader and returns its version after checking that every
 * number is what that version holds, so a torn or mixed file cannot pass.
 */
enum SaverUnderTest {
    /** {@link SafeTensors#write}, the writer under {@code StateDicts.save}: a float32 matrix, an int and metadata. */
    SAFETENSORS("model.safetensors", 0x5AFEL) {
        @Override
        void save(Path file, long v) throws Exception {
            SafeTensors.write(file, Map.of("w", Tensor.of(floatsFor(v, 512 * 1024), 512, 1024), "step", Tensor.of(new int[] {(int) v})),
                    Map.of("version", Long.toString(v)));
        }

        @Override
        long versionOf(Path file) throws Exception {
            SafeTensors.Contents c = SafeTensors.readContents(file);
            long v = Long.parseLong(c.metadata().get("version"));
            if (!Arrays.equals(floatsFor(v, 512 * 1024), c.tensors().get("w").toFloatArray()) || c.tensors().get("step").toIntArray()[0] != v) {
                throw new IllegalStateException("version " + v + ": the tensors differ from what was saved");
            }
            return v;
        }
    },

    /** {@link OptimizerState#save}: one parameter's two Adam buffers of 128 × 1024 doubles. */
    OPTIMIZER_STATE("opt.state", 0x0971L) {
        @Override
        void save(Path file, long v) {
            optimizerStateFor(v).save(file);
        }

        @Override
        long versionOf(Path file) {
            OptimizerState s = OptimizerState.load(file);
            if (!Arrays.equals(optimizerStateFor(s.count()).toBytes(), s.toBytes())) {
                throw new IllegalStateException("version " + s.count() + ": the state differs from what was saved");
            }
            return s.count();
        }
    },

    /**
     * {@link Checkpoint#save}: a 512 × 1024 linear layer whose weights derive from {@code v}, its Adam optimizer,
     * a generator seeded with {@code v}, and step {@code v}.
     */
    CHECKPOINT("state.ckpt", 11) {
        @Override
        void save(Path file, long v) throws Exception {
            CheckpointedRun run = CheckpointedRun.INSTANCE;
            run.model.loadStateDict(CheckpointedRun.weightsFor(v));
            Checkpoint.builder(run.model, run.opt, v).generator("shuffle", new Generator(v)).build().save(file);
        }

        @Override
        long versionOf(Path file) throws Exception {
            CheckpointedRun run = CheckpointedRun.INSTANCE;
            Checkpoint c = Checkpoint.load(file);
            long v = c.step();
            Generator gen = new Generator(-1);
            c.restoreInto(run.model, run.opt, Map.of("shuffle", gen));
            Map<String, Tensor> want = CheckpointedRun.weightsFor(v);
            run.model.stateDict().forEach((name, t) -> {
                if (!Arrays.equals(want.get(name).toFloatArray(), t.toFloatArray())) {
                    throw new IllegalStateException("version " + v + ": tensor " + name + " differs from what was saved");
                }
            });
            if (!Arrays.equals(new Generator(v).stateDict(), gen.stateDict())) {
                throw new IllegalStateException("version " + v + ": the generator differs from what was saved");
            }
            return v;
        }
    };

    /** The name of the saved file in the probe's folder. */
    final String fileName;
    /** The seed of the probe's kill moments for this saver. */
    final long killSeed;

    SaverUnderTest(String fileName, long killSeed) {
        this.fileName = fileName;
        this.killSeed = killSeed;
    }

    /** Writes version {@code v} to {@code file}. */
    abstract void save(Path file, long v) throws Exception;

    /** Loads {@code file} and returns its version; throws when it is not exactly some version's file. */
    abstract long versionOf(Path file) throws Exception;

    /** {@code n} float32 values of version {@code v}: {@code v + i / 4}. */
    static float[] floatsFor(long v, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = v + i * 0.25f;
        return a;
    }

    /** Version {@code v} of the optimizer state: one 128 × 1024 parameter, every number derived from {@code v}. */
    static OptimizerState optimizerStateFor(long v) {
        int rows = 128, cols = 1024;
        double[] m = new double[rows * cols], s = new double[rows * cols];
        for (int i = 0; i < m.length; i++) {
            m[i] = v + i * 1e-3;
            s[i] = v * 0.5 - i;
        }
        OptimizerState.SlotState slot = new OptimizerState.SlotState("w", new int[] {rows, cols}, v, Map.of("adam.m", m, "adam.v", s));
        return new OptimizerState("killProbe", v, new long[] {v, 1, 2, 3, 0, 0},
                List.of(new OptimizerState.GroupState("default", Map.of("version", (double) v), List.of(slot))));
    }

    /** The model and optimizer the checkpoint saver writes and loads into, made once per JVM. */
    private static final class CheckpointedRun {
        static final CheckpointedRun INSTANCE = new CheckpointedRun();
        final Linear model = new Linear(new Generator(7), 1024, 512);
        final Optimizer opt = Optimizer.builder(Optimizers.adam()).params(model.namedParameters()).set("lr", 0.01).build();

        /** The model's tensors in version {@code v}: each tensor's values are {@link #floatsFor}. */
        static Map<String, Tensor> weightsFor(long v) {
            Map<String, Tensor> w = new LinkedHashMap<>();
            INSTANCE.model.stateDict().forEach((name, t) -> w.put(name, Tensor.of(floatsFor(v, t.numel()), t.shape())));
            return w;
        }
    }
}
