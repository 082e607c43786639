package org.diffleak.core.inversion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AdamTest {

    @Test
    void firstStepMovesEachCoordinateByTheLearningRateAgainstItsGradientSign() {
        // k = 1: m̂ = g, v̂ = g², so the step is lr·g/(|g| + ε)
        float[] x = {1f, -2f, 0.5f};
        assertThat(new Adam(3).step(x, new float[] {3f, -0.01f, 0f}, 0.1)).isTrue();
        assertThat(x[0]).isCloseTo(0.9f, within(1e-6f));
        assertThat(x[1]).isCloseTo(-1.9f, within(1e-5f));
        assertThat(x[2]).isEqualTo(0.5f);
    }

    @Test
    void theFloat64StepMatchesTheFloat32StepBeforeRounding() {
        // the same moments: the float64 weights differ from the float32 ones only by float32 rounding
        float[] x = {1f, -2f, 0.5f};
        double[] w = {1, -2, 0.5};
        Adam single = new Adam(3);
        Adam dbl = new Adam(3);
        for (int k = 0; k < 3; k++) {
            single.step(x, new float[] {3f, -0.01f, 0.25f}, 0.1);
            dbl.step(w, new double[] {3, -0.01f, 0.25}, 0.1);
        }
        for (int i = 0; i < 3; i++) {
            assertThat((double) x[i]).isCloseTo(w[i], within(3.0 * Math.ulp(2f)));
        }
        assertThat(w[0]).isCloseTo(0.7, within(1e-6));
    }

    @Test
    void aNonFiniteGradientIsSkipped() {
        float[] x = {1f, 2f};
        assertThat(new Adam(2).step(x, new float[] {Float.NaN, 1f}, 0.1)).isFalse();
        assertThat(x).containsExactly(1f, 2f);
    }
}
