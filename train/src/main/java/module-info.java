/**
 * What a training program needs around its loop: checkpoints (model, optimizer, generators, step; written
 * atomically, validated and applied all-or-nothing on load), a metrics log, a progress display, SVG charts and the
 * run report that ties them together. The {@code ./tapegrad} launcher is built on it.
 */
module dev.tapegrad.train {
    requires transitive dev.tapegrad.nn;
    requires transitive dev.tapegrad.optim;
    exports dev.tapegrad.train;
}
