/** Reinforcement-learning objectives (GRPO family, Hölder and Tsallis objectives) for tapegrad. */
module dev.tapegrad.rl {
    requires transitive dev.tapegrad.nn;
    requires transitive dev.tapegrad.optim;
    // API packages are exported as they gain classes (the objectives arrive with their own issue).
}
