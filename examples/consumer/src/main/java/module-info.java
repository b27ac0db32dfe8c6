/** A program that uses tapegrad as a library: nn for the model, optim for the optimizer. */
module dev.tapegrad.sample {
    requires dev.tapegrad.nn;
    requires dev.tapegrad.optim;
}
