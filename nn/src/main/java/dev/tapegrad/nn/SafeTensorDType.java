package dev.tapegrad.nn;

import dev.tapegrad.DType;

/**
 * The element types a safetensors file may declare, in the reference implementation's order of increasing
 * alignment (the writer sorts by this order, descending), with their width in bits.
 *
 * <p>Every name is accepted while validating a header (so offsets and sizes are checked for all of them);
 * {@link #readsAs()} says which tapegrad dtype a tensor becomes, or {@code null} for the types tapegrad
 * does not read (sub-byte and 8-bit floats, complex).
 */
enum SafeTensorDType {
    BOOL(8), F4(4), F6_E2M3(6), F6_E3M2(6), U8(8), I8(8), F8_E5M2(8), F8_E4M3(8), F8_E8M0(8),
    F8_E4M3FNUZ(8), F8_E5M2FNUZ(8), I16(16), U16(16), F16(16), BF16(16), I32(32), U32(32), F32(32),
    C64(64), F64(64), I64(64), U64(64);

    /** Width of one element in bits. */
    final int bits;

    SafeTensorDType(int bits) {
        this.bits = bits;
    }

    /** The type named {@code name} in a header, or {@code null} if there is none. */
    static SafeTensorDType byName(String name) {
        for (SafeTensorDType d : values()) if (d.name().equals(name)) return d;
        return null;
    }

    /** Whether this is a signed or unsigned integer type (read into int32 with a range check). */
    boolean isInteger() {
        return switch (this) {
            case U8, I8, I16, U16, I32, U32, I64, U64 -> true;
            default -> false;
        };
    }

    /** Whether integers of this type are signed. */
    boolean isSigned() {
        return this == I8 || this == I16 || this == I32 || this == I64;
    }

    /**
     * The tapegrad dtype of a tensor read from this type: floats widen exactly (F16 and BF16 to float32),
     * integers become int32 (values checked to fit), BOOL becomes bool; {@code null} when unsupported.
     */
    DType readsAs() {
        if (isInteger()) return DType.INT32;
        return switch (this) {
            case F16, BF16, F32 -> DType.FLOAT32;
            case F64 -> DType.FLOAT64;
            case BOOL -> DType.BOOL;
            default -> null;
        };
    }

    /** The type a tapegrad dtype is written as. */
    static SafeTensorDType writtenAs(DType d) {
        return switch (d) {
            case FLOAT32 -> F32;
            case FLOAT64 -> F64;
            case INT32 -> I32;
            case BOOL -> BOOL;
        };
    }
}
