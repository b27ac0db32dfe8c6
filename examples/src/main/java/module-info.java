/** Runnable programs that show tapegrad doing real work. */
module dev.tapegrad.examples {
    requires transitive dev.tapegrad.rl;
    exports dev.tapegrad.examples;
}
