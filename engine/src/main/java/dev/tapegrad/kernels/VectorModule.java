package dev.tapegrad.kernels;

/**
 * Checks, once per JVM, that the Vector API module {@code jdk.incubator.vector}, which every kernel is
 * written with, is loaded.
 *
 * <p>On the module path it always is: the engine's module descriptor requires it. On the class path the JVM
 * loads incubator modules only when asked ({@code java --add-modules jdk.incubator.vector ...}); without the
 * flag the first kernel would fail with {@code NoClassDefFoundError: jdk/incubator/vector/Vector}, which does
 * not say what to do. {@code Tensor} calls {@link #require()} when its class is initialised, before any op
 * can run, so the program stops there with a message that names the flag.
 */
public final class VectorModule {
    /** The module's name, as given to {@code --add-modules}. */
    public static final String NAME = "jdk.incubator.vector";

    private static final boolean LOADED = loaded();

    private VectorModule() {}

    /** Whether the module is in the layer the engine was loaded in (the boot layer on the class path). */
    private static boolean loaded() {
        ModuleLayer layer = VectorModule.class.getModule().getLayer(); // null in the unnamed module (class path)
        return (layer != null ? layer : ModuleLayer.boot()).findModule(NAME).isPresent();
    }

    /**
     * Returns when the Vector API is available and throws otherwise.
     *
     * @throws NoClassDefFoundError naming the missing flag (an {@code Error}, like the one it replaces, so that
     *     a class initialiser passes it on as it is instead of wrapping it)
     */
    public static void require() {
        if (!LOADED) {
            throw new NoClassDefFoundError("tapegrad needs the Vector API module " + NAME
                    + ", which this JVM was started without: add --add-modules " + NAME
                    + " to the java command (on the class path; on the module path the engine's module adds it)");
        }
    }
}
