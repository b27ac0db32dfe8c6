/**
 * The tapegrad engine: tensors, the tape (reverse-mode automatic differentiation), SIMD kernels and
 * gradient checking.
 */
module dev.tapegrad.engine {
    requires transitive jdk.incubator.vector;
    requires org.eclipse.collections.api;
    requires org.eclipse.collections.impl;

    exports dev.tapegrad;
    exports dev.tapegrad.check;
}
