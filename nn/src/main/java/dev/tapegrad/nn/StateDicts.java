package dev.tapegrad.nn;

import dev.tapegrad.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Saves and loads a {@link Module}'s state dict (parameters and buffers by PyTorch-style dotted name) as a
 * {@link SafeTensors safetensors} file, so weights move between tapegrad and PyTorch
 * ({@code safetensors.torch.load_file} + {@code load_state_dict}) without renaming.
 */
public final class StateDicts {
    private StateDicts() {}

    /** File dtypes whose values widen exactly into a module's float32 or float64 tensor. */
    private static final Set<String> HALF_PRECISION = Set.of("F16", "BF16");

    /** Saves the module's state dict to a safetensors file (atomically), with metadata {@code format = pt}. */
    public static void save(Module module, Path path) throws IOException {
        save(module, path, Map.of());
    }

    /**
     * Saves the module's state dict with extra metadata. {@code format = pt} is added unless given (Hugging
     * Face loaders check it; the layouts are PyTorch's).
     */
    public static void save(Module module, Path path, Map<String, String> metadata) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.putIfAbsent("format", "pt");
        SafeTensors.write(path, module.stateDict(), meta);
    }

    /**
     * Loads a safetensors file into the module's parameters and buffers, in place (see
     * {@link Module#loadStateDict}). A tensor stored as F16 or BF16 is widened exactly to the module's
     * float32 or float64; integer types read as int32 load into int32 tensors. Every other difference —
     * missing or unexpected names, shapes, other dtypes (float32 in the file for a float64 module, say) — is
     * reported all at once in one {@link IllegalArgumentException}, and then nothing is changed.
     *
     * @throws IllegalArgumentException for an invalid file or any mismatch
     * @throws IOException              if the file cannot be read
     */
    public static void load(Module module, Path path) throws IOException {
        SafeTensors.Contents file = SafeTensors.readContents(path);
        Map<String, Tensor> mine = module.stateDict();
        Map<String, Tensor> values = new LinkedHashMap<>();
        file.tensors().forEach((name, v) -> {
            Tensor target = mine.get(name);
            boolean widen = target != null && HALF_PRECISION.contains(file.fileDTypes().get(name)) && target.dtype().isFloating();
            values.put(name, widen ? v.to(target.dtype()) : v);
        });
        try {
            module.loadStateDict(values);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("StateDicts.load(" + path + "): " + e.getMessage(), e);
        }
    }
}
