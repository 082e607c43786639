package org.diffleak.torch.reconstruction;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.diffleak.core.metrics.ImageSimilarity;
import org.diffleak.core.reconstruction.GaussianImageRelease;
import org.diffleak.core.reconstruction.Observation;
import org.diffleak.core.diffusion.NoiseSchedule;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.core.util.Seeds;
import org.diffleak.torch.NativeTest;
import org.diffleak.torch.diffusion.Denoiser;
import org.diffleak.torch.reconstruction.DiffusionPriorReconstruction.Process;
import org.diffleak.torch.reconstruction.DiffusionPriorReconstruction.Settings;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("conv")
class DiffusionPriorReconstructionTest extends NativeTest {

    private static final NoiseSchedule S = TwoPointPrior.S;
    private static final int DIM = 16;

    private static float[] pattern(double phase) {
        float[] x = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            x[i] = (float) (0.8 * Math.sin(0.9 * i + phase));
        }
        return x;
    }

    private static float[] pixels(float[] x, int offset) {
        float[] p = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            p[i] = (x[offset + i] + 1) / 2;
        }
        return p;
    }

    private Observation[] observe(float[] x, int n, double sigma) {
        Observation[] o = new Observation[n];
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < n; i++) {
            o[i] = new GaussianImageRelease(4, sigma).release(x, r);
        }
        return o;
    }

    private DiffusionPriorReconstruction.Result run(Denoiser d, Observation[] obs, Settings settings) {
        return run(d, obs, settings, null);
    }

    private DiffusionPriorReconstruction.Result run(Denoiser d, Observation[] obs, Settings settings, float[] bank) {
        float[] y = new float[obs.length * DIM];
        double[] sd = new double[obs.length];
        for (int i = 0; i < obs.length; i++) {
            System.arraycopy(obs[i].y(), 0, y, i * DIM, DIM);
            sd[i] = obs[i].noiseStd();
        }
        return new DiffusionPriorReconstruction(settings).reconstruct(d, y, sd, bank, Seeds.of(3), manager,
                ProgressListener.NONE);
    }

    @Test
    void withoutNoiseOrWithLittleTheImageComesBack() {
        float[] a = pattern(0);
        TwoPointPrior prior = new TwoPointPrior(a, pattern(2));
        assertThat(DiffusionPriorReconstruction.startStep(S, 0)).isEqualTo(-1);
        var exact = run(prior, observe(a, 2, 0), new Settings(Process.DDIM, 10, 1, 4, 0, 64, Double.POSITIVE_INFINITY));
        assertThat(exact.mean()).containsExactly(concat(a, a));
        for (Process p : Process.values()) {
            var r = run(prior, observe(a, 4, 0.05 / 4), new Settings(p, 10, 1, 4, 0.5, 64, Double.POSITIVE_INFINITY));
            assertThat(r.startStep()[0]).isPositive().isLessThan(60);
            for (int i = 0; i < 4; i++) {
                assertThat(ImageSimilarity.psnr(pixels(r.mean(), i * DIM), pixels(a, 0))).as(p.name()).isGreaterThan(40);
            }
        }
    }

    @Test
    void atTinyEpsilonTheMeanIsTheDataMeanAndSamplesArePriorSamples() {
        float[] a = pattern(0);
        float[] b = pattern(2);
        TwoPointPrior prior = new TwoPointPrior(a, b);
        int n = 24;
        int k = 8;
        var r = run(prior, observe(a, n, 500), new Settings(Process.DDIM, 25, 1, k, 0, 256, Double.POSITIVE_INFINITY));
        assertThat(r.startStep()[0]).isEqualTo(S.steps() - 1);
        float[] pa = pixels(a, 0);
        float[] pb = pixels(b, 0);
        float[] dataMean = new float[DIM];
        double dataVar = 0;
        for (int j = 0; j < DIM; j++) {
            dataMean[j] = (pa[j] + pb[j]) / 2;
            dataVar += Math.pow((pa[j] - pb[j]) / 2, 2) / DIM;
        }
        double meanMse = 0;
        double sampleMse = 0;
        int nearA = 0;
        for (int i = 0; i < n; i++) {
            meanMse += ImageSimilarity.mse(pixels(r.mean(), i * DIM), pa) / n;
            for (int q = 0; q < k; q++) {
                float[] s = pixels(r.samples(), (i * k + q) * DIM);
                double toA = ImageSimilarity.mse(s, pa);
                double toB = ImageSimilarity.mse(s, pb);
                // each run is one of the two prior images, not a blend pulled towards the target
                assertThat(Math.min(toA, toB)).isLessThan(0.01 * dataVar);
                nearA += toA < toB ? 1 : 0;
                sampleMse += toA / (n * k);
            }
        }
        // the posterior mean ≈ (a + b)/2, so E‖mean − a‖² = var for a fair two-point prior; one run: 2·var
        assertThat(meanMse / dataVar).isBetween(0.9, 1.1);
        assertThat(sampleMse / dataVar).isBetween(1.6, 2.4);
        assertThat(nearA / (double) (n * k)).isBetween(0.35, 0.65);
        assertThat(ImageSimilarity.mse(pixels(r.mean(), 0), dataMean)).isLessThan(dataVar);
    }

    @Test
    void theMeanIsTheExactPosteriorMeanWhereTheObservationIsAmbiguous() {
        float[] a = pattern(0);
        float[] b = pattern(2);
        TwoPointPrior prior = new TwoPointPrior(a, b);
        int n = 16;
        Observation[] obs = observe(a, n, 0.5);
        Settings settings = new Settings(Process.DDIM, 10, 1, 4, 0, 64, Double.POSITIVE_INFINITY);
        var r = run(prior, obs, settings);
        float[] bank = new DiffusionPriorReconstruction(settings).priorBank(prior, 64, Seeds.of(9), manager,
                ProgressListener.NONE);
        int nearA = 0;
        for (int m = 0; m < 64; m++) {
            float[] x = pixels(bank, m * DIM);
            double toA = ImageSimilarity.mse(x, pixels(a, 0));
            double toB = ImageSimilarity.mse(x, pixels(b, 0));
            assertThat(Math.min(toA, toB)).isLessThan(1e-4);
            nearA += toA < toB ? 1 : 0;
        }
        assertThat(nearA).isBetween(20, 44);
        var banked = run(prior, obs, settings, bank);
        double gap = 0;
        for (int j = 0; j < DIM; j++) {
            gap += Math.pow(a[j] - b[j], 2);
        }
        double err = 0;
        double bankedErr = 0;
        double spread = 0;
        for (int i = 0; i < n; i++) {
            // p(a | y) = 1 / (1 + exp((‖y − a‖² − ‖y − b‖²) / 2σ²)) for the two-point prior; E[x₀ | y] = w a + (1 − w) b
            double da = 0;
            double db = 0;
            for (int j = 0; j < DIM; j++) {
                da += Math.pow(obs[i].y()[j] - a[j], 2);
                db += Math.pow(obs[i].y()[j] - b[j], 2);
            }
            double sd = obs[i].noiseStd();
            double w = 1 / (1 + Math.exp((da - db) / (2 * sd * sd)));
            spread += Math.min(w, 1 - w) / n;
            for (int j = 0; j < DIM; j++) {
                err += Math.pow(r.mean()[i * DIM + j] - (w * a[j] + (1 - w) * b[j]), 2) / (n * gap);
                bankedErr += Math.pow(banked.mean()[i * DIM + j] - (w * a[j] + (1 - w) * b[j]), 2) / (n * gap);
            }
            assertThat(banked.effectiveSamples()[i]).isGreaterThan(4).isLessThanOrEqualTo(64);
            assertThat(r.effectiveSamples()[i]).isZero();
        }
        // the observations are ambiguous (the exact mean is a blend) and the estimate sits on that blend, with K = 4
        // (the mean of 4 posterior samples would be off by about E[w(1 − w)]/4 of the gap)
        assertThat(spread).isGreaterThan(0.05);
        assertThat(err).isLessThan(0.005);
        // the bank's 64 prior samples weigh in by their ESS: still the exact mean, up to a few-sample error
        assertThat(bankedErr).isLessThan(0.02);
    }

    private static float[] concat(float[] a, float[] b) {
        float[] c = new float[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
