package dev.tapegrad;

/**
 * The element type of a tensor.
 *
 * <p>{@link #FLOAT32} and {@link #FLOAT64} hold values and can be differentiated; {@link #INT32} holds
 * indices and labels; {@link #BOOL} holds masks (stored as 0/1 ints) such as the result of a comparison.
 * Arithmetic never mixes dtypes silently: combining a float32 and a float64 tensor is an error that asks for
 * an explicit {@link Tensor#to(DType)}. Comparisons are the exception: they compare values, whatever their
 * types, and produce a bool mask.
 */
public enum DType {
    /** IEEE 754 binary32, stored in a {@code float[]}. */
    FLOAT32("float32", 4),
    /** IEEE 754 binary64, stored in a {@code double[]}. */
    FLOAT64("float64", 8),
    /** 32-bit signed integers, stored in an {@code int[]}: indices, labels, counts. */
    INT32("int32", 4),
    /** Booleans stored as 0 or 1 in an {@code int[]}: masks produced by comparisons. */
    BOOL("bool", 4);

    private final String label;
    private final int byteSize;

    DType(String label, int byteSize) {
        this.label = label;
        this.byteSize = byteSize;
    }

    /** Whether values of this type are floating point (and so can carry gradients). */
    public boolean isFloating() {
        return this == FLOAT32 || this == FLOAT64;
    }

    /** Bytes one element occupies in storage. */
    public int byteSize() {
        return byteSize;
    }

    /** Allocates a zero-filled backing array of this type. */
    Object newArray(int length) {
        return switch (this) {
            case FLOAT32 -> new float[length];
            case FLOAT64 -> new double[length];
            case INT32, BOOL -> new int[length];
        };
    }

    @Override
    public String toString() {
        return label;
    }
}
