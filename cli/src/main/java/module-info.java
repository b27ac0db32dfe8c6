/**
 * The tapegrad launcher ({@code ./tapegrad}): its entry point {@link dev.tapegrad.cli.Main} with one subcommand per
 * program, and the flag parser. Runs are written with the training-run library {@code dev.tapegrad.train}.
 */
module dev.tapegrad.cli {
    requires transitive dev.tapegrad.train;
    requires dev.tapegrad.rl;
    requires dev.tapegrad.examples;
    exports dev.tapegrad.cli;
}
