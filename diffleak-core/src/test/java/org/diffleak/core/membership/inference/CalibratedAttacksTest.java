package org.diffleak.core.membership.inference;

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
    void liraIsTheGaussianLogLikelihoodRatioAroundTheMedians() {
        // one candidate: IN shadows 1, 3, 8 (median 3), OUT shadows 0, 2, 2 (median 2); per example σ_in = √(26/3),
        // σ_out = √(8/9) (ddof 0); the target's signal 2
        double[][][] shadows = {{{1}}, {{3}}, {{8}}, {{0}}, {{2}}, {{2}}};
        boolean[][] in = {{true}, {true}, {true}, {false}, {false}, {false}};
        double sdIn = Math.sqrt(26.0 / 3);
        double sdOut = Math.sqrt(8.0 / 9);
        double[] online = new Lira(true, Lira.Variance.PER_EXAMPLE, false, true).scores(new double[][] {{2}}, shadows,
                in);
        assertThat(online[0]).isCloseTo(Lira.logDensity(2, 3, sdIn) - Lira.logDensity(2, 2, sdOut), within(1e-12));
        double[] twoSided = new Lira(false, Lira.Variance.PER_EXAMPLE, false, true).scores(new double[][] {{2}},
                shadows, in);
        assertThat(twoSided[0]).isCloseTo(-Lira.logDensity(2, 2, sdOut), within(1e-12));
        double[] oneSided = new Lira(false, Lira.Variance.PER_EXAMPLE, true, true).scores(new double[][] {{2}},
                shadows, in);
        assertThat(oneSided[0]).isCloseTo(Math.log(0.5), within(1e-12));
        assertThatThrownBy(() -> new Lira(true, Lira.Variance.AUTO, false, true).scores(new double[][] {{2}},
                new double[][][] {{{1}}}, new boolean[][] {{false}})).hasMessageContaining("no IN shadow");
    }

    /** One shadow per side: the fixed σ (all IN signals pooled) keeps the scores finite and ordered. */
    @Test
    void oneShadowPerSideKeepsFiniteScores() {
        double[][][] shadows = {{{1}, {5}, {0}}, {{0}, {4}, {3}}};
        boolean[][] in = {{true, true, false}, {false, false, true}};
        double[] s = Lira.reference(true).scores(new double[][] {{1}, {4}, {0}}, shadows, in);
        assertThat(java.util.Arrays.stream(s).allMatch(Double::isFinite)).isTrue();
        // σ = std of IN signals {1, 5, 3} = √(8/3): the first candidate sits on its IN signal, the second on its OUT
        assertThat(s[0]).isGreaterThan(0);
        assertThat(s[1]).isLessThan(0);
        assertThat(Math.abs(s[0])).isLessThan(10);
    }

    /** With few shadows a candidate no shadow covers on a side takes that side's mean and spread, when allowed. */
    @Test
    void uncoveredCandidatesFallBackOnlyWhenAllowed() {
        double[][][] two = {{{1}, {5}}, {{3}, {5}}, {{0}, {4}}, {{2}, {6}}};
        boolean[][] twoIn = {{true, false}, {true, false}, {false, false}, {false, false}};
        double[] s = new Lira(true, Lira.Variance.AUTO, false, false).scores(new double[][] {{2}, {5}}, two, twoIn);
        assertThat(java.util.Arrays.stream(s).allMatch(Double::isFinite)).isTrue();
        assertThatThrownBy(() -> Lira.reference(true).scores(new double[][] {{2}, {5}}, two, twoIn))
                .hasMessageContaining("candidate 1 has no IN shadow");
    }

    @Test
    void rmiaComparesLikelihoodRatiosPairwise() {
        // the reference is the target itself: every ratio is 1, and LR(x)/LR(z) > γ = 1 holds for no pair
        double[] s = {-3, -1, 2};
        double[] z = {-2, 0};
        double[] same = new Rmia(1).scores(s, new double[][] {s}, null, z, new double[][] {z});
        assertThat(same).containsExactly(0, 0, 0);
        // log LR(x) = s − r: 1, 0, −1 against z's 0.5, −0.5: fractions of z strictly below each
        double[] r = {-4, -1, 3};
        double[] zr = {-2.5, 0.5};
        double[] scores = new Rmia(1).scores(s, new double[][] {r}, null, z, new double[][] {zr});
        assertThat(scores).containsExactly(1, 0.5, 0);
    }

    /**
     * The Gaussian reading of a signal: Φ((s − median of the references)/σ) with σ the pooled spread around the
     * medians. Hand-worked: references 0, 2 on x (median 1) and 1, 3 on z (median 2), all four 1 away from their
     * median, so σ = 1. And RMIA on it does not move when the signal's unit changes (s → 784 s + 5), where reading
     * the raw signal as log Pr does.
     */
    @Test
    void gaussianLikelihoodIsTheReferencesCdfAndScaleFree() {
        var lp = GaussianSignalLikelihood.of(new double[] {2}, new double[][] {{0}, {2}}, new double[] {2},
                new double[][] {{1}, {3}});
        assertThat(lp.target()[0]).isCloseTo(Math.log(SpecialFunctions.normalCdf(1)), within(1e-12));
        assertThat(lp.populationTarget()[0]).isCloseTo(Math.log(0.5), within(1e-12));
        assertThat(lp.references()[0][0]).isCloseTo(Math.log(SpecialFunctions.normalCdf(-1)), within(1e-12));
        SplittableRandom rng = new SplittableRandom(5);
        int n = 60;
        int k = 4;
        double[] t = new double[n];
        double[][] refs = new double[k][n];
        double[] tz = new double[n];
        double[][] refsZ = new double[k][n];
        for (int i = 0; i < n; i++) {
            t[i] = rng.nextGaussian() + (i % 2);
            tz[i] = rng.nextGaussian();
            for (int m = 0; m < k; m++) {
                refs[m][i] = rng.nextGaussian();
                refsZ[m][i] = rng.nextGaussian();
            }
        }
        double[] plain = gaussianRmia(t, refs, tz, refsZ, 1, 0);
        assertThat(gaussianRmia(t, refs, tz, refsZ, 784, 5)).containsExactly(plain);
        double[] rawScaled = new Rmia(1).scores(scale(t, 784, 5), scale(refs, 784, 5), null, scale(tz, 784, 5),
                scale(refsZ, 784, 5));
        assertThat(rawScaled).isNotEqualTo(new Rmia(1).scores(t, refs, null, tz, refsZ));
    }

    private static double[] gaussianRmia(double[] t, double[][] refs, double[] tz, double[][] refsZ, double a,
            double b) {
        var lp = GaussianSignalLikelihood.of(scale(t, a, b), scale(refs, a, b), scale(tz, a, b), scale(refsZ, a, b));
        return new Rmia(1).scores(lp.target(), lp.references(), null, lp.populationTarget(), lp.populationReferences());
    }

    private static double[] scale(double[] v, double a, double b) {
        return java.util.Arrays.stream(v).map(x -> a * x + b).toArray();
    }

    private static double[][] scale(double[][] v, double a, double b) {
        return java.util.Arrays.stream(v).map(r -> scale(r, a, b)).toArray(double[][]::new);
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
        double online = auc(targetIn, new Lira(true, Lira.Variance.GLOBAL, false, false).scores(target, sh, in));
        double offline = auc(targetIn, new Lira(false, Lira.Variance.GLOBAL, false, false).scores(target, sh, in));
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
