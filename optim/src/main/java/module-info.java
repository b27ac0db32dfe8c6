/** Optimizers, learning-rate schedules and gradient clipping for tapegrad. */
module dev.tapegrad.optim {
    requires transitive dev.tapegrad.engine;
    // API packages are exported as they gain classes (the optimizers arrive with their own issue).
}
