package org.diffleak.core.reconstruction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ImportanceWeightedPosteriorTest {

    @Test
    void twoPointPriorGivesTheExactPosteriorMean() {
        // prior: a with probability 3/4, b with 1/4, as a bank of 3 a's and 1 b
        float[] a = {1, 0, -1};
        float[] b = {-1, 0.5f, 1};
        float[] bank = new float[12];
        for (int m = 0; m < 4; m++) {
            System.arraycopy(m < 3 ? a : b, 0, bank, 3 * m, 3);
        }
        float[] y = {0.2f, 0.1f, 0.3f};
        double sigma = 0.9;
        double da = 0;
        double db = 0;
        for (int j = 0; j < 3; j++) {
            da += Math.pow(y[j] - a[j], 2);
            db += Math.pow(y[j] - b[j], 2);
        }
        double pa = 3 * Math.exp(-da / (2 * sigma * sigma));
        double pb = Math.exp(-db / (2 * sigma * sigma));
        double wa = pa / (pa + pb);
        var e = new ImportanceWeightedPosterior(bank, 3).estimate(y, 0, sigma);
        for (int j = 0; j < 3; j++) {
            assertThat((double) e.mean()[j]).isCloseTo(wa * a[j] + (1 - wa) * b[j], within(1e-6));
        }
        // (Σw)²/Σw² with three weights pa/3 and one pb
        double w1 = pa / 3;
        assertThat(e.effectiveSamples()).isCloseTo(Math.pow(3 * w1 + pb, 2) / (3 * w1 * w1 + pb * pb), within(1e-9));
    }

    @Test
    void uninformativeObservationGivesThePriorMeanAndInformativeOneTheNearestSample() {
        float[] bank = {0, 0, 1, 1, 4, 2};
        var posterior = new ImportanceWeightedPosterior(bank, 2);
        float[] y = {3.9f, 2.1f};
        var vague = posterior.estimate(y, 0, 1e4);
        assertThat((double) vague.mean()[0]).isCloseTo(5 / 3.0, within(1e-4));
        assertThat(vague.effectiveSamples()).isCloseTo(3, within(1e-3));
        var sharp = posterior.estimate(y, 0, 0.05);
        assertThat(sharp.mean()).containsExactly(4, 2);
        assertThat(sharp.effectiveSamples()).isCloseTo(1, within(1e-9));
    }

    @Test
    void rejectsBadInput() {
        assertThatThrownBy(() -> new ImportanceWeightedPosterior(new float[5], 2)).hasMessageContaining("whole number");
        var p = new ImportanceWeightedPosterior(new float[4], 2);
        assertThatThrownBy(() -> p.estimate(new float[2], 0, 0)).hasMessageContaining("> 0");
    }
}
