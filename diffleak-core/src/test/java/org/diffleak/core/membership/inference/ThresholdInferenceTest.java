package org.diffleak.core.membership.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.diffleak.core.metrics.Roc;
import org.junit.jupiter.api.Test;

class ThresholdInferenceTest {

    @Test
    void picksTheBalancedAccuracyMaximum() {
        // members {3,4,5,6}, non-members {1,2,3.5}; midpoints 1.5, 2.5, 3.25, 3.75, 4.5, 5.5:
        // at 2.5 TPR 4/4, TNR 2/3 → 5/6; at 3.75 TPR 3/4, TNR 3/3 → 7/8 (plain accuracy is 6/7 at both)
        double[][] f = column(3, 4, 5, 6, 1, 2, 3.5);
        boolean[] m = {true, true, true, true, false, false, false};
        ThresholdInference.Fitted fit = new ThresholdInference().fit(f, m);
        assertThat(fit.threshold()).isEqualTo(3.75);
        assertThat(fit.balancedAccuracy()).isEqualTo(7.0 / 8);
        assertThat(fit.isMember(new double[] {3.75})).isTrue();
        assertThat(fit.isMember(new double[] {3.7})).isFalse();
        assertThat(fit.score(new double[] {3.7})).isEqualTo(3.7);
        assertThat(fit.scoreAll(new double[][] {{1}, {9}})).containsExactly(1, 9);
    }

    @Test
    void equalBalancedAccuraciesGoToTheLowerThreshold() {
        // members {3,4,5}, non-members {1,2,3.5}: 5/6 at both 2.5 (TPR 1, TNR 2/3) and 3.75 (TPR 2/3, TNR 1)
        ThresholdInference.Fitted fit = new ThresholdInference().fit(column(3, 4, 5, 1, 2, 3.5),
                new boolean[] {true, true, true, false, false, false});
        assertThat(fit.threshold()).isEqualTo(2.5);
        assertThat(fit.balancedAccuracy()).isCloseTo(5.0 / 6, within(1e-15));
    }

    @Test
    void lowerIsMemberForDistances() {
        // the first case with every value negated
        double[][] f = column(-3, -4, -5, -6, -1, -2, -3.5);
        boolean[] m = {true, true, true, true, false, false, false};
        ThresholdInference.Fitted fit = new ThresholdInference(0, false).fit(f, m);
        assertThat(fit.threshold()).isEqualTo(-3.75);
        assertThat(fit.balancedAccuracy()).isEqualTo(7.0 / 8);
        assertThat(fit.isMember(new double[] {-3.75})).isTrue();
        assertThat(fit.isMember(new double[] {-3.7})).isFalse();
        assertThat(fit.score(new double[] {-3.7})).isEqualTo(3.7);
    }

    @Test
    void usesTheChosenFeatureOnly() {
        double[][] f = {{9, 3}, {-9, 4}, {0, 5}, {0, 6}, {100, 1}, {100, 2}, {100, 3.5}};
        boolean[] m = {true, true, true, true, false, false, false};
        ThresholdInference.Fitted fit = new ThresholdInference(1, true).fit(f, m);
        assertThat(fit.threshold()).isEqualTo(3.75);
        assertThat(fit.score(new double[] {-50, 4})).isEqualTo(4);
        assertThatThrownBy(() -> new ThresholdInference(2, true).fit(f, m))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("feature index 2");
    }

    @Test
    void noSignalCallsEveryoneAMember() {
        ThresholdInference.Fitted fit = new ThresholdInference().fit(column(1, 1, 1, 1), new boolean[] {true,
                false, true, false});
        assertThat(fit.threshold()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(fit.balancedAccuracy()).isEqualTo(0.5);
        assertThat(fit.isMember(new double[] {-1e300})).isTrue();
        assertThat(new ThresholdInference(0, false).fit(column(1, 1), new boolean[] {true, false}).threshold())
                .isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void adjacentDoublesStillSeparate() {
        double up = Math.nextUp(1.0);
        ThresholdInference.Fitted fit = new ThresholdInference().fit(column(up, 1), new boolean[] {true, false});
        assertThat(fit.balancedAccuracy()).isEqualTo(1);
        assertThat(fit.isMember(new double[] {up})).isTrue();
        assertThat(fit.isMember(new double[] {1})).isFalse();
    }

    @Test
    void matchesTheBestBalancedAccuracyOfTheExactRoc() {
        SplittableRandom r = new SplittableRandom(5);
        int n = 501;
        double[][] f = new double[n][1];
        boolean[] m = new boolean[n];
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            m[i] = i % 3 == 0;
            f[i][0] = Math.round((r.nextGaussian() + (m[i] ? 0.8 : 0)) * 5) / 5.0; // ties
            s[i] = f[i][0];
        }
        ThresholdInference.Fitted fit = new ThresholdInference().fit(f, m);
        assertThat(fit.balancedAccuracy()).isCloseTo(Roc.of(m, s).balancedAccuracy(), within(1e-12));
        // brute force: the chosen threshold's own balanced accuracy on the shadows
        double tp = 0;
        double tn = 0;
        for (int i = 0; i < n; i++) {
            boolean call = fit.isMember(f[i]);
            tp += m[i] && call ? 1 : 0;
            tn += !m[i] && !call ? 1 : 0;
        }
        assertThat((tp / 167 + tn / 334) / 2).isCloseTo(fit.balancedAccuracy(), within(1e-12));
    }

    static double[][] column(double... v) {
        double[][] f = new double[v.length][];
        for (int i = 0; i < v.length; i++) {
            f[i] = new double[] {v[i]};
        }
        return f;
    }
}
