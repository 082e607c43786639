package org.diffleak.core.membership.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.diffleak.core.metrics.MembershipMetrics;
import org.junit.jupiter.api.Test;

class MlpInferenceTest {

    @Test
    void learnsXorWhereAThresholdCannot() {
        SplittableRandom r = new SplittableRandom(31);
        double[][] shadow = uniformSquare(r, 1000);
        double[][] target = uniformSquare(r, 1000);
        boolean[] shadowLabels = xor(shadow);
        boolean[] targetLabels = xor(target);
        MlpInference.Fitted mlp = new MlpInference(7).fit(shadow, shadowLabels);
        assertThat(MembershipMetrics.auc(targetLabels, mlp.scoreAll(target))).isGreaterThan(0.9);
        assertThat(mlp.trainingLoss()).isLessThan(0.5 * Math.log(2)); // chance is log 2
        int right = 0;
        for (int i = 0; i < target.length; i++) {
            right += mlp.isMember(target[i]) == targetLabels[i] ? 1 : 0;
        }
        assertThat(right).isGreaterThan(850);
        for (int feature = 0; feature < 2; feature++) {
            MembershipInference.Fitted t = new ThresholdInference(feature, true).fit(shadow, shadowLabels);
            assertThat(MembershipMetrics.auc(targetLabels, t.scoreAll(target))).isCloseTo(0.5, within(0.06));
        }
    }

    @Test
    void sameSeedSameScores() {
        SplittableRandom r = new SplittableRandom(32);
        double[][] shadow = uniformSquare(r, 200);
        double[][] target = uniformSquare(r, 50);
        boolean[] labels = xor(shadow);
        MlpInference mlp = new MlpInference(8, 100, 0.02, 1e-3, 99);
        double[] a = mlp.fit(shadow, labels).scoreAll(target);
        assertThat(mlp.fit(shadow, labels).scoreAll(target)).containsExactly(a);
        assertThat(new MlpInference(8, 100, 0.02, 1e-3, 100).fit(shadow, labels).scoreAll(target)).isNotEqualTo(a);
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        SplittableRandom r = new SplittableRandom(33);
        int n = 7;
        int d = 3;
        int h = 4;
        double[][] x = new double[n][d];
        double[] y = new double[n];
        double[] weight = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] = r.nextGaussian();
            }
            y[i] = i % 2;
            weight[i] = 0.5 / (i % 2 == 1 ? 3 : 4);
        }
        MlpInference.Layout at = new MlpInference.Layout(d, h);
        MlpInference.Objective objective = new MlpInference.Objective(at, x, y, weight, 0.3);
        double[] w = new double[at.size()];
        for (int k = 0; k < w.length; k++) {
            w[k] = r.nextGaussian();
        }
        double[] grad = new double[w.length];
        objective.evaluate(w, grad);
        double[] scratch = new double[w.length];
        for (int k = 0; k < w.length; k++) {
            double[] plus = w.clone();
            double[] minus = w.clone();
            plus[k] += 1e-6;
            minus[k] -= 1e-6;
            double numeric = (objective.evaluate(plus, scratch) - objective.evaluate(minus, scratch)) / 2e-6;
            assertThat(grad[k]).as("parameter %d", k).isCloseTo(numeric, within(1e-7));
        }
    }

    @Test
    void badSettings() {
        assertThatThrownBy(() -> new MlpInference(0, 10, 0.01, 0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hidden units and epochs must be ≥ 1");
        assertThatThrownBy(() -> new MlpInference(4, 10, Double.NaN, 0, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("learning rate");
        assertThatThrownBy(() -> new MlpInference(4, 10, 0.01, -1, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("weight decay");
    }

    static double[][] uniformSquare(SplittableRandom r, int n) {
        double[][] f = new double[n][];
        for (int i = 0; i < n; i++) {
            f[i] = new double[] {r.nextDouble(-1, 1), r.nextDouble(-1, 1)};
        }
        return f;
    }

    /** Member when both features share a sign: no single feature, and no line, separates the classes. */
    static boolean[] xor(double[][] f) {
        boolean[] m = new boolean[f.length];
        for (int i = 0; i < f.length; i++) {
            m[i] = f[i][0] * f[i][1] > 0;
        }
        return m;
    }
}
