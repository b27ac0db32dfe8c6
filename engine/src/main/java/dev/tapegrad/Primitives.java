package dev.tapegrad;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Every op declaration ({@link OpDef}) of the engine, found in the family classes below: each static
 * {@code OpDef} field of a family is one op. A new family class must be added to {@link #FAMILIES}.
 */
public final class Primitives {
    private Primitives() {}

    /** The classes that declare ops, in the order the reference lists them. */
    private static final List<Class<?>> FAMILIES = List.of(UnaryOps.class, BinaryOps.class, ReduceOps.class, SoftmaxOps.class,
            NormOps.class, LinearOps.class, LinalgOps.class, ViewOps.class, IndexOps.class, MatrixSolveOps.class,
            MatrixDecompositionOps.class);

    private static volatile List<OpDef> all;

    /** Every declared op: families in order, each in declaration order. */
    public static List<OpDef> all() {
        List<OpDef> result = all;
        if (result == null) all = result = collect();
        return result;
    }

    /** The declaration named {@code name}. */
    public static OpDef get(String name) {
        for (OpDef d : all()) if (d.name().equals(name)) return d;
        throw new IllegalArgumentException("Primitives: no op named '" + name + "'");
    }

    private static List<OpDef> collect() {
        List<OpDef> defs = new ArrayList<>();
        for (Class<?> family : FAMILIES) {
            List<OpDef> own = new ArrayList<>();
            for (Field f : family.getDeclaredFields()) {
                if (f.getType() != OpDef.class || !Modifier.isStatic(f.getModifiers())) continue;
                try {
                    own.add((OpDef) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("Primitives: cannot read " + family.getSimpleName() + "." + f.getName(), e);
                }
            }
            own.sort(Comparator.comparingInt(d -> d.seq));
            defs.addAll(own);
        }
        return List.copyOf(defs);
    }
}
