package org.diffleak.core.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class NoiseScheduleTest {

    @Test
    void linearDefaultMatchesDdpm() {
        NoiseSchedule s = NoiseSchedule.defaultLinear();
        assertThat(s.steps()).isEqualTo(1000);
        assertThat(s.beta(0)).isEqualTo(1e-4);
        assertThat(s.beta(999)).isCloseTo(0.02, within(1e-15));
        assertThat(s.beta(1)).isCloseTo(1e-4 + (0.02 - 1e-4) / 999, within(1e-15));
        // ᾱ_t = ∏(1 − β_s): recompute by hand for a few t
        double prod = 1;
        for (int t = 0; t < 1000; t++) {
            prod *= 1 - s.beta(t);
            assertThat(s.alphaBar(t)).isCloseTo(prod, within(1e-15));
        }
        // the well-known end value of DDPM's linear schedule: ᾱ_T ≈ 4.04e-5
        assertThat(s.alphaBar(999)).isCloseTo(4.036e-5, within(1e-7));
        assertThat(s.alphaBar(-1)).isEqualTo(1.0);
    }

    @Test
    void cosineFollowsItsClosedForm() {
        NoiseSchedule s = NoiseSchedule.cosine(1000);
        double f0 = Math.pow(Math.cos(0.008 / 1.008 * Math.PI / 2), 2);
        for (int t : new int[] {0, 10, 500, 900}) {
            double u = (t + 1) / 1000.0;
            double want = Math.pow(Math.cos((u + 0.008) / 1.008 * Math.PI / 2), 2) / f0;
            assertThat(s.alphaBar(t)).isCloseTo(want, within(1e-9));
        }
        assertThat(s.beta(999)).isLessThanOrEqualTo(0.999);
    }

    @Test
    void derivedCoefficients() {
        NoiseSchedule s = NoiseSchedule.linear(10, 0.01, 0.2);
        int t = 4;
        assertThat(s.posteriorVariance(t))
                .isCloseTo((1 - s.alphaBar(3)) / (1 - s.alphaBar(4)) * s.beta(4), within(1e-15));
        assertThat(s.noiseToSignal(t)).isCloseTo(Math.sqrt((1 - s.alphaBar(4)) / s.alphaBar(4)), within(1e-15));
        int match = s.timestepForNoiseToSignal(s.noiseToSignal(6));
        assertThat(match).isEqualTo(6);
        assertThat(s.timestepForNoiseToSignal(1e-9)).isEqualTo(-1);
    }

    @Test
    void ddimTimestepsAreEvenlySpaced() {
        assertThat(NoiseSchedule.defaultLinear().ddimTimesteps(5)).containsExactly(0, 200, 400, 600, 800);
        assertThatThrownBy(() -> NoiseSchedule.defaultLinear().ddimTimesteps(0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsInvalidSchedules() {
        assertThatThrownBy(() -> NoiseSchedule.linear(0, 1e-4, 0.02)).hasMessageContaining("at least one step");
        assertThatThrownBy(() -> NoiseSchedule.linear(10, 0.5, 0.1)).hasMessageContaining("betaStart");
        assertThatThrownBy(() -> NoiseSchedule.linear(10, 1e-4, 1.0)).hasMessageContaining("betaEnd");
    }
}
