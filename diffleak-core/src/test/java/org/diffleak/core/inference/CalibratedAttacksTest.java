package org.diffleak.core.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.diffleak.core.metrics.MembershipMetrics;
import org.diffleak.core.privacy.SpecialFunctions;
import org.junit.jupiter.api.Test;

/** LiRA and RMIA against hand-worked values, and their point: per-candidate calibration beats one threshold. */
class CalibratedAttacksTest {

    @Test
    void liraIsTheGaussianLogLikelihoodRatio() {
        // one candidate: IN shadows 1, 3 (μ 2, σ √2), OUT shadows 0, 2 (μ 1, σ √2); the target's signal 2
        double[][][] shadows = {{{1}}, {{3}}, {{0}}, {{2}}};
        boolean[][] in = {{true}, {true}, {false}, {false}};
        double[] online = new Lira(true, false).scores(new double[][] {{2}}, shadows, in);
        // log N(2; 2, 2) − log N(2; 1, 2) = (2 − 1)² / (2·2)
        assertThat(online[0]).isCloseTo(0.25, within(1e-12));
        double[] offline = new Lira(false, false).scores(new double[][] {{2}}, shadows, in);
        assertThat(offline[0]).isCloseTo(SpecialFunctions.logNormalCdf(1 / Math.sqrt(2)), within(1e-12));
        assertThatThrownBy(() -> new Lira(true, false).scores(new double[][] {{2}}, new double[][][] {{{1}}},
                new boolean[][] {{false}})).hasMessageContaining("no shadow is IN for any candidate");
        // the second candidate has no IN shadow: it falls back to the IN side's mean and spread over all candidates
        double[][][] two = {{{1}, {5}}, {{3}, {5}}, {{0}, {4}}, {{2}, {6}}};
        boolean[][] twoIn = {{true, false}, {true, false}, {false, false}, {false, false}};
        double[] s = new Lira(true, false).scores(new double[][] {{2}, {5}}, two, twoIn);
        assertThat(s[0]).isCloseTo(0.25, within(1e-12));
        assertThat(s[1]).isFinite();
    }

    @Test
    void rmiaComparesLikelihoodRatiosPairwise() {
        // the reference is the target itself: every ratio is 1, so every candidate beats every z at γ = 1
        double[] s = {-3, -1, 2};
        double[] z = {-2, 0};
        double[] same = new Rmia(1).scores(s, new double[][] {s}, null, z, new double[][] {z});
        assertThat(same).containsExactly(1, 1, 1);
        // log LR(x) = s − r: 1, 0, −1 against z's 0.5, −0.5: fractions of z at or below each
        double[] r = {-4, -1, 3};
        double[] zr = {-2.5, 0.5};
        double[] scores = new Rmia(1).scores(s, new double[][] {r}, null, z, new double[][] {zr});
        assertThat(scores).containsExactly(1, 0.5, 0);
    }

    /** Candidates of very different difficulty: a signal c_i + δ·member + noise on each model. */
    @Test
    void calibrationBeatsTheSingleThresholdWhereCandidatesDifferInDifficulty() {
        int n = 400;
        int shadows = 16;
        SplittableRandom rng = new SplittableRandom(3);
        double[] difficulty = new double[n];
        for (int i = 0; i < n; i++) {
            difficulty[i] = 2 * rng.nextGaussian();
        }
        double delta = 0.6;
        boolean[] targetIn = new boolean[n];
        double[][] target = new double[n][1];
        double[] raw = new double[n];
        for (int i = 0; i < n; i++) {
            targetIn[i] = rng.nextBoolean();
            target[i][0] = difficulty[i] + (targetIn[i] ? delta : 0) + 0.3 * rng.nextGaussian();
            raw[i] = target[i][0];
        }
        double[][][] sh = new double[shadows][n][1];
        boolean[][] in = new boolean[shadows][n];
        double[][] ref = new double[shadows][n];
        for (int m = 0; m < shadows; m++) {
            for (int i = 0; i < n; i++) {
                in[m][i] = rng.nextBoolean();
                sh[m][i][0] = difficulty[i] + (in[m][i] ? delta : 0) + 0.3 * rng.nextGaussian();
                ref[m][i] = sh[m][i][0];
            }
        }
        double[] z = new double[200];
        double[][] zRef = new double[shadows][200];
        for (int k = 0; k < z.length; k++) {
            double c = 2 * rng.nextGaussian();
            z[k] = c + 0.3 * rng.nextGaussian();
            for (int m = 0; m < shadows; m++) {
                zRef[m][k] = c + (rng.nextBoolean() ? delta : 0) + 0.3 * rng.nextGaussian();
            }
        }
        double rawAuc = auc(targetIn, raw);
        double online = auc(targetIn, new Lira(true, true).scores(target, sh, in));
        double offline = auc(targetIn, new Lira(false, true).scores(target, sh, in));
        double rmia = auc(targetIn, new Rmia(1).scores(raw, ref, null, z, zRef));
        assertThat(rawAuc).isLessThan(0.65);
        assertThat(online).isGreaterThan(0.85).isGreaterThan(rawAuc + 0.2);
        assertThat(offline).isGreaterThan(0.8);
        assertThat(rmia).isGreaterThan(0.8);
    }

    private static double auc(boolean[] labels, double[] scores) {
        return MembershipMetrics.compute(labels, scores, 0, 0).auc();
    }
}
