package dev.tapegrad.train;

import java.nio.file.Path;

/**
 * The child process of {@link CheckpointKillTest}: saves checkpoints of a changing model to {@code args[0]} in an
 * endless loop, printing "saved N" after each, until it is killed.
 */
public final class CheckpointSaveLoop {
    private CheckpointSaveLoop() {}

    public static void main(String[] args) throws Exception {
        Path target = Path.of(args[0]);
        CheckpointFuzz.Setup s = CheckpointFuzz.Setup.trained(7);
        for (int i = 0; ; i++) {
            s.gen().nextDouble(); // the state changes from save to save
            s.checkpoint(i, 1).save(target);
            System.out.println("saved " + i);
            System.out.flush();
        }
    }
}
