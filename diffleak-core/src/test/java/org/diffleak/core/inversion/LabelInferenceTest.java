package org.diffleak.core.inversion;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LabelInferenceTest {

    @Test
    void recoversPresentClassesAndCountsFromTheBiasGradient() {
        // N = 10 with 7 of class 0 and 3 of class 2; p̄ = (0.5, 0.2, 0.3): ∂L/∂b_c = p̄_c − n_c/N
        double[] mean = {0.5, 0.2, 0.3};
        float[] bias = {(float) (0.5 - 0.7), 0.2f, (float) (0.3 - 0.3 - 1e-3)};
        LabelInference.Result r = LabelInference.infer(bias, 10, mean);
        assertThat(r.present()).containsExactly(0, 2);
        assertThat(r.counts()).containsExactly(7, 0, 3);
        assertThat(r.dominant()).isZero();
    }

    @Test
    void aConfidentOneClassBatchGetsAllItsImagesEvenWhereTheAuxiliaryPriorFavoursAnotherClass() {
        // footwear batch on a confident model: p̄ of the batch ≈ (0.01, 0.98, 0.01), p̂ from auxiliary data (0.5, 0.3, 0.2)
        LabelInference.Result r = LabelInference.infer(new float[] {0.01f, -0.02f, 0.01f}, 30,
                new double[] {0.5, 0.3, 0.2});
        assertThat(r.present()).containsExactly(1);
        assertThat(r.counts()).containsExactly(0, 30, 0);
        assertThat(r.dominant()).isEqualTo(1);
    }

    @Test
    void withNoNegativeEntryTheSmallestIsTakenAsPresent() {
        LabelInference.Result r = LabelInference.infer(new float[] {0.03f, 0.001f, 0.02f}, 8, new double[] {0.3, 0.4, 0.3});
        assertThat(r.present()).containsExactly(1);
        assertThat(r.dominant()).isEqualTo(1);
    }

    @Test
    void countsAlwaysSumToTheBatchSize() {
        LabelInference.Result r = LabelInference.infer(new float[] {-0.31f, 0.05f, 0.26f}, 30,
                new double[] {0.4, 0.3, 0.3});
        assertThat(r.counts()[0] + r.counts()[1] + r.counts()[2]).isEqualTo(30);
        assertThat(r.dominant()).isZero();
    }
}
