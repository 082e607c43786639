package org.diffleak.core.reconstruction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.diffleak.core.privacy.SpecialFunctions;
import org.junit.jupiter.api.Test;

class ReRoBoundTest {

    @Test
    void fullBatchIsTheExactGaussianShift() {
        // q = 1: log L = Σ (2z_t − 1)/(2σ²) is a Gaussian shift with μ = √T/σ, so γ = Φ(Φ⁻¹(κ) + √T/σ)
        double sigma = 4;
        long steps = 9;
        for (double kappa : new double[] {0.001, 0.01, 0.1}) {
            ReRoBound.Estimate e = ReRoBound.dpSgd(sigma, 1, steps, kappa, 200_000, new SplittableRandom(1));
            double exact = SpecialFunctions.normalCdf(SpecialFunctions.normalQuantile(kappa) + Math.sqrt(steps) / sigma);
            assertThat(e.samples()).isEqualTo(200_000);
            assertThat(e.standardError()).isPositive().isLessThan(0.005);
            assertThat(e.gamma()).as("κ = %s", kappa).isCloseTo(exact, within(4 * e.standardError() + 1e-3));
            assertThat(ReRoBound.gdp(Math.sqrt(steps) / sigma, kappa)).isCloseTo(exact, within(1e-12));
        }
    }

    @Test
    void subsampledBoundMeetsTheGdpLimitInTheCltRegime() {
        double sigma = 1;
        double q = 0.01;
        long steps = 2000;
        double kappa = 0.05;
        ReRoBound.Estimate e = ReRoBound.dpSgd(sigma, q, steps, kappa, 4000, new SplittableRandom(7));
        double gdp = ReRoBound.gdp(sigma, q, steps, kappa);
        assertThat(gdp).isBetween(0.1, 0.5);
        assertThat(e.gamma()).isCloseTo(gdp, within(0.02));
    }

    @Test
    void standardErrorCoversWhereFewDrawsLieAboveTheQuantile() {
        // κN ≈ 25: placing τ, not the binomial count, dominates the error; the stated error must cover it
        double sigma = 0.3625;
        double kappa = 0.00123;
        double exact = SpecialFunctions.normalCdf(SpecialFunctions.normalQuantile(kappa) + 1 / sigma);
        int runs = 40;
        double sum = 0;
        double sumSq = 0;
        double meanSe = 0;
        int covered = 0;
        for (int seed = 0; seed < runs; seed++) {
            ReRoBound.Estimate e = ReRoBound.dpSgd(sigma, 1, 1, kappa, 20_000, new SplittableRandom(seed));
            sum += e.gamma();
            sumSq += e.gamma() * e.gamma();
            meanSe += e.standardError() / runs;
            covered += Math.abs(e.gamma() - exact) <= 2 * e.standardError() ? 1 : 0;
        }
        double sd = Math.sqrt(sumSq / runs - Math.pow(sum / runs, 2));
        assertThat(sd).isBetween(0.6 * meanSe, 1.5 * meanSe);
        assertThat(covered).isGreaterThanOrEqualTo(34);
    }

    @Test
    void seededAndMonotoneInNoise() {
        assertThatThrownBy(() -> ReRoBound.dpSgd(1, 1, 1, 0.001, 5000, new SplittableRandom(0))).hasMessageContaining("10000 samples");
        ReRoBound.Estimate a = ReRoBound.dpSgd(2, 0.1, 50, 0.01, 2000, new SplittableRandom(3));
        ReRoBound.Estimate b = ReRoBound.dpSgd(2, 0.1, 50, 0.01, 2000, new SplittableRandom(3));
        ReRoBound.Estimate quieter = ReRoBound.dpSgd(8, 0.1, 50, 0.01, 2000, new SplittableRandom(3));
        assertThat(a).isEqualTo(b);
        assertThat(quieter.gamma()).isLessThan(a.gamma()).isGreaterThan(0.005);
    }

    @Test
    void rejectsBadArguments() {
        SplittableRandom r = new SplittableRandom(0);
        assertThatThrownBy(() -> ReRoBound.dpSgd(1, 0.1, 10, 0, 1000, r)).hasMessageContaining("κ");
        assertThatThrownBy(() -> ReRoBound.dpSgd(1, 1.5, 10, 0.1, 1000, r)).hasMessageContaining("sample rate");
        assertThatThrownBy(() -> ReRoBound.dpSgd(0, 0.1, 10, 0.1, 1000, r)).hasMessageContaining("σ");
        assertThatThrownBy(() -> ReRoBound.dpSgd(1, 0.1, 10, 0.1, 10, r)).hasMessageContaining("samples");
        assertThatThrownBy(() -> ReRoBound.gdp(-1, 0.1)).hasMessageContaining("μ");
    }
}
