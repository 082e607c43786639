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
    void aNonFiniteGradientIsSkipped() {
        float[] x = {1f, 2f};
        assertThat(new Adam(2).step(x, new float[] {Float.NaN, 1f}, 0.1)).isFalse();
        assertThat(x).containsExactly(1f, 2f);
    }
}
