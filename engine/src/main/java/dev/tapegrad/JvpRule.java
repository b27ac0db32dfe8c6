package dev.tapegrad;

/** Placeholder until the forward-mode core lands: the JVP rule of one op. */
@FunctionalInterface
interface JvpRule {
    /** The output's tangent from the inputs' tangents (null entries: zero). */
    Tensor apply(Tensor[] tangents);
}
