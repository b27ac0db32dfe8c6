package dev.tapegrad.examples;

import java.util.Map;

/**
 * Receives the progress of a training run, one call per step: which run (e.g. "GRPO"), the step (0-based), the
 * total number of steps, and the step's metrics by name ("loss", "accuracy", "reward", ...). Programs report
 * through it; the launcher (module {@code dev.tapegrad.cli}) turns the calls into a progress display, a metrics file
 * and a chart. It lives here, beside the programs, because it is part of what a learner reads: the loop calls it once
 * per step.
 */
@FunctionalInterface
public interface RunListener {
    /** A listener that ignores everything. */
    RunListener NONE = (run, step, total, metrics) -> {};

    /** One finished step of {@code run}. */
    void step(String run, int step, int totalSteps, Map<String, Double> metrics);
}
