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
    // the bfloat16 conversions, for the safetensors reader and writer
    exports dev.tapegrad.kernels to dev.tapegrad.nn;
}
