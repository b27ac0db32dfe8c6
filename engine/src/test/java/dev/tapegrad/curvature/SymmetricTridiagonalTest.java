package dev.tapegrad.curvature;

import static org.junit.jupiter.api.Assertions.*;

import dev.tapegrad.Generator;
import org.junit.jupiter.api.Test;

/** The tridiagonal eigensolver against a closed-form spectrum, {@code Linalg.eigh} of the dense matrix and its own definition. */
class SymmetricTridiagonalTest {

    @Test
    void secondDifferenceMatrixHasItsClosedFormSpectrum() {
        int m = 40; // tridiag(−1, 2, −1): λ_k = 2 − 2cos(kπ/(m+1))
        double[] a = new double[m], b = new double[m - 1];
        java.util.Arrays.fill(a, 2);
        java.util.Arrays.fill(b, -1);
        double[] got = SymmetricTridiagonal.eigen(a, b).values();
        for (int k = 1; k <= m; k++) assertEquals(2 - 2 * Math.cos(k * Math.PI / (m + 1)), got[k - 1], 1e-13);
    }

    @Test
    void randomMatricesAreDiagonalisedByOrthonormalEigenvectors() {
        Generator gen = new Generator(3);
        for (int m : new int[] {1, 2, 3, 7, 25, 60}) {
            double[] a = new double[m], b = new double[m - 1];
            for (int i = 0; i < m; i++) a[i] = gen.nextGaussian() * 3;
            for (int i = 0; i < m - 1; i++) b[i] = i % 5 == 4 ? 0 : gen.nextGaussian(); // some exact zeros: split blocks
            SymmetricTridiagonal.Eigen e = SymmetricTridiagonal.eigen(a, b);
            double[][] z = e.vectors();
            double[][] dense = new double[m][m];
            for (int i = 0; i < m; i++) {
                dense[i][i] = a[i];
                if (i + 1 < m) dense[i][i + 1] = dense[i + 1][i] = b[i];
            }
            assertArrayEquals(Problems.eigenvalues(dense), e.values(), 1e-12, "m = " + m);
            for (int j = 0; j < m; j++) {
                double[] col = new double[m];
                for (int i = 0; i < m; i++) col[i] = z[i][j];
                double[] tz = Problems.times(dense, col);
                for (int i = 0; i < m; i++) assertEquals(e.values()[j] * col[i], tz[i], 1e-12, "T z = λ z, m = " + m);
                for (int k = 0; k < m; k++) {
                    double d = 0;
                    for (int i = 0; i < m; i++) d += z[i][j] * z[i][k];
                    assertEquals(j == k ? 1 : 0, d, 1e-12, "ZᵀZ = I, m = " + m);
                }
            }
            for (int j = 1; j < m; j++) assertTrue(e.values()[j - 1] <= e.values()[j], "ascending");
        }
    }

    @Test
    void repeatedAndZeroEigenvaluesAreHandled() {
        SymmetricTridiagonal.Eigen e = SymmetricTridiagonal.eigen(new double[] {0, 0, 0, 5}, new double[] {0, 0, 0});
        assertArrayEquals(new double[] {0, 0, 0, 5}, e.values(), 0);
        SymmetricTridiagonal.Eigen g = SymmetricTridiagonal.eigen(new double[] {1, 1}, new double[] {1e-300});
        assertArrayEquals(new double[] {1, 1}, g.values(), 1e-15);
    }

    @Test
    void badInputIsRefusedWithItsSizes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SymmetricTridiagonal.eigen(new double[] {1, 2}, new double[] {1, 2}));
        assertTrue(e.getMessage().contains("2 and 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SymmetricTridiagonal.eigen(new double[0], new double[0]));
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> SymmetricTridiagonal.eigen(new double[] {1, Double.NaN}, new double[] {1}));
        assertTrue(nan.getMessage().contains("NaN"), nan.getMessage());
    }

    @Test
    void theResultIsACopyInAndOut() {
        double[] a = {2, 1}, b = {1};
        SymmetricTridiagonal.Eigen e = SymmetricTridiagonal.eigen(a, b);
        assertArrayEquals(new double[] {2, 1}, a, 0, "the input is not changed");
        double[] values = e.values();
        values[0] = 99;
        e.vectors()[0][0] = 99;
        assertNotEquals(99, e.values()[0]);
        assertNotEquals(99, e.vectors()[0][0]);
    }
}
