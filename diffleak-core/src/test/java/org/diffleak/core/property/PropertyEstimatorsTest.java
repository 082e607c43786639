package org.diffleak.core.property;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.io.DataException;
import org.junit.jupiter.api.Test;

class PropertyEstimatorsTest {

    @Test
    void parsesNamedSetsLabelListsAndAttributes() {
        assertThat(BinaryProperty.parse("footwear").classes()).containsExactlyInAnyOrder(5, 7, 9);
        assertThat(BinaryProperty.parse("Footwear").name()).isEqualTo("footwear");
        assertThat(BinaryProperty.parse("1, 3").classes()).containsExactlyInAnyOrder(1, 3);
        assertThat(BinaryProperty.parse("attr:Smiling").attribute()).isEqualTo("Smiling");
        assertThatThrownBy(() -> BinaryProperty.parse("hats")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown property 'hats'");
    }

    @Test
    void propertyOfDatasetByLabelAndAttribute() {
        ImageDataset d = new ImageDataset("d", 1, 1, 1, new float[3], new int[] {5, 1, 9},
                java.util.List.of("Smiling"), new boolean[][] {{false}, {true}, {true}});
        assertThat(BinaryProperty.parse("footwear").of(d)).containsExactly(true, false, true);
        assertThat(BinaryProperty.parse("attr:Smiling").of(d)).containsExactly(false, true, true);
        assertThat(BinaryProperty.parse("footwear").relabel(d).labels()).containsExactly(1, 0, 1);
        assertThatThrownBy(() -> BinaryProperty.parse("attr:Bald").of(d)).isInstanceOf(DataException.class);
    }

    @Test
    void exactShareSubsetHasExactlyThatShareAndReplays() {
        boolean[] has = new boolean[1000];
        for (int i = 0; i < has.length; i++) {
            has[i] = i % 3 == 0;
        }
        for (double p : new double[] {0.1, 0.3, 0.5, 0.7, 0.9}) {
            int[] idx = ExactShareSubset.select(has, 200, p, new SplittableRandom(7));
            int k = 0;
            for (int i : idx) {
                k += has[i] ? 1 : 0;
            }
            assertThat(k).isEqualTo((int) Math.round(p * 200));
            assertThat(java.util.Arrays.stream(idx).distinct().count()).isEqualTo(200);
            assertThat(ExactShareSubset.select(has, 200, p, new SplittableRandom(7))).containsExactly(idx);
        }
        assertThatThrownBy(() -> ExactShareSubset.select(has, 500, 0.9, new SplittableRandom(1)))
                .isInstanceOf(DataException.class).hasMessageContaining("needs 450 with the property");
        boolean[] targets = ExactShareSubset.assignment(101, 0.5, new SplittableRandom(2));
        assertThat(BinaryProperty.share(targets)).isEqualTo(51 / 101.0);
    }

    /** Decisions of a classifier with TPR 0.8 and FPR 0.2 on n images at share p, exactly. */
    private static boolean[][] noisy(int n, double p) {
        boolean[] truth = new boolean[n];
        boolean[] pred = new boolean[n];
        int pos = (int) Math.round(p * n);
        for (int i = 0; i < n; i++) {
            truth[i] = i < pos;
            int rank = truth[i] ? i : i - pos;
            pred[i] = truth[i] ? rank % 5 != 0 : rank % 5 == 0;
        }
        return new boolean[][] {truth, pred};
    }

    @Test
    void classifierCountCorrectsForErrorRates() {
        boolean[][] cal = noisy(1000, 0.5);
        ClassifierCountEstimator est = new ClassifierCountEstimator(cal[0], cal[1]);
        assertThat(est.tpr()).isCloseTo(0.8, within(1e-12));
        assertThat(est.fpr()).isCloseTo(0.2, within(1e-12));
        boolean[] samples = noisy(500, 0.9)[1];
        ShareEstimate e = est.estimate(samples, 400, new SplittableRandom(5));
        // r = 0.9·0.8 + 0.1·0.2 = 0.74, and (0.74 − 0.2)/(0.8 − 0.2) = 0.9
        assertThat(e.raw()).isCloseTo(0.74, within(1e-12));
        assertThat(e.share()).isCloseTo(0.9, within(1e-12));
        assertThat(e.lower()).isLessThan(0.9).isGreaterThan(0.8);
        assertThat(e.upper()).isGreaterThan(0.9).isLessThanOrEqualTo(1.0);
        assertThat(ClassifierCountEstimator.correct(0.1, 0.8, 0.2)).isEqualTo(0.0);
        assertThat(ClassifierCountEstimator.correct(0.95, 0.8, 0.2)).isEqualTo(1.0);
        assertThat(est.estimate(samples, 400, new SplittableRandom(5))).isEqualTo(e);
    }

    /** Shadows whose sample probabilities are p ± noise; the regressor must recover held-out shares. */
    @Test
    void shadowRegressionRecoversSharesBetweenShadows() {
        int bins = 10;
        double[] shares = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};
        double[][] features = new double[shares.length][];
        for (int k = 0; k < shares.length; k++) {
            features[k] = ShadowFeatures.of(probabilities(shares[k], 400, k), encoder(shares[k], 400, k), bins);
        }
        ShadowRegression reg = ShadowRegression.fit(features, shares, bins, 1e-3);
        for (double p : new double[] {0.25, 0.45, 0.65}) {
            ShareEstimate e = reg.estimate(probabilities(p, 400, 99), encoder(p, 400, 99), 200, new SplittableRandom(1));
            assertThat(e.share()).isCloseTo(p, within(0.06));
            assertThat(e.lower()).isLessThanOrEqualTo(e.share());
            assertThat(e.upper()).isGreaterThanOrEqualTo(e.share());
        }
    }

    /** A fraction p of samples with probability near 0.9, the rest near 0.1. */
    private static double[] probabilities(double p, int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] q = new double[n];
        for (int i = 0; i < n; i++) {
            boolean has = i < Math.round(p * n);
            q[i] = Math.min(1, Math.max(0, (has ? 0.85 : 0.15) + 0.08 * rng.nextGaussian()));
        }
        return q;
    }

    /** Two encoder features: one tracks the property, one is noise. */
    private static double[][] encoder(double p, int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed + 1000);
        double[][] f = new double[n][2];
        for (int i = 0; i < n; i++) {
            boolean has = i < Math.round(p * n);
            f[i][0] = (has ? 1 : -1) + 0.5 * rng.nextGaussian();
            f[i][1] = rng.nextGaussian();
        }
        return f;
    }
}
