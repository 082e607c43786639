package org.diffleak.core.membership.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.diffleak.core.membership.inference.ThresholdInferenceTest.column;

import java.util.SplittableRandom;
import org.diffleak.core.metrics.MembershipMetrics;
import org.junit.jupiter.api.Test;

class GaussianLikelihoodRatioTest {

    @Test
    void oneDimensionIsTheLogRatioOfTwoNormalDensities() {
        // members {1,2,3,6}: μ₁ = 3, σ₁² = (4+1+0+9)/3 = 14/3; non-members {0,1,2}: μ₀ = 1, σ₀² = 1
        double[][] f = column(1, 2, 3, 6, 0, 1, 2);
        boolean[] m = {true, true, true, true, false, false, false};
        double v1 = 14.0 / 3;
        double v0 = 1;
        for (double lambda : new double[] {0, 0.1, 0.7}) { // shrinkage is void in one dimension
            GaussianLikelihoodRatio.Fitted fit = new GaussianLikelihoodRatio(lambda).fit(f, m);
            assertThat(fit.members().mean()).containsExactly(3);
            assertThat(fit.members().covariance()[0][0]).isCloseTo(v1, within(1e-8));
            for (double x : new double[] {-2, 0.5, 1.9, 3, 10}) {
                double logN1 = -0.5 * Math.log(2 * Math.PI * v1) - (x - 3) * (x - 3) / (2 * v1);
                double logN0 = -0.5 * Math.log(2 * Math.PI * v0) - (x - 1) * (x - 1) / (2 * v0);
                assertThat(fit.members().logDensity(new double[] {x})).isCloseTo(logN1, within(1e-8));
                assertThat(fit.score(new double[] {x})).isCloseTo(logN1 - logN0, within(1e-7));
                assertThat(fit.isMember(new double[] {x})).isEqualTo(logN1 > logN0);
            }
        }
    }

    @Test
    void shrinksTowardsTheScaledIdentityOfStandardisedFeatures() {
        // members (0,0) (2,2) (4,2): μ = (2, 4/3), S = [[4, 2], [2, 4/3]];
        // non-members (1,0) (1,2) (4,0): μ = (2, 2/3), S = [[3, -1], [-1, 4/3]]
        double[][] f = {{0, 0}, {2, 2}, {4, 2}, {1, 0}, {1, 2}, {4, 0}};
        boolean[] m = {true, true, true, false, false, false};
        // pooled over all six: means (2, 1), s² = (4+0+4+1+1+4)/5 = 14/5 and (1+1+1+1+1+1)/5 = 6/5
        double s0 = 14.0 / 5;
        double s1 = 6.0 / 5;
        double t = (4 / s0 + (4.0 / 3) / s1) / 2; // tr of S on standardised features, over d
        double lambda = 0.25;
        double[][] c = new GaussianLikelihoodRatio(lambda).fit(f, m).members().covariance();
        assertThat(c[0][0]).isCloseTo(0.75 * 4 + lambda * t * s0, within(1e-8));
        assertThat(c[1][1]).isCloseTo(0.75 * 4.0 / 3 + lambda * t * s1, within(1e-8));
        assertThat(c[0][1]).isCloseTo(0.75 * 2, within(1e-12));
        assertThat(c[1][0]).isEqualTo(c[0][1]);
        double[][] full = new GaussianLikelihoodRatio(1).fit(f, m).nonMembers().covariance();
        double t0 = (3 / s0 + (4.0 / 3) / s1) / 2;
        assertThat(full[0][0]).isCloseTo(t0 * s0, within(1e-8));
        assertThat(full[0][1]).isZero();
        // a 2-D density against its closed form with |Σ| and Σ⁻¹ written out
        GaussianLikelihoodRatio.Gaussian g = new GaussianLikelihoodRatio(lambda).fit(f, m).members();
        double det = c[0][0] * c[1][1] - c[0][1] * c[0][1];
        double dx = 3 - 2;
        double dy = -1 - 4.0 / 3;
        double quad = (c[1][1] * dx * dx - 2 * c[0][1] * dx * dy + c[0][0] * dy * dy) / det;
        assertThat(g.logDensity(new double[] {3, -1}))
                .isCloseTo(-Math.log(2 * Math.PI) - 0.5 * Math.log(det) - 0.5 * quad, within(1e-12));
    }

    @Test
    void scoresDoNotDependOnFeatureUnits() {
        double[][] d = gaussians(new SplittableRandom(11), 300, 1.0, 0.6);
        double[][] scaled = new double[d.length][];
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] = new double[] {d[i][0] * 1e-3, d[i][1] * 1e3};
        }
        boolean[] m = labels(300);
        GaussianLikelihoodRatio.Fitted a = new GaussianLikelihoodRatio().fit(d, m);
        GaussianLikelihoodRatio.Fitted b = new GaussianLikelihoodRatio().fit(scaled, m);
        for (int i = 0; i < 20; i++) {
            assertThat(b.score(scaled[i])).isCloseTo(a.score(d[i]), within(1e-9));
        }
    }

    @Test
    void separatesWellSeparatedGaussians() {
        // mean shift (2.5, 2.5), unit variances, correlation 0.3 on members and −0.3 on non-members:
        // Mahalanobis distance √(2·2.5²/1.3) ≈ 3.1 under the members' covariance alone, AUC ≈ Φ(3.1/√2) ≈ 0.986
        SplittableRandom r = new SplittableRandom(21);
        double[][] shadow = gaussians(r, 1000, 2.5, 0.3);
        double[][] target = gaussians(r, 1000, 2.5, 0.3);
        MembershipInference.Fitted fit = new GaussianLikelihoodRatio().fit(shadow, labels(1000));
        assertThat(MembershipMetrics.auc(labels(1000), fit.scoreAll(target))).isGreaterThan(0.95);
    }

    @Test
    void identicalDistributionsGiveChance() {
        SplittableRandom r = new SplittableRandom(22);
        double[][] shadow = gaussians(r, 1000, 0, 0);
        double[][] target = gaussians(r, 1000, 0, 0);
        MembershipInference.Fitted fit = new GaussianLikelihoodRatio().fit(shadow, labels(1000));
        assertThat(MembershipMetrics.auc(labels(1000), fit.scoreAll(target))).isCloseTo(0.5, within(0.06));
    }

    @Test
    void badInput() {
        GaussianLikelihoodRatio lr = new GaussianLikelihoodRatio();
        assertThatThrownBy(() -> lr.fit(column(1, 2, 3), new boolean[] {true, true, false}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("needs at least 2 shadow members and 2 non-members, got 2 members and 1 non-members");
        assertThatThrownBy(() -> lr.fit(new double[][] {{1, 5}, {2, 5}, {3, 5}, {4, 5}},
                new boolean[] {true, true, false, false})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("feature 1 has the same value in every shadow sample");
        assertThatThrownBy(() -> lr.fit(column(1, 1, 3, 4), new boolean[] {true, true, false, false}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("shadow members all have the same features; cannot fit a Gaussian");
        // two identical columns: singular S, kept positive definite by the ridge even without shrinkage
        double[][] twin = {{1, 1}, {2, 2}, {4, 4}, {0, 0}, {1, 1}, {3, 3}};
        boolean[] m = {true, true, true, false, false, false};
        assertThat(new GaussianLikelihoodRatio(0).fit(twin, m).score(new double[] {2, 2})).isFinite();
        assertThatThrownBy(() -> lr.fit(new double[][] {{1e200, 0}, {-1e200, 1}, {0, 2}, {0, 1}}, m4()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not positive definite");
        assertThatThrownBy(() -> new GaussianLikelihoodRatio(1.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[0, 1]");
        assertThatThrownBy(() -> lr.fit(twin, m).score(new double[] {Double.POSITIVE_INFINITY, 0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("query: feature 0 is Infinity");
    }

    private static boolean[] m4() {
        return new boolean[] {true, true, false, false};
    }

    /** n members then n non-members: N((shift, shift), [[1, ρ], [ρ, 1]]) and N(0, [[1, −ρ], [−ρ, 1]]). */
    static double[][] gaussians(SplittableRandom r, int n, double shift, double rho) {
        double[][] f = new double[2 * n][];
        for (int i = 0; i < 2 * n; i++) {
            boolean member = i < n;
            double c = member ? rho : -rho;
            double a = r.nextGaussian();
            double b = c * a + Math.sqrt(1 - c * c) * r.nextGaussian();
            f[i] = member ? new double[] {a + shift, b + shift} : new double[] {a, b};
        }
        return f;
    }

    static boolean[] labels(int n) {
        boolean[] m = new boolean[2 * n];
        for (int i = 0; i < n; i++) {
            m[i] = true;
        }
        return m;
    }
}
