/**
 * Reinforcement-learning objectives for tapegrad: group advantages, the GRPO family (DAPO, Dr. GRPO, GSPO,
 * GMPO, SAPO, CISPO), Hölder-mean aggregation (HölderPO), the Tsallis q-logarithm loss continuum (GARL, PAFT),
 * KL penalties, and a small rollout/trainer loop over the nn GPT decoder.
 */
module dev.tapegrad.rl {
    requires transitive dev.tapegrad.nn;
    requires transitive dev.tapegrad.optim;
    exports dev.tapegrad.rl;
}
