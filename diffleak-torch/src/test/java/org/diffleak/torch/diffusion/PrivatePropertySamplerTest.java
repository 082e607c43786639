package org.diffleak.torch.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.diffleak.core.property.BinaryProperty;
import org.diffleak.core.property.ClassifierCountEstimator;
import org.diffleak.core.property.ShareEstimate;
import org.diffleak.core.diffusion.NoiseSchedule;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.torch.NativeTest;
import org.junit.jupiter.api.Test;

/** The private sampler and the classifier-count attack on the exact denoiser of a two-template mixture. */
class PrivatePropertySamplerTest extends NativeTest {

    private static final NoiseSchedule S = NoiseSchedule.defaultLinear();
    private static final int SIDE = 4;
    private static final int N = 100;

    private static TwoTemplateMixture mixture(double p) {
        float[][] ab = TwoTemplateMixture.templates(SIDE);
        return new TwoTemplateMixture(S, ab[0], ab[1], p);
    }

    private NDArray noise(long seed) {
        return Noise.gaussian(manager, new Shape(N, 1, SIDE, SIDE), new SplittableRandom(seed));
    }

    /** ∇ log p(y | x_t) of the exact classifier is √ᾱ_t/(1−ᾱ_t)·(μ_y − Σ_k p(k | x_t) μ_k). */
    @Test
    void guidanceGradientMatchesClosedForm() {
        TwoTemplateMixture mix = mixture(0.5);
        int t = 400;
        NDArray x = noise(3).get("0:4");
        NDArray y = manager.create(new long[] {1, 0, 1, 0});
        float[] g = ClassifierGuidance.logProbGradient(mix, x, manager.full(new Shape(4), t, DataType.INT64), y)
                .toFloatArray();
        float[] pa = mix.logits(x, manager.full(new Shape(4), t, DataType.INT64)).softmax(1).get(":, 1").toFloatArray();
        double c = S.sqrtAlphaBar(t) / (1 - S.alphaBar(t));
        for (int i = 0; i < 4; i++) {
            float[] muY = i % 2 == 0 ? mix.a : mix.b;
            for (int j = 0; j < SIDE * SIDE; j++) {
                double mean = pa[i] * mix.a[j] + (1 - pa[i]) * mix.b[j];
                assertThat((double) g[i * SIDE * SIDE + j]).isCloseTo(c * (muY[j] - mean), within(2e-4 * c));
            }
        }
    }

    /** Sampler off: on a model of data at p = 0.9, classifier counting lands nearer 0.9 than 0.5. */
    @Test
    void classifierCountOnUndefendedSamplesFindsTheTrainingShare() {
        TwoTemplateMixture mix = mixture(0.9);
        float[] x0 = DdimSampler.of(S, 20, 0, true).sample(mix, noise(1), null, new SplittableRandom(2),
                ProgressListener.NONE).toFloatArray();
        boolean[] decisions = mix.judge(x0);
        boolean[] truth = new boolean[200];
        boolean[] pred = new boolean[200];
        for (int i = 0; i < 200; i++) {
            truth[i] = i % 2 == 0;
            pred[i] = truth[i] ? i % 20 != 0 : i % 20 == 1;
        }
        ShareEstimate e = new ClassifierCountEstimator(truth, pred).estimate(decisions, 200, new SplittableRandom(4));
        assertThat(Math.abs(e.share() - 0.9)).isLessThan(Math.abs(e.share() - 0.5));
        assertThat(e.share()).isCloseTo(0.9, within(0.1));
    }

    /** Sampler on at p* = 0.5: whatever the data's share, the judge finds 0.5 ± 0.05 among the samples. */
    @Test
    void privateSamplerHitsTheTargetShareForEveryTrainingShare() {
        for (double p : new double[] {0.1, 0.3, 0.5, 0.7, 0.9}) {
            TwoTemplateMixture mix = mixture(p);
            PrivatePropertySampler sampler = new PrivatePropertySampler(mix, 0.5, 4);
            boolean[] targets = sampler.assign(N, new SplittableRandom(11));
            float[] x0 = sampler.sample(mix, DdimSampler.of(S, 20, 0, true), noise(5), targets, new SplittableRandom(6),
                    ProgressListener.NONE).toFloatArray();
            assertThat(BinaryProperty.share(mix.judge(x0))).as("p = %s", p).isCloseTo(0.5, within(0.05));
        }
    }

    /** Without guidance the same sampler reproduces the data's share: the guidance does the work. */
    @Test
    void zeroScaleLeavesTheShareAlone() {
        TwoTemplateMixture mix = mixture(0.9);
        PrivatePropertySampler sampler = new PrivatePropertySampler(mix, 0.5, 0);
        float[] x0 = sampler.sample(mix, DdimSampler.of(S, 20, 0, true), noise(5),
                sampler.assign(N, new SplittableRandom(11)), new SplittableRandom(6), ProgressListener.NONE).toFloatArray();
        assertThat(BinaryProperty.share(mix.judge(x0))).isGreaterThan(0.75);
    }

    @Test
    void ddimIsDeterministicPerSeedAndDdpmAlsoSteers() {
        TwoTemplateMixture mix = mixture(0.9);
        PrivatePropertySampler sampler = new PrivatePropertySampler(mix, 0.5, 4);
        boolean[] targets = sampler.assign(N, new SplittableRandom(11));
        assertThat(sampler.assign(N, new SplittableRandom(11))).containsExactly(targets);
        float[] one = sampler.sample(mix, DdimSampler.of(S, 20, 0, true), noise(5), targets, new SplittableRandom(6),
                ProgressListener.NONE).toFloatArray();
        float[] two = sampler.sample(mix, DdimSampler.of(S, 20, 0, true), noise(5), targets, new SplittableRandom(6),
                ProgressListener.NONE).toFloatArray();
        assertThat(two).containsExactly(one);
        NoiseSchedule shortSchedule = NoiseSchedule.linear(100, 1e-3, 0.2);
        float[][] ab = TwoTemplateMixture.templates(SIDE);
        TwoTemplateMixture fast = new TwoTemplateMixture(shortSchedule, ab[0], ab[1], 0.9);
        float[] ddpm = new PrivatePropertySampler(fast, 0.5, 4).sample(fast, new DdpmSampler(shortSchedule), noise(5),
                targets, new SplittableRandom(6), ProgressListener.NONE).toFloatArray();
        assertThat(BinaryProperty.share(fast.judge(ddpm))).isCloseTo(0.5, within(0.05));
    }

    /** Guidance through x̂₀ (the classifier at t = 0 on the predicted clean image) steers as well. */
    @Test
    void predictedX0GuidanceSteers() {
        TwoTemplateMixture mix = mixture(0.9);
        PrivatePropertySampler sampler = new PrivatePropertySampler(mix, 0.5, 1e-3, ClassifierGuidance.Mode.PREDICTED_X0);
        float[] x0 = sampler.sample(mix, DdimSampler.of(S, 20, 0, true), noise(5),
                sampler.assign(N, new SplittableRandom(11)), new SplittableRandom(6), ProgressListener.NONE).toFloatArray();
        assertThat(BinaryProperty.share(mix.judge(x0))).isCloseTo(0.5, within(0.05));
    }

    /** Unguided draws redrawn until the check agrees: the share is exact, and the release replays per seed. */
    @Test
    void redrawsUntilTheCheckAgreesAndReplays() {
        TwoTemplateMixture mix = mixture(0.7);
        PrivatePropertySampler sampler = new PrivatePropertySampler(mix, 0.5, 0);
        boolean[] targets = sampler.assign(N, new SplittableRandom(11));
        PropertyCheck check = x -> mix.judge(x.toFloatArray());
        PrivatePropertySampler.Checked one = sampler.sampleChecked(mix, DdimSampler.of(S, 10, 0, true), manager,
                new Shape(N, 1, SIDE, SIDE), targets, org.diffleak.core.util.Seeds.of(3), check, 30, 32,
                ProgressListener.NONE);
        assertThat(one.accepted()).isEqualTo(N);
        assertThat(one.draws()).isGreaterThan(N);
        assertThat(mix.judge(one.samples().toFloatArray())).containsExactly(targets);
        PrivatePropertySampler.Checked two = sampler.sampleChecked(mix, DdimSampler.of(S, 10, 0, true), manager,
                new Shape(N, 1, SIDE, SIDE), targets, org.diffleak.core.util.Seeds.of(3), check, 30, 32,
                ProgressListener.NONE);
        assertThat(two.samples().toFloatArray()).containsExactly(one.samples().toFloatArray());
        assertThat(two.draws()).isEqualTo(one.draws());
    }

    @Test
    void rejectsBadInput() {
        assertThatThrownBy(() -> new PrivatePropertySampler(mixture(0.5), 1.5, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("p*");
        PrivatePropertySampler s = new PrivatePropertySampler(mixture(0.5), 0.5, 1);
        assertThatThrownBy(() -> s.sample(mixture(0.5), DdimSampler.of(S, 5, 0, true), noise(1), new boolean[3],
                new SplittableRandom(1), ProgressListener.NONE)).hasMessageContaining("3 target values for 100");
    }
}
