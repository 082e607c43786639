package org.diffleak.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ImageSimilarityTest {

    private static final double C1 = 1e-4;

    @Test
    void identicalImages() {
        float[] a = random(new SplittableRandom(1), 3 * 32 * 32);
        assertThat(ImageSimilarity.ssim(a, a.clone(), 3, 32, 32)).isCloseTo(1, within(1e-12));
        assertThat(ImageSimilarity.mse(a, a.clone())).isZero();
        assertThat(ImageSimilarity.psnr(a, a.clone())).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(ImageSimilarity.cosine(a, a.clone())).isCloseTo(1, within(1e-15));
    }

    @Test
    void constantImagesLeaveOnlyTheLuminanceTerm() {
        // σ_x = σ_y = σ_xy = 0, so S = (2ab + C₁)/(a² + b² + C₁) · C₂/C₂ at every pixel
        float a = 0.2f;
        float b = 0.7f;
        float[] x = new float[28 * 28];
        float[] y = new float[28 * 28];
        Arrays.fill(x, a);
        Arrays.fill(y, b);
        double expected = (2.0 * a * b + C1) / ((double) a * a + (double) b * b + C1);
        assertThat(ImageSimilarity.ssim(x, y, 1, 28, 28)).isCloseTo(expected, within(1e-12));
        // 0.2 vs 0.7 in full precision: (0.28 + 1e-4)/(0.53 + 1e-4)
        assertThat(expected).isCloseTo(0.2801 / 0.5301, within(1e-7));
        assertThat(ImageSimilarity.ssim(new float[121], new float[121], 1, 11, 11)).isEqualTo(1);
    }

    @Test
    void symmetric() {
        SplittableRandom r = new SplittableRandom(2);
        float[] a = random(r, 2 * 20 * 17);
        float[] b = random(r, 2 * 20 * 17);
        assertThat(ImageSimilarity.ssim(a, b, 2, 20, 17)).isEqualTo(ImageSimilarity.ssim(b, a, 2, 20, 17));
        assertThat(ImageSimilarity.ssim(a, b, 2, 20, 17)).isBetween(-1.0, 1.0);
    }

    @Test
    void knownMseAndPsnr() {
        // differences 0.5, 0, 0, 0 → MSE 0.0625 → PSNR = 10 log₁₀ 16 = 12.0412 dB
        float[] a = {0.5f, 0.25f, 1f, 0f};
        float[] b = {0f, 0.25f, 1f, 0f};
        assertThat(ImageSimilarity.mse(a, b)).isEqualTo(0.0625);
        assertThat(ImageSimilarity.psnr(a, b)).isCloseTo(10 * Math.log10(16), within(1e-12));
        assertThat(ImageSimilarity.psnr(a, b)).isCloseTo(12.0412, within(1e-4));
    }

    @Test
    void equalsAFullWindowReferenceWithReflectBorders() {
        SplittableRandom r = new SplittableRandom(3);
        for (int[] shape : new int[][] {{1, 28, 28}, {3, 32, 32}, {1, 11, 11}, {2, 13, 24}}) {
            int n = shape[0] * shape[1] * shape[2];
            float[] a = random(r, n);
            float[] b = a.clone();
            for (int i = 0; i < n; i++) {
                b[i] = (float) Math.min(1, Math.max(0, a[i] + 0.2 * r.nextGaussian()));
            }
            float[] c = random(r, n);
            assertThat(ImageSimilarity.ssim(a, b, shape[0], shape[1], shape[2]))
                    .isCloseTo(referenceSsim(a, b, shape[0], shape[1], shape[2]), within(1e-6));
            assertThat(ImageSimilarity.ssim(a, c, shape[0], shape[1], shape[2]))
                    .isCloseTo(referenceSsim(a, c, shape[0], shape[1], shape[2]), within(1e-6));
        }
    }

    @Test
    void pinnedAgainstScipy() {
        // scikit-image's recipe (use_sample_covariance=False, gaussian_weights, sigma 1.5, data_range 1) run in
        // float64 with scipy.ndimage.gaussian_filter(sigma=1.5, truncate=3.5, mode='reflect') on these images
        for (Object[] c : new Object[][] {{1, 28, 28, 0.9655063708720233, 0.005116850682903802},
                {3, 32, 32, 0.9669839572145049, 0.005190461602503264}, {1, 11, 11, 0.9218872557479293,
                        0.00524235758051533}}) {
            int ch = (int) c[0];
            int h = (int) c[1];
            int w = (int) c[2];
            float[][] ab = patterned(ch, h, w);
            assertThat(ImageSimilarity.ssim(ab[0], ab[1], ch, h, w)).isCloseTo((double) c[3], within(1e-12));
            assertThat(ImageSimilarity.mse(ab[0], ab[1])).isCloseTo((double) c[4], within(1e-15));
        }
    }

    @Test
    void cosine() {
        assertThat(ImageSimilarity.cosine(new float[] {1, 0}, new float[] {0, 3})).isZero();
        assertThat(ImageSimilarity.cosine(new float[] {1, 2, 2}, new float[] {2, 4, 4})).isEqualTo(1);
        assertThat(ImageSimilarity.cosine(new float[] {1, 2, 2}, new float[] {-1, -2, -2})).isEqualTo(-1);
        // (1·2 + 2·0 + 2·1)/(3·√5)
        assertThat(ImageSimilarity.cosine(new float[] {1, 2, 2}, new float[] {2, 0, 1}))
                .isCloseTo(4 / (3 * Math.sqrt(5)), within(1e-15));
        assertThatThrownBy(() -> ImageSimilarity.cosine(new float[] {0, 0}, new float[] {1, 0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zero vector");
    }

    @Test
    void badInput() {
        float[] a = new float[28 * 28];
        assertThatThrownBy(() -> ImageSimilarity.ssim(new float[100], new float[100], 1, 10, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 11×11")
                .hasMessageContaining("10×10");
        assertThatThrownBy(() -> ImageSimilarity.ssim(a, a, 3, 28, 28))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 2352 values, got 784");
        assertThatThrownBy(() -> ImageSimilarity.mse(a, new float[3]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("784 vs 3");
        assertThatThrownBy(() -> ImageSimilarity.psnr(new float[0], new float[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        float[] nan = a.clone();
        nan[17] = Float.NaN;
        assertThatThrownBy(() -> ImageSimilarity.ssim(a, nan, 1, 28, 28))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("b[17] is NaN");
        assertThatThrownBy(() -> ImageSimilarity.psnr(nan, a))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a[17] is NaN");
    }

    /** Two [C, H, W] images from integer patterns, built the same way in the SciPy script. */
    private static float[][] patterned(int channels, int height, int width) {
        float[] a = new float[channels * height * width];
        float[] b = new float[a.length];
        for (int c = 0, i = 0; c < channels; c++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++, i++) {
                    int ai = (c * 50 + 3 * y * y + 5 * x + (x * y) % 7 * 20) % 256;
                    int bi = Math.min(255, Math.max(0, ai + ((x * 3 + y * 5 + c) % 11 - 5) * 6));
                    a[i] = ai / 255f;
                    b[i] = bi / 255f;
                }
            }
        }
        return new float[][] {a, b};
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextDouble();
        }
        return v;
    }

    /**
     * SSIM written out the slow way: pad each channel by 5 with 'reflect' (d c b a | a b c d), weigh the explicit
     * 11 × 11 window g(u)g(v) at every pixel of the whole image, then average the map inside a 5-pixel crop.
     */
    private static double referenceSsim(float[] a, float[] b, int channels, int height, int width) {
        double[][] g = new double[11][11];
        double sum = 0;
        for (int u = 0; u < 11; u++) {
            for (int v = 0; v < 11; v++) {
                g[u][v] = Math.exp(-((u - 5) * (u - 5) + (v - 5) * (v - 5)) / (2 * 1.5 * 1.5));
                sum += g[u][v];
            }
        }
        double total = 0;
        for (int c = 0; c < channels; c++) {
            double[][] map = new double[height][width];
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    double mx = 0;
                    double my = 0;
                    double mxx = 0;
                    double myy = 0;
                    double mxy = 0;
                    for (int u = 0; u < 11; u++) {
                        for (int v = 0; v < 11; v++) {
                            int i = c * height * width + reflect(y + u - 5, height) * width + reflect(x + v - 5, width);
                            double w = g[u][v] / sum;
                            mx += w * a[i];
                            my += w * b[i];
                            mxx += w * a[i] * a[i];
                            myy += w * b[i] * b[i];
                            mxy += w * a[i] * b[i];
                        }
                    }
                    double vx = mxx - mx * mx;
                    double vy = myy - my * my;
                    double vxy = mxy - mx * my;
                    map[y][x] = (2 * mx * my + C1) * (2 * vxy + 9e-4) / ((mx * mx + my * my + C1) * (vx + vy + 9e-4));
                }
            }
            double s = 0;
            for (int y = 5; y < height - 5; y++) {
                for (int x = 5; x < width - 5; x++) {
                    s += map[y][x];
                }
            }
            total += s / ((height - 10) * (width - 10));
        }
        return total / channels;
    }

    /** scipy.ndimage 'reflect': −1 → 0, −2 → 1, n → n − 1. */
    private static int reflect(int i, int n) {
        return i < 0 ? -i - 1 : i >= n ? 2 * n - i - 1 : i;
    }
}
