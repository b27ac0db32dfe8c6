/**
 * The tapegrad engine: tensors, the tape (reverse-mode automatic differentiation), SIMD kernels and
 * gradient checking.
 */
module dev.tapegrad.engine {
    requires transitive jdk.incubator.vector;

    exports dev.tapegrad;
    exports dev.tapegrad.check;
    exports dev.tapegrad.curvature;
    exports dev.tapegrad.io;
}
