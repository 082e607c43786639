package org.diffleak.core.property;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FrechetDistanceTest {

    static double[][] a() {
        double[][] a = new double[40][5];
        for (int i = 0; i < 40; i++) {
            for (int j = 0; j < 5; j++) {
                a[i][j] = Math.sin(0.3 * i + 0.7 * j * j + 0.1 * i * j);
            }
        }
        return a;
    }

    static double[][] b() {
        double[][] b = new double[30][5];
        for (int i = 0; i < 30; i++) {
            for (int j = 0; j < 5; j++) {
                b[i][j] = Math.cos(0.2 * i + 0.5 * j) + 0.3 * Math.sin(1.3 * i * j + j);
            }
        }
        return b;
    }

    /**
     * Pinned from scipy 1.x on the same rows: ((ma-mb)**2).sum() + trace(ca + cb - 2 sqrtm(ca @ cb)) with
     * np.cov (n − 1) covariances.
     */
    @Test
    void matchesScipy() {
        assertThat(FrechetDistance.of(a(), b())).isCloseTo(1.4862497969252817, within(1e-9));
    }

    @Test
    void zeroOnIdenticalSetsAndSymmetric() {
        assertThat(FrechetDistance.of(a(), a())).isCloseTo(0, within(1e-9));
        assertThat(FrechetDistance.of(b(), a())).isCloseTo(FrechetDistance.of(a(), b()), within(1e-9));
    }

    /** Two Gaussians N(0, I) and N(m, 4I) in d dimensions: d² = ‖m‖² + d(1 + 4 − 2·2) = ‖m‖² + d. */
    @Test
    void closedFormForIsotropicGaussians() {
        SplittableRandom rng = new SplittableRandom(3);
        int n = 20000;
        int d = 3;
        double[][] x = new double[n][d];
        double[][] y = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] = rng.nextGaussian();
                y[i][j] = 1 + 2 * rng.nextGaussian();
            }
        }
        assertThat(FrechetDistance.of(x, y)).isCloseTo(3 + 3, within(0.15));
    }

    @Test
    void eigenvaluesOfCovarianceMatchNumpy() {
        double[][] c = FrechetDistance.covariance(a(), FrechetDistance.mean(a()));
        double[] l = SymmetricEigen.of(c).values().clone();
        java.util.Arrays.sort(l);
        assertThat(l).containsExactly(new double[] {0.12978427, 0.31038833, 0.63895676, 0.69796612, 0.7557505},
                within(1e-7));
    }
}
