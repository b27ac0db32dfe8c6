package dev.tapegrad;

import static org.junit.jupiter.api.Assertions.*;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import java.util.stream.Stream;

/**
 * Bad input gets a clear exception naming the op (and the shapes, where shapes are the problem), never a
 * silently wrong result. Each case states the exception type and the fragments its message must contain.
 */
class BadInputTest {

    private record Case(Class<? extends RuntimeException> type, Supplier<?> call, String... fragments) {}

    private static final Tensor M = Tensor.zeros(DType.FLOAT64, 2, 3);
    private static final Tensor V = Tensor.zeros(DType.FLOAT64, 4);
    private static final Tensor I = Tensor.of(new int[] {0, 5});

    @TestFactory
    Stream<DynamicTest> badInputIsRefusedClearly() {
        Map<String, Case> cases = new LinkedHashMap<>();
        Class<IllegalArgumentException> iae = IllegalArgumentException.class;
        Class<IndexOutOfBoundsException> oob = IndexOutOfBoundsException.class;
        cases.put("broadcast mismatch", new Case(iae, () -> M.add(V), "add", "[2, 3]", "[4]"));
        cases.put("dtype mismatch", new Case(iae, () -> M.mul(M.to(DType.FLOAT32)), "mul", "float64", "float32"));
        cases.put("int tensor in float op", new Case(iae, () -> I.exp(), "exp", "int32"));
        cases.put("sum axis out of range", new Case(iae, () -> M.sum(2), "sum", "2"));
        cases.put("mean axis out of range", new Case(iae, () -> M.mean(-3), "mean", "-3"));
        cases.put("max repeated axis", new Case(iae, () -> M.max(new int[] {0, -2}, false), "max"));
        cases.put("softmax axis", new Case(iae, () -> M.softmax(4), "softmax", "4"));
        cases.put("cumsum axis", new Case(iae, () -> M.cumsum(7), "cumsum", "7"));
        cases.put("argmax axis", new Case(iae, () -> M.argmax(2, false), "argmax"));
        cases.put("reshape count", new Case(iae, () -> M.reshape(4, 2), "reshape", "[2, 3]", "[4, 2]"));
        cases.put("view of transposed", new Case(iae, () -> M.t().view(6), "view", "[3, 2]"));
        cases.put("permute arity", new Case(iae, () -> M.permute(0), "permute", "[2, 3]"));
        cases.put("transpose axis", new Case(iae, () -> M.transpose(0, 2), "transpose", "2"));
        cases.put("squeeze non-1 axis", new Case(iae, () -> M.squeeze(0), "squeeze", "[2, 3]"));
        cases.put("expand incompatible", new Case(iae, () -> M.expand(4, 3), "expand", "[2, 3]", "[4, 3]"));
        cases.put("slice step", new Case(iae, () -> M.slice(0, 0, 2, 0), "slice", "step"));
        cases.put("select index", new Case(oob, () -> M.select(1, 3), "select", "3"));
        cases.put("matmul inner", new Case(iae, () -> M.matmul(M), "matmul", "[2, 3]"));
        cases.put("matmul dtype", new Case(iae, () -> M.matmul(M.t().to(DType.FLOAT32)), "matmul"));
        cases.put("gather index range", new Case(oob, () -> M.gather(1, Tensor.of(new int[] {0, 3}, 2, 1)), "gather", "3"));
        cases.put("gather index dtype", new Case(iae, () -> M.gather(1, M), "gather"));
        cases.put("indexSelect range", new Case(oob, () -> M.indexSelect(0, I), "indexSelect", "5"));
        cases.put("embedding range", new Case(oob, () -> Tensor.embedding(M, I), "5"));
        cases.put("oneHot range", new Case(oob, () -> I.oneHot(3), "oneHot", "5"));
        cases.put("scatterAdd shapes", new Case(iae, () -> M.scatterAdd(0, Tensor.of(new int[] {0}, 1, 1, 1), M), "scatterAdd"));
        cases.put("concat shapes", new Case(iae, () -> Tensor.concat(0, M, V), "concat"));
        cases.put("stack shapes", new Case(iae, () -> Tensor.stack(0, M, M.t()), "stack"));
        cases.put("where mask dtype", new Case(iae, () -> Tensor.where(M, M, M), "where", "bool"));
        cases.put("clamp bounds", new Case(iae, () -> M.clamp(1, -1), "clamp"));
        cases.put("norm p", new Case(iae, () -> M.norm(-1), "norm"));
        cases.put("of size", new Case(iae, () -> Tensor.of(new double[] {1, 2, 3}, 2, 2), "[2, 2]"));
        cases.put("get index", new Case(oob, () -> M.get(2, 0), "get", "[2, 3]"));
        cases.put("item of many", new Case(IllegalStateException.class, () -> M.item(), "item", "[2, 3]"));
        return cases.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            Case c = e.getValue();
            RuntimeException ex = assertThrows(c.type(), c.call::get);
            String msg = String.valueOf(ex.getMessage());
            for (String f : c.fragments()) assertTrue(msg.contains(f), "message lacks '" + f + "': " + msg);
        }));
    }
}
