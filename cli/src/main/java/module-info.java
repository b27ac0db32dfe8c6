/**
 * The tapegrad launcher ({@code ./tapegrad}) and the training-run library it is built on.
 * {@code dev.tapegrad.train}: checkpoints (model, optimizer, generators, step; atomic, validated on load), a
 * metrics log, a progress display, SVG charts and the run report that ties them together. {@code dev.tapegrad.cli}:
 * the launcher's entry point and flag parser.
 */
module dev.tapegrad.cli {
    requires transitive dev.tapegrad.nn;
    requires transitive dev.tapegrad.optim;
    requires dev.tapegrad.rl;
    requires dev.tapegrad.examples;

    exports dev.tapegrad.train;
    exports dev.tapegrad.cli;
}
