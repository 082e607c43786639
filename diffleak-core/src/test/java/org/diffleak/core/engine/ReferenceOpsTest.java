package org.diffleak.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReferenceOpsTest {

    private static double[] random(SplittableRandom r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian();
        }
        return v;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @Test
    void convolutionOfAHandWorkedExample() {
        // 1×1×3×3 image 1..9, one 3×3 kernel of ones, zero padding: each output sums its neighbourhood
        double[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        double[] w = {1, 1, 1, 1, 1, 1, 1, 1, 1};
        assertThat(ReferenceOps.conv2d(x, w, new double[] {0.5}, 1, 1, 3, 1, 3, 1))
                .containsExactly(12.5, 21.5, 16.5, 27.5, 45.5, 33.5, 24.5, 39.5, 28.5);
        // stride 2 keeps the corners (and the padding k/2 = 1): outputs at (0,0), (0,2), (2,0), (2,2)
        assertThat(ReferenceOps.conv2d(x, w, new double[] {0}, 1, 1, 3, 1, 3, 2)).containsExactly(12, 16, 24, 28);
    }

    @Test
    void gradientsAreTheAdjointsOfTheConvolution() {
        // ⟨W ⋆ x, g⟩ = ⟨x, ∂/∂x⟩ = ⟨W, ∂/∂W⟩ for a bias-free convolution, linear in x and in W
        SplittableRandom r = new SplittableRandom(1);
        for (int[] c : new int[][] {{2, 3, 5, 7, 3, 1}, {3, 4, 6, 2, 3, 2}, {2, 5, 4, 3, 1, 1}}) {
            int n = c[0];
            int cin = c[1];
            int h = c[2];
            int cout = c[3];
            int k = c[4];
            int s = c[5];
            int ho = ReferenceOps.outSize(h, k, s);
            double[] x = random(r, n * cin * h * h);
            double[] w = random(r, cout * cin * k * k);
            double[] g = random(r, n * cout * ho * ho);
            double lhs = dot(ReferenceOps.conv2d(x, w, new double[cout], n, cin, h, cout, k, s), g);
            assertThat(dot(x, ReferenceOps.conv2dInputGradient(g, w, n, cin, h, cout, k, s))).isCloseTo(lhs, within(1e-9));
            assertThat(dot(w, ReferenceOps.conv2dWeightGradient(g, x, n, cin, h, cout, k, s))).isCloseTo(lhs, within(1e-9));
        }
    }

    @Test
    void linearAttentionAndGroupNormMatchTheirDefinitions() {
        assertThat(ReferenceOps.linear(new double[] {1, 2}, new double[] {3, 4, 5, 6}, new double[] {1, -1}, 1, 2, 2))
                .containsExactly(12, 16);
        // identical keys: every query attends uniformly, so each output is the mean of v over positions
        double[] q = {1, -2, 3};
        double[] k = {2, 2, 2};
        double[] v = {1, 2, 6};
        assertThat(ReferenceOps.attention(q, k, v, 1, 1, 3)).containsExactly(3, 3, 3);
        // γ = 1, β = 0: each group has mean 0 and variance 1 (up to ε)
        SplittableRandom r = new SplittableRandom(2);
        double[] x = random(r, 2 * 4 * 5);
        double[] y = ReferenceOps.groupNorm(x, new double[] {1, 1, 1, 1}, new double[4], 2, 4, 5, 2, 0);
        for (int grp = 0; grp < 4; grp++) {
            double mean = 0;
            double sq = 0;
            for (int i = 0; i < 10; i++) {
                mean += y[grp * 10 + i] / 10;
                sq += y[grp * 10 + i] * y[grp * 10 + i] / 10;
            }
            assertThat(mean).isCloseTo(0, within(1e-12));
            assertThat(sq).isCloseTo(1, within(1e-12));
        }
    }

    @Test
    void relativeErrorFlagsNonFiniteResults() {
        assertThat(ReferenceOps.relativeError(new float[] {1, 2.5f}, new double[] {1, 2})).isCloseTo(0.25, within(1e-12));
        assertThat(ReferenceOps.relativeError(new float[] {1, Float.NaN}, new double[] {1, 2})).isInfinite();
        assertThat(CheckResult.of("x", "p", Double.POSITIVE_INFINITY).ok()).isFalse();
        assertThat(CheckResult.of("x", "p", 2e-4).ok()).isFalse();
        assertThat(CheckResult.of("x", "p", 3e-6).ok()).isTrue();
    }

    @Test
    void theCacheKeyChangesWithEveryEngineFact() {
        HostFingerprint a = new HostFingerprint("cpu", "avx2", Map.of("threads", "1", "pytorch", "2.7.1"));
        HostFingerprint b = new HostFingerprint("cpu", "avx2", Map.of("threads", "2", "pytorch", "2.7.1"));
        HostFingerprint c = new HostFingerprint("cpu", "avx512f", Map.of("threads", "1", "pytorch", "2.7.1"));
        assertThat(a.key()).isEqualTo(new HostFingerprint("cpu", "avx2", Map.of("pytorch", "2.7.1", "threads", "1")).key());
        assertThat(a.key()).isNotEqualTo(b.key()).isNotEqualTo(c.key());
    }
}
