package org.diffleak.core.membership.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.diffleak.core.metrics.MembershipMetrics;
import org.junit.jupiter.api.Test;

/** The quantile-regression attack: its gradient, its calibration at level α, and its point over one threshold. */
class QuantileRegressionTest {

    /** Non-member signal of an image with features x: its mean and spread both depend on x. */
    private static double signal(double[] x, SplittableRandom r) {
        return 2 * x[0] + (0.3 + 0.5 * Math.abs(x[1])) * r.nextGaussian();
    }

    private static double[][] features(int n, SplittableRandom r) {
        double[][] x = new double[n][3];
        for (double[] row : x) {
            for (int j = 0; j < row.length; j++) {
                row[j] = r.nextGaussian();
            }
        }
        return x;
    }

    @Test
    void gradientMatchesCentralDifferences() {
        SplittableRandom r = new SplittableRandom(5);
        double[][] x = features(20, r);
        double[] y = new double[20];
        for (int i = 0; i < y.length; i++) {
            y[i] = signal(x[i], r);
        }
        QuantileRegression.Layout at = new QuantileRegression.Layout(3, 4);
        QuantileRegression.Objective objective = new QuantileRegression.Objective(at, x, y, 1e-2);
        double[] w = new double[at.size()];
        for (int k = 0; k < w.length; k++) {
            w[k] = 0.5 * r.nextGaussian();
        }
        double[] grad = new double[w.length];
        objective.evaluate(w, grad);
        double[] scratch = new double[w.length];
        for (int k = 0; k < w.length; k++) {
            double h = 1e-6;
            double keep = w[k];
            w[k] = keep + h;
            double up = objective.evaluate(w, scratch);
            w[k] = keep - h;
            double down = objective.evaluate(w, scratch);
            w[k] = keep;
            assertThat(grad[k]).as("parameter %d", k).isCloseTo((up - down) / (2 * h), within(1e-6));
        }
    }

    @Test
    void testAtLevelAlphaHasFalsePositiveRateAlphaAndBeatsOneThreshold() {
        SplittableRandom r = new SplittableRandom(17);
        double[][] pub = features(1500, r);
        double[] pubSignal = new double[pub.length];
        for (int i = 0; i < pub.length; i++) {
            pubSignal[i] = signal(pub[i], r);
        }
        int n = 2000;
        double[][] cand = features(n, r);
        double[] s = new double[n];
        boolean[] member = new boolean[n];
        for (int i = 0; i < n; i++) {
            member[i] = i % 2 == 0;
            s[i] = signal(cand[i], r) + (member[i] ? 0.8 : 0);
        }
        QuantileRegression qr = new QuantileRegression(7);
        double[] scores = qr.scores(pub, pubSignal, cand, s);
        // level α = 5%: non-members above Φ⁻¹(0.95) = 1.6449
        int fp = 0;
        for (int i = 0; i < n; i++) {
            fp += !member[i] && scores[i] > 1.6449 ? 1 : 0;
        }
        assertThat(fp / (n / 2.0)).isBetween(0.03, 0.075);
        double calibrated = MembershipMetrics.auc(member, scores);
        double raw = MembershipMetrics.auc(member, s);
        assertThat(raw).isLessThan(0.65);
        assertThat(calibrated).isGreaterThan(raw + 0.15);
        assertThat(qr.scores(pub, pubSignal, cand, s)).as("same seed, same scores").containsExactly(scores);
    }

    @Test
    void refusesWhatItCannotFit() {
        assertThatThrownBy(() -> new QuantileRegression(4, 8, 10, 0.01, 0, 1)).hasMessageContaining("odd number");
        QuantileRegression qr = new QuantileRegression(1, 4, 10, 0.01, 0, 1);
        assertThatThrownBy(() -> qr.scores(new double[][] {{1}}, new double[] {1}, new double[][] {{1}},
                new double[] {1})).hasMessageContaining("≥ 2 public non-members");
        assertThatThrownBy(() -> qr.scores(new double[][] {{1}, {2}}, new double[] {1, 2}, new double[][] {{1, 2}},
                new double[] {1})).hasMessageContaining("needs 1 values");
    }
}
