package org.diffleak.core.recommend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.diffleak.core.privacy.RdpAccountant;
import org.diffleak.core.privacy.SpecialFunctions;
import org.diffleak.core.reconstruction.ReRoBound;
import org.junit.jupiter.api.Test;

class ReRoRecommendationTest {

    @Test
    void brentFindsTheSafeSideOfACrossing() {
        double x = MonotoneRoot.decreasing(v -> 2 - v * v, 0, 1, 0, 10, 1e-12);
        assertThat(x).isCloseTo(Math.sqrt(2), within(1e-11));
        assertThat(2 - x * x).isLessThanOrEqualTo(0);
        // a step function: the crossing is the jump, reached from the safe side
        double step = MonotoneRoot.decreasing(v -> v < 0.3 ? 1 : -1, 5, 6, -10, 10, 1e-9);
        assertThat(step).isBetween(0.3, 0.3 + 1e-8);
        assertThatThrownBy(() -> MonotoneRoot.decreasing(v -> 1, 0, 1, 0, 10, 1e-9)).hasMessageContaining("still > 0");
        assertThatThrownBy(() -> MonotoneRoot.decreasing(v -> -1, 0, 1, 0, 10, 1e-9))
                .hasMessageContaining("already ≤ 0");
    }

    @Test
    void fullBatchTakesTheExactMuAndBinds() {
        // q = 1: μ = √T/σ exactly, and γ_GDP = γ* at σ = √T / (Φ⁻¹(γ*) − Φ⁻¹(κ))
        double kappa = 0.01;
        for (long steps : new long[] {1, 100}) {
            for (double gamma : new double[] {0.05, 0.2, 0.5, 0.9}) {
                double sigma = ReRoRecommendation.sigmaGdp(gamma, kappa, 1, steps);
                double muStar = SpecialFunctions.normalQuantile(gamma) - SpecialFunctions.normalQuantile(kappa);
                assertThat(ReRoBound.gdp(sigma, 1, steps, kappa)).as("γ* = %s", gamma).isCloseTo(gamma, within(1e-6))
                        .isLessThanOrEqualTo(gamma);
                assertThat(sigma).isCloseTo(Math.sqrt(steps) / muStar, within(1e-6 * sigma));
            }
        }
        // the case the CLT got wrong: q = T = 1, κ = 0.01, γ* = 0.05 gave σ 1.619 whose exact γ is 0.0438
        ReRoRecommendation.Result r = ReRoRecommendation.recommend(0.05, 0.01, 1, 1, 1e-5, 20_000, 3);
        assertThat(r.binding()).isEqualTo(ReRoRecommendation.GDP);
        assertThat(ReRoBound.gdp(ReRoBound.mu(r.noiseMultiplier(), 1, 1), 0.01)).isCloseTo(0.05, within(1e-6));
        assertThat(r.noiseMultiplier()).isLessThan(1.619);
    }

    @Test
    void belowTheFullBatchTheCltMuMatchesItsClosedForm() {
        double kappa = 0.01;
        for (double gamma : new double[] {0.05, 0.2, 0.5}) {
            double sigma = ReRoRecommendation.sigmaGdp(gamma, kappa, 0.1, 50);
            double muStar = SpecialFunctions.normalQuantile(gamma) - SpecialFunctions.normalQuantile(kappa);
            assertThat(sigma).isCloseTo(1 / Math.sqrt(Math.log1p(muStar * muStar / (0.01 * 50))),
                    within(1e-6 * sigma));
        }
    }

    @Test
    void monteCarloSideMatchesTheExactGaussianBoundAtOneStep() {
        // q = 1, T = 1 is the Gaussian mechanism with sensitivity 1: exactly γ = Φ(Φ⁻¹(κ) + 1/σ)
        double kappa = 0.01;
        double gamma = 0.3;
        double sigma = ReRoRecommendation.sigmaMonteCarlo(gamma, kappa, 1, 1, 40_000, 7);
        double exact = 1 / (SpecialFunctions.normalQuantile(gamma) - SpecialFunctions.normalQuantile(kappa));
        assertThat(sigma).isCloseTo(exact, within(0.05 * exact));
        assertThat(ReRoBound.dpSgd(sigma, 1, 1, kappa, 40_000, new SplittableRandom(7)).gamma())
                .isLessThanOrEqualTo(gamma);
    }

    @Test
    void belowTheFullBatchMonteCarloBindsWithItsRdpEpsilon() {
        ReRoRecommendation.Result r = ReRoRecommendation.recommend(0.2, 0.01, 0.05, 50, 1e-5, 5_000, 3);
        assertThat(r.binding()).isEqualTo(ReRoRecommendation.MONTE_CARLO);
        assertThat(r.noiseMultiplier()).isEqualTo(r.monteCarlo().noiseMultiplier());
        RdpAccountant a = new RdpAccountant();
        a.step(r.noiseMultiplier(), 0.05, 50);
        assertThat(r.epsilon()).isEqualTo(a.epsilon(1e-5)).isEqualTo(r.monteCarlo().epsilon());
        assertThat(r.monteCarlo().gamma()).isLessThanOrEqualTo(0.2);
        assertThat(r.gdp().gamma()).isLessThanOrEqualTo(0.2).isCloseTo(0.2, within(1e-6));
    }

    @Test
    void recommendationGrowsWithTheTolerance() {
        double previous = 0;
        for (double gamma : new double[] {0.02, 0.05, 0.1, 0.2, 0.4, 0.7}) {
            ReRoRecommendation.Result r = ReRoRecommendation.recommend(gamma, 0.01, 0.1, 20, 1e-5, 4_000, 11);
            assertThat(r.epsilon()).as("γ* = %s", gamma).isGreaterThan(previous);
            previous = r.epsilon();
        }
    }

    @Test
    void rejectsToleranceOutsideTheUnitIntervalOrNotAboveKappa() {
        for (double bad : new double[] {0, 1, -0.1, 1.5, Double.NaN}) {
            assertThatThrownBy(() -> ReRoRecommendation.recommend(bad, 0.01, 1, 1, 1e-5, 1000, 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be in (0, 1)");
        }
        assertThatThrownBy(() -> ReRoRecommendation.recommend(0.01, 0.05, 1, 1, 1e-5, 1000, 0))
                .hasMessageContaining("is not above κ");
    }
}
