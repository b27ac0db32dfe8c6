package dev.tapegrad;

import static dev.tapegrad.LinalgSamples.*;

import dev.tapegrad.check.Gen;
import dev.tapegrad.check.GradCheck;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Temporary: reverse-mode rules of the linear-algebra ops against central differences. */
class LinalgGradientTest {
    record Entry(String name, Gen<List<Tensor>> inputs, Function<List<Tensor>, Tensor> f) {}

    static final List<Entry> ENTRIES = List.of(
            new Entry("solve", shapes("nxn", "nxp"), xs -> Linalg.solve(invertible(xs.get(0)), xs.get(1))),
            new Entry("solve/vector", shapes("nxn", "n"), xs -> Linalg.solve(invertible(xs.get(0)), xs.get(1))),
            new Entry("triangularSolve/lower", shapes("nxn", "nxp"), xs -> Linalg.triangularSolve(invertible(xs.get(0)), xs.get(1), Linalg.Triangle.LOWER)),
            new Entry("triangularSolve/upper-right-unit", shapes("nxn", "pxn"), xs -> Linalg.triangularSolve(xs.get(0), xs.get(1),
                    Linalg.TriangularSolveOptions.builder(Linalg.Triangle.UPPER).right().unitDiagonal().build())),
            new Entry("inverse", shapes("nxn"), xs -> Linalg.inverse(invertible(xs.get(0)))),
            new Entry("det", shapes("nxn"), xs -> Linalg.det(invertible(xs.get(0)).div(MatrixBatch.cols(xs.get(0)) * 2 + 1))),
            new Entry("logdet", shapes("nxn"), xs -> Linalg.logdet(invertible(xs.get(0)))),
            new Entry("slogdet", shapes("nxn"), xs -> Linalg.slogdet(invertible(xs.get(0)).neg()).logAbsDet()),
            new Entry("cholesky", shapes("nxn"), xs -> Linalg.cholesky(positiveDefinite(xs.get(0)))),
            new Entry("qr/q", shapes("n+pxn"), xs -> Linalg.qr(fullColumnRank(xs.get(0))).q()),
            new Entry("qr/r", shapes("n+pxn"), xs -> Linalg.qr(fullColumnRank(xs.get(0))).r()),
            new Entry("qr/square-q", shapes("nxn"), xs -> Linalg.qr(fullColumnRank(xs.get(0))).q()),
            new Entry("eigh/values", shapes("nxn"), xs -> Linalg.eigh(separatedSymmetric(xs.get(0))).values()),
            new Entry("eigh/vectors", shapes("nxn"), xs -> Linalg.eigh(separatedSymmetric(xs.get(0))).vectors()),
            new Entry("svd/s", shapes("n+pxn"), xs -> Linalg.svd(separatedSingular(xs.get(0))).s()),
            new Entry("svd/u-tall", shapes("n+pxn"), xs -> Linalg.svd(separatedSingular(xs.get(0))).u()),
            new Entry("svd/vh-tall", shapes("n+pxn"), xs -> Linalg.svd(separatedSingular(xs.get(0))).vh()),
            new Entry("svd/u-wide", shapes("nxn+p"), xs -> Linalg.svd(separatedSingular(xs.get(0))).u()),
            new Entry("svd/vh-wide", shapes("nxn+p"), xs -> Linalg.svd(separatedSingular(xs.get(0))).vh()),
            new Entry("svd/square", shapes("nxn"), xs -> {
                Linalg.Svd s = Linalg.svd(separatedSingular(xs.get(0)));
                return s.u().add(s.vh()).add(s.s().unsqueeze(-1));
            }));

    @TestFactory
    Stream<DynamicTest> rulesMatchCentralDifferences() {
        return ENTRIES.stream().map(e -> DynamicTest.dynamicTest(e.name(), () -> {
            Generator gen = new Generator(42);
            for (int draw = 0; draw < 6; draw++) {
                List<Tensor> xs = e.inputs().sample(gen);
                GradCheck.check(e.f(), xs, GradCheck.Options.DEFAULT);
                GradCheck.checkSecondOrder(e.f(), xs, GradCheck.Options.DEFAULT);
            }
        }));
    }
}
