/** Runnable programs that show tapegrad doing real work. */
module dev.tapegrad.examples {
    requires transitive dev.tapegrad.rl;
    requires dev.tapegrad.train;
    exports dev.tapegrad.examples;
}
