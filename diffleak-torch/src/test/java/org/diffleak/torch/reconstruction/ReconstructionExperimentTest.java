package org.diffleak.torch.reconstruction;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.diffleak.core.membership.blackbox.ImageEncoder;
import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.reconstruction.ReconstructionResults;
import org.diffleak.core.reconstruction.ReconstructionResults.Level;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.torch.NativeTest;
import org.diffleak.torch.reconstruction.DiffusionPriorReconstruction.Process;
import org.diffleak.torch.reconstruction.ReconstructionExperiment.Mechanism;
import org.junit.jupiter.api.Test;

class ReconstructionExperimentTest extends NativeTest {

    /** Features: the pixels themselves and their square, so the distance sees any difference. */
    private static final ImageEncoder PIXELS = (images, n) -> {
        int d = images.length / n;
        float[][] f = new float[n][2 * d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                f[i][j] = images[i * d + j];
                f[i][d + j] = images[i * d + j] * images[i * d + j];
            }
        }
        return f;
    };

    private static ImageDataset images(String name, int n, long seed, float[] a, float[] b) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] px = new float[n * 256];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            boolean first = r.nextBoolean();
            float[] src = first ? a : b;
            labels[i] = first ? 0 : 1;
            for (int j = 0; j < 256; j++) {
                px[i * 256 + j] = (src[j] + 1) / 2;
            }
        }
        return ImageDataset.of(name, 1, 16, 16, px, labels);
    }

    @Test
    void noiselessReleaseReturnsEveryImageAndNoiseHidesIt() {
        float[] a = new float[256];
        float[] b = new float[256];
        for (int j = 0; j < 256; j++) {
            a[j] = (float) (0.8 * Math.sin(0.9 * j));
            b[j] = (float) (0.8 * Math.sin(0.9 * j + 2));
        }
        TwoPointPrior prior = new TwoPointPrior(a, b);
        ImageDataset targets = images("targets", 6, 1, a, b);
        ImageDataset aux = images("aux", 40, 2, a, b);
        for (Mechanism mech : Mechanism.values()) {
            var settings = new ReconstructionExperiment.Settings(mech, new double[] {0.5, Double.POSITIVE_INFINITY},
                    1e-5, 1, 1, mech == Mechanism.IMAGE ? 16 : 1, 16, 0.01, 2000, 3,
                    new DiffusionPriorReconstruction.Settings(Process.DDIM, 10, 1, 2, 0, 64, Double.POSITIVE_INFINITY), 0, 3);
            ReconstructionResults r = new ReconstructionExperiment(settings).run(prior, targets, aux, PIXELS, manager,
                    t -> ProgressListener.NONE);
            Level noisy = r.levels().get(0);
            Level exact = r.levels().get(1);
            assertThat(exact.noiseMultiplier()).isZero();
            assertThat(noisy.noiseMultiplier()).isGreaterThan(1);
            for (int at = 0; at < r.attacks().size(); at++) {
                for (var m : exact.metrics().get(at)) {
                    assertThat(m.psnr()).as("%s %s", mech, r.attacks().get(at)).isGreaterThanOrEqualTo(40);
                    assertThat(m.encoderDistance()).isLessThan(1e-6);
                }
                assertThat(exact.summary(at).successRate()).isEqualTo(1.0);
            }
            // ε = 0.5: the naive observation is noise, far beyond η; the two-point prior still lands on a or b
            assertThat(noisy.summary(0).successRate()).isZero();
            assertThat(noisy.priorFreeMse()).isGreaterThan(noisy.summary(1).mse());
            assertThat(noisy.reroMc().gamma()).isBetween(0.0, 1.0);
            // q = 1, T = 1: one Gaussian release is exactly (1/σ)-GDP
            assertThat(noisy.mu()).isCloseTo(1 / noisy.noiseMultiplier(), org.assertj.core.api.Assertions.within(1e-12));
            // targets alternate a and b: the best single guess hits half of them; κ, measured on 3 held-out
            // targets, is 0, 1/3, 2/3 or 1, and its 95% interval holds 0.5
            assertThat(r.kappa().lower()).isLessThanOrEqualTo(0.5);
            assertThat(r.kappa().upper()).isGreaterThanOrEqualTo(0.5);
            assertThat(r.kappa().heldOut()).isEqualTo(3);
            assertThat(noisy.panels()).hasSize(6);
            assertThat(noisy.errorMaps()).hasSize(3);
        }
    }
}
