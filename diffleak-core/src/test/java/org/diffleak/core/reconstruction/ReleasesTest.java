package org.diffleak.core.reconstruction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.diffleak.core.metrics.ImageSimilarity;
import org.junit.jupiter.api.Test;

class ReleasesTest {

    private static float[] image(long seed, int d) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[d];
        for (int i = 0; i < d; i++) {
            x[i] = (float) (2 * r.nextDouble() - 1);
        }
        return x;
    }

    private static float[] toPixels(float[] x) {
        float[] p = new float[x.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = (x[i] + 1) / 2;
        }
        return p;
    }

    @Test
    void noiselessReleasesGiveTheImageBackToEveryLinearAttack() {
        int d = 16 * 16;
        float[] x = image(1, d);
        float[] aux = new float[20 * d];
        for (int i = 0; i < 20; i++) {
            System.arraycopy(image(100 + i, d), 0, aux, i * d, d);
        }
        WienerReconstruction wiener = new WienerReconstruction(PixelStatistics.of(aux, 20, d));
        Observation img = new GaussianImageRelease(Math.sqrt(d), 0).release(x, new SplittableRandom(2));
        LinearLayerGradientRelease model = new LinearLayerGradientRelease(d, 32, 10, 1.0, 0, new SplittableRandom(3));
        Observation grad = model.extract(model.release(x, 4, new SplittableRandom(4)));
        for (Observation o : new Observation[] {img, grad}) {
            assertThat(o.noiseStd()).isZero();
            assertThat(ImageSimilarity.psnr(toPixels(NaiveReconstruction.reconstruct(o)), toPixels(x))).isGreaterThan(40);
            assertThat(ImageSimilarity.psnr(toPixels(wiener.reconstruct(o)), toPixels(x))).isGreaterThan(40);
        }
    }

    @Test
    void zeroNoiseGradientExtractionIsExactDespiteClipping() {
        int d = 28 * 28;
        float[] x = image(5, d);
        LinearLayerGradientRelease model = new LinearLayerGradientRelease(d, 64, 10, 0.01, 0, new SplittableRandom(6));
        LinearLayerGradientRelease.Gradient g = model.release(x, 2, new SplittableRandom(7));
        double norm = 0;
        for (float w : g.weight()) {
            norm += w * w;
        }
        assertThat(Math.sqrt(norm)).as("clipped to C").isLessThanOrEqualTo(0.01 + 1e-6);
        float[] y = model.extract(g).y();
        for (int j = 0; j < d; j++) {
            assertThat(y[j]).isCloseTo(x[j], within(1e-5f));
        }
    }

    @Test
    void noisyReleasesHaveTheStatedNoise() {
        int d = 28 * 28;
        float[] x = image(8, d);
        Observation img = new GaussianImageRelease(10, 0.05).release(x, new SplittableRandom(9));
        assertThat(img.noiseStd()).isEqualTo(0.5);
        // ‖x‖ ≈ 16 > C = 10: the release is x·10/‖x‖ + noise
        double norm = 0;
        for (float v : x) {
            norm += v * v;
        }
        double scale = 10 / Math.sqrt(norm);
        double resid = 0;
        for (int j = 0; j < d; j++) {
            double r = img.y()[j] - x[j] * scale;
            resid += r * r;
        }
        assertThat(Math.sqrt(resid / d)).isCloseTo(0.5, within(0.04));
        LinearLayerGradientRelease model = new LinearLayerGradientRelease(d, 64, 10, 1, 0.001, new SplittableRandom(6));
        // the stated σC/‖b̂‖ holds while the bias gradient's own noise is small beside it
        Observation o = model.extract(model.release(x, 1, new SplittableRandom(10)));
        double err = Math.sqrt(ImageSimilarity.mse(o.y(), x));
        assertThat(err).isCloseTo(o.noiseStd(), within(0.2 * o.noiseStd()));
    }

    @Test
    void wienerShrinksTowardsThePriorMeanAndBeatsNaiveUnderNoise() {
        int d = 64;
        int n = 400;
        SplittableRandom r = new SplittableRandom(11);
        // prior: x_j ~ N(0.2, 0.1²) per pixel
        float[] aux = new float[n * d];
        for (int i = 0; i < aux.length; i++) {
            aux[i] = (float) (0.2 + 0.1 * gauss(r));
        }
        PixelStatistics s = PixelStatistics.of(aux, n, d);
        assertThat(s.meanVariance()).isCloseTo(0.01, within(0.001));
        WienerReconstruction w = new WienerReconstruction(s);
        double naive = 0;
        double wiener = 0;
        for (int k = 0; k < 50; k++) {
            float[] x = new float[d];
            for (int j = 0; j < d; j++) {
                x[j] = (float) (0.2 + 0.1 * gauss(r));
            }
            Observation o = new GaussianImageRelease(100, 0.001).release(x, r);
            naive += ImageSimilarity.mse(o.y(), x);
            wiener += ImageSimilarity.mse(w.reconstruct(o), x);
        }
        // noise var 0.01 = prior var 0.01: MMSE = v s²/(v + s²) = 0.005, half the naive 0.01
        assertThat(naive / 50).isCloseTo(0.01, within(0.001));
        assertThat(wiener / 50).isCloseTo(0.005, within(0.0007));
    }

    @Test
    void boundsAndKappa() {
        assertThat(PriorFreeBound.mse(0.2)).isCloseTo(0.01, within(1e-12));
        assertThat(PriorFreeBound.psnr(0.2)).isCloseTo(20, within(1e-9));
        assertThat(PriorFreeBound.psnr(0)).isInfinite();
    }

    /**
     * κ is the best single guess, not an average: of 10 auxiliary images one (0.9) sits within η of 80% of the
     * targets, the other nine and the mean of none. A random auxiliary image hits 8% of the time; κ must be
     * near 0.8, picked on one half of the targets and measured on the other.
     */
    @Test
    void kappaIsTheBestSingleGuessOnHeldOutTargets() {
        int d = 4;
        int nAux = 10;
        float[] aux = new float[nAux * d];
        for (int k = 0; k < nAux; k++) {
            java.util.Arrays.fill(aux, k * d, (k + 1) * d, k == 7 ? 0.9f : 0.05f * k);
        }
        int n = 40;
        float[] targets = new float[n * d];
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(targets, i * d, (i + 1) * d, i % 5 == 0 ? 0.6f : 0.88f);
        }
        PriorBaseline.Kappa k = PriorBaseline.estimate(aux, nAux, targets, n, d, 0.01, new SplittableRandom(1));
        assertThat(k.bestGuess()).isEqualTo(7);
        assertThat(k.heldOut()).isEqualTo(20);
        assertThat(k.randomGuessRate()).isCloseTo(0.8 / nAux, within(1e-12));
        assertThat(k.meanGuessRate()).isZero();
        // the held-out half holds 16 hits or so of 20: Wilson's interval around it
        assertThat(k.kappa()).isBetween(0.6, 1.0).isGreaterThan(5 * k.randomGuessRate());
        assertThat(k.lower()).isLessThan(k.kappa());
        assertThat(k.upper()).isGreaterThan(k.kappa());
        // nothing within η: the resolution of the held-out half
        PriorBaseline.Kappa none = PriorBaseline.estimate(aux, nAux, targets, n, d, 1e-9, new SplittableRandom(1));
        assertThat(none.kappa()).isCloseTo(1.0 / 21, within(1e-12));
        assertThat(none.lower()).isZero();
    }

    @Test
    void wilsonIntervalMatchesTheClosedForm() {
        // 16 of 20: centre (0.8 + 1.92/20) / (1 + 3.84/20), the textbook [0.584, 0.919]
        double[] w = PriorBaseline.wilson(16, 20);
        assertThat(w[0]).isCloseTo(0.5840, within(5e-4));
        assertThat(w[1]).isCloseTo(0.9193, within(5e-4));
    }

    private static double gauss(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}
