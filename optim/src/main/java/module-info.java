/** Optimizers, learning-rate schedules and gradient clipping for tapegrad. */
module dev.tapegrad.optim {
    requires transitive dev.tapegrad.engine;
    exports dev.tapegrad.optim;
}
