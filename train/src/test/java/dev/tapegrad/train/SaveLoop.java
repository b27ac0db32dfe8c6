package dev.tapegrad.train;

import java.nio.file.Path;

/**
 * The child process of {@link KillDuringSave}: {@code SaveLoop <saver> <target> <firstVersion>} prints
 * {@code ready}, then saves versions {@code firstVersion}, {@code firstVersion + 1}, ... of the
 * {@link SaverUnderTest} named {@code saver} to {@code target}, printing {@code saved V} after each save returns,
 * until it is killed.
 */
final class SaveLoop {
    private SaveLoop() {}

    public static void main(String[] args) throws Exception {
        SaverUnderTest saver = SaverUnderTest.valueOf(args[0]);
        Path target = Path.of(args[1]);
        System.out.println("ready");
        System.out.flush();
        for (long v = Long.parseLong(args[2]); ; v++) {
            saver.save(target, v);
            System.out.println("saved " + v);
            System.out.flush();
        }
    }
}
